//! Cross-file rules (errors) and advice (warnings) on a loaded site.

pub(crate) mod lint;
pub(crate) mod validate;
