//! The render stage: every page of the site, rendered in parallel from the
//! in-memory [`Site`] with templates compiled once. Pure: files are handed
//! to a sink, and only `output` touches the disk.

use std::collections::HashMap;

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) mod strings;
pub(crate) mod theme;
pub(crate) mod trees;

use crate::base::escape::{escape_xml, to_json_for_html};
use crate::base::hash::fingerprint;
use crate::load::article::Article;
use crate::load::site::Site;
use crate::output::{OutputFile, Sink};
use crate::text::link;
use crate::text::markdown::TocEntry;
pub(crate) use strings::Strings;
pub(crate) use theme::Theme;

/// Site-wide values every template sees as `site`.
#[derive(Debug, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    pub base_path: String,
    pub categories: Vec<LinkItem>,
    pub css_url: String,
    /// The troubleshooter script, loaded only by tree pages.
    pub tree_js_url: String,
    /// The search client, loaded on first use by `search_boot_url`.
    pub search_js_url: String,
    pub search_boot_url: String,
    /// Colours of highlighted code, for pages with code.
    pub highlight_css_url: String,
    /// The copy button of code blocks, for pages with code.
    pub code_js_url: String,
    /// "Was this article helpful?", for sites that record the answer.
    pub feedback_js_url: String,
    /// `logo:` and `favicon:` from site.yaml, as URLs (`None` when unset).
    pub logo_url: Option<String>,
    pub favicon_url: Option<String>,
    /// The page listing every tag.
    pub tags_url: String,
    /// `search.placeholder`, or a neutral default.
    pub search_placeholder: String,
    pub feedback_endpoint: Option<String>,
    /// "Did this help?" is asked only where the answer is recorded: with
    /// insights or a feedback endpoint.
    pub feedback_enabled: bool,
    /// The file events are requested from, and the optional collector.
    pub insights_url: Option<String>,
    pub insights_endpoint: Option<String>,
    /// The interface strings of the page's language (`site.t.<key>`).
    pub t: std::collections::BTreeMap<String, String>,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// The scripts' strings where they differ from their built-in English,
    /// as a small script of this language (`strings.js`), loaded before the
    /// others; `None` in English.
    pub strings_js_url: Option<String>,
    /// Base path of the default language, where the shared assets are.
    pub root_path: String,
    /// In another language than the default: where the default
    /// language's search is, offered when this one finds nothing.
    pub fallback_search: Option<FallbackSearch>,
    /// `support.url` (or `mailto:` `support.email`) and its label.
    pub support_url: Option<String>,
    pub support_label: String,
    /// The theme's `partials/head.html`, `header.html` and `footer.html`,
    /// the same on every page: rendered once per build, not per page.
    pub head_html: String,
    pub header_html: String,
    pub footer_html: String,
}

/// The default language's search, seen from another language.
#[derive(Debug, Serialize)]
pub struct FallbackSearch {
    pub base: String,
    pub tag: String,
    pub name: String,
}

/// A titled link, the unit of every list on every page.
#[derive(Debug, Clone, Serialize)]
pub struct LinkItem {
    pub title: String,
    pub url: String,
    pub description: String,
}

/// Values of the page's `<head>` and breadcrumbs, as `page`.
#[derive(Debug, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    pub canonical: String,
    pub og_type: &'static str,
    pub json_ld: Option<String>,
    pub breadcrumbs: Vec<LinkItem>,
    pub noindex: bool,
    /// `<link rel="alternate" hreflang>`: this page in every language that
    /// has it, and `x-default` (empty in a one-language site).
    pub alternates: Vec<Alternate>,
    /// The language switcher: this page in every language.
    pub languages: Vec<LanguageLink>,
}

#[derive(Debug, Serialize)]
pub struct Alternate {
    pub hreflang: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct LanguageLink {
    pub tag: String,
    pub name: String,
    pub url: String,
    pub current: bool,
}

/// Shared state of one render: the site, templates and lookups.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    /// The interface strings of the site's language.
    pub strings: &'a Strings,
    pub ctx: SiteContext,
    /// `site` as a template value, converted once rather than per page.
    site_value: tera::Value,
    pub base_path: String,
    /// Trees and steps that lead to each article slug.
    pub pointers: HashMap<String, Vec<LinkItem>>,
    /// Every tag (by URL slug, first spelling seen) with what carries it;
    /// empty when the theme has no tag pages.
    tags: Vec<Tag>,
}

/// `strings.js`: the scripts' words in this language, where they are not
/// the English the scripts carry.
fn strings_js(strings: &Strings) -> Option<String> {
    let json = strings.scripts.as_ref()?;
    Some(format!("window.waymarkStrings = {json};\n"))
}

/// A transparent 1×1 GIF: what event requests get back (43 bytes).
const INSIGHTS_GIF: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// How many same-category articles on each side an article page lists.
const NEIGHBOUR_WINDOW: usize = 4;

/// Indices of the articles around article `i` (of `len`) that its page
/// may list as neighbours, before filtering by category.
pub fn neighbour_window(i: usize, len: usize) -> std::ops::Range<usize> {
    i.saturating_sub(NEIGHBOUR_WINDOW)..(i + NEIGHBOUR_WINDOW + 1).min(len)
}

/// Pages an edit touched, by index into the site's lists.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    pub home: bool,
    pub sitemap: bool,
    pub categories: std::collections::BTreeSet<usize>,
    pub articles: std::collections::BTreeSet<usize>,
    pub trees: std::collections::BTreeSet<usize>,
}

/// One page to render; the list of jobs is what runs in parallel.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Category(usize),
    Article(usize),
    Tree(usize),
    NotFound,
    Sitemap,
    Robots,
    Assets,
    SearchPage,
    Tags,
    Tag(usize),
    /// The scripts' strings of this language.
    Strings,
    /// The file events are requested from (`insights:`).
    Insights,
    /// Work of another stage run among the pages (the search index).
    Beside,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, strings: &'a Strings) -> anyhow::Result<Self> {
        let config = &site.config;
        let base_path = config.base_path();
        // Assets and static/ files are shared by every language.
        let root_path = crate::load::config::url_path(&site.lang.root_base_url);
        // A file of the site's static/ folder, by its path there.
        let static_url = |path: &str| format!("{root_path}{}", path.trim_start_matches('/'));
        let asset_url = |name: &str| {
            let hash = theme
                .assets
                .get(name)
                .map(|b| fingerprint(b))
                .unwrap_or_default();
            format!("{root_path}{name}?v={hash}")
        };
        let ctx = SiteContext {
            title: config.title.clone(),
            description: config.description.clone(),
            language: site.lang.tag.clone(),
            base_url: config.base_url.clone(),
            base_path: base_path.clone(),
            categories: config
                .categories
                .iter()
                .map(|c| LinkItem {
                    title: c.title.clone(),
                    url: link::category_url(&base_path, &c.id),
                    description: c.description.clone(),
                })
                .collect(),
            css_url: asset_url("style.css"),
            tree_js_url: asset_url("tree.js"),
            search_js_url: asset_url("search.js"),
            search_boot_url: asset_url("search-boot.js"),
            highlight_css_url: asset_url("highlight.css"),
            code_js_url: asset_url("code.js"),
            feedback_js_url: asset_url("feedback.js"),
            logo_url: config.logo.as_ref().map(|p| static_url(p)),
            favicon_url: config.favicon.as_ref().map(|p| static_url(p)),
            tags_url: format!("{base_path}{}", link::TAGS_PATH),
            search_placeholder: config
                .search
                .placeholder
                .clone()
                .unwrap_or_else(|| strings.get("search_the_help_center").to_string()),
            feedback_endpoint: config.feedback.endpoint.clone(),
            feedback_enabled: config.insights.enabled || config.feedback.endpoint.is_some(),
            insights_url: config
                .insights
                .enabled
                .then(|| format!("{root_path}{}", crate::load::config::INSIGHTS_FILE)),
            insights_endpoint: config
                .insights
                .endpoint
                .clone()
                .filter(|_| config.insights.enabled),
            support_url: config.support.as_ref().and_then(|s| s.href()),
            support_label: config
                .support
                .as_ref()
                .and_then(|s| s.label.clone())
                .unwrap_or_else(|| strings.get("contact_support").to_string()),
            // Templates see the page's words; the scripts' get a file.
            t: strings
                .map()
                .iter()
                .filter(|(k, _)| !k.starts_with("js_"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            dir: if strings.is_rtl() { "rtl" } else { "ltr" },
            strings_js_url: strings_js(strings)
                .map(|file| format!("{base_path}strings.js?v={}", fingerprint(file.as_bytes()))),
            root_path: root_path.clone(),
            fallback_search: site
                .lang
                .all
                .first()
                .filter(|_| !site.lang.is_default())
                .map(|l| FallbackSearch {
                    base: root_path.clone(),
                    tag: l.tag.clone(),
                    name: l.name.clone(),
                }),
            head_html: String::new(),
            header_html: String::new(),
            footer_html: String::new(),
        };
        let partial = |name: &str| -> anyhow::Result<String> {
            let name = format!("partials/{name}.html");
            if !theme.tera.get_template_names().any(|n| n == name) {
                return Ok(String::new());
            }
            let mut context = tera::Context::new();
            context.insert("site", &ctx);
            theme
                .tera
                .render(&name, &context)
                .map_err(|e| theme.render_error("every page", &e).into())
        };
        let (head_html, header_html, footer_html) =
            (partial("head")?, partial("header")?, partial("footer")?);
        let ctx = SiteContext {
            head_html,
            header_html,
            footer_html,
            ..ctx
        };
        let has_tag_pages = ["tags.html", "tag.html"]
            .iter()
            .all(|t| theme.tera.get_template_names().any(|n| n == *t));
        // Side by side: this runs before any page, where a core would wait.
        let (pointers, tags) = rayon::join(
            || trees::pointers(site, &base_path),
            || {
                if has_tag_pages {
                    collect_tags(site, &base_path)
                } else {
                    Vec::new()
                }
            },
        );
        let site_value = tera::Value::try_from_serializable(&ctx).context("template context")?;
        Ok(Renderer {
            site,
            theme,
            strings,
            ctx,
            site_value,
            base_path,
            pointers,
            tags,
        })
    }

    /// Renders every file of the site and hands each to `sink`, while
    /// `beside` (the search index) runs as the first of the same parallel
    /// jobs: scheduled this way, it fills the gaps page rendering leaves
    /// (measured 20% faster on the 10,000-article benchmark than a
    /// `rayon::join` of the two).
    pub fn render_all(
        &self,
        sink: &Sink,
        beside: &(dyn Fn() -> anyhow::Result<usize> + Sync),
    ) -> anyhow::Result<usize> {
        let site = self.site;
        let mut jobs = vec![Job::Beside, Job::Home, Job::NotFound, Job::Strings];
        // One sitemap (with every language), robots.txt and assets.
        if site.lang.is_default() {
            jobs.extend([Job::Sitemap, Job::Robots, Job::Assets]);
            if site.config.insights.enabled {
                jobs.push(Job::Insights);
            }
        }
        // A theme without a search page (an older custom theme) still builds.
        if self
            .theme
            .tera
            .get_template_names()
            .any(|n| n == "search.html")
        {
            jobs.push(Job::SearchPage);
        }
        jobs.extend((0..site.config.categories.len()).map(Job::Category));
        jobs.extend((0..site.articles.len()).map(Job::Article));
        jobs.extend((0..site.trees.len()).map(Job::Tree));
        if !self.tags.is_empty() {
            jobs.push(Job::Tags);
            jobs.extend((0..self.tags.len()).map(Job::Tag));
        }
        self.run(&jobs, sink, beside)
    }

    /// Renders only the pages in `selection` (what an edit touched).
    pub fn render_selected(&self, selection: &Selection, sink: &Sink) -> anyhow::Result<usize> {
        let mut jobs = Vec::new();
        if selection.home {
            jobs.push(Job::Home);
        }
        if selection.sitemap {
            jobs.push(Job::Sitemap);
        }
        jobs.extend(selection.categories.iter().copied().map(Job::Category));
        jobs.extend(selection.articles.iter().copied().map(Job::Article));
        jobs.extend(selection.trees.iter().copied().map(Job::Tree));
        self.run(&jobs, sink, &|| Ok(0))
    }

    fn run(
        &self,
        jobs: &[Job],
        sink: &Sink,
        beside: &(dyn Fn() -> anyhow::Result<usize> + Sync),
    ) -> anyhow::Result<usize> {
        jobs.par_iter()
            .map(|job| {
                if let Job::Beside = job {
                    return beside();
                }
                let files = self.render_job(*job)?;
                let count = files.len();
                files.into_iter().try_for_each(sink)?;
                Ok(count)
            })
            .sum()
    }

    fn render_job(&self, job: Job) -> anyhow::Result<Vec<OutputFile>> {
        Ok(match job {
            Job::Home => vec![self.home()?],
            Job::Category(i) => vec![self.category(i)?],
            Job::Article(i) => self.article(i)?,
            Job::Tree(i) => trees::render(self, &self.site.trees[i])?,
            Job::NotFound => vec![self.not_found()?],
            Job::Sitemap => vec![self.sitemap()],
            Job::Robots => vec![self.robots()],
            Job::SearchPage => vec![self.search_page()?],
            Job::Tags => vec![self.tags_page()?],
            Job::Tag(i) => vec![self.tag_page(i)?],
            Job::Beside => Vec::new(),
            Job::Insights => vec![OutputFile::new(
                crate::load::config::INSIGHTS_FILE,
                INSIGHTS_GIF.to_vec(),
            )],
            Job::Strings => strings_js(self.strings)
                .map(|js| OutputFile::new("strings.js", js))
                .into_iter()
                .collect(),
            Job::Assets => self
                .theme
                .assets
                .iter()
                .map(|(path, bytes)| OutputFile::new(path.clone(), bytes.clone()))
                .collect(),
        })
    }

    /// Renders `template` with `site`, `page` and the page's own values.
    pub fn page<T: Serialize>(
        &self,
        template: &str,
        page: &PageMeta,
        extra: &T,
    ) -> anyhow::Result<Vec<u8>> {
        let mut context = tera::Context::from_serialize(extra).context("template context")?;
        // Tera's maps are shared, not copied: `site` is converted once.
        context.insert_value("site", self.site_value.clone());
        context.insert_value(
            "page",
            tera::Value::try_from_serializable(page).context("template context")?,
        );
        // The page's bytes go to a file: rendered into a buffer the size
        // of a typical page (Tera's own starts at the template's text and
        // grows), and not checked again as UTF-8 (Tera writes strings).
        let mut html = Vec::with_capacity(16 * 1024);
        self.theme
            .tera
            .render_to(template, &context, &mut html)
            .map_err(|e| self.theme.render_error(&page.canonical, &e))?;
        Ok(html)
    }

    pub fn absolute(&self, url: &str) -> String {
        format!("{}{}", self.site.config.origin(), url)
    }

    pub fn meta(
        &self,
        title: &str,
        description: &str,
        url: &str,
        breadcrumbs: Vec<LinkItem>,
    ) -> PageMeta {
        let (alternates, languages) = self.language_links(url);
        PageMeta {
            title: format!("{title} · {}", self.ctx.title),
            description: description.to_string(),
            canonical: self.absolute(url),
            og_type: "website",
            json_ld: None,
            breadcrumbs,
            noindex: false,
            alternates,
            languages,
        }
    }

    /// The page at `url` in the languages that have their own text of it
    /// (for `hreflang`, with `x-default`), and in every language (for the
    /// switcher, where a missing translation shows the source).
    fn language_links(&self, url: &str) -> (Vec<Alternate>, Vec<LanguageLink>) {
        let lang = &self.site.lang;
        let Some(rel) = url
            .strip_prefix(&self.base_path)
            .filter(|_| lang.is_multilingual())
        else {
            return (Vec::new(), Vec::new());
        };
        let real = self.languages_with(rel);
        let at = |prefix: &str| format!("{}{prefix}{rel}", self.ctx.root_path);
        let mut alternates: Vec<Alternate> = lang
            .all
            .iter()
            .filter(|l| real.is_none_or(|r| r.contains(&l.prefix)))
            .map(|l| Alternate {
                hreflang: l.tag.clone(),
                url: self.absolute(&at(&l.prefix)),
            })
            .collect();
        alternates.push(Alternate {
            hreflang: "x-default".into(),
            url: self.absolute(&at("")),
        });
        let languages = lang
            .all
            .iter()
            .map(|l| LanguageLink {
                tag: l.tag.clone(),
                name: l.name.clone(),
                url: at(&l.prefix),
                current: l.prefix == lang.prefix,
            })
            .collect();
        (alternates, languages)
    }

    /// The support link prefilled with a report naming the page: in place
    /// of `{report}` in `support.url`, or as a `mailto:` subject and body.
    pub fn support_href(&self, title: &str, page: &str) -> Option<String> {
        use crate::base::escape::percent_encode;
        let support = self.site.config.support.as_ref()?;
        let t = self.strings;
        let report = format!("{title}\n{}", t.format("js_page", &[("url", page)]));
        if let Some(url) = &support.url {
            return Some(url.replace("{report}", &percent_encode(&report)));
        }
        let email = support.email.as_ref()?;
        let subject = t.format("js_help_subject", &[("title", title)]);
        Some(format!(
            "mailto:{email}?subject={}&body={}",
            percent_encode(&subject),
            percent_encode(&report)
        ))
    }

    /// The prefixes of the languages with their own text of the page at
    /// site path `rel`; `None` when every language has it (home,
    /// categories, lists).
    fn languages_with(&self, rel: &str) -> Option<&Vec<String>> {
        let available = &self.site.lang.available;
        let slug_after = |dir: &str| rel.strip_prefix(dir)?.split('/').next();
        if let Some(slug) = slug_after("articles/") {
            return available.articles.get(slug);
        }
        if let Some(slug) = slug_after("troubleshoot/") {
            return available.trees.get(slug);
        }
        None
    }

    /// A page showing the default language's text in another language's
    /// site: its canonical URL is the source's, and it says so in the
    /// page's language.
    pub fn fallback_notice(&self, meta: &mut PageMeta, url: &str) -> String {
        self.canonical_to_source(meta, url);
        self.fallback_text()
    }

    /// Points a fallback page's canonical URL at the source page.
    pub fn canonical_to_source(&self, meta: &mut PageMeta, url: &str) {
        if let Some(rel) = url.strip_prefix(&self.base_path) {
            meta.canonical = self.absolute(&format!("{}{rel}", self.ctx.root_path));
        }
    }

    /// "This page is not available in Español yet…", in the page's language.
    pub fn fallback_text(&self) -> String {
        let source = self.site.lang.all.first();
        self.strings.format(
            "fallback_notice",
            &[
                ("language", &self.current_language_name()),
                ("source", source.map_or("", |l| l.name.as_str())),
            ],
        )
    }

    fn current_language_name(&self) -> String {
        let lang = &self.site.lang;
        lang.all
            .iter()
            .find(|l| l.prefix == lang.prefix)
            .map_or_else(String::new, |l| l.name.clone())
    }

    /// The language of the default language's text, for `lang=` on a
    /// fallback's content.
    pub fn source_tag(&self) -> String {
        self.site
            .lang
            .all
            .first()
            .map_or_else(String::new, |l| l.tag.clone())
    }

    pub fn home_crumb(&self) -> LinkItem {
        LinkItem {
            title: self.strings.get("home").into(),
            url: self.base_path.clone(),
            description: String::new(),
        }
    }

    pub fn category_crumb(&self, id: &str) -> Option<LinkItem> {
        let c = self.site.config.category(id)?;
        Some(LinkItem {
            title: c.title.clone(),
            url: link::category_url(&self.base_path, id),
            description: c.description.clone(),
        })
    }

    pub fn article_item(&self, a: &Article) -> LinkItem {
        LinkItem {
            title: a.title.clone(),
            url: link::article_url(&self.base_path, &a.slug),
            description: a.description.clone(),
        }
    }

    fn home(&self) -> anyhow::Result<OutputFile> {
        #[derive(Serialize)]
        struct Home {
            categories: Vec<CategorySummary>,
            trees: Vec<LinkItem>,
        }
        #[derive(Serialize)]
        struct CategorySummary {
            category: LinkItem,
            top: Vec<LinkItem>,
            count: usize,
        }
        const TOP: usize = 5;
        let categories = self
            .site
            .config
            .categories
            .iter()
            .filter_map(|c| {
                let articles: Vec<&Article> = self
                    .site
                    .articles
                    .iter()
                    .map(|a| &**a)
                    .filter(|a| a.category.value == c.id)
                    .collect();
                Some(CategorySummary {
                    category: self.category_crumb(&c.id)?,
                    top: articles
                        .iter()
                        .take(TOP)
                        .map(|a| self.article_item(a))
                        .collect(),
                    count: articles.len(),
                })
            })
            .collect();
        let trees = self.tree_items();
        let mut meta = self.meta(
            &self.ctx.title,
            &self.ctx.description,
            &self.base_path,
            Vec::new(),
        );
        meta.title = self.ctx.title.clone();
        let html = self.page("home.html", &meta, &Home { categories, trees })?;
        Ok(OutputFile::new(link::page_file(""), html))
    }

    fn category(&self, i: usize) -> anyhow::Result<OutputFile> {
        #[derive(Serialize)]
        struct CategoryPage {
            category: LinkItem,
            articles: Vec<LinkItem>,
            trees: Vec<LinkItem>,
        }
        let c = &self.site.config.categories[i];
        let url = link::category_url(&self.base_path, &c.id);
        let page = CategoryPage {
            category: self.category_crumb(&c.id).context("category exists")?,
            articles: self
                .site
                .articles
                .iter()
                .filter(|a| a.category.value == c.id)
                .map(|a| self.article_item(a))
                .collect(),
            trees: self
                .site
                .trees
                .iter()
                .filter(|t| t.category.value == c.id)
                .map(|t| trees::tree_item(self, t))
                .collect(),
        };
        let meta = self.meta(&c.title, &c.description, &url, vec![self.home_crumb()]);
        let html = self.page("category.html", &meta, &page)?;
        Ok(OutputFile::new(
            link::page_file(&link::category_path(&c.id)),
            html,
        ))
    }

    fn article(&self, i: usize) -> anyhow::Result<Vec<OutputFile>> {
        #[derive(Serialize)]
        struct ArticlePage<'a> {
            article: ArticleView<'a>,
        }
        #[derive(Serialize)]
        struct ArticleView<'a> {
            title: &'a str,
            description: &'a str,
            html: &'a str,
            toc: &'a [TocEntry],
            updated: Option<&'a str>,
            tags: &'a [String],
            category: Option<LinkItem>,
            related: Vec<LinkItem>,
            pointed_by: &'a [LinkItem],
            previous: Option<LinkItem>,
            next: Option<LinkItem>,
            neighbours: Vec<Neighbour>,
            /// The front matter's `extra:` map (`null` when absent).
            extra: &'a serde_json::Value,
            /// `updated` as people read it ("20 November 2026").
            updated_human: Option<String>,
            /// Each tag with the URL of its page (empty without tag pages).
            tag_links: Vec<LinkItem>,
            /// The article has a code block.
            has_code: bool,
            /// For a page showing the source's text: the notice, and the
            /// language of the text.
            fallback_notice: Option<String>,
            content_lang: Option<String>,
            /// "Still need help?": the support link with the page named.
            support_href: Option<String>,
        }
        #[derive(Serialize)]
        struct Neighbour {
            item: LinkItem,
            current: bool,
        }
        let site = self.site;
        let a = &site.articles[i];
        let url = link::article_url(&self.base_path, &a.slug);
        // Same-category neighbours come from a bounded window, so rendering
        // one page costs the same however large the site is.
        let same = |j: &usize| site.articles[*j].category.value == a.category.value;
        let previous = i
            .checked_sub(1)
            .filter(same)
            .map(|j| self.article_item(&site.articles[j]));
        let next = Some(i + 1)
            .filter(|j| *j < site.articles.len())
            .filter(same)
            .map(|j| self.article_item(&site.articles[j]));
        let neighbours = neighbour_window(i, site.articles.len())
            .filter(same)
            .map(|j| Neighbour {
                item: self.article_item(&site.articles[j]),
                current: j == i,
            })
            .collect();
        let pointed_by = self.pointers.get(&a.slug).map_or(&[][..], Vec::as_slice);
        // A troubleshooter whose steps lead here is listed there, not twice.
        let related = a
            .related
            .iter()
            .filter_map(|r| self.related_item(&r.value))
            .filter(|item| !pointed_by.iter().any(|p| p.url.starts_with(&item.url)))
            .collect();
        let category = self.category_crumb(&a.category.value);
        let mut breadcrumbs = vec![self.home_crumb()];
        breadcrumbs.extend(category.clone());
        let mut meta = self.meta(&a.title, &a.description, &url, breadcrumbs);
        meta.og_type = "article";
        let (fallback_notice, content_lang) = if a.fallback {
            (
                Some(self.fallback_notice(&mut meta, &url)),
                Some(self.source_tag()),
            )
        } else {
            (None, None)
        };
        meta.json_ld = Some(json_ld(&ArticleLd {
            context: "https://schema.org",
            kind: "Article",
            date_modified: a.updated.as_deref(),
            description: &a.description,
            headline: &a.title,
            in_language: content_lang.as_deref().unwrap_or(&site.lang.tag),
            main_entity_of_page: &meta.canonical,
            url: &meta.canonical,
        })?);
        let html = self.article_body(a)?;
        let page = ArticlePage {
            article: ArticleView {
                title: &a.title,
                description: &a.description,
                html: &html,
                toc: &a.body.toc,
                updated: a.updated.as_deref(),
                tags: &a.tags,
                category,
                related,
                pointed_by,
                previous,
                next,
                neighbours,
                extra: &a.extra,
                updated_human: a.updated.as_deref().and_then(|d| self.strings.date(d)),
                tag_links: self.tag_links(&a.tags),
                has_code: a.body.has_code,
                fallback_notice,
                content_lang,
                support_href: self.support_href(&a.title, &meta.canonical),
            },
        };
        let html = self.page("article.html", &meta, &page)?;
        let mut files = vec![OutputFile::new(
            link::page_file(&link::article_path(&a.slug)),
            html,
        )];
        for alias in &a.aliases {
            if let Some(path) = link::alias_path(&alias.value) {
                files.push(OutputFile::new(
                    link::page_file(&path),
                    self.redirect(&url)?,
                ));
            }
        }
        Ok(files)
    }

    /// An article's body as HTML, rendered again from its file: loading
    /// keeps only what checks and search need of it.
    fn article_body(&self, a: &Article) -> anyhow::Result<String> {
        let site = self.site;
        if let (Some(spilled), Some(spill)) = (a.spilled, site.files.spill()) {
            return spill
                .get(spilled)
                .with_context(|| format!("cannot read the rendered `{}` back", a.file.display()));
        }
        let bytes = site
            .files
            .read(&a.file)
            .with_context(|| format!("cannot read `{}` again", a.file.display()))?;
        let text = String::from_utf8(bytes).unwrap_or_default();
        crate::load::article::body_html(a, &text, &site.markdown).with_context(|| {
            format!(
                "`{}` changed while the site was building; build again",
                a.file.display()
            )
        })
    }

    /// A `related:` entry (article slug or `tree:slug`) as a link.
    pub fn related_item(&self, value: &str) -> Option<LinkItem> {
        match link::parse_prefixed(value) {
            Some(link::Target::Tree { slug, node }) => {
                let tree = self.site.tree(&slug)?;
                let mut item = trees::tree_item(self, tree);
                if let Some(node) = node {
                    item.url = link::node_url(&self.base_path, &slug, &node);
                }
                Some(item)
            }
            Some(link::Target::Article { slug, .. }) => self.article_by_slug(&slug),
            Some(link::Target::ArticleFile { .. }) => None,
            None => self.article_by_slug(value),
        }
    }

    fn article_by_slug(&self, slug: &str) -> Option<LinkItem> {
        self.site.article(slug).map(|a| self.article_item(a))
    }

    fn redirect(&self, to: &str) -> anyhow::Result<Vec<u8>> {
        #[derive(Serialize)]
        struct Redirect<'a> {
            to: &'a str,
        }
        let t = self.strings;
        let mut meta = self.meta(t.get("moved"), t.get("moved_description"), to, Vec::new());
        meta.noindex = true;
        self.page("redirect.html", &meta, &Redirect { to })
    }

    /// Every troubleshooter as a link, for listings.
    fn tree_items(&self) -> Vec<LinkItem> {
        self.site
            .trees
            .iter()
            .map(|t| trees::tree_item(self, t))
            .collect()
    }

    fn search_page(&self) -> anyhow::Result<OutputFile> {
        #[derive(Serialize)]
        struct SearchPage {
            trees: Vec<LinkItem>,
        }
        let url = format!("{}{}", self.base_path, link::SEARCH_DIR);
        let t = self.strings;
        let mut meta = self.meta(
            t.get("search"),
            &t.format("search_description", &[("site", &self.ctx.title)]),
            &url,
            vec![self.home_crumb()],
        );
        meta.noindex = true;
        let trees = self.tree_items();
        let html = self.page("search.html", &meta, &SearchPage { trees })?;
        Ok(OutputFile::new(link::page_file(link::SEARCH_DIR), html))
    }

    /// Links to the pages of `tags`.
    fn tag_links(&self, tags: &[String]) -> Vec<LinkItem> {
        if self.tags.is_empty() {
            return Vec::new();
        }
        tags.iter()
            .map(|t| LinkItem {
                title: t.clone(),
                url: format!("{}{}", self.base_path, link::tag_path(t)),
                description: String::new(),
            })
            .collect()
    }

    /// `/tags/`: every tag, with how many pages carry it.
    fn tags_page(&self) -> anyhow::Result<OutputFile> {
        #[derive(Serialize)]
        struct TagsPage<'a> {
            tags: Vec<TagSummary<'a>>,
        }
        #[derive(Serialize)]
        struct TagSummary<'a> {
            tag: &'a LinkItem,
            count: usize,
        }
        let tags = self
            .tags
            .iter()
            .map(|t| TagSummary {
                tag: &t.link,
                count: t.articles.len() + t.trees.len(),
            })
            .collect();
        let url = format!("{}{}", self.base_path, link::TAGS_PATH);
        let t = self.strings;
        let meta = self.meta(
            t.get("tags"),
            &t.format("tags_description", &[("site", &self.ctx.title)]),
            &url,
            vec![self.home_crumb()],
        );
        let html = self.page("tags.html", &meta, &TagsPage { tags })?;
        Ok(OutputFile::new(link::page_file(link::TAGS_PATH), html))
    }

    /// `/tags/<tag>/`: the articles and troubleshooters with that tag.
    fn tag_page(&self, i: usize) -> anyhow::Result<OutputFile> {
        #[derive(Serialize)]
        struct TagPage<'a> {
            tag: &'a LinkItem,
            articles: Vec<LinkItem>,
            trees: Vec<LinkItem>,
        }
        let t = &self.tags[i];
        let tags_crumb = LinkItem {
            title: self.strings.get("tags").into(),
            url: format!("{}{}", self.base_path, link::TAGS_PATH),
            description: String::new(),
        };
        let meta = self.meta(
            &self.strings.format("tagged", &[("tag", &t.link.title)]),
            &self
                .strings
                .format("tag_description", &[("tag", &t.link.title)]),
            &t.link.url,
            vec![self.home_crumb(), tags_crumb],
        );
        let page = TagPage {
            tag: &t.link,
            articles: t
                .articles
                .iter()
                .map(|i| self.article_item(&self.site.articles[*i]))
                .collect(),
            trees: t
                .trees
                .iter()
                .map(|i| trees::tree_item(self, &self.site.trees[*i]))
                .collect(),
        };
        let html = self.page("tag.html", &meta, &page)?;
        Ok(OutputFile::new(
            link::page_file(&link::tag_path(&t.link.title)),
            html,
        ))
    }

    fn not_found(&self) -> anyhow::Result<OutputFile> {
        #[derive(Serialize)]
        struct NotFound {
            trees: Vec<LinkItem>,
        }
        let t = self.strings;
        let mut meta = self.meta(
            t.get("page_not_found"),
            t.get("page_not_found_description"),
            &format!("{}404.html", self.base_path),
            vec![self.home_crumb()],
        );
        meta.noindex = true;
        let trees = self.tree_items();
        let html = self.page("404.html", &meta, &NotFound { trees })?;
        Ok(OutputFile::new("404.html", html))
    }

    /// `sitemap.xml`: every page of every language that has its own text,
    /// each with its alternates in the other languages.
    fn sitemap(&self) -> OutputFile {
        let base = &self.base_path;
        let mut urls: Vec<(String, Option<&str>)> = vec![(base.clone(), None)];
        for c in &self.site.config.categories {
            urls.push((link::category_url(base, &c.id), None));
        }
        for a in &self.site.articles {
            urls.push((link::article_url(base, &a.slug), a.updated.as_deref()));
        }
        for t in &self.site.trees {
            urls.push((link::tree_url(base, &t.slug), t.updated.as_deref()));
            for n in t.nodes.iter().filter(|n| n.id != t.start) {
                urls.push((link::node_url(base, &t.slug, &n.id), t.updated.as_deref()));
            }
        }
        let tags_from = urls.len();
        if !self.tags.is_empty() {
            urls.push((format!("{base}{}", link::TAGS_PATH), None));
            urls.extend(self.tags.iter().map(|t| (t.link.url.clone(), None)));
        }
        let multilingual = self.site.lang.is_multilingual();
        let mut xml = String::from(if multilingual {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n"
        } else {
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        });
        let mut entry = |url: &str, updated: Option<&str>, alternates: &[Alternate]| {
            xml.push_str("  <url><loc>");
            xml.push_str(&escape_xml(&self.absolute(url)));
            xml.push_str("</loc>");
            if let Some(date) = updated {
                xml.push_str("<lastmod>");
                xml.push_str(&escape_xml(date));
                xml.push_str("</lastmod>");
            }
            for a in alternates {
                xml.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
                xml.push_str(&escape_xml(&a.hreflang));
                xml.push_str("\" href=\"");
                xml.push_str(&escape_xml(&a.url));
                xml.push_str("\"/>");
            }
            xml.push_str("</url>\n");
        };
        for (i, (url, updated)) in urls.iter().enumerate() {
            // Tag pages are each language's own; the default's are listed.
            if !multilingual || i >= tags_from {
                entry(url, *updated, &[]);
                continue;
            }
            let (alternates, _) = self.language_links(url);
            let rel = url.strip_prefix(base.as_str()).unwrap_or(url);
            for a in alternates.iter().filter(|a| a.hreflang != "x-default") {
                let prefix = self
                    .site
                    .lang
                    .all
                    .iter()
                    .find(|l| l.tag == a.hreflang)
                    .map_or("", |l| l.prefix.as_str());
                entry(&format!("{base}{prefix}{rel}"), *updated, &alternates);
            }
        }
        xml.push_str("</urlset>\n");
        OutputFile::new("sitemap.xml", xml)
    }

    fn robots(&self) -> OutputFile {
        let sitemap = self.absolute(&format!("{}sitemap.xml", self.base_path));
        OutputFile::new(
            "robots.txt",
            format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n"),
        )
    }
}

/// One tag and what carries it, in site order.
struct Tag {
    link: LinkItem,
    /// Indices into the site's articles and trees.
    articles: Vec<usize>,
    trees: Vec<usize>,
}

/// Every tag of the site's articles and troubleshooters, by URL slug
/// (spellings that make the same slug are one tag; the first one names it).
fn collect_tags<'a>(site: &'a Site, base_path: &str) -> Vec<Tag> {
    // By slug; each spelling is looked up once (a site has tens of tags
    // on thousands of pages), and the first spelling seen names the tag.
    let mut tags: Vec<(String, Tag)> = Vec::new();
    let mut by_slug: HashMap<String, usize> = HashMap::new();
    let mut by_spelling: HashMap<&'a str, usize> = HashMap::new();
    let mut add = |tag: &'a str, index: usize, tree: bool| {
        let at = *by_spelling.entry(tag).or_insert_with(|| {
            let slug = link::tag_slug(tag);
            *by_slug.entry(slug.clone()).or_insert_with(|| {
                tags.push((
                    slug,
                    Tag {
                        link: LinkItem {
                            title: tag.to_string(),
                            url: format!("{base_path}{}", link::tag_path(tag)),
                            description: String::new(),
                        },
                        articles: Vec::new(),
                        trees: Vec::new(),
                    },
                ));
                tags.len() - 1
            })
        });
        let t = &mut tags[at].1;
        let list = if tree { &mut t.trees } else { &mut t.articles };
        // A page lists each article once, even if it repeats a tag.
        if list.last() != Some(&index) {
            list.push(index);
        }
    };
    for (i, a) in site.articles.iter().enumerate() {
        for tag in &a.tags {
            add(tag, i, false);
        }
    }
    for (i, t) in site.trees.iter().enumerate() {
        for tag in &t.tags {
            add(tag, i, true);
        }
    }
    tags.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    tags.into_iter().map(|(_, tag)| tag).collect()
}

/// Serializes JSON for a `<script type="application/ld+json">` block:
/// `<`, `>` and `&` are escaped so no value can close the element.
pub fn json_ld<T: Serialize>(value: &T) -> anyhow::Result<String> {
    to_json_for_html(value).context("JSON-LD")
}

/// schema.org `Article` data of an article page. Written from borrowed
/// fields rather than a `serde_json::Value`: one per page adds up.
#[derive(Serialize)]
struct ArticleLd<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "dateModified")]
    date_modified: Option<&'a str>,
    description: &'a str,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: &'a str,
    url: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_the_script_element() -> anyhow::Result<()> {
        let v = serde_json::json!({"headline": "</script><script>alert(1)</script>"});
        let out = json_ld(&v)?;
        assert!(!out.contains("</script>"));
        assert!(out.contains("\\u003c/script\\u003e"));
        Ok(())
    }
}
