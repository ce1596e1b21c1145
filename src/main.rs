//! The `waymark` command: parse arguments, run, map the outcome to an
//! exit code (0 ok, 1 content errors, 2 usage or I/O errors).

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use waymark::diagnostic::Severity;
use waymark::{BuildOptions, Report};

// Rendering thousands of pages is allocation-heavy; mimalloc measured
// faster than the system allocator on the 10,000-article benchmark.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "waymark",
    version,
    about = "A static site generator for help centers: Markdown articles and YAML troubleshooters."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (replaced only if the build succeeds)
    #[command(
        after_help = "Example:\n  waymark build --output public --base-url https://help.example.com/"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder [default: <root>/public]
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Override `base_url` from site.yaml
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check the content for mistakes without writing anything
    #[command(after_help = "Example:\n  waymark check --root path/to/site")]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// `human` (with source snippets) or `json` (one object per line)
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Treat warnings as errors (exit 1 if there are any)
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Build the site and serve it over HTTP for previewing
    #[command(after_help = "Example:\n  waymark serve --port 1111")]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Open the site in the default browser once it is served
        #[arg(long)]
        open: bool,
        /// Output folder [default: <root>/public]
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Create a new article or troubleshooter from a template
    #[command(subcommand)]
    New(NewCommand),
    /// Print a troubleshooter as a Mermaid flowchart or Graphviz DOT graph
    #[command(
        after_help = "Example:\n  waymark graph coex-connection --format dot | dot -Tsvg > coex-connection.svg"
    )]
    Graph {
        /// Slug of the tree (its file name in content/trees/)
        tree: String,
        #[arg(long, value_enum, default_value = "mermaid")]
        format: waymark::graph::Format,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site with the default theme and example content
    #[command(
        after_help = "Example:\n  waymark init my-help-center && cd my-help-center && waymark serve"
    )]
    Init {
        /// Folder to create the site in
        dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// Create content/articles/<category>/<slug>.md
    #[command(
        after_help = "Example:\n  waymark new article chats-not-syncing --category sync-problems"
    )]
    Article {
        slug: String,
        #[arg(long)]
        category: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create content/trees/<slug>.yaml
    #[command(after_help = "Example:\n  waymark new tree coex-connection")]
    Tree {
        slug: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(clap::Args)]
struct SiteArgs {
    /// Folder holding site.yaml
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include articles and trees marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

/// mimalloc's `purge_delay` option (the same number in mimalloc 2 and 3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Give freed memory back to the system after 50 ms rather than
    // mimalloc's default of a second: loading leaves much short-lived memory
    // behind. On the 10,000-article benchmark this lowers peak memory from
    // about 280 MB to 250 MB within the run-to-run noise of build time
    // (purging at once saved 65 MB but cost 25% more time).
    // SAFETY: sets a plain integer option; mimalloc reads it on each purge.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 50) };
    // No transparent huge pages: mimalloc asks for them, so each fault of
    // its heap zeroes 2 MiB, again after every purge, and counts whole
    // 2 MiB pages as resident. Without them the 10,000-article build peaks
    // about 25 MB lower (250 -> 225 MB) in the same time. Setting the
    // mimalloc option here would be too late: its heap is already mapped.
    // SAFETY: prctl with integer arguments only changes this process's
    // memory policy; the result is ignored (an older kernel keeps THP).
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0)
    };
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
        } => {
            let output = output.unwrap_or_else(|| site.root.join("public"));
            let options = BuildOptions {
                drafts: site.drafts,
                base_url,
            };
            let started = std::time::Instant::now();
            let report = waymark::build(&site.root, &output, &options)?;
            print_diagnostics(&report);
            if report.has_errors() {
                eprintln!(
                    "build failed; the previous output in `{}` is unchanged",
                    output.display()
                );
                return Ok(ExitCode::from(1));
            }
            eprintln!(
                "built {} files into `{}` in {} ms",
                report.files,
                output.display(),
                started.elapsed().as_millis()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            site,
            format,
            deny_warnings,
        } => {
            let options = BuildOptions {
                drafts: site.drafts,
                base_url: None,
            };
            let report = waymark::check(&site.root, &options)?;
            let warnings = report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            if format == Format::Json {
                for d in &report.diagnostics {
                    println!("{}", waymark::diagnostic::to_json_line(d));
                }
                // JSON on stdout stays machine-readable: no summaries there.
            } else {
                print_diagnostics(&report);
                for (slug, s) in &report.tree_stats {
                    println!(
                        "tree {slug}: {} nodes, {} outcomes, {} distinct paths, longest path {} steps",
                        s.nodes, s.outcomes, s.paths, s.longest
                    );
                }
            }
            let failed = report.has_errors() || (deny_warnings && warnings > 0);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Serve {
            site,
            port,
            bind,
            open,
            output,
        } => serve(&site, port, &bind, open, output),
        Command::New(NewCommand::Article {
            slug,
            category,
            root,
        }) => {
            let path = waymark::scaffold::new_article(
                &root,
                &slug,
                &category,
                &waymark::scaffold::today(),
            )?;
            println!("created {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::New(NewCommand::Tree { slug, root }) => {
            let path = waymark::scaffold::new_tree(&root, &slug, &waymark::scaffold::today())?;
            println!("created {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph { tree, format, root } => {
            let loaded = waymark::site::load(
                &root,
                &BuildOptions {
                    drafts: true,
                    base_url: None,
                },
            )?;
            let Some(site) = loaded.site else {
                let report = Report {
                    diagnostics: loaded.diagnostics,
                    sources: loaded.sources,
                    ..Report::default()
                };
                print_diagnostics(&report);
                return Ok(ExitCode::from(1));
            };
            match site.tree(&tree) {
                Some(t) => {
                    print!("{}", waymark::graph::render(t, format));
                    Ok(ExitCode::SUCCESS)
                }
                None => {
                    let near = waymark::diagnostic::suggest(
                        &tree,
                        site.trees.iter().map(|t| t.slug.as_str()),
                    );
                    let hint = near
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    eprintln!("error: no tree `{tree}` in content/trees/{hint}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Init { dir } => {
            let files = waymark::scaffold::init(&dir)?;
            println!(
                "created a site with {} files in `{}`",
                files.len(),
                dir.display()
            );
            println!("next: cd {} && waymark serve", dir.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn serve(
    site: &SiteArgs,
    port: u16,
    bind: &str,
    open: bool,
    output: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let (server, port) = waymark::serve::bind(bind, port)?;
    if bind != "127.0.0.1" && bind != "localhost" && bind != "::1" {
        eprintln!("warning: listening on {bind}: the preview is reachable from other machines");
    }
    let host = if bind == "0.0.0.0" { "127.0.0.1" } else { bind };
    let url = format!("http://{host}:{port}/");
    let output = output.unwrap_or_else(|| site.root.join("public"));
    let options = BuildOptions {
        drafts: site.drafts,
        base_url: Some(url.clone()),
    };
    let mut preview = waymark::preview::Preview::new(&site.root, &output, options);
    let live = std::sync::Arc::new(waymark::serve::Live::default());
    // A failed first build still serves whatever good site is on disk.
    let first = preview.rebuild()?;
    print_diagnostics(&first.report);
    if first.changed.is_none() {
        live.failed(&diagnostics_text(&first.report), &first.report.diagnostics);
        std::fs::create_dir_all(&output)?;
    }
    println!("serving {} on {url} (Ctrl-C to stop)", output.display());
    let root = output.clone();
    let server_live = live.clone();
    std::thread::spawn(move || waymark::serve::run(server, &root, Some(server_live)));
    if open {
        open_browser(&url);
    }
    // Ctrl-C waits for a rebuild in progress, so the output folder is
    // never left with a half-written file or a stray temporary folder.
    let building = std::sync::Arc::new(std::sync::Mutex::new(()));
    let on_interrupt = building.clone();
    ctrlc::set_handler(move || {
        let _idle = on_interrupt.lock();
        say("stopped");
        std::process::exit(0);
    })
    .map_err(|e| anyhow::anyhow!("cannot handle Ctrl-C: {e}"))?;
    // The callbacks rebuild; the watcher calls one at a time.
    let preview = std::cell::RefCell::new(preview);
    let report = |what: &str, result: anyhow::Result<waymark::preview::Rebuild>, css_only: bool| {
        match result {
            Ok(rebuild) => match rebuild.changed {
                Some(paths) => {
                    let urls: Vec<String> = paths
                        .iter()
                        .map(|p| waymark::preview::url_of("/", p))
                        .collect();
                    say(&format!(
                        "{what}: {} rendered, {} changed, {} ms",
                        plural(rebuild.report.files, "file"),
                        plural(paths.len(), "file"),
                        rebuild.millis
                    ));
                    print_diagnostics(&rebuild.report);
                    live.reloaded(&urls, css_only);
                }
                None => {
                    print_diagnostics(&rebuild.report);
                    eprintln!("{what} failed; still serving the last good site");
                    live.failed(
                        &diagnostics_text(&rebuild.report),
                        &rebuild.report.diagnostics,
                    );
                }
            },
            Err(e) => {
                eprintln!("error: {e:#}");
                live.failed(&format!("error: {e:#}"), &[]);
            }
        }
    };
    waymark::preview::watch(
        &site.root,
        &output,
        |changed| {
            let _building = building.lock();
            // Name what was edited, not the scratch files saving it made
            // (all of them when nothing else is left, say a deleted image).
            let real = preview.borrow().real_changes(&changed);
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
            // One article edited in place: its page and the pages showing
            // it go first; the search index follows once edits pause.
            let quick = preview.borrow_mut().update_article(&changed);
            match quick {
                Ok(Some(quick)) => {
                    report(&format!("updated {what}"), Ok(quick), false);
                    waymark::preview::Next::WhenIdle
                }
                Ok(None) | Err(_) => {
                    let css_only = changed
                        .iter()
                        .all(|p| p.extension().is_some_and(|e| e == "css"));
                    let rebuilt = preview.borrow_mut().rebuild();
                    report(&format!("rebuilt after {what}"), rebuilt, css_only);
                    live.synced();
                    waymark::preview::Next::Done
                }
            }
        },
        || {
            let _building = building.lock();
            let refreshed = preview.borrow_mut().refresh_search();
            match refreshed {
                Ok(Some(rebuild)) => report("search index refreshed", Ok(rebuild), false),
                Ok(None) => {}
                Err(e) => report("search index refresh", Err(e), false),
            }
            live.synced();
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Opens `url` with the desktop's opener; a machine without one only
/// loses the convenience.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("note: could not open a browser ({opener}: {e}); open {url} yourself");
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
    let source_of = |path: &Path| report.sources.get(path).map(String::as_str);
    report
        .diagnostics
        .iter()
        .map(|d| d.render(&source_of, false))
        .collect::<Vec<_>>()
        .join("\n")
}

fn print_diagnostics(report: &Report) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let source_of = |path: &Path| report.sources.get(path).map(String::as_str);
    let mut errors = 0;
    let mut warnings = 0;
    for d in &report.diagnostics {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
        }
        eprintln!("{}", d.render(&source_of, color));
    }
    if errors + warnings > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}
