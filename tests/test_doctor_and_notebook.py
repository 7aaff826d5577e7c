"""The environment check and the notebook helpers."""

import pytest

from course import check_environment
from course.notebook import grading


@pytest.mark.slow
def test_environment_check_reports_no_fail(capsys):
    results = check_environment()
    assert [r.name for r in results if not r.ok] == []
    assert "[FAIL]" not in capsys.readouterr().out


def test_a_failing_check_prints_its_fix(monkeypatch, capsys):
    from course import doctor

    def broken():
        raise RuntimeError("no model here")

    monkeypatch.setattr(doctor, "CHECKS", [("local model", broken, "run `make install`")])
    [result] = check_environment()
    assert not result.ok
    assert "[FAIL] local model: RuntimeError: no model here\n       fix: run `make install`" in capsys.readouterr().out


def test_demo_magic_runs_normally_and_skips_under_nbgrader(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "course.notebook")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not grading()
    shell.run_cell("%%demo\nran_demo = 1")
    assert shell.user_ns.get("ran_demo") == 1
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading()
    shell.run_cell("%%demo\nskipped_demo = 1")
    assert "skipped_demo" not in shell.user_ns
