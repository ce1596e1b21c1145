//! `waymark translations --stamp` and `waymark new translation`: the files
//! a translator works in, and the stamp that says which version of the
//! source a translation follows.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use crate::load::translation::{self, article_hash, tree_hash};
use crate::text::source::split_front_matter;

/// The source file of a translation (`x.es.md` → `x.md` beside it).
pub fn source_of(file: &Path) -> anyhow::Result<PathBuf> {
    let Some((slug, _)) = translation::split(file) else {
        bail!(
            "`{}` is not a translation: name it `<slug>.<code>.md` or `<slug>.<code>.yaml`",
            file.display()
        );
    };
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("md");
    Ok(file.with_file_name(format!("{slug}.{ext}")))
}

/// The hash of a source file's translatable text, as `source:` holds it.
pub fn source_hash(source: &Path, text: &str) -> anyhow::Result<String> {
    if source.extension().is_some_and(|e| e == "yaml") {
        return Ok(tree_hash(text));
    }
    let split = split_front_matter(text)
        .map_err(|_| anyhow::anyhow!("`{}` has no front matter", source.display()))?;
    #[derive(serde::Deserialize)]
    struct Texts {
        title: String,
        description: String,
    }
    let texts: Texts = serde_yaml::from_str(split.yaml)
        .with_context(|| format!("`{}`: cannot read title and description", source.display()))?;
    Ok(article_hash(&texts.title, &texts.description, split.body))
}

/// Writes `source: <hash of the source now>` into the translation at
/// `root/file`; returns the hash.
pub fn stamp(root: &Path, file: &Path) -> anyhow::Result<String> {
    let source = source_of(file)?;
    let source_text = std::fs::read_to_string(root.join(&source))
        .with_context(|| format!("cannot read the source `{}`", source.display()))?;
    let hash = source_hash(&source, &source_text)?;
    let path = root.join(file);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read `{}`", file.display()))?;
    let stamped = with_source_line(&text, &hash, file.extension().is_some_and(|e| e == "yaml"));
    std::fs::write(&path, stamped).with_context(|| format!("cannot write `{}`", file.display()))?;
    Ok(hash)
}

/// `text` with its top-level `source:` set to `hash`: replaced where it
/// is, else added as the first field (after `---` in front matter).
fn with_source_line(text: &str, hash: &str, yaml_file: bool) -> String {
    let line = format!("source: {hash}");
    let mut out = Vec::new();
    let mut replaced = false;
    let mut in_front_matter = yaml_file;
    for (i, l) in text.lines().enumerate() {
        if !yaml_file && l.trim_end() == "---" {
            in_front_matter = i == 0;
        }
        if in_front_matter && !replaced && l.starts_with("source:") {
            out.push(line.clone());
            replaced = true;
        } else {
            out.push(l.to_string());
        }
    }
    if !replaced {
        let at = usize::from(!yaml_file && out.first().is_some_and(|l| l.trim_end() == "---"));
        out.insert(at, line);
    }
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    joined
}

/// Creates the translation of `source` into `code`, beside it: the source's
/// text to translate, stamped with its hash. Fields that come from the
/// source (category, order, related…) are left out.
pub fn new_translation(root: &Path, source: &Path, code: &str) -> anyhow::Result<PathBuf> {
    let code = code.to_ascii_lowercase();
    let config = crate::load::config::load(root)?
        .0
        .context("site.yaml has errors: run `waymark check`")?;
    let codes: Vec<String> = config.languages.iter().map(|l| l.segment()).collect();
    if !codes.contains(&code) {
        bail!(
            "`{code}` is not a language of this site; site.yaml lists: {}",
            if codes.is_empty() {
                "none (add `languages:`)".to_string()
            } else {
                codes.join(", ")
            }
        );
    }
    if translation::split(source).is_some() {
        bail!(
            "`{}` is itself a translation; name the source file",
            source.display()
        );
    }
    let text = std::fs::read_to_string(root.join(source))
        .with_context(|| format!("cannot read `{}`", source.display()))?;
    let hash = source_hash(source, &text)?;
    let stem = source
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let ext = source.extension().and_then(|e| e.to_str()).unwrap_or("md");
    let target = source.with_file_name(format!("{stem}.{code}.{ext}"));
    if root.join(&target).exists() {
        bail!("`{}` already exists", target.display());
    }
    let body = if ext == "yaml" {
        let kept = without_fields(&text, &translation::TREE_SETTINGS);
        format!("source: {hash}\n{kept}")
    } else {
        let split = split_front_matter(&text)
            .map_err(|_| anyhow::anyhow!("`{}` has no front matter", source.display()))?;
        // Only the texts to translate: every other field comes from the source.
        let settings: Vec<&str> = crate::load::article::FIELDS
            .into_iter()
            .filter(|f| !["title", "description"].contains(f))
            .collect();
        let fields = without_fields(split.yaml, &settings);
        format!("---\nsource: {hash}\n{fields}---\n{}", split.body)
    };
    std::fs::write(root.join(&target), body)
        .with_context(|| format!("cannot write `{}`", target.display()))?;
    Ok(target)
}

/// YAML text without the top-level fields in `drop` (and their values).
fn without_fields(text: &str, drop: &[&str]) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if !line.starts_with([' ', '\t', '-']) && !line.trim().is_empty() {
            let key = line.split(':').next().unwrap_or_default().trim();
            skipping = drop.contains(&key);
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_replaces_or_adds_one_line() {
        let md = "---\ntitle: T\nsource: old\n---\nBody\n";
        assert_eq!(
            with_source_line(md, "abc", false),
            "---\ntitle: T\nsource: abc\n---\nBody\n"
        );
        let md = "---\ntitle: T\n---\nsource: not front matter\n";
        assert_eq!(
            with_source_line(md, "abc", false),
            "---\nsource: abc\ntitle: T\n---\nsource: not front matter\n"
        );
        assert_eq!(
            with_source_line("title: T\n", "abc", true),
            "source: abc\ntitle: T\n"
        );
    }

    #[test]
    fn settings_are_left_out_of_a_new_translation() {
        let yaml =
            "title: T\ntags: [a,\n  b]\nnodes:\n  q:\n    tags: kept\ntests:\n  - answers: []\n";
        assert_eq!(
            without_fields(yaml, &["tags", "tests"]),
            "title: T\nnodes:\n  q:\n    tags: kept\n"
        );
    }
}
