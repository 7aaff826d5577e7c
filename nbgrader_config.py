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
