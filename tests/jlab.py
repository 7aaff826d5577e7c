"""What a person does in JupyterLab, as Playwright steps: open, type, run all, validate.

Each step waits on a condition the page shows (a prompt number, a dialog, the
kernel's status), never on a fixed sleep. Selectors are JupyterLab 4's and
nbgrader 0.9's own (the ones nbgrader's Playwright ui-tests use):
`jp-button.validate-button`, `.nbgrader-SuccessDialog`, `.nbgrader-ErrorDialog`,
`#validation-message.validation-failed`, the Nbgrader menu's
`nbgrader:open-formgrader` command.

Does not talk to JupyterLab's JavaScript objects: everything goes through the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nbcourse import ROOT

try:
    from playwright.sync_api import expect
except ImportError:  # the chromium_path fixture says so: a skip, or a failure under CI=true
    expect = None
if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# Every wait of the browser tests is sized here, once, for a 2-core machine that the
# rest of the suite keeps busy: there a kernel takes seconds to start, the local model
# seconds to answer and the formgrader seconds to render a notebook. Each wait is tied
# to what the page shows (a prompt number, a dialog, the kernel's status, a reply in a
# widget, a score box), so these numbers only bound how long a broken run hangs; they
# never pace a passing one. Playwright's own default for `expect` is 5 s.
STEP_MS = 120_000  # the page's reaction to one action: a click, a reply, a page load
RUN_MS = 600_000  # a whole notebook: its kernel starting, Run All Cells, Validate
SERVER_S = 180  # JupyterLab answering its REST API after it was started
HTTP_S = 30  # one REST call to JupyterLab (status, shutdown)
if expect is not None:
    expect.set_options(timeout=STEP_MS)
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show
CELLS = f"{ACTIVE} .jp-Notebook .jp-Cell"
VALIDATE = f"{ACTIVE} jp-button.validate-button"

# Finished: nothing queued ([*]), and either every code cell has a number or an
# error stopped the run (JupyterLab then resets the queued prompts to [ ]).
_RUN_FINISHED = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
  if (!prompts.length || prompts.some(p => p.includes('*'))) return false;
  return prompts.every(p => /\\d/.test(p)) ||
         panel.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]') !== null;
}"""


def shot(page: Page, name: str) -> Path:
    """Save the page as test-artifacts/screenshots/<name>.png (gitignored); name may hold a folder."""
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def center(locator: Locator) -> Locator:
    """Scroll so the element sits in the middle of its scrolling panel (for screenshots)."""
    locator.evaluate("element => element.scrollIntoView({block: 'center'})")
    return locator


def wait_kernel_idle(page: Page) -> None:
    expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle", timeout=RUN_MS)


def open_notebook(page: Page, url: str, n_cells: int) -> Locator:
    """Open a notebook by URL; wait until all its cells are on the page and the kernel is idle."""
    page.goto(url)
    cells = page.locator(CELLS)
    expect(cells).to_have_count(n_cells, timeout=RUN_MS)
    expect(page.locator(VALIDATE)).to_be_visible()
    wait_kernel_idle(page)
    return cells


def type_into_cell(page: Page, cell: Locator, text: str) -> None:
    """Replace a cell's text as a person pasting it would (no auto-indent, no auto-closed brackets).

    Markdown cells are opened for editing first; Run All Cells renders them again.
    """
    center(cell)
    if "jp-MarkdownCell" in (cell.get_attribute("class") or ""):
        cell.locator(".jp-MarkdownOutput").dblclick()  # a rendered markdown cell opens its editor
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")  # back to command mode


def menu(page: Page, top: str, item: str) -> None:
    """Click a main-menu item, e.g. menu(page, "Run", "Run All Cells")."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=top).click()
    page.locator(".lm-Menu").last.get_by_role("menuitem", name=item, exact=True).click()


def run_all(page: Page) -> None:
    """Run > Run All Cells; return when the run has finished or stopped at an error."""
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_FINISHED, timeout=RUN_MS, polling=250)
    wait_kernel_idle(page)


def validate(page: Page) -> tuple[str, Locator]:
    """Press nbgrader's Validate button; ("success" | "error", the dialog) when its result shows."""
    page.locator(VALIDATE).click()
    dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog")
    expect(dialog).to_have_count(1, timeout=RUN_MS)
    kind = "success" if "nbgrader-SuccessDialog" in (dialog.get_attribute("class") or "") else "error"
    return kind, dialog


def close_dialog(dialog: Locator) -> None:
    dialog.locator("button.jp-Dialog-button").last.click()
    expect(dialog).to_have_count(0)
