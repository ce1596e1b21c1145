//! The load stage: the content model (site.yaml, articles, trees) read
//! into one in-memory `Site`, with diagnostics collected, not returned.

pub(crate) mod article;
pub(crate) mod config;
pub(crate) mod edition;
pub(crate) mod site;
pub(crate) mod translation;
pub(crate) mod tree;
