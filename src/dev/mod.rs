//! `waymark serve`: watch the sources, rebuild in memory, serve over HTTP
//! with live reload. Nothing else in the crate imports this folder.

pub(crate) mod preview;
pub(crate) mod server;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::{BuildOptions, Report};
use preview::{Next, Preview, Rebuild};
use server::Live;

/// What `waymark serve` was asked for.
pub struct ServeOptions {
    pub root: PathBuf,
    pub drafts: bool,
    pub bind: String,
    pub port: u16,
    /// Called with the site's URL once it is served (`--open`).
    pub on_ready: Box<dyn FnOnce(&str)>,
}

/// Builds the site, serves it and rebuilds on every save until Ctrl-C.
pub fn serve(options: ServeOptions) -> anyhow::Result<()> {
    let (listener, port) = server::bind(&options.bind, options.port)?;
    if !matches!(options.bind.as_str(), "127.0.0.1" | "localhost" | "::1") {
        eprintln!(
            "warning: listening on {}: the preview is reachable from other machines",
            options.bind
        );
    }
    let host = if options.bind == "0.0.0.0" {
        "127.0.0.1"
    } else {
        &options.bind
    };
    let build_options = BuildOptions {
        drafts: options.drafts,
        base_url: None,
        origin: Some(format!("http://{host}:{port}")),
    };
    let served = server::SharedSite::default();
    let mut preview = Preview::new(&options.root, build_options, served.clone());
    let live = Arc::new(Live::default());
    // A failed first build still serves (the error overlay and a 404).
    let first = preview.rebuild()?;
    first.report.eprint();
    if first.changed.is_none() {
        live.failed(&diagnostics_text(&first.report), &first.report.diagnostics);
    }
    let url = format!("http://{host}:{port}{}", preview.base_path());
    say(&format!(
        "serving {} on {url} (Ctrl-C to stop)",
        options.root.display()
    ));
    server::spawn(listener, served, live.clone())?;
    (options.on_ready)(&url);
    // Ctrl-C waits for a rebuild in progress, so its report is whole.
    let building = Arc::new(Mutex::new(()));
    let on_interrupt = building.clone();
    ctrlc::set_handler(move || {
        let _idle = on_interrupt.lock();
        say("stopped");
        std::process::exit(0);
    })
    .map_err(|e| anyhow::anyhow!("cannot handle Ctrl-C: {e}"))?;
    let preview = std::cell::RefCell::new(preview);
    preview::watch(
        &options.root,
        |changed| {
            let _building = building.lock();
            on_change(&mut preview.borrow_mut(), &live, &changed)
        },
        || {
            let _building = building.lock();
            let refreshed = preview.borrow_mut().refresh_search();
            let base_path = preview.borrow().base_path();
            match refreshed {
                Ok(Some(rebuild)) => {
                    announce(
                        "search index refreshed",
                        Ok(rebuild),
                        false,
                        &base_path,
                        &live,
                    );
                }
                Ok(None) => {}
                Err(e) => announce("search index refresh", Err(e), false, &base_path, &live),
            }
            live.synced();
        },
    )
}

/// One burst of saves: the quick path for one article edited in place
/// (its page and the pages showing it first, the search index once edits
/// pause), else a full rebuild.
fn on_change(preview: &mut Preview, live: &Live, changed: &[PathBuf]) -> Next {
    // Name what was edited, not the scratch files saving it made (all of
    // them when nothing else is left, say a deleted image).
    let real = preview.real_changes(changed);
    let named: Vec<&PathBuf> = if real.is_empty() {
        changed.iter().collect()
    } else {
        real
    };
    let what = named
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let base_path = preview.base_path();
    if let Ok(Some(quick)) = preview.update_article(changed) {
        announce(
            &format!("updated {what}"),
            Ok(quick),
            false,
            &base_path,
            live,
        );
        return Next::WhenIdle;
    }
    let css_only = changed
        .iter()
        .all(|p| p.extension().is_some_and(|e| e == "css"));
    let rebuilt = preview.rebuild();
    let base_path = preview.base_path();
    announce(
        &format!("rebuilt after {what}"),
        rebuilt,
        css_only,
        &base_path,
        live,
    );
    live.synced();
    Next::Done
}

/// Prints what a rebuild did and tells open pages.
fn announce(
    what: &str,
    result: anyhow::Result<Rebuild>,
    css_only: bool,
    base_path: &str,
    live: &Live,
) {
    match result {
        Ok(Rebuild {
            report,
            changed: Some(paths),
            millis,
        }) => {
            say(&format!(
                "{what}: {} rendered, {} changed, {millis} ms",
                plural(report.files, "file"),
                plural(paths.len(), "file"),
            ));
            report.eprint();
            let urls: Vec<String> = paths
                .iter()
                .map(|p| crate::text::link::url_of_file(base_path, p))
                .collect();
            live.reloaded(&urls, css_only);
        }
        Ok(Rebuild { report, .. }) => {
            report.eprint();
            eprintln!("{what} failed; still serving the last good site");
            live.failed(&diagnostics_text(&report), &report.diagnostics);
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            live.failed(&format!("error: {e:#}"), &[]);
        }
    }
}

/// "1 file", "2 files".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Prints a status line; a closed terminal must not stop the server.
fn say(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// Diagnostics as the terminal shows them, without colour.
fn diagnostics_text(report: &Report) -> String {
    report.render_diagnostics(false).join("\n")
}
