"""Authoring helpers: build an nbgrader source notebook from Python.

The .ipynb in source/ is the truth; this only saves typing the nbgrader cell
metadata by hand. A build script (kept out of the repo) calls:

    cells = [
        md("# Title"),
        code("import course"),
        solution("make_messages", "def make_messages(q):\\n    ### BEGIN SOLUTION\\n    ...\\n    ### END SOLUTION"),
        tests("make_messages_shape", 1, "assert ..."),
        manual("why_offline", 2, "YOUR ANSWER HERE"),
    ]
    write("source/00_setup/00_setup.ipynb", cells)

Does not execute anything; source notebooks are committed without outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _meta(grade_id, *, grade, solution, locked, points=None, task=False):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked,
            "schema_version": 3, "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str):
    return new_markdown_cell(text.strip("\n"))


def code(source: str):
    return new_code_cell(source.strip("\n"))


def readonly(grade_id: str, source: str, markdown: bool = False):
    cell = (new_markdown_cell if markdown else new_code_cell)(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=False, solution=False, locked=True))
    return cell


def solution(grade_id: str, source: str):
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=False, solution=True, locked=False))
    return cell


def tests(grade_id: str, points: float, source: str):
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, solution=False, locked=True, points=points))
    return cell


def manual(grade_id: str, points: float, text: str = "YOUR ANSWER HERE"):
    cell = new_markdown_cell(text.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, solution=True, locked=False, points=points))
    return cell


def write(path: str | Path, cells: list) -> Path:
    path = Path(path)
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = KERNELSPEC
    notebook.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"{path.stem[:40]}-{index:03d}"  # stable, unique ids: no diff noise
    nbformat.validate(notebook)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
