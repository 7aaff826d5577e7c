"""Fast checks of `course autograde`'s progress display and its resume records."""

from __future__ import annotations

import fcntl
import io
import json
import re

from course.grading.progress import Progress
from course.grading.resume import FOLDER, Ledger, Scratch, submission_key


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_carry_count_rate_and_eta_when_not_a_terminal():
    out = io.StringIO()
    progress = Progress(3, stream=out)
    progress.say("  resuming: 1 skipped")
    progress.finished("  alice: graded in 3.1 s")
    progress.finished("  bob: graded in 2.0 s")
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "  resuming: 1 skipped"
    pattern = r"  {}: graded in [\d.]+ s  \[{}/3 students, \d\d:\d\d elapsed, ETA \d\d:\d\d, [\d.]+(student/s|s/student)\]"
    assert re.fullmatch(pattern.format("alice", 1), lines[1]), lines[1]
    assert re.fullmatch(pattern.format("bob", 2), lines[2]), lines[2]
    assert "\r" not in out.getvalue(), "a pipe or log file must get no redrawn bar"


def test_a_terminal_gets_tqdms_bar_with_each_student_above_it():
    out = Terminal()
    progress = Progress(2, stream=out)
    progress.finished("  alice: graded in 3.1 s")
    progress.close()
    text = out.getvalue()
    assert "\r" in text and "1/2" in text, text
    assert "student/s" in text or "s/student" in text, text
    assert "  alice: graded in 3.1 s\n" in text


def _submit(root, student, timestamp=None, notebook="{}"):
    folder = root / "submitted" / student / "01_tokens"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "01_tokens.ipynb").write_text(notebook)
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp + "\n")


def test_submission_key_is_the_timestamp_or_a_digest_of_the_notebooks(tmp_path):
    _submit(tmp_path, "ann", "2026-12-06 10:00:00.000000 UTC")
    _submit(tmp_path, "bo", notebook='{"cells": []}')
    assert submission_key(tmp_path, "01_tokens", "ann") == "timestamp:2026-12-06 10:00:00.000000 UTC"
    digest = submission_key(tmp_path, "01_tokens", "bo")
    assert digest.startswith("sha256:") and len(digest) == 7 + 64
    _submit(tmp_path, "bo", notebook='{"cells": [1]}')
    assert submission_key(tmp_path, "01_tokens", "bo") != digest, "a changed notebook is a new submission"
    assert submission_key(tmp_path, "01_tokens", "nobody") is None


def test_ledger_skips_only_the_same_submission_when_it_is_in_the_gradebook(tmp_path):
    _submit(tmp_path, "ann", "2026-12-06 10:00:00.000000 UTC")
    ledger = Ledger(tmp_path, "01_tokens")
    assert not ledger.done(tmp_path, "01_tokens", "ann", in_gradebook=True)
    ledger.finished("ann", submission_key(tmp_path, "01_tokens", "ann"))
    again = Ledger(tmp_path, "01_tokens")  # what a resumed run reads
    assert again.done(tmp_path, "01_tokens", "ann", in_gradebook=True)
    assert not again.done(tmp_path, "01_tokens", "ann", in_gradebook=False), "rows deleted since: regrade"
    _submit(tmp_path, "ann", "2026-12-06 11:00:00.000000 UTC")
    assert not again.done(tmp_path, "01_tokens", "ann", in_gradebook=True), "resubmitted: regrade"
    again.forget("ann")
    assert json.loads((tmp_path / FOLDER / "01_tokens.json").read_text()) == {}
    assert [p.name for p in (tmp_path / FOLDER).iterdir()] == ["01_tokens.json"], "no temporary files left"


def test_a_damaged_ledger_means_regrading_not_a_crash(tmp_path):
    (tmp_path / FOLDER).mkdir()
    (tmp_path / FOLDER / "01_tokens.json").write_text('{"ann": "timest')
    assert Ledger(tmp_path, "01_tokens").entries == {}


def test_scratch_folders_of_killed_runs_are_removed_and_live_ones_kept(tmp_path):
    stale = tmp_path / FOLDER / "run-killed"
    stale.mkdir(parents=True)
    (stale / "lock").write_text("")
    (stale / "w0.db").write_text("scratch")
    live = tmp_path / FOLDER / "run-live"
    live.mkdir()
    holder = open(live / "lock", "a")
    fcntl.flock(holder, fcntl.LOCK_EX)  # another run, still going
    try:
        with Scratch(tmp_path) as folder:
            assert folder.is_dir() and folder.parent == tmp_path / FOLDER
            assert not stale.exists(), "a killed run's scratch gradebooks are cleaned up"
            assert live.exists(), "a running run's folder is left alone"
        assert not folder.exists()
    finally:
        holder.close()
