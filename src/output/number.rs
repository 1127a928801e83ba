//! How numbers read in tables and messages: enough significant digits to tell 2 cold starts from 18, without trailing zeros.

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
