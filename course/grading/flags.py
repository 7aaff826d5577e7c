"""What grading found wrong with a submission, as it travels with the notebook.

A finding is ``Flag(kind, reason, withhold)``. Kinds: ``tamper`` (scores withheld),
``structure``, ``resource``, ``mimic`` and ``submission`` (scores kept, submission
flagged). The preprocessors keep their findings in the notebook's metadata under
``course_grading`` so that each one adds to what the previous found:

    store_flags(nb.metadata, [Flag("structure", "test cell 'x' was deleted")])
    flags_of(nb.metadata)  # -> [Flag(kind='structure', reason="test cell 'x' was deleted", withhold=False)]

Does not write the gradebook (course.grading.gradebook does). Does not decide what
is suspicious (course.grading.inspect and course.grading.execute do).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

METADATA_KEY = "course_grading"


@dataclass(frozen=True)
class Flag:
    kind: str  # tamper | structure | resource | mimic | submission
    reason: str
    withhold: bool = False

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


def flags_of(meta: dict) -> list[Flag]:
    """The flags stored in a notebook's metadata ([] when none)."""
    return [Flag(**f) for f in meta.get(METADATA_KEY, {}).get("flags", [])]


def store_flags(meta: dict, flags: list[Flag]) -> None:
    """Store flags in a notebook's metadata, each (kind, reason) once, in order."""
    seen, unique = set(), []
    for flag in flags:
        if (flag.kind, flag.reason) not in seen:
            seen.add((flag.kind, flag.reason))
            unique.append(flag)
    meta.setdefault(METADATA_KEY, {})["flags"] = [asdict(f) for f in unique]
