//! The insights report: what was counted, turned into what authors act on
//! (top and zero-result searches with their fixes, where troubleshooters
//! lose people, which pages do not help), as JSON, text or a static page.

use serde::Serialize;

use super::{Lines, Matcher, Options, Tally};
use crate::base::escape::escape_html;
use crate::load::site::Site;
use crate::load::tree::NodeKind;

#[derive(Debug, Serialize)]
pub struct Report {
    pub lines: Lines,
    /// Set when most requests were for paths this site does not have.
    pub other_site: bool,
    pub searches: Searches,
    pub trees: Vec<TreeReport>,
    pub articles: Vec<PageVotes>,
}

#[derive(Debug, Serialize)]
pub struct Searches {
    pub total: u64,
    pub top: Vec<Query>,
    /// Queries that found nothing (when asked, or with the index now).
    pub zero_results: Vec<ZeroQuery>,
}

#[derive(Debug, Serialize)]
pub struct Query {
    pub query: String,
    pub lang: String,
    pub count: u64,
    pub clicks: u64,
}

#[derive(Debug, Serialize)]
pub struct ZeroQuery {
    pub query: String,
    pub lang: String,
    pub count: u64,
    /// `fixed`: the current index finds it; `no results`: still nothing.
    pub now: &'static str,
    /// Per word that finds nothing: the nearest indexed words.
    pub suggestions: Vec<Suggestion>,
    /// A `search.synonyms` group to paste, when a near word exists.
    pub synonyms: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub word: String,
    pub nearest: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct TreeReport {
    pub tree: String,
    pub lang: String,
    pub nodes: Vec<NodeReport>,
    pub outcomes: std::collections::BTreeMap<String, u64>,
    pub escalations: u64,
}

#[derive(Debug, Serialize)]
pub struct NodeReport {
    pub node: String,
    pub reached: u64,
    pub went_on: u64,
    /// Reached a question and went no further (outcomes: `null`).
    pub left: Option<u64>,
    pub escalated: u64,
}

#[derive(Debug, Serialize)]
pub struct PageVotes {
    pub page: String,
    pub lang: String,
    pub yes: u64,
    pub no: u64,
    /// Wilson lower bound (95%) of the share of "yes", once there are
    /// enough votes to say anything.
    pub score: Option<f64>,
    pub reasons: std::collections::BTreeMap<String, u64>,
}

/// Whether most requests were for paths this site does not have: the
/// log of another site, or of another base path.
fn looks_like_another_site(lines: &Lines) -> bool {
    lines.unknown > 20 && lines.unknown > 4 * (lines.events + lines.page_views)
}

/// The lower bound of the Wilson score interval at 95%.
pub fn wilson(yes: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let (n, z) = (total as f64, 1.96_f64);
    let p = yes as f64 / n;
    let centre = p + z * z / (2.0 * n);
    let spread = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt();
    (centre - spread) / (1.0 + z * z / n)
}

pub(super) fn build(site: &Site, tally: &Tally, matchers: &[Matcher], options: &Options) -> Report {
    let matcher = |lang: &str| {
        matchers
            .iter()
            .find(|m| m.tag.eq_ignore_ascii_case(lang))
            .or(matchers.first())
    };
    let mut top: Vec<Query> = tally
        .searches
        .iter()
        .filter(|(_, t)| t.count > 0)
        .map(|((lang, q), t)| Query {
            query: q.clone(),
            lang: lang.clone(),
            count: t.count,
            clicks: t.clicks,
        })
        .collect();
    top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.query.cmp(&b.query)));
    let total = top.iter().map(|q| q.count).sum();
    let mut zero_results = Vec::new();
    for ((lang, q), t) in &tally.searches {
        let misses = matcher(lang).and_then(|m| m.misses(q));
        // Found nothing when asked, or finds nothing now.
        if t.zero == 0 && misses.is_none() {
            continue;
        }
        let suggestions: Vec<Suggestion> = misses
            .unwrap_or_default()
            .into_iter()
            .map(|(word, nearest)| Suggestion { word, nearest })
            .collect();
        let synonyms = suggestions
            .iter()
            .filter_map(|s| Some(format!("- [{}, {}]", s.word, s.nearest.first()?)))
            .collect::<Vec<_>>();
        zero_results.push(ZeroQuery {
            query: q.clone(),
            lang: lang.clone(),
            count: t.count.max(t.zero),
            now: if suggestions.is_empty() {
                "fixed"
            } else {
                "no results"
            },
            synonyms: (!synonyms.is_empty()).then(|| synonyms.join("\n")),
            suggestions,
        });
    }
    zero_results.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.query.cmp(&b.query)));
    top.truncate(50);

    let trees = tally
        .trees
        .iter()
        .map(|((lang, slug), t)| {
            let tree = site.tree(slug);
            let ids: Vec<String> = match tree {
                Some(tree) => tree.nodes.iter().map(|n| n.id.clone()).collect(),
                None => t.reached.keys().cloned().collect(),
            };
            let is_question = |id: &str| {
                tree.and_then(|t| t.node(id))
                    .is_some_and(|n| matches!(n.kind, NodeKind::Question { .. }))
            };
            let nodes = ids
                .iter()
                .map(|id| {
                    let reached = t.reached.get(id).copied().unwrap_or(0);
                    let went_on = t.went_on.get(id).copied().unwrap_or(0);
                    NodeReport {
                        node: id.clone(),
                        reached,
                        went_on,
                        left: is_question(id).then(|| reached.saturating_sub(went_on)),
                        escalated: t.escalations.get(id).copied().unwrap_or(0),
                    }
                })
                .collect();
            TreeReport {
                tree: slug.clone(),
                lang: lang.clone(),
                nodes,
                outcomes: t.outcomes.clone(),
                escalations: t.escalations.values().sum(),
            }
        })
        .collect();

    let min_votes = options.min_votes.max(1);
    let mut articles: Vec<PageVotes> = tally
        .votes
        .iter()
        .map(|((lang, page), v)| PageVotes {
            page: page.clone(),
            lang: lang.clone(),
            yes: v.yes,
            no: v.no,
            score: (v.yes + v.no >= min_votes).then(|| wilson(v.yes, v.yes + v.no)),
            reasons: v.reasons.clone(),
        })
        .collect();
    // Least helpful first: that is where to write next.
    articles.sort_by(|a, b| {
        let key = |p: &PageVotes| p.score.unwrap_or(2.0);
        key(a).total_cmp(&key(b)).then_with(|| b.no.cmp(&a.no))
    });
    let lines = tally.lines.clone();
    Report {
        other_site: looks_like_another_site(&lines),
        lines,
        searches: Searches {
            total,
            top,
            zero_results,
        },
        trees,
        articles,
    }
}

impl Report {
    /// The report for a terminal.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let l = &self.lines;
        let _ = writeln!(
            out,
            "read {} lines: {} events, {} page views; skipped {} from bots, {} malformed, {} for unknown paths, {} filtered out",
            l.read, l.events, l.page_views, l.bots, l.malformed, l.unknown, l.filtered
        );
        if self.other_site {
            let _ = writeln!(
                out,
                "warning: most requests are for paths this site does not have: is this the log of another site?"
            );
        }
        let _ = writeln!(out, "\nSearches ({}):", self.searches.total);
        for q in self.searches.top.iter().take(20) {
            let _ = writeln!(
                out,
                "  {:>6}  {} [{}]{}",
                q.count,
                q.query,
                q.lang,
                if q.clicks > 0 {
                    format!(" ({} clicks)", q.clicks)
                } else {
                    String::new()
                }
            );
        }
        let _ = writeln!(out, "\nSearches with no results:");
        for z in &self.searches.zero_results {
            let _ = writeln!(out, "  {:>6}  {} [{}]: {}", z.count, z.query, z.lang, z.now);
            for s in &z.suggestions {
                if !s.nearest.is_empty() {
                    let _ = writeln!(
                        out,
                        "          `{}` is near: {}",
                        s.word,
                        s.nearest.join(", ")
                    );
                }
            }
            if let Some(syn) = &z.synonyms {
                let _ = writeln!(
                    out,
                    "          add to search.synonyms:\n          {}",
                    syn.replace('\n', "\n          ")
                );
            }
        }
        let _ = writeln!(out, "\nTroubleshooters:");
        for t in &self.trees {
            let _ = writeln!(
                out,
                "  {} [{}]: outcomes {:?}, escalations {}",
                t.tree, t.lang, t.outcomes, t.escalations
            );
            for n in t.nodes.iter().filter(|n| n.reached > 0) {
                let left = n.left.map_or(String::new(), |l| format!(", left {l}"));
                let _ = writeln!(
                    out,
                    "    {:<28} reached {}, went on {}{left}",
                    n.node, n.reached, n.went_on
                );
            }
        }
        let _ = writeln!(out, "\nWas it helpful?");
        for a in &self.articles {
            let score = a
                .score
                .map_or("too few votes".to_string(), |s| format!("score {s:.2}"));
            let _ = writeln!(
                out,
                "  {} [{}]: {} yes, {} no, {score}{}",
                a.page,
                a.lang,
                a.yes,
                a.no,
                if a.reasons.is_empty() {
                    String::new()
                } else {
                    format!(", reasons {:?}", a.reasons)
                }
            );
        }
        out
    }

    /// Writes the page into `dir` with the default theme's stylesheet.
    pub fn write_page(
        &self,
        dir: &std::path::Path,
        title: &str,
    ) -> anyhow::Result<std::path::PathBuf> {
        use anyhow::Context as _;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        let css = crate::base::embedded::EMBEDDED
            .iter()
            .find(|(p, _)| *p == "theme/static/style.css")
            .map_or(&[][..], |(_, b)| *b);
        std::fs::write(dir.join("style.css"), css)?;
        let page = dir.join("index.html");
        std::fs::write(&page, self.html(title))?;
        Ok(page)
    }

    /// The report as a page of its own (noindex; the site's stylesheet).
    pub fn html(&self, title: &str) -> String {
        let e = |s: &str| escape_html(s);
        let mut rows = String::new();
        for q in &self.searches.top {
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e(&q.query),
                e(&q.lang),
                q.count,
                q.clicks
            ));
        }
        let mut zero = String::new();
        for z in &self.searches.zero_results {
            let near: Vec<String> = z
                .suggestions
                .iter()
                .filter(|s| !s.nearest.is_empty())
                .map(|s| format!("{} → {}", e(&s.word), e(&s.nearest.join(", "))))
                .collect();
            zero.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e(&z.query),
                e(&z.lang),
                z.count,
                z.now,
                near.join("<br>"),
                z.synonyms.as_deref().map_or(String::new(), |s| format!(
                    "<pre><code>{}</code></pre>",
                    e(s)
                ))
            ));
        }
        let mut trees = String::new();
        for t in &self.trees {
            trees.push_str(&format!("<h3>{} <span class=\"muted\">[{}]</span></h3>\n<table><thead><tr><th scope=\"col\">Step</th><th scope=\"col\">Reached</th><th scope=\"col\">Went on</th><th scope=\"col\">Left</th><th scope=\"col\">Escalated</th></tr></thead><tbody>\n", e(&t.tree), e(&t.lang)));
            for n in &t.nodes {
                trees.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    e(&n.node),
                    n.reached,
                    n.went_on,
                    n.left.map_or("–".into(), |l| l.to_string()),
                    n.escalated
                ));
            }
            let outcomes: Vec<String> = t
                .outcomes
                .iter()
                .map(|(k, v)| format!("{} {v}", e(k)))
                .collect();
            trees.push_str(&format!(
                "</tbody></table>\n<p>Outcomes: {}. Escalations: {}.</p>\n",
                if outcomes.is_empty() {
                    "none".into()
                } else {
                    outcomes.join(", ")
                },
                t.escalations
            ));
        }
        let mut votes = String::new();
        for a in &self.articles {
            let reasons: Vec<String> = a
                .reasons
                .iter()
                .map(|(k, v)| format!("{} {v}", e(k)))
                .collect();
            votes.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                e(&a.page),
                e(&a.lang),
                a.yes,
                a.no,
                a.score
                    .map_or("too few votes".into(), |s| format!("{s:.2}")),
                reasons.join(", ")
            ));
        }
        let l = &self.lines;
        format!(
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"robots\" content=\"noindex\">\n<title>Insights · {title}</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n<main id=\"main\" class=\"wrap\">\n<h1>Insights</h1>\n<p class=\"lead\">{title}: {} lines read, {} events, {} page views; {} from bots, {} malformed and {} for unknown paths skipped.</p>\n{}<h2>Searches</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Top searches\"><table><thead><tr><th scope=\"col\">Query</th><th scope=\"col\">Language</th><th scope=\"col\">Searches</th><th scope=\"col\">Clicks</th></tr></thead><tbody>\n{rows}</tbody></table></div>\n<h2>Searches with no results</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Searches with no results\"><table><thead><tr><th scope=\"col\">Query</th><th scope=\"col\">Language</th><th scope=\"col\">Searches</th><th scope=\"col\">Now</th><th scope=\"col\">Nearest indexed words</th><th scope=\"col\">Synonyms to add</th></tr></thead><tbody>\n{zero}</tbody></table></div>\n<h2>Troubleshooters</h2>\n{trees}<h2>Was it helpful?</h2>\n<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Votes\"><table><thead><tr><th scope=\"col\">Page</th><th scope=\"col\">Language</th><th scope=\"col\">Yes</th><th scope=\"col\">No</th><th scope=\"col\">Score</th><th scope=\"col\">Reasons</th></tr></thead><tbody>\n{votes}</tbody></table></div>\n</main>\n</body>\n</html>\n",
            l.read,
            l.events,
            l.page_views,
            l.bots,
            l.malformed,
            l.unknown,
            if self.other_site {
                "<p class=\"callout callout-warning\">Most requests are for paths this site does not have: is this the log of another site?</p>\n"
            } else {
                ""
            },
            title = e(title),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_of_mostly_unknown_paths_is_another_sites() {
        let mut lines = Lines {
            unknown: 100,
            page_views: 10,
            ..Lines::default()
        };
        assert!(looks_like_another_site(&lines));
        lines.page_views = 60;
        assert!(
            !looks_like_another_site(&lines),
            "a site with some junk requests"
        );
    }

    #[test]
    fn wilson_lower_bound() {
        assert_eq!(wilson(0, 0), 0.0);
        assert!((wilson(5, 5) - 0.566).abs() < 0.01);
        assert!(
            wilson(90, 100) > wilson(9, 10),
            "more votes, more confidence"
        );
        assert!(wilson(1, 10) < 0.2);
    }
}
