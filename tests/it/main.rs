//! The one integration-test binary: hand-computed scenarios, closed-form checks and the command line.

mod cache;
mod chart;
mod cli;
mod closed_form;
mod cloudwatch;
mod concurrency;
mod cost;
mod crosscheck;
mod exact;
mod gentrace;
mod golden;
mod hardening;
mod huawei;
mod invariants;
mod layers;
mod lifetime;
mod parquet;
mod plan;
mod platform_what_if;
mod platforms;
mod policy;
mod readme;
mod scaler;
mod sharing;
mod snapstart;
mod splitmix;
mod sweep;
mod tenants;
mod variant;

/// Asserts a user error of `coldsim ARGS`: a failure exit code (no signal), no panic, exactly
/// one stderr line starting with `error: ` and naming each of `needles`, and no output folder
/// `out` left behind. Returns the line.
fn assert_user_error(
    args: &[String],
    output: &std::process::Output,
    out: &std::path::Path,
    needles: &[&str],
) -> String {
    let err = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success() && output.status.code().is_some(),
        "coldsim {args:?}: expected a failure exit code, got {:?}; stderr: {err}",
        output.status
    );
    assert!(!err.contains("panicked"), "panic: {err}");
    assert_eq!(err.lines().count(), 1, "not exactly one line: {err:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    for n in needles {
        assert!(err.contains(n), "does not name {n:?}: {err:?}");
    }
    assert!(
        !out.exists(),
        "{} left behind after a failed run: {err:?}",
        out.display()
    );
    err
}

/// The names in a folder, sorted.
fn list(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}
