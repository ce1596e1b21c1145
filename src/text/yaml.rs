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
    serde_yaml::from_str(text).map_err(|e| Box::new(to_diagnostic(&e, file, first_line)))
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
        .map_err(|e| Box::new(to_diagnostic(&e, file, first_line)))?;
    Ok(value)
}

fn to_diagnostic(error: &serde_yaml::Error, file: &Path, first_line: usize) -> Diagnostic {
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
    } else if message.contains("tab") {
        (
            "E-YAML-SYNTAX",
            Some("YAML indentation must use spaces, not tabs".to_string()),
        )
    } else {
        ("E-YAML-SYNTAX", None)
    };
    let diagnostic = Diagnostic::error(code, file, pos, message.to_string());
    match help {
        Some(h) => diagnostic.with_help(h),
        None => diagnostic,
    }
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

    #[test]
    fn syntax_error_is_located() {
        let err = value_from_str("a: [b\n", Path::new("x.yaml"), 1).expect_err("syntax");
        assert_eq!(err.code, "E-YAML-SYNTAX");
        assert!(err.pos.line >= 1);
    }
}
