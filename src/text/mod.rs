//! The formats authors write, parsed with positions: front matter and
//! YAML, Markdown, link forms and the site's URL scheme, and the word
//! analysis search needs. Knows nothing of a loaded site.

pub(crate) mod highlight;
pub(crate) mod link;
pub(crate) mod markdown;
pub(crate) mod source;
pub(crate) mod words;
pub(crate) mod yaml;
