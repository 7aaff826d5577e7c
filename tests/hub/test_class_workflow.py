"""The class workflow on a real JupyterHub, with real Unix users (tests/hub/conftest.py).

Every nbgrader command runs in the user's own Jupyter server, started through the
hub's REST API, typed into a JupyterLab terminal of that server (its websocket):
as that Unix user, with the environment the hub gives every server
(hub/jupyterhub_config.py) and the user's ~/.jupyter/nbgrader_config.py
(hub/setup_course.py). A learner's edits reach their server through its
contents API, as JupyterLab saves a notebook.

1. PAM: a learner logs in on the hub's login page with their Unix password.
2. The instructor sets a due date, generates and releases 01_tokens.
3. Learner A fetches it, solves it (the source notebook's solutions in the
   released notebook) and submits. The instructor moves the due date to just
   after that; learner B then submits a sample wrong answer, late.
4. The instructor collects: both submissions land in the course's submitted/,
   with their timestamps, owned (nbgrader checks) by the learner named in them.
5. Learner B can read neither learner A's submission nor the instructor's
   source/; the grader (staff group) reads the course.
6. The instructor grades (`course autograde`, in the bubblewrap sandbox),
   with the course's late-penalty plugin (B loses 10%). The due date moves past
   B's submission and `course late-penalties` removes the penalty. nbgrader's
   CSV, the Canvas file and the Moodle file agree with the gradebook. The
   instructor generates and releases feedback; learner A fetches it: it shows the
   score and no line of a hidden test.

The tests run in order and share one hub: each step needs the one before.
"""

from __future__ import annotations

import csv
import html
import json
import shutil
from datetime import datetime, timedelta, timezone

import nbformat
import pytest

from classhub import COURSE_ID, GRADER, INSTRUCTOR, LEARNERS, unavailable
from nbcourse import ROOT, Submission, autograded_points, build_submission, hidden_test_lines, sample_submissions

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]

ASSIGNMENT = "01_tokens"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
LEARNER_A, LEARNER_B = LEARNERS
DUE = "2099-01-01 17:00:00 UTC"  # the due date at release, and after the extension
WRONG = "bytes_not_characters"  # learner B's answer: a sample wrong submission with a known score


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


def test_learners_fetch_and_submit(hub):
    for learner in LEARNERS:
        shown = hub.terminal(learner).check(f"cd ~ && nbgrader fetch_assignment {ASSIGNMENT}")
        assert "Fetched as" in shown or "fetched" in shown.lower(), shown
    # Learner A solves it: the released notebook with the source notebook's solutions.
    fetched = hub.user_api(LEARNER_A, "GET", f"/api/contents/{ASSIGNMENT}/{NOTEBOOK}")
    released = nbformat.from_dict(fetched["content"])
    solved_file = ROOT / "release" / ASSIGNMENT / NOTEBOOK  # the committed release = what was fetched
    solved = build_submission(solved_file, ROOT / "source" / ASSIGNMENT / NOTEBOOK,
                              Submission("solved", None, {}, "solution"))
    assert [c.source for c in solved.cells if c.cell_type == "markdown"] == \
        [c.source for c in released.cells if c.cell_type == "markdown"]
    _upload(hub, LEARNER_A, f"{ASSIGNMENT}/{NOTEBOOK}", solved)
    shown = hub.terminal(LEARNER_A).check(f"nbgrader submit {ASSIGNMENT}")
    assert "Submitted as" in shown, shown
    # The due date passes: the instructor moves it to just after A's submission.
    due = (datetime.now(timezone.utc) + timedelta(seconds=1)).replace(microsecond=0)
    hub.terminal(INSTRUCTOR).check(f"cd {hub.course} && nbgrader db assignment add {ASSIGNMENT} "
                                   f"--duedate='{due:%Y-%m-%d %H:%M:%S} UTC'")
    hub.due = due
    # Learner B, late, with a sample wrong answer (tests/submissions/01_tokens/WRONG).
    wrong = build_submission(solved_file, ROOT / "source" / ASSIGNMENT / NOTEBOOK, _wrong())
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


def test_autograde_and_feedback(hub):
    teacher = hub.terminal(INSTRUCTOR)
    # `make doctor-instructor`, as the instructor in their server: can grading use the sandbox here?
    _, doctor = teacher.run("course-doctor --instructor 2>&1")
    sandbox = next((line for line in doctor.splitlines() if "] grading sandbox:" in line), "")
    if shutil.which("bwrap") is None or not sandbox.startswith("[OK]"):
        unavailable(f"grading needs bubblewrap working for the instructor (make sandbox):\n{doctor[-3000:]}")
    print(f"{INSTRUCTOR}: {sandbox}")
    teacher.check(f"cd {hub.course} && course autograde {ASSIGNMENT} --root {hub.course} --workers 2 "
                  "|| { tail -c 6000 .course-autograde.log; false; }")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        scores = {learner: gradebook.find_submission(ASSIGNMENT, learner).score for learner in LEARNERS}
        penalties = {learner: gradebook.find_submission(ASSIGNMENT, learner).late_submission_penalty or 0
                     for learner in LEARNERS}
    # every autograded point for the solution (written answers wait for a person); the
    # sample wrong answer's exact score; B, less than a day late, loses 10% of it
    full = autograded_points(nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4))
    partial = _wrong().expected
    assert 0 < partial < full
    assert scores == {LEARNER_A: full, LEARNER_B: partial}, (scores, full)
    assert penalties == {LEARNER_A: 0, LEARNER_B: pytest.approx(0.1 * partial)}, penalties

    # An extension for the class: the due date moves past B's submission, and the
    # penalty follows without regrading (nbgrader#723).
    teacher.check(f"nbgrader db assignment add {ASSIGNMENT} --duedate='{DUE}' && course late-penalties {ASSIGNMENT}")
    with Gradebook(f"sqlite:///{hub.course / 'gradebook.db'}", course_id=COURSE_ID) as gradebook:
        assert not gradebook.find_submission(ASSIGNMENT, LEARNER_B).late_submission_penalty

    # The grades leave the gradebook as nbgrader's CSV and the LMS files, and all agree.
    teacher.check("nbgrader export --to grades.csv && "
                  "nbgrader export --exporter=course.grading.lms.CanvasExport --to canvas.csv && "
                  "nbgrader export --exporter=course.grading.lms.MoodleExport --MoodleExport.identifier=username "
                  "--to moodle.csv")
    expected = {LEARNER_A: full, LEARNER_B: partial}
    stock = {r["student_id"]: float(r["score"]) for r in _csv(hub.course / "grades.csv")}
    canvas = {r["SIS Login ID"]: float(r[ASSIGNMENT]) for r in _csv(hub.course / "canvas.csv")[1:]}
    moodle = {r["Username"]: float(r[ASSIGNMENT]) for r in _csv(hub.course / "moodle.csv")}
    assert stock == canvas == moodle == expected, (stock, canvas, moodle)

    teacher.check(f"nbgrader generate_feedback {ASSIGNMENT}")
    teacher.check(f"nbgrader release_feedback {ASSIGNMENT}")
    shown = hub.terminal(LEARNER_A).check(f"cd ~ && nbgrader fetch_feedback {ASSIGNMENT} && "
                                          f"ls {ASSIGNMENT}/feedback/*/")
    assert f"{ASSIGNMENT}.html" in shown, shown
    # What learner A reads: the score, and not one line of a hidden test.
    page, = (hub.home(LEARNER_A) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
    text = html.unescape(page.read_text())
    assert f"Score: {full:g}" in text or f"{full:g} / " in text, text[:2000]
    leaked = [line for line in hidden_test_lines(ASSIGNMENT, at_least=20) if line in text]
    assert not leaked, f"feedback shows hidden tests: {leaked[:3]}"


def _csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
