//! Key paths of `--set KEY=V1,V2,...`: a set parsed, the scenario's TOML text edited at a key path, and the `traffic_scale` pseudo-key, which scales a validated scenario's arrival rates.

use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, InlineTable, Item, TableLike, Value};

use crate::model::arrival::ArrivalSpec;
use crate::model::scenario::Scenario;
use crate::rng::Streams;
use crate::time::SimDuration;

/// The swept key that scales traffic instead of setting a scenario key.
pub const TRAFFIC_SCALE: &str = "traffic_scale";

/// One axis of the grid: a key path and the values it takes, as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Set {
    /// The key path, like `platform.account_concurrency` or `traffic_scale`.
    pub key: String,
    /// The values in the order given, as written (`"500"`, `"1m"`).
    pub values: Vec<String>,
}

impl Set {
    /// Parses `KEY=V1,V2,...`. Commas inside quotes, brackets or braces do not split, so
    /// `function.a.keep_alive={ policy = "none" },{ policy = "fixed", idle = "1m" }` has two values.
    pub fn parse(text: &str) -> Result<Set, String> {
        let (key, values) = text
            .split_once('=')
            .ok_or_else(|| format!("--set {text}: write KEY=V1,V2,..."))?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(|s| s.trim().is_empty()) {
            return Err(format!(
                "--set {text}: the key path {key:?} has an empty part; write KEY=V1,V2,..."
            ));
        }
        let values = split_values(values);
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "--set {text}: a value is empty; write KEY=V1,V2,..."
            ));
        }
        if key == TRAFFIC_SCALE {
            for v in &values {
                scale_factor(v)?;
            }
        }
        Ok(Set {
            key: key.to_string(),
            values,
        })
    }
}

/// Splits at commas outside quotes, brackets and braces, trimming each value.
fn split_values(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    for c in text.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    out.push(current.trim().to_string());
    out
}

pub(super) fn scale_factor(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 => Ok(f),
        _ => Err(format!(
            "--set {TRAFFIC_SCALE}={text}: write a positive number, like traffic_scale=1,2,3"
        )),
    }
}

/// A value as written: a TOML value when it parses as one, else a string.
fn toml_value(text: &str) -> Value {
    text.parse::<Value>()
        .unwrap_or_else(|_| Value::from(text.to_string()))
}

/// Sets `key` (a dotted path) to `value` in scenario text, keeping the rest of the text as it
/// was. `function.NAME.…` addresses the `[[function]]` named `NAME`; missing tables on the way
/// are created. The error names the key.
pub fn set_key(text: &str, key: &str, value: &str) -> Result<String, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.message().trim().replace('\n', " "))?;
    let root: &mut dyn TableLike = doc.as_table_mut();
    let (table, path) = match key.strip_prefix("function.") {
        Some(rest) => function_table(root, rest, key)?,
        None => (root, key.to_string()),
    };
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, walk)) = parts.split_last() else {
        return Err(format!("--set {key}: empty key path"));
    };
    let mut at: &mut dyn TableLike = table;
    for (depth, part) in walk.iter().enumerate() {
        if at.get(part).is_none() {
            // Inline, so a new table never lands under another header (or another function).
            at.insert(part, Item::Value(Value::InlineTable(InlineTable::new())));
        }
        let here = parts[..=depth].join(".");
        at = at
            .get_mut(part)
            .and_then(Item::as_table_like_mut)
            .ok_or_else(|| {
                format!("--set {key}: {here} is not a table, so it has no key {last:?}")
            })?;
    }
    let mut new = toml_value(value);
    if let Some(Item::Value(old)) = at.get(last) {
        *new.decor_mut() = old.decor().clone();
    }
    at.insert(last, Item::Value(new));
    Ok(doc.to_string())
}

/// The `[[function]]` of `rest = "NAME.KEY…"` (the longest name that fits) and `KEY…`.
fn function_table<'a>(
    root: &'a mut dyn TableLike,
    rest: &str,
    key: &str,
) -> Result<(&'a mut dyn TableLike, String), String> {
    let name_of = |t: &dyn TableLike| {
        t.get("name")
            .and_then(Item::as_str)
            .map(str::to_string)
            .unwrap_or_default()
    };
    let names: Vec<String> = match root.get("function") {
        Some(Item::ArrayOfTables(a)) => a.iter().map(|t| name_of(t)).collect(),
        Some(Item::Value(Value::Array(a))) => a
            .iter()
            .map(|v| v.as_inline_table().map(|t| name_of(t)).unwrap_or_default())
            .collect(),
        _ => Vec::new(),
    };
    let found = names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            !n.is_empty()
                && rest
                    .strip_prefix(n.as_str())
                    .is_some_and(|r| r.starts_with('.'))
        })
        .max_by_key(|(_, n)| n.len());
    let Some((i, name)) = found else {
        let guess = rest.split('.').next().unwrap_or(rest);
        return Err(if rest.contains('.') {
            format!(
                "--set {key}: no [[function]] named {guess:?} (functions: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            )
        } else {
            format!("--set {key}: write function.NAME.KEY, like function.{guess}.memory_mb")
        });
    };
    let path = rest[name.len() + 1..].to_string();
    let table: Option<&mut dyn TableLike> = match root.get_mut("function") {
        Some(Item::ArrayOfTables(a)) => a.get_mut(i).map(|t| t as &mut dyn TableLike),
        Some(Item::Value(Value::Array(a))) => a
            .get_mut(i)
            .and_then(Value::as_inline_table_mut)
            .map(|t| t as &mut dyn TableLike),
        _ => None,
    };
    let table = table.ok_or_else(|| format!("--set {key}: no [[function]] named {name:?}"))?;
    Ok((table, path))
}

/// Multiplies every synthetic arrival rate of a validated scenario by `factor`: Poisson
/// `rate_per_s`, diurnal `mean_rate_per_s`, bursty on and off rates; a periodic timer's
/// `every` and `jitter` are divided by it (its `start` kept). Refuses explicit lists and traces.
pub fn scale_traffic(scenario: &mut Scenario, factor: f64) -> Result<(), String> {
    let at = format!("--set {TRAFFIC_SCALE}={factor}");
    if let Some(t) = &mut scenario.trace {
        t.scale *= factor;
        if !(t.scale.is_finite() && t.scale > 0.0 && t.scale <= 1000.0) {
            return Err(format!(
                "{at}: the trace's scale would be {}, outside (0, 1000]",
                t.scale
            ));
        }
    }
    let shrink = |d: SimDuration| SimDuration((d.as_micros() as f64 / factor).round() as u64);
    for f in &mut scenario.functions {
        let Some(spec) = &mut f.arrival else { continue };
        match spec {
            ArrivalSpec::Poisson { rate_per_s } => *rate_per_s *= factor,
            ArrivalSpec::Diurnal {
                mean_rate_per_s, ..
            } => *mean_rate_per_s *= factor,
            ArrivalSpec::Bursty {
                on_rate_per_s,
                off_rate_per_s,
                ..
            } => {
                *on_rate_per_s *= factor;
                if let Some(r) = off_rate_per_s {
                    *r *= factor;
                }
            }
            ArrivalSpec::Periodic { every, jitter, .. } => {
                *every = shrink(*every);
                *jitter = jitter.map(shrink);
            }
            ArrivalSpec::Explicit { .. } => {
                return Err(format!(
                    "{at}: function {:?} has an explicit list of arrivals, which cannot be scaled",
                    f.name
                ));
            }
        }
        spec.validate(&mut Streams::new(0).stream())
            .map_err(|m| format!("{at}: function {:?}: arrival: {m}", f.name))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_split_at_top_level_commas_only() {
        let s = Set::parse(
            r#"function.a.keep_alive={ policy = "none" },{ policy = "fixed", idle = "1m" }"#,
        )
        .expect("valid");
        assert_eq!(s.values.len(), 2);
        assert_eq!(s.values[1], r#"{ policy = "fixed", idle = "1m" }"#);
        assert!(Set::parse("platform.account_concurrency").is_err());
        assert!(Set::parse("a=1,,2").is_err());
        assert!(Set::parse("traffic_scale=1,-2").is_err());
    }

    #[test]
    fn values_are_toml_when_they_parse() {
        assert!(toml_value("500").is_integer());
        assert!(toml_value("0.5").is_float());
        assert!(toml_value("true").is_bool());
        assert_eq!(toml_value("1m").as_str(), Some("1m"));
        assert_eq!(toml_value("\"x y\"").as_str(), Some("x y"));
    }
}
