"""IPython helpers for the lesson notebooks: `%load_ext course.notebook`.

%%demo marks a demonstration cell: it runs when you run the notebook, and is
skipped while nbgrader validates or grades it (NBGRADER_EXECUTION is set).
Demos call the real local model and draw charts; grading never needs them, and
skipping them keeps the Validate button and the autograder fast.

Rule for authors: no graded cell may depend on a name defined in a %%demo cell
(the notebook lint checks it).

Does not change how ordinary cells run.
"""

from __future__ import annotations

import os


def grading() -> bool:
    """True while nbgrader validates or autogrades this notebook."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def demo(line: str, cell: str) -> None:
    """Cell magic: run the cell unless nbgrader is executing the notebook."""
    if grading():
        print("(demo skipped while nbgrader runs: demos never affect your score)")
        return
    from IPython import get_ipython

    result = get_ipython().run_cell(cell)
    error = result.error_before_exec or result.error_in_exec
    if error is not None:  # fail this cell, as it would unwrapped (syntax errors too)
        raise error


def load_ipython_extension(ipython) -> None:
    ipython.register_magic_function(demo, magic_kind="cell", magic_name="demo")
