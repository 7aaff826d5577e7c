"""Build a scratch course for grading tests (a tests/nbcourse.py TempCourse) and read its gradebook."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import nbformat

from nbcourse import BIN, ROOT, Submission, TempCourse, build_submission, nbgrader_meta, notebooks  # noqa: F401 (BIN: for the tests)

ASSIGNMENT = "00_setup"
CORPUS = ROOT / "tests" / "bad_submissions"
# Tighter limits than the course's, so the corpus runs in a minute. The cell time limit
# is what each of the three runaway cases (an endless loop, a loop that swallows the
# interrupt, ten million prints) burns in CPU. Under `make test-stress` (busy loops on
# both cores, two grading workers) the slowest cell of a good submission took 0.035 s
# and the slowest bounded bad one, the fork bomb meeting the process limit, 1.25 s:
# 10 s leaves room for a machine several times slower under the same load.
TEST_CONFIG = """
# --- tests/grading: tighter limits so the bad-submission corpus runs quickly ---
c.Execute.timeout = 10
c.Sandbox.memory_limit = 768 * 1024**2
c.Sandbox.max_processes = 96
c.GuardedExecute.max_output_bytes = 200_000
"""


def make_course(path: Path) -> TempCourse:
    """A TempCourse of 00_setup with the tighter limits, its assignment generated."""
    course = TempCourse(path, ASSIGNMENT, config=TEST_CONFIG)
    course.generate()
    return course


def release_and_source(course: TempCourse) -> tuple[Path, Path]:
    source_nb = notebooks(ASSIGNMENT)[0]
    return course.path / "release" / ASSIGNMENT / source_nb.name, source_nb


def cases() -> dict[str, dict]:
    return {p.stem: tomllib.loads(p.read_text()) for p in sorted(CORPUS.glob("*.toml"))}


def submit_case(course: TempCourse, name: str, case: dict, substitutions: dict[str, str]) -> None:
    release_nb, source_nb = release_and_source(course)
    answers = {k: _fill(v, substitutions) for k, v in case.get("answers", {}).items()}
    nb = build_submission(release_nb, source_nb, Submission(name, case["score"], answers, case.get("others", "solution")))
    folder = course.path / "submitted" / name / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    mutation = case.get("mutation", "")
    kind, _, arg = mutation.partition(":")
    target = folder / source_nb.name
    if kind == "delete":
        nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != arg]
    elif kind == "edit":
        for cell in nb.cells:
            if nbgrader_meta(cell).get("grade_id") == arg:
                cell.source = "pass  # the tests were in my way"
    elif kind == "duplicate":
        index = next(i for i, c in enumerate(nb.cells) if nbgrader_meta(c).get("grade_id") == arg)
        nb.cells.insert(index, nbformat.from_dict(json.loads(json.dumps(nb.cells[index]))))
        nb.cells[index]["id"] = "duplicate-cell"
    elif kind == "fake_outputs":
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.execution_count = 1
                cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="All tests passed\n")]
    if kind == "corrupt":
        target.write_text(nbformat.writes(nb)[:500] + "\n<<<<<<< merge conflict\n")
    elif kind == "rename":
        nbformat.write(nb, folder / arg)
    elif kind == "missing":
        (folder / "notes.txt").write_text("I forgot to attach the notebook")
    else:
        nbformat.write(nb, target)


def _fill(text: str, substitutions: dict[str, str]) -> str:
    for key, value in substitutions.items():
        text = text.replace("{" + key + "}", value)
    return text


def autograded(course_path: Path) -> dict[str, dict]:
    """student -> {"score": autograded code-cell total, "cells": {grade_id: score}, "flags": [...]}"""
    from nbgrader.api import Gradebook

    from course.grading.gradebook import flags_from_gradebook

    out = {}
    with Gradebook(f"sqlite:///{course_path / 'gradebook.db'}") as gb:
        for submission in gb.find_assignment(ASSIGNMENT).submissions:
            student = submission.student.id
            cells = {g.name: g.score for nb in submission.notebooks for g in nb.grades if g.cell.cell_type == "code"}
            out[student] = {"score": sum(cells.values()), "cells": cells,
                            "flags": flags_from_gradebook(gb, ASSIGNMENT, student)}
    return out


def comparable(path: Path) -> list:
    """What an autograded notebook says, without what may legitimately vary between two
    gradings of the same submission.

    - Stream chunking: a kernel sends stdout and stderr in chunks whose borders are
      timing. Consecutive stream outputs of one name are merged (nbconvert's
      CoalesceStreamsPreprocessor), then each run of streams is compared as its stdout
      and its stderr, since the two are separate pipes whose relative order is timing.
    - Object addresses in reprs (0x7f...).
    - Everything in metadata (execution timestamps; grading clears the rest).
    """
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb, _ = CoalesceStreamsPreprocessor().preprocess(nbformat.read(path, as_version=4), {})
    cells = []
    for cell in nb.cells:
        outputs, streams = [], {}
        for out in cell.get("outputs", []) + [None]:
            if out is not None and out.output_type == "stream":
                streams[out.name] = streams.get(out.name, "") + re.sub(r"0x[0-9a-f]+", "0x", out.text)
                continue
            if streams:
                outputs.append(("streams", tuple(sorted(streams.items()))))
                streams = {}
            if out is None:
                break
            if out.output_type == "error":
                outputs.append(("error", out.ename, re.sub(r"0x[0-9a-f]+", "0x", out.evalue)))
            else:
                outputs.append((out.output_type, sorted(out.get("data", {}))))
        cells.append((cell.cell_type, cell.source, cell.get("execution_count"), outputs))
    return cells


def gradebook_dump(db: Path | str, assignment: str = ASSIGNMENT) -> dict:
    """Everything autograde writes for an assignment, without the random row ids.
    db: a SQLite file, or any gradebook URL (postgresql://...)."""
    from nbgrader.api import Gradebook

    dump = {}
    with Gradebook(db if isinstance(db, str) else f"sqlite:///{db}") as gb:
        for submission in gb.find_assignment(assignment).submissions:
            student = submission.student
            entry = {"student": [student.first_name, student.last_name, student.email, student.lms_user_id],
                     "timestamp": str(submission.timestamp), "notebooks": {}}
            for nb in submission.notebooks:
                entry["notebooks"][nb.name] = {
                    "flagged": nb.flagged, "late_penalty": nb.late_submission_penalty,
                    "grades": {g.name: [g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade] for g in nb.grades},
                    "comments": {c.name: [c.auto_comment, c.manual_comment] for c in nb.comments},
                }
            dump[student.id] = entry
    return dump
