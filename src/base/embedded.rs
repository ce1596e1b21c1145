//! Files built into the binary (by build.rs): the default theme under
//! `theme/` and the `waymark init` starter site under `scaffold/`, so
//! `waymark` works outside this repository.

/// `(path, bytes)` of every embedded file, sorted by path.
pub static EMBEDDED: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Output paths of the default theme's static files (`style.css`, …).
pub fn default_theme_static() -> impl Iterator<Item = &'static str> {
    EMBEDDED
        .iter()
        .filter_map(|(path, _)| path.strip_prefix("theme/static/"))
}
