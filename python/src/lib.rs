//! The native module `coldsim._coldsim`: scenarios loaded and validated by the library, runs with the GIL released, results as the bytes the CLI writes; the Python package turns them into dicts and DataFrames.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use coldsim::analysis::run::stop_when;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

create_exception!(
    coldsim,
    ScenarioError,
    PyValueError,
    "A scenario that cannot be read or does not hold: one line naming the file, line and key."
);
create_exception!(
    coldsim,
    RunError,
    PyException,
    "A run that gave no figures: its trace could not be read, or it does not cover the warm-up."
);

create_exception!(
    coldsim,
    CostError,
    PyValueError,
    "A cost that cannot be worked out: a flag, the traffic file or its run, worded as `coldsim cost` words it."
);

/// Files as Python gets them: each name and its bytes.
type PyFiles<'py> = Vec<(String, Bound<'py, PyBytes>)>;

/// A validated scenario, with the TOML text it was read from.
#[pyclass(module = "coldsim._coldsim", name = "Scenario", frozen)]
struct PyScenario {
    scenario: coldsim::Scenario,
    text: String,
    origin: String,
}

fn scenario_error(e: coldsim::ScenarioError) -> PyErr {
    ScenarioError::new_err(e.to_string())
}

impl PyScenario {
    fn parse(text: String, origin: String) -> PyResult<PyScenario> {
        let scenario = coldsim::parse(&text, &origin).map_err(scenario_error)?;
        Ok(PyScenario {
            scenario,
            text,
            origin,
        })
    }
}

/// A duration such as "1s" or "5m", longer than zero.
fn duration(text: &str, what: &str) -> PyResult<coldsim::time::SimDuration> {
    match coldsim::time::SimDuration::parse(text) {
        Ok(d) if d.as_micros() > 0 => Ok(d),
        Ok(_) => Err(PyValueError::new_err(format!(
            "{what}: must be longer than 0s"
        ))),
        Err(e) => Err(PyValueError::new_err(format!("{what}: {e}"))),
    }
}

#[pymethods]
impl PyScenario {
    /// A scenario from TOML text; `name` is what errors call it.
    #[staticmethod]
    #[pyo3(signature = (text, name = "scenario.toml"))]
    fn from_toml(text: String, name: &str) -> PyResult<PyScenario> {
        PyScenario::parse(text, name.to_string())
    }

    /// A scenario from a dict with the TOML file's keys.
    #[staticmethod]
    fn from_dict(d: &Bound<'_, PyDict>) -> PyResult<PyScenario> {
        let table: toml::Table = pythonize::depythonize(d.as_any()).map_err(|e| {
            ScenarioError::new_err(format!(
                "scenario dict: {e} (values must be what a TOML file holds: strings, numbers, booleans, lists and dicts)"
            ))
        })?;
        let text = toml::to_string(&table).map_err(|e| {
            ScenarioError::new_err(format!("scenario dict: cannot be written as TOML: {e}"))
        })?;
        PyScenario::parse(text, "scenario dict".to_string())
    }

    /// The scenario's keys and values, as its TOML file holds them.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let table: toml::Table = toml::from_str(&self.text)
            .map_err(|e| ScenarioError::new_err(format!("{}: {e}", self.origin)))?;
        pythonize::pythonize(py, &table).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The TOML text the scenario was read from.
    fn to_toml(&self) -> String {
        self.text.clone()
    }

    /// The scenario's name.
    #[getter]
    fn name(&self) -> String {
        self.scenario.name.clone()
    }

    /// The scenario's seed.
    #[getter]
    fn seed(&self) -> u64 {
        self.scenario.seed
    }

    /// Runs the scenario (with `seed`, else its own) and returns the files `coldsim run`
    /// writes, as (name, bytes) pairs. The GIL is released while it runs; Ctrl-C stops it.
    #[pyo3(signature = (seed = None, bucket = None))]
    fn run_files<'py>(
        &self,
        py: Python<'py>,
        seed: Option<u64>,
        bucket: Option<&str>,
    ) -> PyResult<PyFiles<'py>> {
        let bucket = bucket.map(|b| duration(b, "bucket")).transpose()?;
        let seed = seed.unwrap_or(self.scenario.seed);
        let scenario = &self.scenario;
        let files = interruptible(py, |stop| run_files(scenario, seed, bucket, stop))?;
        Ok(bytes_of(py, files))
    }

    /// `coldsim compare`: the same traffic under each policy (`"fixed:20m"`,
    /// `"provisioned:2"`, `"warmer:5m"`, …), returning compare.csv's and compare.json's bytes.
    #[pyo3(signature = (policies, seed = None))]
    fn compare_files<'py>(
        &self,
        py: Python<'py>,
        policies: Vec<String>,
        seed: Option<u64>,
    ) -> PyResult<PyFiles<'py>> {
        let policies = policies
            .iter()
            .map(|p| {
                coldsim::input::spec::policy(p)
                    .map_err(|e| PyValueError::new_err(format!("policy {p:?}: {e}")))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let seed = seed.unwrap_or(self.scenario.seed);
        let scenario = &self.scenario;
        let policies = &policies;
        let files = interruptible(py, |stop| {
            let c =
                coldsim::analysis::compare::compare(scenario, seed, policies, &mut stop_when(stop))
                    .map_err(run_error)?;
            Ok(vec![
                ("compare.csv".to_string(), c.to_csv()),
                ("compare.json".to_string(), c.to_json()),
            ])
        })?;
        Ok(bytes_of(py, files))
    }

    /// `coldsim sweep`: every combination of the `sets` (`"KEY=V1,V2"`), `replications`
    /// times each, on every core; returns sweep.csv's and sweep.json's bytes.
    #[pyo3(signature = (sets, replications = 1, seed = None))]
    fn sweep_files<'py>(
        &self,
        py: Python<'py>,
        sets: Vec<String>,
        replications: u32,
        seed: Option<u64>,
    ) -> PyResult<PyFiles<'py>> {
        let sets = sets
            .iter()
            .map(|s| coldsim::analysis::sweep::Set::parse(s).map_err(PyValueError::new_err))
            .collect::<PyResult<Vec<_>>>()?;
        let (text, path) = (&self.text, std::path::Path::new(&self.origin));
        let job = coldsim::analysis::sweep::SweepJob {
            scenario_text: text,
            path,
            sets: &sets,
            replications,
            shard: None,
            seed,
        };
        let files = interruptible(py, |stop| {
            let r = coldsim::analysis::sweep::run_sweep_until(&job, |_, _| {}, stop)
                .map_err(ScenarioError::new_err)?;
            Ok(vec![
                ("sweep.csv".to_string(), r.to_csv()),
                ("sweep.json".to_string(), r.to_json()),
            ])
        })?;
        Ok(bytes_of(py, files))
    }

    /// `coldsim plan`: the best value of `vary` (`"provisioned"`, `"keep-alive"`,
    /// `"memory"`) meeting every objective (`"p99<300ms"`, …), minimizing `"cost"` or
    /// `"idle-memory"`; returns plan.csv's and plan.json's bytes.
    #[pyo3(signature = (slos, vary, minimize = "cost", seed = None))]
    fn plan_files<'py>(
        &self,
        py: Python<'py>,
        slos: Vec<String>,
        vary: &str,
        minimize: &str,
        seed: Option<u64>,
    ) -> PyResult<PyFiles<'py>> {
        use coldsim::analysis::plan::{Minimize, Vary};
        let slos = slos
            .iter()
            .map(|s| {
                coldsim::input::spec::slo(s)
                    .map_err(|e| PyValueError::new_err(format!("slo {s:?}: {e}")))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let vary = match vary {
            "provisioned" => Vary::Provisioned,
            "keep-alive" => Vary::KeepAlive,
            "memory" => Vary::Memory,
            other => {
                return Err(PyValueError::new_err(format!(
                    "vary {other:?}: expected \"provisioned\", \"keep-alive\" or \"memory\""
                )));
            }
        };
        let minimize = match minimize {
            "cost" => Minimize::Cost,
            "idle-memory" => Minimize::IdleMemory,
            other => {
                return Err(PyValueError::new_err(format!(
                    "minimize {other:?}: expected \"cost\" or \"idle-memory\""
                )));
            }
        };
        let seed = seed.unwrap_or(self.scenario.seed);
        let scenario = &self.scenario;
        let slos = &slos;
        let files = interruptible(py, |stop| {
            let progress = &mut stop_when(stop);
            let p = coldsim::analysis::plan::plan(scenario, seed, slos, vary, minimize, progress)
                .map_err(run_error)?;
            Ok(vec![
                ("plan.csv".to_string(), p.to_csv()),
                ("plan.json".to_string(), p.to_json()),
            ])
        })?;
        Ok(bytes_of(py, files))
    }

    fn __repr__(&self) -> String {
        format!(
            "Scenario(name={:?}, functions={}, from {:?})",
            self.scenario.name,
            self.scenario.functions.len(),
            self.origin
        )
    }
}

/// Files as Python bytes.
fn bytes_of(py: Python<'_>, files: Vec<(String, Vec<u8>)>) -> PyFiles<'_> {
    files
        .into_iter()
        .map(|(name, bytes)| (name, PyBytes::new(py, &bytes)))
        .collect()
}

/// How often the calling thread looks for Ctrl-C while a run works.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work` on a thread of its own with the GIL released, while the calling thread looks
/// for Ctrl-C every 50 ms (Python handles signals on its main thread only, and a run's own
/// threads never hold the GIL). On a KeyboardInterrupt, `work`'s stop flag is set and, once
/// `work` has returned (runs check the flag every 2^18 events), the KeyboardInterrupt is raised.
fn interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> PyResult<T> + Send,
) -> PyResult<T> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (tx, mut rx) = mpsc::channel();
        let stop = &stop;
        let worker = scope.spawn(move || {
            // The receiver outlives the worker unless this thread panicked.
            let _ = tx.send(work(stop));
        });
        let mut interrupted = None;
        loop {
            let (back, got) = py.detach(move || {
                let got = rx.recv_timeout(POLL);
                (rx, got)
            });
            rx = back;
            match got {
                Ok(out) => return interrupted.map_or(out, Err),
                Err(RecvTimeoutError::Timeout) if interrupted.is_none() => {
                    if let Err(e) = py.check_signals() {
                        stop.store(true, Ordering::Relaxed);
                        interrupted = Some(e);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => match worker.join() {
                    Err(panic) => std::panic::resume_unwind(panic),
                    Ok(()) => unreachable!("a worker that returned sent its result"),
                },
            }
        }
    })
}

/// A run's error as Python raises it.
fn run_error(e: coldsim::RunError) -> PyErr {
    RunError::new_err(e.to_string())
}

/// What `coldsim run` writes, or why it cannot; stops once `stop` is set.
fn run_files(
    scenario: &coldsim::Scenario,
    seed: u64,
    bucket: Option<coldsim::time::SimDuration>,
    stop: &AtomicBool,
) -> PyResult<Vec<(String, Vec<u8>)>> {
    let (summary, sim) =
        coldsim::analysis::summary::run_summary(scenario, seed, bucket, &mut stop_when(stop))
            .map_err(run_error)?;
    coldsim::output::files::run_files(scenario, &summary, &sim)
        .map_err(|e| RunError::new_err(format!("drawing the charts: {e}")))
}

/// Loads and validates the scenario file at `path`.
#[pyfunction]
fn load(path: PathBuf) -> PyResult<PyScenario> {
    let text = std::fs::read_to_string(&path)
        .map_err(|e| PyOSError::new_err(format!("{}: cannot read: {e}", path.display())))?;
    let scenario = coldsim::load(&path).map_err(scenario_error)?;
    Ok(PyScenario {
        scenario,
        text,
        origin: path.display().to_string(),
    })
}

/// Writes `files` ((name, bytes) pairs) into the folder `out`, atomically: each to a temporary
/// name, renamed into place once all are written.
#[pyfunction]
fn write_files(out: PathBuf, files: Vec<(String, Vec<u8>)>) -> PyResult<()> {
    coldsim::cli::write::check_out_dir(&out)
        .and_then(|()| coldsim::cli::write::write_outputs(&out, &files))
        .map_err(|e| PyOSError::new_err(format!("{e:#}")))
}

/// `coldsim cost` with its flags (`["traffic.csv", "--format", "azure2021"]`): the files it
/// writes, the text it prints and its warnings. The GIL is released while it runs; Ctrl-C
/// stops it.
#[pyfunction]
fn cost_files(py: Python<'_>, flags: Vec<String>) -> PyResult<(PyFiles<'_>, String, Vec<String>)> {
    let out = interruptible(py, |stop| {
        coldsim::cli::cost_with_flags(&flags, &mut stop_when(stop))
            .map_err(|e| CostError::new_err(format!("{e:#}")))
    })?;
    Ok((bytes_of(py, out.files), out.text, out.warnings))
}

/// The native part of the `coldsim` package.
#[pymodule]
fn _coldsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyScenario>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(write_files, m)?)?;
    m.add_function(wrap_pyfunction!(cost_files, m)?)?;
    m.add("CostError", m.py().get_type::<CostError>())?;
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add("RunError", m.py().get_type::<RunError>())?;
    Ok(())
}
