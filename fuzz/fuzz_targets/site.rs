//! The whole pipeline on hostile content: the input is an article, a tree
//! and optionally `site.yaml`, separated by NUL bytes; they are loaded,
//! validated, linted and rendered in memory with the default theme
//! beside one well-formed article that links can point to. Any panic,
//! hang or runaway allocation is a bug.
#![no_main]

use std::collections::BTreeMap;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;

const CONFIG: &[u8] = b"title: Fuzz Help\ndescription: Fuzzed site\nbase_url: https://example.com/help/\ncategories:\n  - id: basics\n    title: Basics\n    description: The basics\n";
const GOOD: &[u8] = b"---\ntitle: Good\ndescription: A good article\ncategory: basics\n---\n\n## Heading one\n\nText with [a link](article:fuzzed).\n";

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0);
    let article = parts.next().unwrap_or_default();
    let tree = parts.next().unwrap_or_default();
    let config = parts.next().unwrap_or(CONFIG);
    let files: BTreeMap<PathBuf, Vec<u8>> = [
        ("site.yaml", config),
        ("content/articles/basics/fuzzed.md", article),
        ("content/articles/basics/good.md", GOOD),
        ("content/trees/fuzzed.yaml", tree),
    ]
    .into_iter()
    .map(|(path, bytes)| (PathBuf::from(path), bytes.to_vec()))
    .collect();
    let _ = waymark::build_files(&files, &waymark::BuildOptions::default());
});
