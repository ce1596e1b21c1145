//! `waymark insights`: what customers searched for and did not find, where
//! they left a troubleshooter and which pages did not help, read from the
//! host's access logs (plain or gzip) and NDJSON event files, one line at a
//! time, so memory stays flat however long the log.

pub mod log;
pub mod report;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Serialize;

use crate::load::site::{BuildOptions, Site};
use crate::load::tree::NodeKind;
use crate::text::words::{Language, fold, split_words};

/// What to read and which lines count.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `YYYY-MM-DD`, inclusive.
    pub since: Option<String>,
    pub until: Option<String>,
    /// Only this language (its tag, as in site.yaml).
    pub lang: Option<String>,
    /// Articles need this many votes before a score is shown.
    pub min_votes: u64,
}

/// One thing a customer did.
#[derive(Debug, Clone)]
enum Event {
    /// `page`: the results page's own event, whose page view the log has.
    Search {
        q: String,
        n: Option<u64>,
        page: bool,
    },
    /// A view of `/search/?q=`, with or without JavaScript.
    SearchView {
        q: String,
    },
    Click {
        q: String,
    },
    /// A step reached, in place (`from`: the step before) or as a page view
    /// (`from`: the referring step).
    Step {
        tree: String,
        node: String,
        from: Option<String>,
    },
    Outcome {
        tree: String,
        kind: String,
    },
    Escalate {
        tree: String,
        node: String,
    },
    Helpful {
        page: String,
        yes: bool,
        reason: Option<String>,
    },
}

/// An event with its language (`None`: the site's default) and day.
struct Seen {
    lang: Option<String>,
    date: Option<String>,
    event: Event,
}

/// Counts of what was read.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Lines {
    pub read: u64,
    /// Not a combined-format line or an event object: skipped.
    pub malformed: u64,
    pub bots: u64,
    /// Requests for paths this site does not have.
    pub unknown: u64,
    pub events: u64,
    pub page_views: u64,
    /// Outside `--since`/`--until`/`--lang`.
    pub filtered: u64,
}

#[derive(Debug, Default)]
struct SearchTally {
    count: u64,
    zero: u64,
    results: u64,
    clicks: u64,
}

#[derive(Debug, Default)]
struct TreeTally {
    reached: BTreeMap<String, u64>,
    went_on: BTreeMap<String, u64>,
    outcomes: BTreeMap<String, u64>,
    escalations: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
struct Votes {
    yes: u64,
    no: u64,
    reasons: BTreeMap<String, u64>,
}

/// Everything counted, by language.
#[derive(Debug, Default)]
pub struct Tally {
    pub lines: Lines,
    searches: HashMap<(String, String), SearchTally>,
    trees: BTreeMap<(String, String), TreeTally>,
    votes: BTreeMap<(String, String), Votes>,
}

/// What the reader knows of the site: where its pages are.
struct SiteMap {
    /// Base path of the default language (`/help/`).
    base: String,
    default_tag: String,
    /// `es/` → `es`.
    prefixes: Vec<(String, String)>,
    /// Tree slug → (start node, node ids).
    trees: HashMap<String, (String, HashSet<String>)>,
    articles: HashSet<String>,
}

impl SiteMap {
    fn of(site: &Site) -> SiteMap {
        SiteMap {
            base: site.config.base_path(),
            default_tag: site.config.language.clone(),
            prefixes: site
                .lang
                .all
                .iter()
                .filter(|l| !l.prefix.is_empty())
                .map(|l| (l.prefix.clone(), l.tag.clone()))
                .collect(),
            trees: site
                .trees
                .iter()
                .map(|t| {
                    let nodes = t.nodes.iter().map(|n| n.id.clone()).collect();
                    (t.slug.clone(), (t.start.clone(), nodes))
                })
                .collect(),
            articles: site.articles.iter().map(|a| a.slug.clone()).collect(),
        }
    }

    /// The language and site path of a request path; `None` outside the site.
    fn locate<'p>(&self, path: &'p str) -> Option<(String, &'p str)> {
        let rel = path.strip_prefix(self.base.as_str()).or_else(|| {
            // `/help` without its slash is the site's home too.
            (path == self.base.trim_end_matches('/')).then_some("")
        })?;
        for (prefix, tag) in &self.prefixes {
            if let Some(rest) = rel.strip_prefix(prefix.as_str()) {
                return Some((tag.clone(), rest));
            }
            if rel == prefix.trim_end_matches('/') {
                return Some((tag.clone(), ""));
            }
        }
        Some((self.default_tag.clone(), rel))
    }

    /// The tree step a site path shows, if any.
    fn step(&self, rel: &str) -> Option<(String, String)> {
        let rest = rel.strip_prefix("troubleshoot/")?;
        let mut parts = rest.trim_end_matches('/').split('/');
        let slug = parts.next()?;
        let (start, nodes) = self.trees.get(slug)?;
        match parts.next() {
            None => rest
                .ends_with('/')
                .then(|| (slug.to_string(), start.clone())),
            Some(node) if nodes.contains(node) && parts.next().is_none() => {
                Some((slug.to_string(), node.to_string()))
            }
            _ => None,
        }
    }

    /// Whether a site path is one of the site's files (other than steps).
    fn is_known(&self, rel: &str) -> bool {
        let first = rel.split('/').next().unwrap_or_default();
        match first {
            "" | "categories" | "tags" | "search" | "_insights" => true,
            "articles" => rel
                .split('/')
                .nth(1)
                .is_some_and(|slug| self.articles.contains(slug) || slug.is_empty()),
            "troubleshoot" => rel
                .split('/')
                .nth(1)
                .is_some_and(|slug| self.trees.contains_key(slug)),
            // Assets and static files: the site writes them by name.
            _ => !rel.ends_with('/') && rel.contains('.'),
        }
    }
}

/// Reads every log and event file in `files` for the site at `root`.
pub fn read(root: &Path, files: &[PathBuf], options: &Options) -> anyhow::Result<report::Report> {
    let loaded = crate::load::site::load(root, &BuildOptions::default())?;
    let site = loaded
        .site
        .context("site.yaml has errors: run `waymark check` first")?;
    let map = SiteMap::of(&site);
    let mut tally = Tally::default();
    for file in files {
        read_file(file, &map, options, &mut tally)
            .with_context(|| format!("cannot read `{}`", file.display()))?;
    }
    let mut matchers = vec![Matcher::of(
        &site,
        loaded.search.as_ref().map(|s| &s.analyser),
    )];
    for edition in &loaded.editions {
        matchers.push(Matcher::of(&edition.site, Some(&edition.search.analyser)));
    }
    Ok(report::build(&site, &tally, &matchers, options))
}

fn read_file(
    file: &Path,
    map: &SiteMap,
    options: &Options,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let f = std::fs::File::open(file)?;
    let reader: Box<dyn BufRead> = if file.extension().is_some_and(|e| e == "gz") {
        Box::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(
            f,
        )))
    } else {
        Box::new(std::io::BufReader::with_capacity(1 << 16, f))
    };
    read_lines(reader, map, options, tally)
}

/// Counts every line of `reader`: access-log lines and NDJSON events alike.
fn read_lines(
    mut reader: impl BufRead,
    map: &SiteMap,
    options: &Options,
    tally: &mut Tally,
) -> anyhow::Result<()> {
    let mut buf = Vec::with_capacity(512);
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim_end();
        if line.is_empty() {
            continue;
        }
        tally.lines.read += 1;
        let seen = if line.starts_with('{') {
            let seen = event_object(line);
            match seen {
                Some(_) => tally.lines.events += 1,
                None => tally.lines.malformed += 1,
            }
            seen
        } else {
            access_line(line, map, tally)
        };
        let Some(Seen { lang, date, event }) = seen else {
            continue;
        };
        let lang = lang.unwrap_or_else(|| map.default_tag.clone());
        let outside = options
            .lang
            .as_ref()
            .is_some_and(|l| !l.eq_ignore_ascii_case(&lang))
            || date.as_ref().is_some_and(|d| {
                options.since.as_ref().is_some_and(|s| d < s)
                    || options.until.as_ref().is_some_and(|u| d > u)
            });
        if outside {
            tally.lines.filtered += 1;
            continue;
        }
        count(tally, lang, event);
    }
}

/// One access-log line as what the customer did (an event request, a view
/// of a step or of search results); counts what it is not.
fn access_line(line: &str, map: &SiteMap, tally: &mut Tally) -> Option<Seen> {
    let Some(l) = log::parse_line(line) else {
        tally.lines.malformed += 1;
        return None;
    };
    if log::is_bot(l.agent) {
        tally.lines.bots += 1;
        return None;
    }
    if !(200..400).contains(&l.status) || !matches!(l.method, "GET" | "HEAD") {
        return None;
    }
    let (path, params) = log::split_target(l.target);
    let Some((lang, rel)) = map.locate(path) else {
        tally.lines.unknown += 1;
        return None;
    };
    let date = Some(l.date.clone());
    if rel == crate::load::config::INSIGHTS_FILE {
        let event = event_of(&params)?;
        tally.lines.events += 1;
        let lang = params.get("lang").cloned().or(Some(lang));
        return Some(Seen { lang, date, event });
    }
    if let Some((tree, node)) = map.step(rel) {
        tally.lines.page_views += 1;
        // The step the customer came from, if the referer is one.
        let from = referer_path(l.referer)
            .and_then(|p| map.locate(p))
            .filter(|(l, _)| *l == lang)
            .and_then(|(_, r)| map.step(r))
            .filter(|(t, n)| *t == tree && *n != node)
            .map(|(_, n)| n);
        let event = Event::Step { tree, node, from };
        return Some(Seen {
            lang: Some(lang),
            date,
            event,
        });
    }
    if rel == "search/" {
        let q = log::scrub(params.get("q").map_or("", String::as_str));
        if !q.is_empty() {
            tally.lines.page_views += 1;
            let event = Event::SearchView { q };
            return Some(Seen {
                lang: Some(lang),
                date,
                event,
            });
        }
    }
    if !map.is_known(rel) {
        tally.lines.unknown += 1;
    }
    None
}

/// The path of a referer URL (`http://host/help/x/` → `/help/x/`).
fn referer_path(referer: &str) -> Option<&str> {
    let after = referer.split_once("://")?.1;
    let path = &after[after.find('/')?..];
    Some(path.split(['?', '#']).next().unwrap_or(path))
}

/// An NDJSON event (what `insights.endpoint` receives).
fn event_object(line: &str) -> Option<Seen> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let map = value.as_object()?;
    let params: HashMap<String, String> = map
        .iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    let event = event_of(&params)?;
    let date = params
        .get("time")
        .and_then(|t| t.get(..10))
        .map(str::to_string);
    Some(Seen {
        lang: params.get("lang").cloned(),
        date,
        event,
    })
}

/// An event from its parameters (`t=search&q=…&n=0`).
fn event_of(p: &HashMap<String, String>) -> Option<Event> {
    let get = |k: &str| p.get(k).map(|v| v.chars().take(200).collect::<String>());
    Some(match p.get("t")?.as_str() {
        "search" => Event::Search {
            q: log::scrub(&get("q")?),
            n: get("n").and_then(|n| n.parse().ok()),
            page: p.get("src").is_some_and(|s| s == "page"),
        },
        "click" => Event::Click {
            q: log::scrub(&get("q")?),
        },
        "step" => Event::Step {
            tree: get("tree")?,
            node: get("node")?,
            from: get("from").filter(|f| !f.is_empty()),
        },
        "outcome" => Event::Outcome {
            tree: get("tree")?,
            kind: get("kind")?,
        },
        "escalate" => Event::Escalate {
            tree: get("tree")?,
            node: get("node")?,
        },
        "helpful" => Event::Helpful {
            page: get("page")?,
            yes: matches!(get("helpful")?.as_str(), "yes" | "true"),
            reason: get("reason")
                .filter(|r| ["unclear", "incomplete", "wrong", "failed"].contains(&r.as_str())),
        },
        _ => return None,
    })
}

fn count(tally: &mut Tally, lang: String, event: Event) {
    match event {
        Event::Search { q, n, page } => {
            let t = tally.searches.entry((lang, q)).or_default();
            // The results page's own event: its view is counted already.
            if !page {
                t.count += 1;
            }
            match n {
                Some(0) => t.zero += 1,
                Some(_) => t.results += 1,
                None => {}
            }
        }
        Event::SearchView { q } => tally.searches.entry((lang, q)).or_default().count += 1,
        Event::Click { q } => tally.searches.entry((lang, q)).or_default().clicks += 1,
        Event::Step { tree, node, from } => {
            let t = tally.trees.entry((lang, tree)).or_default();
            *t.reached.entry(node).or_default() += 1;
            if let Some(from) = from {
                *t.went_on.entry(from).or_default() += 1;
            }
        }
        Event::Outcome { tree, kind } => {
            *tally
                .trees
                .entry((lang, tree))
                .or_default()
                .outcomes
                .entry(kind)
                .or_default() += 1;
        }
        Event::Escalate { tree, node } => {
            *tally
                .trees
                .entry((lang, tree))
                .or_default()
                .escalations
                .entry(node)
                .or_default() += 1;
        }
        Event::Helpful { page, yes, reason } => {
            let v = tally.votes.entry((lang, page)).or_default();
            if yes {
                v.yes += 1;
            } else {
                v.no += 1;
            }
            if let Some(r) = reason {
                *v.reasons.entry(r).or_default() += 1;
            }
        }
    }
}

/// Whether a query would find something in one language's index now: every
/// word that is not a stop word is indexed as it is, by its stem, one typo
/// away, or through a synonym. Gives the nearest indexed words otherwise.
pub(crate) struct Matcher {
    pub tag: String,
    language: Language,
    words: HashSet<String>,
    stems: HashSet<String>,
    synonyms: Vec<Vec<String>>,
}

impl Matcher {
    fn of(site: &Site, analyser: Option<&crate::text::words::Analyser>) -> Matcher {
        let language = Language::new(&site.config.language);
        let mut words: HashSet<String> = analyser
            .map(|a| a.vocabulary().iter().map(str::to_string).collect())
            .unwrap_or_default();
        // Troubleshooter steps are results too.
        for tree in site.trees.iter().filter(|t| !t.fallback) {
            let mut add = |text: &str| {
                let folded = fold(text);
                split_words(&folded, text.is_ascii(), |w| {
                    words.insert(w.to_string());
                });
            };
            add(&tree.title);
            add(&tree.description);
            for node in &tree.nodes {
                match &node.kind {
                    NodeKind::Question {
                        question,
                        answers,
                        details,
                    } => {
                        add(question);
                        for a in answers {
                            add(&a.label);
                        }
                        if let Some(d) = details {
                            for s in &d.sections {
                                add(&s.text);
                            }
                        }
                    }
                    NodeKind::Outcome { title, body, .. } => {
                        add(title);
                        for s in &body.sections {
                            add(&s.text);
                        }
                    }
                }
            }
        }
        let stems = words.iter().map(|w| language.stem(w)).collect();
        Matcher {
            tag: site.config.language.clone(),
            language,
            words,
            stems,
            synonyms: site
                .config
                .search
                .synonyms
                .iter()
                .map(|g| g.iter().map(|s| fold(s)).collect())
                .collect(),
        }
    }

    fn knows(&self, word: &str) -> bool {
        self.words.contains(word)
            || self.stems.contains(&self.language.stem(word))
            || (word.chars().count() >= 4 && self.nearest(word, 1).next().is_some())
    }

    /// Indexed words at most `max` edits from `word`.
    fn nearest<'a>(&'a self, word: &'a str, max: usize) -> impl Iterator<Item = &'a str> + 'a {
        self.words
            .iter()
            .filter(move |w| {
                w.len().abs_diff(word.len()) <= max && strsim::levenshtein(w, word) <= max
            })
            .map(String::as_str)
    }

    /// `None` when the query finds something now; else the words that
    /// find nothing, each with its nearest indexed words.
    pub fn misses(&self, query: &str) -> Option<Vec<(String, Vec<String>)>> {
        let folded = fold(query);
        let mut words = Vec::new();
        split_words(&folded, query.is_ascii(), |w| words.push(w.to_string()));
        let mut missing = Vec::new();
        for w in words.iter().filter(|w| !self.language.is_stopword(w)) {
            let by_synonym = self
                .synonyms
                .iter()
                .filter(|g| g.iter().any(|s| s == w || s.split(' ').any(|p| p == w)))
                .any(|g| g.iter().any(|s| s.split(' ').all(|p| self.knows(p))));
            if !self.knows(w) && !by_synonym {
                let mut near: Vec<&str> = self.nearest(w, 2).collect();
                near.sort_by_key(|n| (strsim::levenshtein(n, w), n.len(), *n));
                near.dedup();
                missing.push((
                    w.clone(),
                    near.into_iter().take(3).map(str::to_string).collect(),
                ));
            }
        }
        (!missing.is_empty()).then_some(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map() -> SiteMap {
        SiteMap {
            base: "/help/".into(),
            default_tag: "en".into(),
            prefixes: vec![("es/".into(), "es".into())],
            trees: HashMap::from([(
                "router".to_string(),
                (
                    "light".to_string(),
                    HashSet::from(["light".to_string(), "works".to_string()]),
                ),
            )]),
            articles: HashSet::from(["intro".to_string()]),
        }
    }

    fn tally_of(lines: &str) -> Tally {
        let mut tally = Tally::default();
        read_lines(lines.as_bytes(), &map(), &Options::default(), &mut tally).expect("reads");
        tally
    }

    const UA: &str = "Mozilla/5.0 (X11; Linux x86_64) Chrome/120";

    #[test]
    fn since_until_and_lang_leave_lines_out() {
        let line = |day: u32, target: &str| {
            format!(
                "1.2.3.4 - - [{day:02}/Nov/2026:10:00:00 +0000] \"GET {target} HTTP/1.1\" 200 43 \"-\" \"{UA}\"\n"
            )
        };
        let log = [
            line(1, "/help/search/?q=early"),
            line(15, "/help/search/?q=middle"),
            line(15, "/help/es/search/?q=luz"),
            line(28, "/help/search/?q=late"),
        ]
        .concat();
        let options = Options {
            since: Some("2026-11-10".into()),
            until: Some("2026-11-20".into()),
            lang: Some("en".into()),
            min_votes: 5,
        };
        let mut t = Tally::default();
        read_lines(log.as_bytes(), &map(), &options, &mut t).expect("reads");
        let kept: Vec<&str> = t.searches.keys().map(|(_, q)| q.as_str()).collect();
        assert_eq!(kept, ["middle"]);
        assert_eq!(t.lines.filtered, 3);
    }

    #[test]
    fn events_views_bots_and_junk_are_told_apart() {
        let line = |target: &str, referer: &str, agent: &str| {
            format!(
                "1.2.3.4 - - [27/Nov/2026:10:00:00 +0000] \"GET {target} HTTP/1.1\" 200 43 \"{referer}\" \"{agent}\"\n"
            )
        };
        let log = [
            line("/help/_insights/e.gif?v=1&t=search&q=Red+Light&n=0&lang=en", "-", UA),
            line("/help/troubleshoot/router/", "-", UA),
            line("/help/troubleshoot/router/works/", "https://x.example/help/troubleshoot/router/", UA),
            line("/help/es/search/?q=luz", "-", UA),
            line("/help/articles/intro/", "-", "Googlebot/2.1"),
            line("/wp-login.php", "-", UA),
            line("/help/articles/nope/", "-", UA),
            "not a log line\n".to_string(),
            r#"{"v":1,"t":"helpful","page":"/help/articles/intro/","helpful":"no","reason":"unclear","lang":"en"}"#.to_string() + "\n",
        ]
        .concat();
        let t = tally_of(&log);
        assert_eq!(t.lines.read, 9);
        assert_eq!(t.lines.malformed, 1);
        assert_eq!(t.lines.bots, 1);
        assert_eq!(t.lines.unknown, 2);
        assert_eq!(t.lines.events, 2, "one requested, one from NDJSON");
        assert_eq!(t.lines.page_views, 3);
        let s = &t.searches[&("en".to_string(), "red light".to_string())];
        assert_eq!((s.count, s.zero), (1, 1));
        assert_eq!(t.searches[&("es".to_string(), "luz".to_string())].count, 1);
        let tree = &t.trees[&("en".to_string(), "router".to_string())];
        assert_eq!(tree.reached.get("light"), Some(&1));
        assert_eq!(tree.reached.get("works"), Some(&1));
        assert_eq!(tree.went_on.get("light"), Some(&1), "from the referer");
        let v = &t.votes[&("en".to_string(), "/help/articles/intro/".to_string())];
        assert_eq!((v.yes, v.no, v.reasons.get("unclear")), (0, 1, Some(&1)));
    }
}
