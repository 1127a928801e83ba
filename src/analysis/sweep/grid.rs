//! The grid of a sweep: its axes checked, its points counted and enumerated in row-major order, and the scenario of one point.

use std::path::Path;

use super::set::{Set, TRAFFIC_SCALE, scale_factor, scale_traffic, set_key};
use crate::model::scenario::Scenario;

/// Checks a list of sets: at least one, each key once.
pub fn check_sets(sets: &[Set]) -> Result<(), String> {
    if sets.is_empty() {
        return Err("a sweep needs at least one --set KEY=V1,V2,...".into());
    }
    for (i, s) in sets.iter().enumerate() {
        if sets[..i].iter().any(|o| o.key == s.key) {
            return Err(format!(
                "--set {}: the key is set twice; list all its values in one --set",
                s.key
            ));
        }
    }
    Ok(())
}

/// The number of points of the grid (the product of the axes' lengths), or an error past 10^9.
pub fn grid_len(sets: &[Set]) -> Result<u64, String> {
    sets.iter().try_fold(1u64, |n, s| {
        n.checked_mul(s.values.len() as u64)
            .filter(|n| *n <= 1_000_000_000)
            .ok_or_else(|| "the grid has more than 10^9 points; sweep fewer values".to_string())
    })
}

/// The values of point `index` (see the module docs for the order): one per set.
pub fn grid_point(sets: &[Set], index: u64) -> Vec<&str> {
    let mut rest = index;
    let mut out = vec![""; sets.len()];
    for (k, s) in sets.iter().enumerate().rev() {
        let n = s.values.len() as u64;
        out[k] = &s.values[(rest % n) as usize];
        rest /= n;
    }
    out
}

/// The scenario of one grid point: every set applied to the text, validated as a what-if of
/// `written` (the scenario of the text as given), then traffic scaled.
pub fn point_scenario(
    scenario_text: &str,
    path: &Path,
    written: &Scenario,
    sets: &[Set],
    values: &[&str],
) -> Result<Scenario, String> {
    let mut text = scenario_text.to_string();
    let mut scale = None;
    for (s, v) in sets.iter().zip(values) {
        if s.key == TRAFFIC_SCALE {
            scale = Some(scale_factor(v)?);
        } else {
            text = set_key(&text, &s.key, v).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    let mut scenario = Scenario::from_toml_variant(&text, path, written).map_err(|e| {
        let point: Vec<String> = sets
            .iter()
            .zip(values)
            .filter(|(s, _)| s.key != TRAFFIC_SCALE)
            .map(|(s, v)| format!("{}={v}", s.key))
            .collect();
        format!("--set {}: {e}", point.join(" --set "))
    })?;
    if let Some(f) = scale {
        scale_traffic(&mut scenario, f)?;
    }
    Ok(scenario)
}
