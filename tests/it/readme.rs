//! The README's examples run as written: every `sh` block in a scratch folder with the binary on the `PATH`, every scenario it shows is valid, and the run it shows is the run coldsim gives.

use std::path::{Path, PathBuf};
use std::process::Command;

use coldsim::model::scenario::Scenario;

/// A fenced block of the README: its language, the line of its opening fence, its text.
struct Block {
    lang: String,
    line: usize,
    text: String,
}

fn readme() -> String {
    std::fs::read_to_string(repo().join("README.md")).expect("README.md")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match (&mut open, line.strip_prefix("```")) {
            (None, Some(lang)) => {
                open = Some(Block {
                    lang: lang.trim().to_string(),
                    line: i + 1,
                    text: String::new(),
                })
            }
            (Some(_), Some(_)) => out.extend(open.take()),
            (Some(b), None) => {
                b.text.push_str(line);
                b.text.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md: a code block is not closed");
    out
}

/// Whether a shell block only sets up or tests the checkout (`cargo install`, `cargo test`),
/// which the test suite itself stands for.
fn is_setup(text: &str) -> bool {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .all(|l| l.starts_with("cargo ") && !l.starts_with("cargo run --release -- "))
}

/// A folder with the repository's scenarios (copied: outputs they name land beside them) and
/// its test fixtures, as the README's commands expect from the repository's root.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).expect("scenarios/");
    for entry in std::fs::read_dir(repo().join("scenarios")).expect("scenarios/") {
        let entry = entry.expect("an entry");
        std::fs::copy(entry.path(), scenarios.join(entry.file_name())).expect("copy a scenario");
    }
    let fixtures = dir.path().join("tests");
    std::fs::create_dir(&fixtures).expect("tests/");
    std::os::unix::fs::symlink(repo().join("tests/fixtures"), fixtures.join("fixtures"))
        .expect("link the fixtures");
    dir
}

/// Runs `script` with bash in `dir`, `coldsim` on the PATH and `env` set; panics with its
/// output unless it succeeds without an error line.
fn run_script(dir: &Path, script: &str, env: &[(&str, String)], what: &str) {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_coldsim"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("the binary's folder").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let script = script.replace("cargo run --release -- ", "coldsim ");
    let output = Command::new("bash")
        .arg("-euo")
        .arg("pipefail")
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("bash");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && !stderr.contains("error"),
        "{what} failed ({:?}):\n{script}\nstderr:\n{stderr}",
        output.status
    );
}

#[test]
fn every_shell_example_runs_as_written() {
    let slow = std::env::var_os("COLDSIM_SLOW_TESTS").is_some();
    let dir = scratch();
    let mut ran = 0;
    for b in blocks(&readme()).iter().filter(|b| b.lang == "sh") {
        let what = format!("README.md:{}", b.line);
        if is_setup(&b.text) {
            continue;
        }
        // A synthetic region of 300 million invocations takes about two minutes.
        if b.text.contains("gen-trace --functions 10000") && !slow {
            continue;
        }
        if b.text.contains("#SBATCH --array=0-9") {
            // A Slurm array's script runs once per task.
            for task in 0..10 {
                run_script(
                    dir.path(),
                    &b.text,
                    &[("SLURM_ARRAY_TASK_ID", task.to_string())],
                    &what,
                );
            }
        } else {
            run_script(dir.path(), &b.text, &[], &what);
        }
        ran += 1;
    }
    assert!(ran >= 6, "only {ran} shell examples ran");
    // The merge of the Slurm array's shards gave the sweep.
    assert!(
        dir.path()
            .join("output/quickstart-sweep/sweep.csv")
            .exists(),
        "the Slurm example's merge wrote nothing"
    );
}

#[test]
fn every_scenario_shown_is_valid_and_every_fragment_is_toml() {
    let mut full = 0;
    for b in blocks(&readme()).iter().filter(|b| b.lang == "toml") {
        let what = format!("README.md:{}", b.line);
        if b.text.contains("[[function]]") {
            Scenario::from_toml(&b.text, &repo().join("readme.toml"))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            full += 1;
        } else {
            toml::from_str::<toml::Table>(&b.text).unwrap_or_else(|e| panic!("{what}: {e}"));
        }
    }
    assert!(full >= 2, "only {full} whole scenarios in the README");
}

#[test]
fn the_scenario_of_model_your_own_function_is_the_shipped_file() {
    let file = std::fs::read_to_string(repo().join("scenarios/my-function.toml"))
        .expect("scenarios/my-function.toml");
    assert!(
        blocks(&readme())
            .iter()
            .any(|b| b.lang == "toml" && b.text == file),
        "README.md does not show scenarios/my-function.toml as it is"
    );
}

#[test]
fn the_first_run_shows_what_coldsim_prints() {
    let dir = scratch();
    let output = Command::new(env!("CARGO_BIN_EXE_coldsim"))
        .args(["run", "scenarios/quickstart.toml"])
        .current_dir(dir.path())
        .output()
        .expect("coldsim run");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let shown = blocks(&readme())
        .into_iter()
        .find(|b| b.lang == "text" && b.text.starts_with("quickstart: "))
        .expect("the README shows the quickstart's output");
    // The first line's wall-clock speed differs from run to run; the rest must not.
    let without_speed = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("wrote "))
            .map(|l| match l.find(" invocations in ") {
                Some(i) if l.starts_with("quickstart: ") => l[..i].to_string(),
                _ => l.to_string(),
            })
            .collect()
    };
    assert_eq!(without_speed(&shown.text), without_speed(&printed));
}
