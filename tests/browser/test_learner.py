"""A learner's session in JupyterLab, in headless chromium: 00_setup, 01_tokens and 12_mcp_tool_servers.

JupyterLab starts as `make lab` starts it (the file browser on release/, run from
the course root, so the Validate button uses the course's nbgrader_config.py and
its sandbox), in a scratch copy of the course. For each notebook, as a person:

1. open it and press Validate: nbgrader lists every test cell as failed;
2. paste the solutions into the answer cells, then Run > Run All Cells;
3. use the notebook's widget: it renders and answers through the kernel;
4. press Validate again: "Success! Your notebook passes all the tests.";
5. the notebook saved on disk has every code cell run and no error output.

The graded assignment is 01_tokens: it runs in seconds (tokenizers, a small BPE,
one short model call), has 15.5 autograded points over six answer cells and a live
widget. 00_setup adds the environment check, a chat with the local model and a
chat widget. 12_mcp_tool_servers has no widget: it starts the Beacon MCP server as a
real stdio subprocess of the kernel and lets the local model drive it, then tabulates
and plots the messages on the wire. Screenshots: test-artifacts/screenshots/learner-*.png.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from jlab import center, close_dialog, expect, open_notebook, run_all, shot, type_into_cell, validate
from nbcourse import ROOT, is_answer_cell, is_test_cell, is_written_answer, nbgrader_meta, typed_solutions

pytestmark = pytest.mark.slow

# notebook -> text of the cell whose output the "ran all" screenshot shows
SHOWCASE = {"00_setup": "check_environment()", "01_tokens": "token_efficiency(SAMPLES",
            "12_mcp_tool_servers": "for direction, message in wire.messages"}


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory, start_lab, chromium_path):
    """A scratch course (config and release/) with JupyterLab on its release/."""
    course = tmp_path_factory.mktemp("learner-course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "release", course / "release",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    lab = start_lab(root=course / "release", cwd=course)
    lab.course = course
    return lab


def use_chat_widget(page) -> None:
    """00_setup: ask the chat widget a new question; the reply comes back through the kernel."""
    box, output = page.locator(".widget-text input"), page.locator(".widget-output")
    center(output)
    expect(box).to_have_value("What is a unit test?")
    usage = re.compile(r"\[(\d+) in, (\d+) out")
    expect(output).to_contain_text(usage)  # the reply the cell printed when it ran
    first_prompt_tokens = usage.search(output.text_content()).group(1)
    box.fill("In one sentence, what does a pytest fixture do for a test suite?")  # a longer prompt
    page.locator(".widget-button", has_text="Send").click()
    # The event to wait for: the handler prints the usage line last, so a usage line for
    # a prompt of another size means the new reply has arrived in full.
    expect(output, "no reply to the new question (a usage line for a prompt of a new size)").to_contain_text(
        re.compile(rf"\[(?!{first_prompt_tokens} in\b)\d+ in, \d+ out"))


def use_token_widget(page) -> None:
    """01_tokens: type into the comparison widget; both tokenizer views re-render."""
    from course.tokens import cl100k

    text = "Tokens cost money: 東京 🙂"
    box, views = page.locator(".widget-textarea textarea"), page.locator(".widget-html .course-tokens")
    expect(views).to_have_count(2)
    center(box)
    box.fill(text)
    summary = f"{len(text)} characters, {len(text.encode('utf-8'))} bytes"
    expect(views.nth(0)).to_contain_text(f"cl100k: {len(cl100k().encode(text))} tokens, {summary}")
    expect(views.nth(1)).to_contain_text(summary)


WIDGETS = {"00_setup": use_chat_widget, "01_tokens": use_token_widget}


@pytest.mark.parametrize("assignment", ["00_setup", "01_tokens", "12_mcp_tool_servers"])
def test_learner_runs_and_validates(assignment, learner_lab, page):
    path = learner_lab.course / "release" / assignment / f"{assignment}.ipynb"
    released = nbformat.read(path, as_version=4)
    # Validate lists each failing test cell and each unanswered written answer.
    unsolved = [c for c in released.cells if is_test_cell(c) or is_written_answer(c)]
    cells = open_notebook(page, learner_lab.lab_url(f"{assignment}/{assignment}.ipynb"), len(released.cells))

    # 1. Validate the notebook as released: every test cell fails.
    kind, dialog = validate(page)
    assert kind == "error", f"Validate passed an unsolved {assignment}: {dialog.inner_text()[:500]}"
    message = dialog.locator("#validation-message.validation-failed")
    expect(message).to_be_visible()
    expect(message.get_by_text("The following cell failed:")).to_have_count(len(unsolved))
    shot(page, f"learner-{assignment}-1-validate-unsolved")
    close_dialog(dialog)

    # 2. Solve it, then Run All Cells.
    answers = typed_solutions(assignment)
    for index, cell in enumerate(released.cells):
        if is_answer_cell(cell) or is_written_answer(cell):
            type_into_cell(page, cells.nth(index), answers[nbgrader_meta(cell)["grade_id"]])
    run_all(page)
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    errors = [text for text in stderr.all_text_contents() if "Error" in text or "Traceback" in text]
    assert not errors, f"Run All Cells stopped at an error in {assignment}:\n{errors[0][-3000:]}"
    showcase = next(i for i, c in enumerate(released.cells)
                    if c.cell_type == "code" and SHOWCASE[assignment] in c.source)
    center(cells.nth(showcase).locator(".jp-OutputArea"))
    shot(page, f"learner-{assignment}-2-ran-all")

    # 3. The widgets render and answer.
    expect(page.get_by_text("Error displaying widget")).to_have_count(0)
    if assignment in WIDGETS:
        WIDGETS[assignment](page)
        shot(page, f"learner-{assignment}-3-widget")

    # 4. Validate the solved notebook.
    kind, dialog = validate(page)
    assert kind == "success", f"Validate failed the solved {assignment}:\n{dialog.inner_text()[:3000]}"
    expect(dialog.locator("#validation-message.validation-success")).to_have_text(
        "Success! Your notebook passes all the tests.")
    shot(page, f"learner-{assignment}-4-validate-solved")
    close_dialog(dialog)

    # 5. What Validate saved: the answers, every code cell run, no error output.
    saved = nbformat.read(path, as_version=4)
    code = [c for c in saved.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "not every cell ran, in order"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    for cell in saved.cells:
        if is_answer_cell(cell) or is_written_answer(cell):
            assert cell.source == answers[nbgrader_meta(cell)["grade_id"]]
