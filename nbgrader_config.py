"""nbgrader configuration for the course. Plain `nbgrader ...` commands read this.

Run nbgrader from this folder (the course root), with the course's .venv active.
"""

import os

c = get_config()  # noqa: F821 (provided by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))

# --- the course ---------------------------------------------------------------
c.CourseDirectory.course_id = "ai-engineering"
c.CourseDirectory.root = HERE
# Assignments are the folders of source/ (00_setup, 01_tokens, ...). Data files
# next to a notebook are released with it.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# --- generating the student version ---------------------------------------------
# A header notebook (course name, honour code, how to validate) on top of every
# released notebook.
c.IncludeHeaderFooter.header = "source/header.ipynb"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.ClearSolutions.enforce_metadata = True

# --- executing notebooks (validate, autograde) ----------------------------------
# The kernel of the environment nbgrader runs in: the course's .venv.
c.Execute.kernel_name = "python3"
# The local model loads in under a second and answers in a few; 180 s per cell
# leaves room for a slow machine without letting an infinite loop hang grading.
c.Execute.timeout = 180
c.Execute.interrupt_on_timeout = True
c.Execute.execute_retries = 0
# After the last cell, stop the kernel at once instead of asking it to exit and waiting
# (0.25 s of every submission, benchmarks/grading_phases.py): a graded kernel has nothing
# to save, and the sandbox's PID namespace ends every process it started.
c.Execute.shutdown_kernel = "immediate"

# A deleted or duplicated graded cell is put back from the gradebook copy, so a
# learner cannot lose (or gain) points by editing notebook structure.
c.OverwriteCells.add_missing_cells = True

# Library warnings on stderr (pandas, numpy, llama.cpp) must not zero a correct
# answer: nbgrader counts any stderr output in a test cell as a failure.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(?i)(\bwarning\b|warnings\.warn|DeprecationWarning)"

# Keep runaway output from blowing up the gradebook and feedback.
c.LimitOutput.max_lines = 500
c.LimitOutput.max_traceback = 100

# --- sharing with learners ------------------------------------------------------
# On JupyterHub, point the exchange at a shared folder (see the README).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")

# --- sandbox and tamper detection (docs/GRADING.md) -----------------------------
# Student code runs in a bubblewrap sandbox: no network, a read-only system, no
# view of source/, the gradebook, the exchange or other students' work, and
# limits on memory, processes, CPU and file size. Without bubblewrap, grading
# refuses to run unless COURSE_UNSAFE_GRADING=1 (or c.Sandbox.allow_unsafe = True).
c.Execute.kernel_manager_class = "course.grading.kernel.SandboxKernelManager"
c.Sandbox.memory_limit = 2 * 1024**3      # bytes, for the kernel and its children
c.Sandbox.max_processes = 128             # processes and threads at once
c.Sandbox.cpu_seconds = 600               # CPU seconds per kernel process
c.GuardedExecute.max_output_bytes = 1_000_000  # output kept per cell

# Autograding inspects each submission before nbgrader repairs it, runs it with
# an integrity guard and canaries, and records what it found (flagged for review;
# on evidence of tampering the autograded scores are withheld).
c.Autograde.sanitize_preprocessors = [
    "course.grading.inspect.InspectSubmission",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Late work (README: Due dates and late work): 10% of a notebook's score per started
# day late, up to all of it. After moving a due date, or adding manual grades, run
# `course late-penalties NN_topic`: nbgrader computes penalties only when it autogrades.
c.AssignLatePenalties.plugin_class = "course.grading.late.PercentPerDay"
c.PercentPerDay.percent_per_day = 10
c.PercentPerDay.grace_minutes = 0
c.Autograde.autograde_preprocessors = [
    "course.grading.execute.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
    "course.grading.gradebook.RecordFlags",
]

# Feedback never shows hidden tests: their source is replaced by a placeholder
# (the pass/fail result and its message stay).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "course.grading.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# --- grade export for an LMS (README: Sending grades to Canvas or Moodle) --------
#   nbgrader export --exporter=course.grading.lms.CanvasExport --to canvas.csv
#   nbgrader export --exporter=course.grading.lms.MoodleExport --to moodle.csv
# Canvas: each assignment's Canvas id, the number in its URL (without one, Canvas
# matches the column by exact title or creates a new assignment).
# c.CanvasExport.assignment_ids = {"01_tokens": 12345}
# Moodle: how rows are matched to users: "email" (default), "username" or "idnumber".
# c.MoodleExport.identifier = "email"
