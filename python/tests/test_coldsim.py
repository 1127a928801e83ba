"""The Python package against the CLI: the same files byte for byte for the same seed, the
same one-line errors as exceptions, DataFrames with the CLI's columns and dtypes, runs from
several threads, and Ctrl-C stopping a run or a sweep."""

import _thread
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

import coldsim

REPO = Path(__file__).resolve().parents[2]
QUICKSTART = REPO / "scenarios" / "quickstart.toml"


def cli() -> str:
    """The coldsim binary: $COLDSIM_BIN (set by .ci/run), else one on the PATH."""
    path = os.environ.get("COLDSIM_BIN") or shutil.which("coldsim")
    if not path:
        pytest.fail("set COLDSIM_BIN to the coldsim binary (cargo build --release)")
    return path


def cli_run(scenario: Path, out: Path, *args: str) -> dict:
    subprocess.run(
        [cli(), "run", str(scenario), "--out", str(out), "--quiet", *args],
        check=True,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_a_run_gives_the_clis_files_byte_for_byte(tmp_path):
    expected = cli_run(QUICKSTART, tmp_path / "cli", "--seed", "3", "--bucket", "5m")
    result = coldsim.load(QUICKSTART).run(seed=3, bucket="5m")
    assert sorted(result.files) == sorted(expected)
    for name, data in expected.items():
        assert result.files[name] == data, name
    # Written, they are the same files again.
    result.write(tmp_path / "py")
    written = {p.name: p.read_bytes() for p in sorted((tmp_path / "py").iterdir())}
    assert written == expected


def test_the_scenarios_own_seed_is_the_default_and_another_seed_differs():
    scenario = coldsim.load(QUICKSTART)
    assert scenario.seed == 7
    own = scenario.run(bucket="1h")
    assert own.files == scenario.run(seed=7, bucket="1h").files
    assert own.summary["totals"] != scenario.run(seed=8, bucket="1h").summary["totals"]


def test_summary_functions_and_timeseries_hold_the_clis_content():
    result = coldsim.load(QUICKSTART).run(seed=1, bucket="1h")
    summary = result.summary
    assert summary["scenario"] == "quickstart"
    functions = result.functions
    assert list(functions["function"]) == ["checkout-api"]
    assert functions["cold_starts"].iloc[0] == summary["totals"]["cold_starts"]
    for column in ["memory_mb", "invocations", "cold_starts", "containers_peak"]:
        assert functions[column].dtype == "int64", column
    for column in ["cold_start_ratio", "latency_p99_ms", "cost_usd", "busy_gb_s"]:
        assert functions[column].dtype == "float64", column
    series = result.timeseries
    # Six hours in rows of an hour.
    assert len(series) == 6
    assert list(series.columns[:2]) == ["t_start_s", "t_end_s"]
    # The time series counts the warm-up too; the summary does not.
    assert series["arrivals"].sum() >= summary["totals"]["invocations"]
    assert series["cache_hit_ratio"].isna().all()


def test_a_dict_holds_the_files_keys_and_round_trips():
    scenario = coldsim.load(QUICKSTART)
    d = scenario.to_dict()
    assert d["name"] == "quickstart"
    assert d["function"][0]["keep_alive"] == {"policy": "fixed", "idle": "10m"}
    again = coldsim.Scenario.from_dict(d)
    assert again.run(seed=2, bucket="1h").files["summary.json"] == scenario.run(
        seed=2, bucket="1h"
    ).files["summary.json"]
    # An edit is a what-if: a 20-minute keep-alive gives no more cold starts.
    d["function"][0]["keep_alive"]["idle"] = "20m"
    longer = coldsim.Scenario.from_dict(d).run(seed=2, bucket="1h")
    assert (
        longer.summary["totals"]["cold_starts"]
        <= scenario.run(seed=2, bucket="1h").summary["totals"]["cold_starts"]
    )


def test_errors_are_the_clis_one_line_messages_as_exceptions(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(QUICKSTART.read_text().replace('idle = "10m"', 'idle = "ten minutes"'))
    with pytest.raises(coldsim.ScenarioError) as e:
        coldsim.load(bad)
    message = str(e.value)
    assert "\n" not in message
    assert str(bad) in message and "keep_alive" in message
    done = subprocess.run([cli(), "run", str(bad), "--quiet", "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode != 0
    assert message in done.stderr
    with pytest.raises(coldsim.ScenarioError, match="scenario dict: duration"):
        coldsim.Scenario.from_dict({"name": "x"})
    with pytest.raises(coldsim.ScenarioError, match="TOML"):
        coldsim.Scenario.from_dict({"name": object()})
    assert issubclass(coldsim.ScenarioError, ValueError)
    with pytest.raises(ValueError, match="bucket"):
        coldsim.load(QUICKSTART).run(bucket="0s")
    with pytest.raises(OSError, match="cannot read"):
        coldsim.load(tmp_path / "missing.toml")


def test_a_run_without_figures_raises_run_error(tmp_path):
    trace = tmp_path / "t.csv"
    trace.write_text("timestamp,function,duration_ms\n0,f,10\n1,f,10\n")
    text = (
        'name = "t"\nwarmup = "1h"\n[workload]\ntrace = { path = "t.csv", format = "invocations" }\n'
        '[defaults]\ninit = { dist = "constant", ms = 10 }\n'
    )
    scenario = coldsim.Scenario.from_toml(text, str(tmp_path / "t.toml"))
    with pytest.raises(coldsim.RunError, match="warmup"):
        scenario.run()


def test_runs_in_several_threads_give_the_sequential_results():
    scenario = coldsim.load(QUICKSTART)
    sequential = [scenario.run(seed=s, bucket="1h").files["summary.json"] for s in range(4)]
    got = [None] * 4

    def one(i):
        got[i] = scenario.run(seed=i, bucket="1h").files["summary.json"]

    threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == sequential


@pytest.fixture
def ctrl_c_handled():
    """SIGINT handled as at a terminal: a process started in the background inherits it
    ignored, and Python then ignores Ctrl-C (and `_thread.interrupt_main`) altogether."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def ctrl_c_after(seconds):
    """Sends this process a real SIGINT, as Ctrl-C does, after `seconds`."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def a_long_quickstart(days):
    long = coldsim.load(QUICKSTART).to_dict()
    long["duration"] = f"{days}d"
    return coldsim.Scenario.from_dict(long)


def stopped_within_a_minute(call):
    """Calls `call`, Ctrl-C'd after 0.3 s, and checks that the KeyboardInterrupt came at once:
    a call that ran to its end (13 minutes for a 10-year run on two cores) would raise it
    too once back in Python."""
    started = time.monotonic()
    timer = ctrl_c_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        call()
    timer.join()
    assert time.monotonic() - started < 60


def test_ctrl_c_stops_a_run(ctrl_c_handled):
    # About 8 * 10^9 invocations, interrupted a moment after they start.
    stopped_within_a_minute(a_long_quickstart(3650).run)
    # The next run goes to its end.
    assert a_long_quickstart(1).run().summary["totals"]["invocations"] > 0


def test_ctrl_c_stops_a_sweep_on_every_core(ctrl_c_handled):
    # Four 10-year runs on rayon's threads, which never hold the GIL.
    scenario = a_long_quickstart(3650)
    memory = {"function.checkout-api.memory_mb": ["512", "1024", "2048", "4096"]}
    stopped_within_a_minute(lambda: coldsim.sweep(scenario, memory))


def test_ctrl_c_stops_a_cost(ctrl_c_handled, tmp_path):
    # An Azure 2019 minute-count file of one function at a million invocations a minute: a
    # 18 kB file, 1.44 * 10^9 invocations (some 15 minutes to run).
    minutes = ",".join(str(m) for m in range(1, 1441))
    counts = ",".join(["1000000"] * 1440)
    trace = tmp_path / "invocations.csv"
    trace.write_text(f"HashOwner,HashApp,HashFunction,Trigger,{minutes}\no,a,f,http,{counts}\n")
    stopped_within_a_minute(lambda: coldsim.cost(trace, format="azure2019", exec="100ms"))


def test_the_readmes_python_example_runs(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text()
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "output").mkdir()
    (tmp_path / "scenarios").mkdir()
    shutil.copy(QUICKSTART, tmp_path / "scenarios" / "quickstart.toml")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    # Longer windows, fewer cold starts.
    ratios = namespace["ratios"]
    assert ratios == sorted(ratios, reverse=True) and ratios[0] > ratios[-1]
    assert (tmp_path / "output" / "keep-alive.png").stat().st_size > 0


def cli_files(args, out: Path) -> dict:
    done = subprocess.run([cli(), *args, "--out", str(out), "--quiet"], capture_output=True)
    assert done.returncode in (0, 3), done.stderr
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_compare_sweep_and_plan_give_the_clis_rows(tmp_path):
    import pandas

    my = REPO / "scenarios" / "my-function.toml"
    policies = ["fixed:5m", "fixed:30m", "provisioned:2"]
    expected = cli_files(
        ["compare", str(my), *sum((["--policy", p] for p in policies), []), "--seed", "4"],
        tmp_path / "compare",
    )
    got = coldsim.compare(my, policies, seed=4)
    assert got.equals(pandas.read_csv(tmp_path / "compare" / "compare.csv"))
    assert got.attrs["json"] == json.loads(expected["compare.json"])
    assert list(got["policy"]) == policies

    sets = {"function.checkout-api.keep_alive.idle": ["1m", "10m"]}
    expected = cli_files(
        [
            "sweep",
            str(QUICKSTART),
            "--set",
            "function.checkout-api.keep_alive.idle=1m,10m",
            "--replications",
            "2",
        ],
        tmp_path / "sweep",
    )
    got = coldsim.sweep(coldsim.load(QUICKSTART), sets, replications=2)
    assert got.equals(pandas.read_csv(tmp_path / "sweep" / "sweep.csv"))
    assert got.attrs["json"] == json.loads(expected["sweep.json"])

    expected = cli_files(
        ["plan", str(my), "--slo", "p99<500ms", "--vary", "provisioned", "--seed", "4"],
        tmp_path / "plan",
    )
    got = coldsim.plan(my, ["p99<500ms"], vary="provisioned", seed=4)
    assert got.equals(pandas.read_csv(tmp_path / "plan" / "plan.csv"))
    assert got.attrs["json"] == json.loads(expected["plan.json"])

    with pytest.raises(ValueError, match="policy"):
        coldsim.compare(my, ["fixed:ten"])
    with pytest.raises(ValueError, match="vary"):
        coldsim.plan(my, ["p99<500ms"], vary="cpu")
    with pytest.raises(ValueError):
        coldsim.sweep(my, {"no_such_key": [1, 2]})


def test_cost_gives_the_clis_bill_and_its_errors(tmp_path):
    import pandas

    sample = REPO / "tests" / "fixtures" / "azure-functions-2021-sample.csv"
    expected = cli_files(
        ["cost", str(sample), "--format", "azure2021", "--memory-mb", "256"], tmp_path / "cost"
    )
    got = coldsim.cost(sample, format="azure2021", memory_mb=256)
    assert got.equals(pandas.read_csv(tmp_path / "cost" / "cost.csv"))
    assert got.attrs["json"] == json.loads(expected["cost.json"])
    assert got.attrs["markdown"] == expected["cost.md"].decode()
    logs = REPO / "tests" / "fixtures" / "cloudwatch" / "api.json"
    expected = cli_files(
        [
            "cost",
            str(logs),
            "--format",
            "cloudwatch",
            "--keep-alive",
            "10m",
            "--no-break-even",
            "--platform",
            "aws-lambda,google-cloud-run",
        ],
        tmp_path / "platforms",
    )
    got = coldsim.cost(
        [logs],
        format="cloudwatch",
        keep_alive="10m",
        no_break_even=True,
        platform=["aws-lambda", "google-cloud-run"],
    )
    assert got.attrs["json"] == json.loads(expected["cost.json"])
    with pytest.raises(coldsim.CostError, match="--memory-mb"):
        coldsim.cost(sample, format="azure2021", memory_mb=0)
    with pytest.raises(coldsim.CostError, match="invalid value 'parquet'"):
        coldsim.cost(sample, format="parquet")
    with pytest.raises(coldsim.CostError, match="missing.csv"):
        coldsim.cost(tmp_path / "missing.csv")


def test_the_readmes_kubernetes_example_is_an_indexed_job():
    import yaml

    readme = (REPO / "README.md").read_text()
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    job = yaml.safe_load(block)
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    assert job["metadata"]["name"]
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    completions = spec["completions"]
    assert isinstance(completions, int) and completions > 0
    assert isinstance(spec["parallelism"], int) and 0 < spec["parallelism"] <= completions
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    (container,) = pod["containers"]
    assert container["name"] and container["image"]
    command = container["command"]
    assert all(isinstance(c, str) for c in command)
    assert command[:2] == ["coldsim", "sweep"] and "--shard" not in command
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["COLDSIM_SHARDS"] == str(completions)
    mounted = {m["name"] for m in container["volumeMounts"]}
    assert mounted == {v["name"] for v in pod["volumes"]}
    out = command[command.index("--out") + 1]
    assert any(m["mountPath"] == out for m in container["volumeMounts"])


def test_parquet_tables_read_back_as_the_csv_frames(tmp_path):
    import pandas
    import pyarrow.parquet

    cli_run(QUICKSTART, tmp_path / "pq", "--seed", "5", "--bucket", "30m", "--output-format", "parquet")
    result = coldsim.load(QUICKSTART).run(seed=5, bucket="30m")
    for name, frame in [("functions", result.functions), ("timeseries", result.timeseries)]:
        path = tmp_path / "pq" / f"{name}.parquet"
        got = pandas.read_parquet(path)
        pandas.testing.assert_frame_equal(got, frame, check_dtype=False)
        for column in frame.columns:
            if frame[column].dtype.kind in "if":
                assert got[column].dtype == frame[column].dtype, column
        columns = json.loads(pyarrow.parquet.read_schema(path).metadata[b"coldsim.columns"])
        units = {c["name"]: c["unit"] for c in columns}
        if name == "functions":
            assert units["latency_p99_ms"] == "ms" and units["cost_usd"] == "USD"
        else:
            assert units["t_start_s"] == "s" and units["arrivals"] is None
    with pytest.raises(ValueError, match="to_parquet"):
        coldsim.cost(REPO / "tests" / "fixtures" / "azure-functions-2021-sample.csv", output_format="parquet")
