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


def test_checks_cover_what_learners_and_instructors_need():
    from course import doctor

    assert [name for name, _, _ in doctor.CHECKS] == [
        "python", "local model", "tokenizer", "embeddings", "widgets", "mcp", "vector search",
        "jupyterlab", "model", "sandbox"]
    assert [name for name, _, _ in doctor.INSTRUCTOR_CHECKS] == ["grading sandbox", "model server", "browser"]
    assert all(fix for _, _, fix in doctor.CHECKS + doctor.INSTRUCTOR_CHECKS), "every check needs a fix"


def _only(monkeypatch, name):
    from course import doctor

    checks = doctor.CHECKS + doctor.INSTRUCTOR_CHECKS
    monkeypatch.setattr(doctor, "CHECKS", [c for c in checks if c[0] == name])
    [result] = doctor.check_environment(verbose=False)
    return result


def test_without_bubblewrap_validate_still_works_and_grading_fails(monkeypatch):
    from course.grading import sandbox

    monkeypatch.setattr(sandbox, "bwrap_works", lambda bwrap="bwrap": "'bwrap' is not installed")
    monkeypatch.delenv("COURSE_UNSAFE_GRADING", raising=False)
    result = _only(monkeypatch, "sandbox")  # a learner validating their own notebook
    assert result.ok and "without it" in result.detail
    grading = _only(monkeypatch, "grading sandbox")  # graders get no unsafe way out
    assert not grading.ok and "make sandbox" in grading.fix


def test_model_check_fails_when_the_course_model_server_is_down(monkeypatch):
    import socket

    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("COURSE_MODEL", f"openai-compatible:http://127.0.0.1:{port}/v1")
    result = _only(monkeypatch, "model")
    assert not result.ok and "ProviderUnavailableError" in result.detail and "COURSE_MODEL" in result.fix


def test_model_check_asks_the_registry_so_override_model_counts(monkeypatch):
    """The doctor checks the model get_model() would return, not $COURSE_MODEL read on its own."""
    from course import ScriptedModel, override_model

    monkeypatch.setenv("COURSE_MODEL", "nonsense")  # an unknown spec: the check fails if it reads this
    assert not _only(monkeypatch, "model").ok
    with override_model(ScriptedModel(["hello"])):
        result = _only(monkeypatch, "model")
    assert result.ok and result.detail == "override_model: scripted in this process"


def test_browser_check_fails_without_chromium(monkeypatch, tmp_path):
    from course import doctor

    monkeypatch.setattr(doctor, "CHROMIUM", str(tmp_path / "no-chromium"))
    result = _only(monkeypatch, "browser")
    assert not result.ok and "make browser" in result.fix


def test_doctor_command_line(monkeypatch, capsys):
    from course import doctor

    monkeypatch.setattr(doctor, "CHECKS", [("python", doctor._python, "install Python")])
    monkeypatch.setattr(doctor, "INSTRUCTOR_CHECKS", [("extra", lambda: "fine", "n/a")])
    assert doctor.main([]) == 0
    assert "[OK] extra" not in capsys.readouterr().out
    assert doctor.main(["--instructor"]) == 0
    assert "[OK] extra: fine" in capsys.readouterr().out
    assert doctor.main(["--bogus"]) == 2
