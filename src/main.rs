//! The `waymark` command: parse arguments, run, map the outcome to an
//! exit code (0 ok, 1 content errors, 2 usage or I/O errors).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use waymark::BuildOptions;
use waymark::authoring::{graph, scaffold};
use waymark::base::date::today;

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
        format: graph::Format,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Draw how many reached each step and left there, from a
        /// `waymark insights --format json` report
        #[arg(long, value_name = "FILE")]
        insights: Option<PathBuf>,
        /// The language of the counts (default: the report's first)
        #[arg(long, requires = "insights")]
        lang: Option<String>,
    },
    /// Show which translations are current, outdated, missing or untracked
    #[command(
        after_help = "Examples:\n  waymark translations\n  waymark translations --format json\n  waymark translations --stamp content/articles/basics/intro.es.md"
    )]
    Translations {
        #[command(flatten)]
        site: SiteArgs,
        /// `human` (a table) or `json`
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Mark these translations as up to date with their source now
        #[arg(long, num_args = 1.., value_name = "FILE")]
        stamp: Vec<PathBuf>,
    },
    /// Report what customers searched for, where they left troubleshooters and what did not help, from access logs
    #[command(
        after_help = "Examples:\n  waymark insights /var/log/nginx/access.log /var/log/nginx/access.log.2.gz\n  waymark insights --format json --since 2026-11-01 access.log events.ndjson\n  waymark insights --output report/ access.log"
    )]
    Insights {
        /// Access logs (combined format; .gz too) and NDJSON event files
        #[arg(required = true)]
        logs: Vec<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// `human` (text) or `json`
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Also write the report as a static page into this folder
        #[arg(long)]
        output: Option<PathBuf>,
        /// First day to count (YYYY-MM-DD)
        #[arg(long)]
        since: Option<String>,
        /// Last day to count (YYYY-MM-DD)
        #[arg(long)]
        until: Option<String>,
        /// Only this language (a tag from site.yaml)
        #[arg(long)]
        lang: Option<String>,
        /// Votes a page needs before it gets a score
        #[arg(long, default_value_t = 5)]
        min_votes: u64,
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
        /// A category id from site.yaml
        #[arg(long)]
        category: String,
        #[command(flatten)]
        page: NewPageArgs,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create the translation of a source file, ready to translate
    #[command(
        after_help = "Example:\n  waymark new translation content/articles/basics/intro.md --lang es"
    )]
    Translation {
        /// The source file (an article's .md or a tree's .yaml)
        source: PathBuf,
        /// A language code listed under `languages:` in site.yaml
        #[arg(long)]
        lang: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create content/trees/<slug>.yaml
    #[command(after_help = "Example:\n  waymark new tree coex-connection")]
    Tree {
        slug: String,
        #[command(flatten)]
        page: NewPageArgs,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(clap::Args)]
struct NewPageArgs {
    /// Title [default: from the slug]
    #[arg(long)]
    title: Option<String>,
    /// The one-sentence description [default: a placeholder that `check` warns about]
    #[arg(long)]
    description: Option<String>,
}

impl NewPageArgs {
    fn page<'a>(&'a self, slug: &'a str) -> scaffold::NewPage<'a> {
        scaffold::NewPage {
            slug,
            title: self.title.as_deref(),
            description: self.description.as_deref(),
        }
    }
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
        } => build(&site, output, base_url),
        Command::Check {
            site,
            format,
            deny_warnings,
        } => check(&site, format, deny_warnings),
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => serve(site, port, bind, open),
        Command::New(NewCommand::Article {
            slug,
            category,
            page,
            root,
        }) => created(scaffold::new_article(
            &root,
            &page.page(&slug),
            &category,
            &today(),
        )),
        Command::New(NewCommand::Tree { slug, page, root }) => {
            created(scaffold::new_tree(&root, &page.page(&slug), &today()))
        }
        Command::New(NewCommand::Translation { source, lang, root }) => created(
            waymark::authoring::translate::new_translation(&root, &source, &lang),
        ),
        Command::Translations {
            site,
            format,
            stamp,
        } => translations(&site, format, &stamp),
        Command::Insights {
            logs,
            root,
            format,
            output,
            since,
            until,
            lang,
            min_votes,
        } => {
            for date in [&since, &until].into_iter().flatten() {
                if !waymark::base::date::is_iso_date(date) {
                    anyhow::bail!("`{date}` is not a date: write it as YYYY-MM-DD");
                }
            }
            let options = waymark::insights::Options {
                since,
                until,
                lang,
                min_votes,
            };
            let report = waymark::insights::read(&root, &logs, &options)?;
            if format == Format::Json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                print!("{}", report.text());
            }
            if let Some(dir) = output {
                let page = report.write_page(&dir, "Insights")?;
                eprintln!("wrote `{}`", page.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Graph {
            tree,
            format,
            root,
            insights,
            lang,
        } => {
            let counts = match insights {
                Some(file) => {
                    let json = std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", file.display()))?;
                    graph::counts_from_report(&json, &tree, lang.as_deref())?
                }
                None => graph::Counts::new(),
            };
            graph(&root, &tree, format, &counts)
        }
        Command::Init { dir } => init(&dir),
    }
}

/// `waymark translations`: the state of every translation, or `--stamp`.
fn translations(site: &SiteArgs, format: Format, stamp: &[PathBuf]) -> anyhow::Result<ExitCode> {
    use waymark::TranslationStatus as S;
    if !stamp.is_empty() {
        for file in stamp {
            let rel = file.strip_prefix(&site.root).unwrap_or(file);
            let hash = waymark::authoring::translate::stamp(&site.root, rel)?;
            eprintln!("stamped `{}` with source {hash}", rel.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut report = waymark::translations(&site.root, &options(site))?;
    // The table below says what is missing: not the summary line too.
    let states = &std::mem::take(&mut report.translations);
    let mut languages: Vec<&str> = Vec::new();
    for t in states {
        if !languages.contains(&t.language.as_str()) {
            languages.push(&t.language);
        }
    }
    let count = |lang: Option<&str>, status: S| {
        states
            .iter()
            .filter(|t| lang.is_none_or(|l| t.language == l) && t.status == status)
            .count()
    };
    let all = [S::Current, S::Outdated, S::Missing, S::Untracked];
    let totals = |lang: Option<&str>| -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for s in all {
            let name = serde_json::to_value(s).unwrap_or_default();
            map.insert(
                name.as_str().unwrap_or_default().into(),
                count(lang, s).into(),
            );
        }
        map.into()
    };
    if format == Format::Json {
        let by_language: serde_json::Map<String, serde_json::Value> = languages
            .iter()
            .map(|l| (l.to_string(), totals(Some(l))))
            .collect();
        let doc = serde_json::json!({
            "languages": by_language,
            "totals": totals(None),
            "pages": states,
        });
        println!("{doc}");
    } else {
        report.eprint();
        if states.is_empty() {
            println!(
                "this site has one language: no translations to track (add `languages:` to site.yaml)"
            );
        }
        for t in states {
            let status = serde_json::to_value(t.status).unwrap_or_default();
            let file = t.file.as_ref().unwrap_or(&t.source);
            println!(
                "{:<8} {:<10} {:<8} {}",
                t.language,
                status.as_str().unwrap_or_default(),
                t.kind,
                file.display()
            );
        }
        for l in &languages {
            println!(
                "{l}: {} current, {} outdated, {} missing, {} untracked",
                count(Some(l), S::Current),
                count(Some(l), S::Outdated),
                count(Some(l), S::Missing),
                count(Some(l), S::Untracked)
            );
        }
    }
    Ok(if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn options(site: &SiteArgs) -> BuildOptions {
    BuildOptions {
        drafts: site.drafts,
        ..BuildOptions::default()
    }
}

fn build(
    site: &SiteArgs,
    output: Option<PathBuf>,
    base_url: Option<String>,
) -> anyhow::Result<ExitCode> {
    let output = output.unwrap_or_else(|| site.root.join("public"));
    let options = BuildOptions {
        base_url,
        ..options(site)
    };
    let started = std::time::Instant::now();
    let report = waymark::build(&site.root, &output, &options)?;
    report.eprint();
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

fn check(site: &SiteArgs, format: Format, deny_warnings: bool) -> anyhow::Result<ExitCode> {
    let report = waymark::check(&site.root, &options(site))?;
    if format == Format::Json {
        // JSON on stdout stays machine-readable: no summaries there.
        for d in &report.diagnostics {
            println!("{}", waymark::diagnostic::to_json_line(d));
        }
    } else {
        report.eprint();
        for (slug, s) in &report.tree_stats {
            println!(
                "tree {slug}: {}, {}, {}, longest path {}",
                plural(s.nodes, "node"),
                plural(s.outcomes, "outcome"),
                plural(s.paths as usize, "distinct path"),
                plural(s.longest, "step")
            );
        }
    }
    let failed = report.has_errors() || (deny_warnings && report.warnings() > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn serve(site: SiteArgs, port: u16, bind: String, open: bool) -> anyhow::Result<ExitCode> {
    waymark::dev::serve(waymark::dev::ServeOptions {
        root: site.root,
        drafts: site.drafts,
        bind,
        port,
        on_ready: Box::new(move |url| {
            if open {
                open_browser(url);
            }
        }),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn created(path: anyhow::Result<PathBuf>) -> anyhow::Result<ExitCode> {
    println!("created {}", path?.display());
    Ok(ExitCode::SUCCESS)
}

fn graph(
    root: &Path,
    tree: &str,
    format: graph::Format,
    counts: &graph::Counts,
) -> anyhow::Result<ExitCode> {
    match graph::of_tree_with(root, tree, format, counts)? {
        Ok(text) => {
            print!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(report) => {
            report.eprint();
            Ok(ExitCode::from(1))
        }
    }
}

fn init(dir: &Path) -> anyhow::Result<ExitCode> {
    let files = scaffold::init(dir)?;
    println!(
        "created a site with {} files in `{}`",
        files.len(),
        dir.display()
    );
    println!("next: cd {} && waymark serve", dir.display());
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

/// "1 step", "2 steps".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
