"""How `make test` splits the suite between its pytest-xdist workers (tests/xdist_scopes.py)."""

from xdist_scopes import scope_of


def test_a_notebooks_cells_stay_together():
    assert scope_of("source/04_rag/04_rag.ipynb::Cell 3") == scope_of("source/04_rag/04_rag.ipynb::Cell 30")
    assert scope_of("source/04_rag/04_rag.ipynb::Cell 3") != scope_of("source/05_agent_loops/05_agent_loops.ipynb::Cell 3")


def test_a_modules_tests_stay_together():
    first = scope_of("tests/grading/test_bad_submissions.py::test_every_submission_was_graded")
    assert first == scope_of("tests/grading/test_bad_submissions.py::test_bad_submission[fork_bomb]")
    assert first != scope_of("tests/grading/test_units.py::test_allow_list")


def test_the_browser_tests_share_one_worker():
    assert (scope_of("tests/browser/test_learner.py::test_learner_runs_and_validates[00_setup]")
            == scope_of("tests/browser/test_instructor.py::test_formgrader_lists_assignments_and_shows_autograded_scores"))


def test_pipeline_tests_spread_out_by_assignment():
    a = scope_of("tests/test_pipeline.py::test_autograde_scores_solution_blank_and_wrong_submissions[04_rag]")
    b = scope_of("tests/test_pipeline.py::test_autograde_scores_solution_blank_and_wrong_submissions[05_agent_loops]")
    assert a != b
    assert a == scope_of("tests/test_pipeline.py::test_source_validates[04_rag]")  # one graded course
    assert a == scope_of("tests/test_pipeline.py::test_a_submission_that_does_no_work_earns_nothing[04_rag-none]")
    other = scope_of("tests/test_pipeline.py::test_in_process_checks_can_fail")
    assert other not in (a, b)
