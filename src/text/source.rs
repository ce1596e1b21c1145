//! Source text as authors wrote it: front matter split and positions.
//!
//! Every position reported to authors is a line of the whole file, so the
//! front matter offset is kept next to the body.

use crate::base::diagnostic::Pos;

/// A Markdown file split into its YAML front matter and its body.
#[derive(Debug)]
pub struct FrontMatterSplit<'a> {
    pub yaml: &'a str,
    /// Line of the file on which the YAML starts (1-based).
    pub yaml_line: usize,
    pub body: &'a str,
    /// Line of the file on which the body starts (1-based).
    pub body_line: usize,
}

/// A value an author wrote, with where it was written.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

/// Why a file has no usable front matter.
#[derive(Debug, PartialEq, Eq)]
pub enum FrontMatterError {
    Missing,
    Unterminated,
}

/// Strips a UTF-8 byte order mark, which editors on Windows like to add.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Splits `---\nyaml\n---\nbody`; accepts CRLF line endings.
pub fn split_front_matter(text: &str) -> Result<FrontMatterSplit<'_>, FrontMatterError> {
    let text = strip_bom(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(FrontMatterError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    for (line, raw) in (2..).zip(text[yaml_start..].split_inclusive('\n')) {
        let trimmed = raw.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let body_start = offset + raw.len();
            return Ok(FrontMatterSplit {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += raw.len();
    }
    Err(FrontMatterError::Unterminated)
}

/// 1-based line and column (in chars) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Positions of keys and list items in block-style YAML, by path.
///
/// serde_yaml reports positions only for syntax errors; this index lets
/// later stages point at `nodes.unlink-first.answers.1.next` precisely.
/// Paths are dot-joined keys and list indices. Flow lists of scalars on one
/// line (`[a, b]`) are indexed item by item; anything fancier falls back to
/// the nearest enclosing key.
#[derive(Debug, Default)]
pub struct YamlIndex {
    entries: std::collections::HashMap<String, Entry>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    key: Pos,
    value: Pos,
}

struct Frame {
    indent: usize,
    path: String,
    next_item: usize,
    is_item: bool,
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

fn char_col(line: &str, byte: usize) -> usize {
    line[..byte.min(line.len())].chars().count() + 1
}

fn char_len(text: &str) -> usize {
    text.chars().count()
}

impl YamlIndex {
    /// Indexes `text`, whose first line is line `first_line` of the file.
    pub fn new(text: &str, first_line: usize) -> Self {
        let mut index = YamlIndex::default();
        let mut stack = vec![Frame {
            indent: 0,
            path: String::new(),
            next_item: 0,
            is_item: false,
        }];
        let mut block_scalar_indent: Option<usize> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = first_line + i;
            let line = raw.trim_end_matches('\r');
            let content = line.trim_start_matches(' ');
            let indent = line.len() - content.len();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if let Some(min) = block_scalar_indent {
                if indent > min {
                    continue;
                }
                block_scalar_indent = None;
            }
            let is_item_line = is_item(content);
            // Leave the frames that this line's indentation closes.
            while let Some(top) = stack.last().filter(|_| stack.len() > 1) {
                let closes = if is_item_line {
                    top.indent > indent || (top.indent == indent && top.is_item)
                } else {
                    top.indent >= indent
                };
                if !closes {
                    break;
                }
                stack.pop();
            }
            let mut col = indent;
            let mut rest = content;
            while is_item(rest) {
                let parent = stack.last_mut().expect("the root frame is never popped");
                let path = join(&parent.path, &parent.next_item.to_string());
                parent.next_item += 1;
                rest = rest[1..].trim_start_matches(' ');
                let item_col = line.len() - rest.len();
                let pos = Pos::new(
                    line_no,
                    char_col(line, item_col),
                    char_len(strip_comment(rest)),
                );
                index.entries.insert(
                    path.clone(),
                    Entry {
                        key: pos,
                        value: pos,
                    },
                );
                stack.push(Frame {
                    indent: col,
                    path,
                    next_item: 0,
                    is_item: true,
                });
                col = item_col;
            }
            let Some((key, after)) = split_key(rest) else {
                continue;
            };
            let parent = stack.last().expect("the root frame is never popped");
            let path = join(&parent.path, key);
            let value = strip_comment(after.trim_start_matches(' '));
            let value_col = line.len() - after.trim_start_matches(' ').len();
            let key_pos = Pos::new(line_no, char_col(line, col), char_len(key));
            let value_pos = Pos::new(line_no, char_col(line, value_col), char_len(value));
            index.entries.insert(
                path.clone(),
                Entry {
                    key: key_pos,
                    value: value_pos,
                },
            );
            if value.starts_with('[') {
                index.index_flow_list(&path, value, line_no, value_pos.column);
            }
            if value.starts_with('|') || value.starts_with('>') {
                block_scalar_indent = Some(col);
            }
            stack.push(Frame {
                indent: col,
                path,
                next_item: 0,
                is_item: false,
            });
        }
        index
    }

    fn index_flow_list(&mut self, path: &str, list: &str, line: usize, list_col: usize) {
        let Some(inner) = list.strip_prefix('[').and_then(|l| l.split(']').next()) else {
            return;
        };
        let mut offset = 1;
        for (i, item) in inner.split(',').enumerate() {
            let trimmed = item.trim();
            let lead = char_len(item) - char_len(item.trim_start());
            let pos = Pos::new(line, list_col + offset + lead, char_len(trimmed));
            self.entries.insert(
                join(path, &i.to_string()),
                Entry {
                    key: pos,
                    value: pos,
                },
            );
            offset += char_len(item) + 1;
        }
    }

    /// Position of the key at `path`, or of its nearest indexed ancestor.
    pub fn key(&self, path: &str) -> Pos {
        self.lookup(path).map(|e| e.key).unwrap_or_default()
    }

    /// Position of the value at `path`, or of its nearest indexed ancestor's key.
    pub fn value(&self, path: &str) -> Pos {
        match self.entries.get(path) {
            Some(e) => e.value,
            None => self.key(path),
        }
    }

    fn lookup(&self, path: &str) -> Option<Entry> {
        let mut p = path;
        loop {
            if let Some(e) = self.entries.get(p) {
                return Some(*e);
            }
            p = &p[..p.rfind('.')?];
        }
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// `key: value` → (`key`, ` value`), for plain or quoted keys.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let (key, after) = if let Some(q @ ('"' | '\'')) = line.chars().next() {
        let end = line[1..].find(q)? + 1;
        let after = line[end + 1..].strip_prefix(':')?;
        (&line[1..end], after)
    } else {
        let colon = line
            .find(": ")
            .or_else(|| line.strip_suffix(':').map(|l| l.len()))?;
        (&line[..colon], &line[colon + 1..])
    };
    if key.is_empty() || key.starts_with(['{', '[', '&', '*', '!', '|', '>']) {
        return None;
    }
    Some((key, after))
}

fn strip_comment(value: &str) -> &str {
    match value.find(" #") {
        Some(i) if !value.starts_with(['"', '\'']) => value[..i].trim_end(),
        _ => value.trim_end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_with_crlf_and_bom() {
        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody\r\n";
        let split = split_front_matter(text).expect("valid front matter");
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(split.body, "Body\r\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn reports_missing_and_unterminated_front_matter() {
        assert_eq!(
            split_front_matter("# Title").err(),
            Some(FrontMatterError::Missing)
        );
        assert_eq!(
            split_front_matter("---\ntitle: A\n").err(),
            Some(FrontMatterError::Unterminated)
        );
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
    }

    #[test]
    fn indexes_nested_keys_and_list_items() {
        let yaml = "title: T\nnodes:\n  start:\n    question: Q?\n    details: |\n      a: b\n    answers:\n      - label: \"Yes\"\n        next: done\n      - label: No\n        next: other\nrelated: [a, tree:b]\n";
        let index = YamlIndex::new(yaml, 2);
        assert_eq!(index.key("nodes.start").line, 4);
        assert_eq!(
            index.value("nodes.start.answers.1.next"),
            Pos::new(12, 15, 5)
        );
        assert_eq!(index.value("nodes.start.answers.0.label").line, 9);
        assert_eq!(index.key("nodes.start.details.a").line, 6);
        assert_eq!(index.value("related.1"), Pos::new(13, 14, 6));
        assert_eq!(index.key("nodes.start.missing").line, 4);
    }

    #[test]
    fn indexes_block_list_of_scalars() {
        let yaml = "tags:\n  - coex\n  - sync\ntitle: x\n";
        let index = YamlIndex::new(yaml, 1);
        assert_eq!(index.value("tags.1"), Pos::new(3, 5, 4));
        assert_eq!(index.key("title").line, 4);
    }
}
