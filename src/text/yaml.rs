//! All YAML parsing goes through here, so the YAML crate can be swapped in
//! one place and every parse error becomes a located diagnostic.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::base::diagnostic::{Diagnostic, Pos, suggest};

/// Deserializes `text` (which starts on line `first_line` of `file`).
pub fn from_str<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: usize,
) -> Result<T, Box<Diagnostic>> {
    serde_yaml::from_str(text).map_err(|e| Box::new(to_diagnostic(&e, text, file, first_line)))
}

/// Parses `text` into a generic value, with merge keys (`<<`) applied.
pub fn value_from_str(
    text: &str,
    file: &Path,
    first_line: usize,
) -> Result<serde_yaml::Value, Box<Diagnostic>> {
    let mut value: serde_yaml::Value = from_str(text, file, first_line)?;
    value
        .apply_merge()
        .map_err(|e| Box::new(to_diagnostic(&e, text, file, first_line)))?;
    Ok(value)
}

fn to_diagnostic(
    error: &serde_yaml::Error,
    text: &str,
    file: &Path,
    first_line: usize,
) -> Diagnostic {
    let full = error.to_string();
    let message = match full.find(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    let pos = error.location().map_or(Pos::new(first_line, 1, 1), |l| {
        Pos::new(first_line + l.line() - 1, l.column(), 1)
    });
    let (code, help) = if let Some(field) = between(message, "unknown field `", "`") {
        let expected = expected_names(message);
        let help = match suggest(field, expected.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known fields: {}", expected.join(", ")),
        };
        ("E-YAML-UNKNOWN-FIELD", Some(help))
    } else if message.contains("missing field") {
        ("E-YAML-MISSING-FIELD", Some("add the field".to_string()))
    } else if message.contains("invalid type") {
        ("E-YAML-TYPE", type_help(message))
    } else if message.contains("duplicate field") || message.contains("duplicate entry") {
        (
            "E-YAML-DUPLICATE",
            Some("a key may appear only once in a mapping; remove or rename one".to_string()),
        )
    } else if message.contains("repetition limit") || message.contains("recursion limit") {
        (
            "E-YAML-LIMIT",
            Some(
                "the file nests or repeats aliases too deeply to be content; write it out plainly"
                    .to_string(),
            ),
        )
    } else if let Some(plain) = error
        .location()
        .and_then(|l| explain(&full, text, l.line(), l.column()))
    {
        let pos = Pos::new(first_line + plain.line - 1, plain.column, plain.len);
        return Diagnostic::error("E-YAML-SYNTAX", file, pos, plain.message).with_help(plain.help);
    } else {
        ("E-YAML-SYNTAX", None)
    };
    let diagnostic = Diagnostic::error(code, file, pos, message.to_string());
    match help {
        Some(h) => diagnostic.with_help(h),
        None => diagnostic,
    }
}

/// A YAML syntax error in plain words, at the place to fix.
struct Plain {
    message: String,
    help: String,
    line: usize,
    column: usize,
    len: usize,
}

/// Explains the syntax errors authors make most: tabs, an unquoted colon
/// in a value, a line indented unlike its neighbours, an unclosed quote or
/// list. `line` and `column` (1-based) are where the parser stopped.
fn explain(error: &str, text: &str, line: usize, column: usize) -> Option<Plain> {
    let lines: Vec<&str> = text.lines().collect();
    let at = |n: usize| lines.get(n.checked_sub(1)?).copied();
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    // Tabs: the first line at or before the error that indents with one.
    let tabbed = (1..=line.min(lines.len()))
        .rev()
        .find(|n| at(*n).is_some_and(|l| l[..indent(l)].contains('\t')));
    if let Some(n) =
        tabbed.filter(|_| error.contains("tab") || error.contains("cannot start any token"))
    {
        let l = at(n)?;
        return Some(Plain {
            message: "YAML does not allow tabs for indentation".into(),
            help: "indent with spaces instead (two per level is usual)".into(),
            line: n,
            column: l.find('\t')? + 1,
            len: 1,
        });
    }
    let here = at(line).unwrap_or_default();
    if error.starts_with("mapping values are not allowed") {
        let before = here.get(..column.saturating_sub(1)).unwrap_or(here);
        if let Some((key, _)) = before
            .split_once(": ")
            .filter(|(k, _)| !k.trim().is_empty())
        {
            // `title: Why: it fails`: the second `: ` reads as a new key.
            let key = key.trim().trim_start_matches("- ");
            return Some(Plain {
                message: format!(
                    "the value of `{key}` contains `: `, which YAML reads as the start of a new key"
                ),
                help: format!(
                    "put the value in quotes: `{key}: \"{}\"`",
                    here[here.find(": ")? + 2..].trim().replace('"', "\\\"")
                ),
                line,
                column: column.max(1),
                len: 1,
            });
        }
        let above = (1..line)
            .rev()
            .filter_map(at)
            .find(|l| !l.trim().is_empty())?;
        return Some(Plain {
            message: "this line is indented deeper than the line above it, so YAML reads it as part of that line's value".into(),
            help: format!(
                "start `{}` in the same column as the key above it ({} spaces)",
                here.trim().split(':').next().unwrap_or_default(),
                indent(above)
            ),
            line,
            column: indent(here) + 1,
            len: here.trim().len().max(1),
        });
    }
    if (error.starts_with("did not find expected key")
        || error.starts_with("did not find expected '-'"))
        && !here.trim().is_empty()
    {
        return Some(Plain {
            message: "this line's indentation does not match the lines around it".into(),
            help: "keys of one mapping (and items of one list) must start in the same column"
                .into(),
            line,
            column: indent(here) + 1,
            len: here.trim().len().max(1),
        });
    }
    let (opened_line, opened_col) = opened_at(error)?;
    let opener = at(opened_line)?.get(opened_col - 1..)?.chars().next()?;
    let (message, help) = match opener {
        '"' | '\'' => (
            "this quoted value is never closed".to_string(),
            format!("add the closing `{opener}` at the end of the value"),
        ),
        '[' => (
            "this `[` list is never closed".into(),
            "close it with `]` on the same line, like `[coex, sync]`".into(),
        ),
        '{' => (
            "this `{` mapping is never closed".into(),
            "close it with `}` on the same line".into(),
        ),
        _ => return None,
    };
    Some(Plain {
        message,
        help,
        line: opened_line,
        column: opened_col,
        len: 1,
    })
}

/// Where the construct the parser was in started: serde_yaml says
/// "while scanning a quoted scalar at line L column C".
fn opened_at(error: &str) -> Option<(usize, usize)> {
    let rest = error.split(", while ").nth(1)?;
    let line: usize = between(rest, " at line ", " ")?.parse().ok()?;
    let column: usize = rest.rsplit("column ").next()?.trim().parse().ok()?;
    Some((line, column))
}

fn type_help(message: &str) -> Option<String> {
    if message.contains("expected a sequence") {
        Some("write a list, like `[coex, sync]`".into())
    } else if message.contains("expected a string") {
        Some("write plain text here; quote it if it starts with `[`, `{`, `*` or `&`".into())
    } else {
        None
    }
}

/// The text after `start` up to the next `end`.
pub(crate) fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

fn expected_names(message: &str) -> Vec<&str> {
    let Some(list) = message.split_once("expected ").map(|(_, l)| l) else {
        return Vec::new();
    };
    list.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        description: String,
    }

    #[test]
    fn unknown_field_is_located_and_suggested() {
        let err = from_str::<Fm>("title: a\ndescriptoin: b\n", Path::new("x.md"), 2)
            .expect_err("unknown field");
        assert_eq!(err.code, "E-YAML-UNKNOWN-FIELD");
        assert_eq!(err.pos.line, 3);
        assert_eq!(err.help.as_deref(), Some("did you mean `description`?"));
        assert!(!err.message.contains(" at line "));
    }

    fn explained(text: &str) -> Diagnostic {
        *value_from_str(text, Path::new("x.yaml"), 1).expect_err("a syntax error")
    }

    #[test]
    fn common_syntax_errors_are_explained_in_plain_words() {
        let tab = explained("title: a\n\tdescription: b\n");
        assert_eq!(tab.message, "YAML does not allow tabs for indentation");
        assert_eq!((tab.pos.line, tab.pos.column), (2, 1));
        let tab = explained("title: a\nnodes:\n  a:\n  \tb: c\n");
        assert_eq!((tab.pos.line, tab.pos.column), (4, 3), "{tab:?}");

        let colon = explained("title: Why: it fails\ndescription: b\n");
        assert!(
            colon.message.contains("the value of `title` contains `: `"),
            "{colon:?}"
        );
        assert_eq!(
            colon.help.as_deref(),
            Some("put the value in quotes: `title: \"Why: it fails\"`")
        );

        let deeper = explained("nodes:\n  a:\n    question: Q\n      answers: []\n");
        assert!(deeper.message.contains("indented deeper"), "{deeper:?}");
        assert_eq!((deeper.pos.line, deeper.pos.column), (4, 7));
        assert!(
            deeper
                .help
                .as_deref()
                .is_some_and(|h| h.contains("(4 spaces)"))
        );

        let shallower = explained("nodes:\n  a:\n    question: Q\n   answers: []\n");
        assert!(
            shallower.message.contains("indentation does not match"),
            "{shallower:?}"
        );
        assert_eq!(shallower.pos.line, 4);

        let quote = explained("title: \"Unclosed\ndescription: b\n");
        assert_eq!(quote.message, "this quoted value is never closed");
        assert_eq!((quote.pos.line, quote.pos.column), (1, 8));

        let list = explained("tags: [a, b\ndescription: x\n");
        assert_eq!(list.message, "this `[` list is never closed");
        assert_eq!((list.pos.line, list.pos.column), (1, 7));
    }

    #[test]
    fn syntax_error_is_located() {
        let err = value_from_str("a: [b\n", Path::new("x.yaml"), 1).expect_err("syntax");
        assert_eq!(err.code, "E-YAML-SYNTAX");
        assert!(err.pos.line >= 1);
    }
}
