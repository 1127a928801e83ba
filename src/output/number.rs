//! How numbers read in tables, messages and files: enough significant digits to tell 2 cold starts from 18, without trailing zeros; dollars; optional figures; a result as the JSON file that holds it.

/// A result as its JSON file: pretty-printed, ending in a newline.
pub fn json_file<T: serde::Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value)
        .unwrap_or_else(|e| unreachable!("plain structs serialize: {e}"));
    out.push(b'\n');
    out
}

/// Dollars as a table shows them: six decimals under a cent (so that a small bill is not 0),
/// else two.
pub fn money(v: f64) -> String {
    if v != 0.0 && v.abs() < 0.01 {
        format!("{v:.6}")
    } else {
        format!("{v:.2}")
    }
}

/// An optional figure with `decimals` decimals; empty when there is none.
pub fn fixed(v: Option<f64>, decimals: usize) -> String {
    v.map(|x| format!("{x:.decimals$}")).unwrap_or_default()
}

/// A number with one decimal from 100 up, else four significant digits with trailing zeros
/// dropped: `322.0`, `1736.7`, `0.0034`, `12.35`, `0`.
pub fn significant(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    if x.abs() >= 100.0 {
        return format!("{x:.1}");
    }
    let decimals = if x == 0.0 {
        1
    } else {
        (3 - x.abs().log10().floor() as i32).max(1) as usize
    };
    let text = format!("{x:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
