"""Type stubs of the native module: scenarios, runs and atomic writes (see coldsim/__init__.py)."""

from os import PathLike
from typing import Any, Dict, List, Optional, Tuple, Union

class ScenarioError(ValueError):
    """A scenario that cannot be read or does not hold: one line naming the file, line and key."""

class RunError(Exception):
    """A run that gave no figures."""

class Scenario:
    @staticmethod
    def from_toml(text: str, name: str = "scenario.toml") -> "Scenario": ...
    @staticmethod
    def from_dict(d: Dict[str, Any]) -> "Scenario": ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_toml(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def seed(self) -> int: ...
    def run_files(
        self, seed: Optional[int] = None, bucket: Optional[str] = None
    ) -> List[Tuple[str, bytes]]:
        """The files `coldsim run` writes, as (name, bytes); the GIL released while it runs."""
        ...

def load(path: Union[str, "PathLike[str]"]) -> Scenario: ...
def write_files(out: Union[str, "PathLike[str]"], files: List[Tuple[str, bytes]]) -> None: ...
