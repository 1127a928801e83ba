"""coldsim from Python: scenarios loaded and validated by the simulator itself, runs with the GIL
released, results as dicts and pandas DataFrames of the very bytes ``coldsim run`` writes.

    >>> import coldsim
    >>> scenario = coldsim.load("scenarios/quickstart.toml")
    >>> result = scenario.run(seed=1)
    >>> result.summary["totals"]["cold_starts"]
    >>> result.functions          # functions.csv as a DataFrame
    >>> result.write("output/quickstart")
"""

from __future__ import annotations

import functools
import io
import json
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from coldsim import _coldsim
from coldsim._coldsim import CostError, RunError, ScenarioError

__all__ = [
    "Scenario",
    "Result",
    "load",
    "compare",
    "sweep",
    "plan",
    "cost",
    "CostError",
    "ScenarioError",
    "RunError",
]


def _frame(data: bytes):
    import pandas

    return pandas.read_csv(io.BytesIO(data))


class Result:
    """A finished run: the files ``coldsim run`` writes, and views of them.

    ``summary`` is summary.json as a dict; ``functions`` and ``timeseries`` are functions.csv
    and timeseries.csv as pandas DataFrames (units in the column names and the README);
    ``files`` maps each file's name to its bytes; ``write(folder)`` writes them all. Each view
    is read from its bytes once, on first use, and is the same object afterwards.
    """

    def __init__(self, files: List[Tuple[str, bytes]]):
        self.files: Dict[str, bytes] = dict(files)

    @functools.cached_property
    def summary(self) -> Dict[str, Any]:
        """summary.json's content."""
        return json.loads(self.files["summary.json"])

    @functools.cached_property
    def functions(self):
        """functions.csv: one row per function (counts, latencies in ms, containers, GB-s, USD)."""
        return _frame(self.files["functions.csv"])

    @functools.cached_property
    def timeseries(self):
        """timeseries.csv: one row per time bucket (times in s, containers, counts)."""
        return _frame(self.files["timeseries.csv"])

    def write(self, folder: Union[str, os.PathLike]) -> None:
        """Writes every file into ``folder`` (created if missing), atomically as the CLI does."""
        _coldsim.write_files(os.fspath(folder), list(self.files.items()))

    def __repr__(self) -> str:
        totals = self.summary["totals"]
        return (
            f"Result(invocations={totals['invocations']}, "
            f"cold_starts={totals['cold_starts']}, files={sorted(self.files)})"
        )


class Scenario:
    """A validated scenario: the same keys, checks and one-line errors as a TOML file."""

    def __init__(self, inner: "_coldsim.Scenario"):
        self._inner = inner

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> "Scenario":
        """A scenario from a dict holding the TOML file's keys; raises ScenarioError."""
        return Scenario(_coldsim.Scenario.from_dict(dict(d)))

    @staticmethod
    def from_toml(text: str, name: str = "scenario.toml") -> "Scenario":
        """A scenario from TOML text; errors name ``name`` and the line."""
        return Scenario(_coldsim.Scenario.from_toml(text, name))

    def to_dict(self) -> Dict[str, Any]:
        """The scenario's keys and values, as its TOML file holds them."""
        return self._inner.to_dict()

    def to_toml(self) -> str:
        """The TOML text the scenario was read from."""
        return self._inner.to_toml()

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._inner.name

    @property
    def seed(self) -> int:
        """The scenario's own seed, used when ``run`` is given none."""
        return self._inner.seed

    def run(self, seed: Optional[int] = None, bucket: Optional[str] = None) -> Result:
        """Runs the scenario with ``seed`` (default: its own), time series rows ``bucket`` wide
        (a duration such as "1s" or "5m"; default: a round width giving at most 2000 rows).

        The GIL is released while it runs, so runs in several threads go in parallel; Ctrl-C
        stops it with KeyboardInterrupt. Raises RunError when the run gives no figures.
        """
        return Result(self._inner.run_files(seed, bucket))

    def __repr__(self) -> str:
        return repr(self._inner)


def load(path: Union[str, os.PathLike]) -> Scenario:
    """Loads and validates a scenario file; raises ScenarioError naming the file, line and key."""
    return Scenario(_coldsim.load(os.fspath(path)))


def _scenario(scenario: Union[Scenario, str, os.PathLike]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def compare(
    scenario: Union[Scenario, str, os.PathLike],
    policies: Sequence[str],
    seed: Optional[int] = None,
):
    """``coldsim compare``: the same traffic under each policy (``"fixed:20m"``,
    ``"provisioned:2"``, ``"warmer:5m"``, ``"snapstart:400ms"``, …), one row each after the
    baseline; compare.csv as a DataFrame (``.attrs["json"]`` holds compare.json as a dict).
    Ctrl-C stops it with KeyboardInterrupt."""
    files = dict(_scenario(scenario)._inner.compare_files(list(policies), seed))
    frame = _frame(files["compare.csv"])
    frame.attrs["json"] = json.loads(files["compare.json"])
    return frame


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def sweep(
    scenario: Union[Scenario, str, os.PathLike],
    sets: Mapping[str, Sequence[Any]],
    replications: int = 1,
    seed: Optional[int] = None,
):
    """``coldsim sweep``: every combination of the values of each key (``{"function.keep_alive.idle":
    ["5m", "10m"]}``), ``replications`` runs each on every core; sweep.csv as a DataFrame (means and
    95 % intervals), ``.attrs["json"]`` holding sweep.json. Ctrl-C stops every run at once."""
    specs = [f"{key}={','.join(_value(v) for v in values)}" for key, values in sets.items()]
    files = dict(_scenario(scenario)._inner.sweep_files(specs, replications, seed))
    frame = _frame(files["sweep.csv"])
    frame.attrs["json"] = json.loads(files["sweep.json"])
    return frame


def plan(
    scenario: Union[Scenario, str, os.PathLike],
    slos: Sequence[str],
    vary: str,
    minimize: str = "cost",
    seed: Optional[int] = None,
):
    """``coldsim plan``: the best value of ``vary`` (``"provisioned"``, ``"keep-alive"``,
    ``"memory"``) meeting every objective (``"p99<300ms"``, ``"cold<1%"``), minimizing
    ``"cost"`` or ``"idle-memory"``; plan.csv (every value tried) as a DataFrame,
    ``.attrs["json"]`` holding plan.json with the answer. Ctrl-C stops it with KeyboardInterrupt."""
    files = dict(_scenario(scenario)._inner.plan_files(list(slos), vary, minimize, seed))
    frame = _frame(files["plan.csv"])
    frame.attrs["json"] = json.loads(files["plan.json"])
    return frame


def _flags(options: Mapping[str, Any]) -> List[str]:
    flags: List[str] = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            flags.append(flag)
        elif isinstance(value, (list, tuple)):
            for v in value:
                flags += [flag, os.fspath(v) if isinstance(v, os.PathLike) else _value(v)]
        else:
            flags += [flag, os.fspath(value) if isinstance(value, os.PathLike) else _value(value)]
    return flags


def cost(
    trace: Union[str, os.PathLike, Sequence[Union[str, os.PathLike]]], **options: Any
):
    """``coldsim cost``: the bill of a traffic file (or of CloudWatch log files). Options are
    the command's flags with underscores: ``format="azure2021"``, ``memory_mb=512``,
    ``keep_alive="10m"``, ``platform=["aws-lambda", "google-cloud-run"]``, ``free_tier=True``,
    ``seed=1``; the same checks and one-line errors (raised as CostError). Returns cost.csv as
    a DataFrame (USD, GB-s and counts as the README's cost outputs say), with cost.json in
    ``.attrs["json"]``, cost.md in ``.attrs["markdown"]`` and the warnings in
    ``.attrs["warnings"]``. Ctrl-C stops it with KeyboardInterrupt."""
    if "output_format" in options or "out" in options or "quiet" in options:
        raise ValueError(
            "cost returns the table as a DataFrame: write it with DataFrame.to_parquet or to_csv"
        )
    traces = [trace] if isinstance(trace, (str, os.PathLike)) else list(trace)
    flags = [os.fspath(t) for t in traces] + _flags(options)
    files, text, warnings = _coldsim.cost_files(flags)
    files = dict(files)
    frame = _frame(files["cost.csv"])
    frame.attrs["json"] = json.loads(files["cost.json"])
    frame.attrs["markdown"] = files["cost.md"].decode()
    frame.attrs["warnings"] = list(warnings)
    return frame
