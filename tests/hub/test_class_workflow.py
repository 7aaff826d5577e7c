"""The class workflow on a real JupyterHub, with real Unix users (tests/hub/conftest.py).

People use it as a class does. Learner A and the grader work in headless chromium
(Playwright): the hub's login page, then JupyterLab with nbgrader's Assignments
tab, Validate button and Formgrader. The instructor and learner B type commands
in a JupyterLab terminal of their own server (its websocket), so every command
runs as that Unix user, with the environment the hub gives every server
(hub/jupyterhub_config.py) and the user's ~/.jupyter/nbgrader_config.py
(hub/setup_course.py).

1. PAM: the login page takes a learner's Unix password and refuses a wrong one.
2. The instructor sets a due date, generates and releases 01_tokens.
3. Learner A logs in, fetches 01_tokens in the Assignments tab, types the
   solutions (and a written answer) into the notebook, presses Validate (all
   tests pass) and submits. The instructor moves the due date to just after
   that; learner B then submits a sample wrong answer, late.
4. The instructor collects: both submissions land in the course's submitted/,
   with their timestamps, owned (nbgrader checks) by the learner named in them.
5. Learner B can read neither learner A's submission nor the instructor's
   source/; the grader (staff group) reads the course.
6. The instructor grades (`course autograde`, in the bubblewrap sandbox), with
   the course's late-penalty plugin (B loses 10%). The due date moves past B's
   submission and `course late-penalties` removes the penalty.
7. The grader logs in and scores A's written answer in the formgrader (in a browser
   tab of its own: JupyterHub forbids framing a server, so JupyterLab's Formgrader
   tab stays blank).
8. nbgrader's CSV, the Canvas file and the Moodle file agree with the gradebook.
9. The instructor generates and releases feedback. Learner A fetches it in the
   Assignments tab and opens it: the score, the grader's points, and not one
   line of a hidden test. Learner B's shows the visible tests B failed, and no
   hidden test either.

Screenshots of every browser step: test-artifacts/screenshots/hub/.
The tests run in order and share one hub: each step needs the one before.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import time
from datetime import datetime, timedelta, timezone

import nbformat
import pytest

from classhub import COURSE_ID, GRADER, INSTRUCTOR, LEARNERS, unavailable
from jlab import CELLS, RUN_MS, STEP_MS, VALIDATE, center, close_dialog, expect, menu, shot, type_into_cell, validate
from jlab import wait_kernel_idle
from nbcourse import (ROOT, Submission, autograded_points, build_submission, hidden_test_lines, is_answer_cell,
                      is_test_cell, is_written_answer, nbgrader_meta, sample_submissions, typed_solutions)

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]

ASSIGNMENT = "01_tokens"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
LEARNER_A, LEARNER_B = LEARNERS
DUE = "2099-01-01 17:00:00 UTC"  # the due date at release, and after the extension
WRONG = "bytes_not_characters"  # learner B's answer: a sample wrong submission with a known score
WRITTEN_POINTS = 1.5  # what the grader gives learner A's written answer (of its 2 points)


def test_servers_start_and_pam_login(hub):
    import requests

    # PAM: the login page takes a learner's Unix password, and refuses a wrong one.
    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = session.cookies.get("_xsrf")
    bad = session.post(f"{hub.url}/hub/login", timeout=60, allow_redirects=False,
                       data={"username": LEARNER_A, "password": "not-" + hub.passwords[LEARNER_A], "_xsrf": xsrf})
    assert bad.status_code != 302 and "Invalid username or password" in bad.text, (bad.status_code, bad.text[:500])
    good = session.post(f"{hub.url}/hub/login", timeout=60, allow_redirects=False,
                        data={"username": LEARNER_A, "password": hub.passwords[LEARNER_A], "_xsrf": xsrf})
    assert good.status_code == 302, (good.status_code, good.text[:500])
    home = session.get(f"{hub.url}/hub/home", timeout=30, allow_redirects=False)
    assert home.status_code == 200 and LEARNER_A in home.text, (home.status_code, home.text[:500])

    hub.start_servers([INSTRUCTOR, GRADER, *LEARNERS])
    for user in (INSTRUCTOR, GRADER, *LEARNERS):
        shown = hub.terminal(user).check("id -un; echo $HOME; command -v nbgrader; echo $NBGRADER_EXCHANGE")
        assert shown.splitlines()[:2] == [user, f"/home/{user}"], shown
        assert f"{hub.venv}/bin/nbgrader" in shown, f"{user}'s terminal does not find the course's nbgrader:\n{shown}"
        assert str(hub.exchange) in shown, shown


def test_instructor_releases(hub):
    teacher = hub.terminal(INSTRUCTOR)
    teacher.check(f"cd {hub.course}")
    teacher.check(f"nbgrader db assignment add {ASSIGNMENT} --duedate='{DUE}'")
    teacher.check(f"nbgrader generate_assignment {ASSIGNMENT} --force")
    teacher.check(f"nbgrader release_assignment {ASSIGNMENT}")
    released = hub.exchange / COURSE_ID / "outbound" / ASSIGNMENT / NOTEBOOK
    assert released.is_file()
    listing = hub.terminal(LEARNER_A).check("nbgrader list")
    assert ASSIGNMENT in listing and COURSE_ID in listing, listing


def _upload(hub, user: str, path: str, notebook) -> None:
    """Save a notebook in user's server as JupyterLab does (the contents API)."""
    hub.user_api(user, "PUT", f"/api/contents/{path}",
                 json={"type": "notebook", "format": "json", "content": json.loads(nbformat.writes(notebook))})


def log_in(page, hub, user: str, step: str) -> None:
    """The hub's login page with the user's Unix password, then their JupyterLab."""
    page.goto(f"{hub.url}/hub/login?next=/user/{user}/lab")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(hub.passwords[user])
    shot(page, f"hub/{step}-login")
    page.locator("#login_submit").click()
    page.wait_for_url(f"**/user/{user}/lab**")
    expect(page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader")).to_be_visible(timeout=RUN_MS)


def open_assignments_tab(page) -> None:
    """Nbgrader > Assignment List: the Assignments tab, its lists loaded."""
    tab = page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text="Assignments")
    if tab.count():
        tab.click()
    else:
        menu(page, "Nbgrader", "Assignment List")
    expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")).to_contain_text("Assignments")


def assignment_rows(page, status: str):
    """The rows of the Assignments tab's list of 'released', 'fetched' or 'submitted' assignments."""
    for part in ("loading", "error"):
        expect(page.locator(f"#{status}_assignments_list_{part}")).to_be_hidden()
    return page.locator(f"#{status}_assignments_list > .list_item")


def test_learner_a_fetches_solves_validates_and_submits_in_jupyterlab(hub, page):
    log_in(page, hub, LEARNER_A, "a-1")
    open_assignments_tab(page)
    released = assignment_rows(page, "released")
    expect(released).to_have_count(1)
    expect(released.first.locator(".item_name")).to_have_text(ASSIGNMENT)
    expect(released.first.locator(".item_course")).to_have_text(COURSE_ID)
    shot(page, "hub/a-2-released")

    # Fetch: the assignment moves to the fetched list, its folder appears in A's home.
    released.first.locator(".item_status button", has_text="fetch").click()
    fetched = assignment_rows(page, "fetched")
    expect(fetched).to_have_count(1)
    notebook_path = hub.home(LEARNER_A) / ASSIGNMENT / NOTEBOOK
    assert notebook_path.is_file(), f"the Assignments tab's fetch made no {notebook_path}"
    fetched.first.locator("a.assignment-notebooks-link").click()
    notebook_link = page.locator(f"#nbgrader-{COURSE_ID}-{ASSIGNMENT} .item_name a", has_text=ASSIGNMENT)
    expect(notebook_link).to_be_visible()
    shot(page, "hub/a-3-fetched")

    # Open the notebook from the list, type the answers, Validate.
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook_link.click()
    cells = page.locator(CELLS)
    expect(cells).to_have_count(len(notebook.cells), timeout=RUN_MS)
    expect(page.locator(VALIDATE)).to_be_visible()
    wait_kernel_idle(page)
    answers = typed_solutions(ASSIGNMENT)
    for index, cell in enumerate(notebook.cells):
        if is_answer_cell(cell) or is_written_answer(cell):
            type_into_cell(page, cells.nth(index), answers[nbgrader_meta(cell)["grade_id"]])
    kind, dialog = validate(page)  # saves the notebook, then runs every test in it
    assert kind == "success", f"Validate failed A's solved notebook on the hub:\n{dialog.inner_text()[:3000]}"
    expect(dialog.locator("#validation-message.validation-success")).to_have_text(
        "Success! Your notebook passes all the tests.")
    shot(page, "hub/a-4-validated")
    close_dialog(dialog)

    # Submit from the Assignments tab: one submission, with its timestamp.
    open_assignments_tab(page)
    assignment_rows(page, "fetched").first.locator(".item_status button", has_text="Submit").click()
    submitted = assignment_rows(page, "submitted")
    expect(submitted).to_have_count(1)
    expect(page.locator(f"#nbgrader-{COURSE_ID}-{ASSIGNMENT}-submissions > .list_item")).to_have_count(2)  # a header
    shot(page, "hub/a-5-submitted")
    saved = nbformat.read(notebook_path, as_version=4)
    for cell in saved.cells:
        if is_answer_cell(cell) or is_written_answer(cell):
            assert cell.source == answers[nbgrader_meta(cell)["grade_id"]], "the typed answer was not saved"


def test_learner_b_submits_a_wrong_answer_late(hub):
    shown = hub.terminal(LEARNER_B).check(f"cd ~ && nbgrader fetch_assignment {ASSIGNMENT}")
    assert "Fetched as" in shown or "fetched" in shown.lower(), shown
    # The due date passes: the instructor moves it to just after A's submission.
    due = (datetime.now(timezone.utc) + timedelta(seconds=1)).replace(microsecond=0)
    hub.terminal(INSTRUCTOR).check(f"cd {hub.course} && nbgrader db assignment add {ASSIGNMENT} "
                                   f"--duedate='{due:%Y-%m-%d %H:%M:%S} UTC'")
    hub.due = due
    # Learner B, late, with a sample wrong answer (tests/submissions/01_tokens/WRONG).
    released = ROOT / "release" / ASSIGNMENT / NOTEBOOK  # the committed release = what was fetched
    wrong = build_submission(released, ROOT / "source" / ASSIGNMENT / NOTEBOOK, _wrong())
    _upload(hub, LEARNER_B, f"{ASSIGNMENT}/{NOTEBOOK}", wrong)
    shown = hub.terminal(LEARNER_B).check(f"nbgrader submit {ASSIGNMENT}")
    assert "Submitted as" in shown, shown


def _wrong() -> Submission:
    return next(s for s in sample_submissions(ASSIGNMENT) if s.name == WRONG)


def _stamp(learner: str, hub) -> datetime:
    text = (hub.course / "submitted" / learner / ASSIGNMENT / "timestamp.txt").read_text().strip()
    return datetime.strptime(text.replace(" UTC", ""), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)


def test_instructor_collects(hub):
    teacher = hub.terminal(INSTRUCTOR)
    shown = teacher.check(f"cd {hub.course} && nbgrader collect {ASSIGNMENT}")
    assert "cheating attempt" not in shown, shown  # nbgrader checks each submission's Unix owner
    for learner in LEARNERS:
        folder = hub.course / "submitted" / learner / ASSIGNMENT
        assert (folder / NOTEBOOK).is_file(), f"no {NOTEBOOK} collected for {learner}:\n{shown}"
    assert _stamp(LEARNER_A, hub) <= hub.due < _stamp(LEARNER_B, hub), "A on time, B late"
    solved = nbformat.read(hub.course / "submitted" / LEARNER_A / ASSIGNMENT / NOTEBOOK, as_version=4)
    assert not any("raise NotImplementedError()" in c.source for c in solved.cells)
    assert any(is_written_answer(c) and c.source == typed_solutions(ASSIGNMENT)[nbgrader_meta(c)["grade_id"]]
               for c in solved.cells), "A's written answer, typed in the browser, is not in the submission"


def test_permissions_between_users(hub):
    other = hub.terminal(LEARNER_B)
    inbound = hub.exchange / COURSE_ID / "inbound"
    denied = {
        # the exchange's inbound: write-only for learners, so A's submission cannot be found
        f"ls {inbound}": "Permission denied",
        f"cat {inbound}/{LEARNER_A}+{ASSIGNMENT}+*/{NOTEBOOK}": "No such file",
        # the instructor's course folder (solutions, hidden tests, gradebook)
        f"cat {hub.course}/source/{ASSIGNMENT}/{NOTEBOOK}": "Permission denied",
        f"ls {hub.course}": "Permission denied",
        # A's home (the fetched and solved notebook, nbgrader's submission cache)
        f"ls /home/{LEARNER_A}": "Permission denied",
    }
    for command, error in denied.items():
        status, shown = other.run(command)
        assert status != 0 and error in shown, f"{LEARNER_B}$ {command} should fail ({error}), got {status}:\n{shown}"
    # nbgrader leaves a submission's folder 777 and its files 644 (so the instructor can remove them):
    # only its name keeps it from other learners, who cannot list inbound/, and that name ends in
    # 72 random bits (12 base64 characters) nobody can guess.
    names = [path.name for path in inbound.iterdir() if path.name.startswith(f"{LEARNER_A}+{ASSIGNMENT}+")]
    assert names and all(len(name.rsplit("+", 1)[1]) == 12 for name in names), names
    # The grader (staff group) reads the course and the collected submissions.
    shown = hub.terminal(GRADER).check(f"ls {hub.course}/submitted && head -c 100 {hub.course}/source/{ASSIGNMENT}/{NOTEBOOK}")
    assert LEARNER_A in shown and LEARNER_B in shown, shown


def _gradebook(hub):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}", course_id=COURSE_ID)


def _points():
    """(A's autograded points: all of them, B's: the sample's exact score)."""
    full = autograded_points(nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4))
    partial = _wrong().expected
    assert 0 < partial < full
    return full, partial


def test_instructor_autogrades_with_late_penalty(hub):
    teacher = hub.terminal(INSTRUCTOR)
    # `make doctor-instructor`, as the instructor in their server: can grading use the sandbox here?
    _, doctor = teacher.run("course-doctor --instructor 2>&1")
    sandbox = next((line for line in doctor.splitlines() if "] grading sandbox:" in line), "")
    if shutil.which("bwrap") is None or not sandbox.startswith("[OK]"):
        unavailable(f"grading needs bubblewrap working for the instructor (make sandbox):\n{doctor[-3000:]}")
    print(f"{INSTRUCTOR}: {sandbox}")
    teacher.check(f"cd {hub.course} && course autograde {ASSIGNMENT} --root . --workers 2 "
                  "|| { tail -c 6000 .course-autograde.log; false; }")
    full, partial = _points()
    with _gradebook(hub) as gradebook:
        scores = {learner: gradebook.find_submission(ASSIGNMENT, learner).score for learner in LEARNERS}
        penalties = {learner: gradebook.find_submission(ASSIGNMENT, learner).late_submission_penalty or 0
                     for learner in LEARNERS}
    # every autograded point for the solution (written answers wait for a person); the
    # sample wrong answer's exact score; B, less than a day late, loses 10% of it
    assert scores == {LEARNER_A: full, LEARNER_B: partial}, (scores, full)
    assert penalties == {LEARNER_A: 0, LEARNER_B: pytest.approx(0.1 * partial)}, penalties

    # An extension for the class: the due date moves past B's submission, and the
    # penalty follows without regrading (nbgrader#723).
    teacher.check(f"nbgrader db assignment add {ASSIGNMENT} --duedate='{DUE}' && course late-penalties {ASSIGNMENT}")
    with _gradebook(hub) as gradebook:
        assert not gradebook.find_submission(ASSIGNMENT, LEARNER_B).late_submission_penalty


def test_grader_scores_the_written_answer_in_the_formgrader(hub, page):
    written = next(c for c in nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4).cells
                   if is_written_answer(c))
    grade_id = nbgrader_meta(written)["grade_id"]
    log_in(page, hub, GRADER, "grader-1")
    # JupyterHub keeps every server from being framed (frame-ancestors 'none'), so JupyterLab's
    # Formgrader tab stays blank: the grader opens the formgrader in a tab of its own, as
    # nbgrader's docs say for JupyterHub 4.1 and newer.
    csp = hub.user_api_response(GRADER, "GET", "/formgrader").headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, csp
    page.goto(f"{hub.url}/user/{GRADER}/formgrader")
    row = page.locator("tr", has=page.locator("td.name", has_text=ASSIGNMENT))
    expect(row.locator("td.num-submissions")).to_have_text("2")
    shot(page, "hub/grader-2-assignments")
    row.locator("td.num-submissions a").click()
    student = page.locator("#main-table tr", has=page.locator("td.student-id", has_text=LEARNER_A))
    expect(student.locator("td.status")).to_have_text("needs manual grading")
    shot(page, "hub/grader-3-submissions")
    student.locator("td.student-name a").click()
    notebook_row = page.locator("tr", has=page.locator("td.name", has_text=ASSIGNMENT))
    notebook_row.locator("td.name a").click()
    page.wait_for_url("**/formgrader/submissions/**")
    page.wait_for_load_state("load")

    # The written answer A typed in the browser, and its score box: empty, out of its points.
    answer = page.locator(".nbgrader_cell", has=page.locator(f"input.score#{grade_id}"))
    expect(answer).to_contain_text(typed_solutions(ASSIGNMENT)[grade_id])
    score = page.locator(f"input.score#{grade_id}")
    expect(score).to_have_value("")
    center(score)
    score.fill(f"{WRITTEN_POINTS:g}")
    score.press("Tab")  # the formgrader saves a score when its box loses focus
    shot(page, "hub/grader-4-scored")

    # The score reaches the gradebook (the formgrader's own REST call, as the grader).
    deadline, manual = time.monotonic() + STEP_MS / 1000, None
    while time.monotonic() < deadline:
        with _gradebook(hub) as gradebook:
            grade = gradebook.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, LEARNER_A)
            manual = grade.manual_score
            total = gradebook.find_submission(ASSIGNMENT, LEARNER_A).score
        if manual is not None:
            break
        time.sleep(0.25)
    full, _ = _points()
    if manual is None:
        _, listing = hub.terminal(GRADER).run(f"id; umask; ls -la {hub.course}")
        raise AssertionError(f"the grader's score did not reach the gradebook:\n{listing}\n{hub.log_tail(40)}")
    assert manual == WRITTEN_POINTS and total == full + WRITTEN_POINTS, (manual, total)


def test_exports_agree_with_the_gradebook(hub):
    teacher = hub.terminal(INSTRUCTOR)
    teacher.check(f"cd {hub.course} && nbgrader export --to grades.csv && "
                  "nbgrader export --exporter=course.grading.lms.CanvasExport --to canvas.csv && "
                  "nbgrader export --exporter=course.grading.lms.MoodleExport --MoodleExport.identifier=username "
                  "--to moodle.csv")
    full, partial = _points()
    expected = {LEARNER_A: full + WRITTEN_POINTS, LEARNER_B: partial}
    stock = {r["student_id"]: float(r["score"]) for r in _csv(hub.course / "grades.csv")}
    canvas = {r["SIS Login ID"]: float(r[ASSIGNMENT]) for r in _csv(hub.course / "canvas.csv")[1:]}
    moodle = {r["Username"]: float(r[ASSIGNMENT]) for r in _csv(hub.course / "moodle.csv")}
    assert stock == canvas == moodle == expected, (stock, canvas, moodle)


def test_feedback_shows_scores_and_failed_visible_tests_never_hidden_ones(hub, page):
    teacher = hub.terminal(INSTRUCTOR)
    teacher.check(f"cd {hub.course} && nbgrader generate_feedback {ASSIGNMENT}")
    teacher.check(f"nbgrader release_feedback {ASSIGNMENT}")
    hidden = hidden_test_lines(ASSIGNMENT, at_least=20)
    full, _ = _points()

    # Learner A, in the Assignments tab: Fetch Feedback, then (view feedback) and open the page.
    log_in(page, hub, LEARNER_A, "a-6")
    open_assignments_tab(page)
    submitted = assignment_rows(page, "submitted")
    submission = page.locator(f"#nbgrader-{COURSE_ID}-{ASSIGNMENT}-submissions > .list_item").nth(1)  # 0: a header
    expect(submission).to_contain_text("(feedback available to fetch)")
    submitted.first.locator(".item_status button", has_text="Fetch Feedback").click()
    view = page.locator(f"#nbgrader-{COURSE_ID}-{ASSIGNMENT}-submissions a", has_text="(view feedback)")
    expect(view).to_be_visible()
    shot(page, "hub/a-7-feedback-fetched")
    view.click()  # the file browser goes to the feedback's folder
    page.locator(".jp-DirListing-itemName", has_text=f"{ASSIGNMENT}.html").dblclick()
    viewer = page.frame_locator(".jp-HTMLViewer iframe")
    expect(viewer.locator("body")).to_contain_text(f"Score: {full + WRITTEN_POINTS:g}")
    shot(page, "hub/a-8-feedback-open")
    page_a, = (hub.home(LEARNER_A) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    text_a = html.unescape(page_a.read_text())
    assert f"Score: {full + WRITTEN_POINTS:g}" in text_a, text_a[:2000]
    assert not [line for line in hidden if line in text_a], "A's feedback shows hidden tests"

    # Learner B: the feedback names each visible test B failed, and its error.
    hub.terminal(LEARNER_B).check(f"cd ~ && nbgrader fetch_feedback {ASSIGNMENT}")
    page_b, = (hub.home(LEARNER_B) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    text_b = html.unescape(re.sub(r"<[^>]+>", "", page_b.read_text()))  # the text, without ANSI colour spans
    graded = nbformat.read(hub.course / "autograded" / LEARNER_B / ASSIGNMENT / NOTEBOOK, as_version=4)
    failed = [(nbgrader_meta(c)["grade_id"], o) for c in graded.cells if is_test_cell(c)
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert failed, "the sample wrong answer fails no test: it cannot show failed tests in feedback"
    for grade_id, error in failed:
        assert f"{error.ename}: {error.evalue}".strip() in text_b, f"B's feedback lacks the failure of {grade_id}"
    leaked = [line for line in hidden if line in text_b]
    assert not leaked, f"B's feedback shows hidden tests: {leaked[:3]}"


def _csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
