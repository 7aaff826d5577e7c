"""Feedback without hidden tests.

nbgrader's feedback renders the autograded notebook, which holds the hidden
tests (and IPython tracebacks quote the failing line). ``HideHiddenTests``
(configured in ``c.GenerateFeedback.preprocessors``) replaces every hidden-test
region with a placeholder and cuts the tracebacks of test cells that had one down
to the error's name and message, so a learner still sees which test failed and why.
"""

from __future__ import annotations

import re

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

HIDDEN_REGION = re.compile(r"^([ \t]*)### BEGIN HIDDEN TESTS[ \t]*\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*(\n|$)",
                           re.MULTILINE | re.DOTALL)


class HideHiddenTests(NbGraderPreprocessor):
    """Replace hidden test source with a placeholder; keep the pass/fail result."""

    placeholder = Unicode("# (hidden tests: they ran when your notebook was graded)",
                          help="What replaces a hidden-test region.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or "### BEGIN HIDDEN TESTS" not in cell.source:
            return cell, resources
        cell.source = HIDDEN_REGION.sub(lambda m: m.group(1) + self.placeholder + "\n", cell.source).rstrip("\n")
        if "BEGIN HIDDEN TESTS" in cell.source:  # an unterminated region: hide the rest of the cell
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0] + self.placeholder
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                output.traceback = [f"{output.ename}: {output.evalue}"]
        if utils.is_grade(cell):
            cell.metadata.setdefault("course_grading", {})["hidden_tests"] = True
        return cell, resources
