"""Lesson 09's suites: the attack and benign cases of course/data/safety_suites.toml.

    attacks = load_suite("attack")   # [Case]: each tagged with its OWASP id and a success condition
    benign = load_suite("benign")    # [Case]: what the defences must keep serving
    attacks[0].needs_tools           # whether a text-only model can play the case

Does not run a case (course/safety/app.py does) and does not judge one.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .config import OWASP
from .gullible import find_commands

SUITES_PATH = Path(__file__).parent.parent / "data" / "safety_suites.toml"


@dataclass(frozen=True)
class Case:
    """One request of a suite.

    suite: "attack" or "benign". owasp: "LLM01"...; technique: direct | indirect | tool-result.
    planted: documents added to the corpus for this case only, as (title, text).
    success (attacks): the attack worked if ANY holds. expect (benign): served if ALL hold.
    """

    id: str
    suite: str
    about: str
    user: str
    owasp: str = ""
    technique: str = "direct"
    customer: str = "C1"
    approve: bool = False
    planted: tuple = ()
    success: dict = field(default_factory=dict)
    expect: dict = field(default_factory=dict)

    @property
    def needs_tools(self) -> bool:
        """Whether the case only makes sense when the model can call tools."""
        return bool(self.technique == "tool-result" or {"tool_ran", "steps_over"} & set(self.success)
                    or self.expect.get("tools") or any(c.kind == "call" for c in find_commands(self.user)))

    @classmethod
    def from_dict(cls, row: dict, suite: str) -> "Case":
        row = dict(row)
        filler = row.pop("filler", None)
        if filler:
            row["user"] = row["user"] + "\n" + "\n".join([filler["line"]] * filler["times"])
        row["planted"] = tuple((doc["title"], doc["text"]) for doc in row.get("planted", ()))
        row.setdefault("approve", suite == "benign")
        unknown = set(row) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ValueError(f"case {row.get('id')!r}: unknown fields {sorted(unknown)}")
        return cls(suite=suite, **row)


@lru_cache(maxsize=None)
def _load(path: Path) -> dict:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    suites = {}
    for suite in ("attack", "benign"):
        cases = [Case.from_dict(row, suite) for row in data.get(suite, [])]
        ids = [case.id for case in cases]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{path.name}: repeated case ids in the {suite} suite")
        for case in cases:
            if suite == "attack" and (case.owasp not in OWASP or not case.success):
                raise ValueError(f"{path.name}: attack {case.id!r} needs an OWASP id and a success condition")
            if suite == "benign" and not case.expect:
                raise ValueError(f"{path.name}: benign case {case.id!r} needs an expect table")
        suites[suite] = tuple(cases)
    return suites


def load_suite(name: str, path: str | Path = SUITES_PATH) -> list[Case]:
    """The shipped "attack" or "benign" suite, in file order."""
    if name not in ("attack", "benign"):
        raise ValueError(f"there are two suites, 'attack' and 'benign'; got {name!r}")
    return list(_load(Path(path))[name])
