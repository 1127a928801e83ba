//! Where in the file a key is: its line (from the TOML document), the key path as a message writes it (a function by its name), and suggestions for unknown keys.

use std::path::Path;

use super::ScenarioError;
use crate::model::scenario::Scenario;
use crate::text::line_at;

/// A position in the TOML tree, for locating a line.
#[derive(Clone, Debug)]
pub(super) enum Seg {
    Key(&'static str),
    Index(usize),
}

pub(super) struct Checker<'a> {
    pub(super) path: &'a Path,
    pub(super) doc: Option<toml_edit::Document<&'a str>>,
    pub(super) text: &'a str,
    /// The scenario as its file has it, when this text is a what-if edit of it: the sizes its
    /// functions' times were measured at.
    pub(super) written: Option<&'a Scenario>,
}

impl Checker<'_> {
    pub(super) fn line_of(&self, segs: &[Seg]) -> Option<usize> {
        let doc = self.doc.as_ref()?;
        let mut item = doc.as_item();
        let mut best = None;
        for seg in segs {
            let next = match seg {
                Seg::Key(k) => item.get(*k),
                Seg::Index(i) => item.get(*i),
            };
            match next {
                Some(n) => {
                    item = n;
                    if let Some(span) = item.span() {
                        best = Some(span.start);
                    }
                }
                None => break,
            }
        }
        best.map(|offset| line_at(self.text, offset))
    }

    pub(super) fn invalid(&self, segs: &[Seg], message: impl std::fmt::Display) -> ScenarioError {
        let mut key = String::new();
        let mut previous = None;
        for seg in segs {
            match seg {
                Seg::Key(k) => {
                    if !key.is_empty() {
                        key.push('.');
                    }
                    key.push_str(k);
                    previous = Some(*k);
                }
                Seg::Index(i) => {
                    key.push_str(&function_label(self.doc.as_ref(), previous, *i));
                    previous = None;
                }
            }
        }
        ScenarioError::Invalid {
            path: self.path.to_path_buf(),
            line: self.line_of(segs),
            key,
            message: message.to_string(),
        }
    }
}

/// How a key path shows element `i` of the array `array`: ` "checkout-api"` for a
/// `[[function]]` whose valid name is given once in the file, else `[i]`.
fn function_label(
    doc: Option<&toml_edit::Document<&str>>,
    array: Option<&str>,
    i: usize,
) -> String {
    let name_of = |t: &toml_edit::Table| t.get("name").and_then(|n| n.as_str()).map(str::to_owned);
    let names: Vec<Option<String>> = match (array, doc.and_then(|d| d.get("function"))) {
        (Some("function"), Some(item)) => item
            .as_array_of_tables()
            .map(|a| a.iter().map(name_of).collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    match names.get(i) {
        Some(Some(name))
            if valid_name(name)
                && names.iter().filter(|n| n.as_ref() == Some(name)).count() == 1 =>
        {
            format!(" {name:?}")
        }
        _ => format!("[{i}]"),
    }
}

/// The key path of a serde error, `function "api".arrival`, with [`function_label`]'s names.
pub(super) fn serde_key(
    doc: Option<&toml_edit::Document<&str>>,
    path: &serde_path_to_error::Path,
) -> String {
    use serde_path_to_error::Segment;
    let mut key = String::new();
    let mut previous: Option<String> = None;
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                key.push_str(&function_label(doc, previous.as_deref(), *index));
                previous = None;
            }
            Segment::Map { key: k } | Segment::Enum { variant: k } => {
                if !key.is_empty() {
                    key.push('.');
                }
                key.push_str(k);
                previous = Some(k.clone());
            }
            Segment::Unknown => {
                if !key.is_empty() {
                    key.push('.');
                }
                key.push('?');
                previous = None;
            }
        }
    }
    key
}

/// A parser message with a suggestion for an unknown key: `unknown field `memroy_mb`,
/// expected one of `name`, `memory_mb`, ...` gains ` (did you mean `memory_mb`?)`.
pub(super) fn with_suggestion(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((written, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = crate::input::spec::did_you_mean(written, &known).replace('"', "`");
    match message.split_once(", expected") {
        Some((head, tail)) if !hint.is_empty() => format!("{head}{hint}, expected{tail}"),
        _ => message.to_string(),
    }
}

/// Whether `name` may name a function or a scenario (it names files and folders).
pub(super) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 140
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
}
