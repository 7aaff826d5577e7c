"""Old module paths kept one release: every name a notebook or a test imports from them still resolves.

The notebooks (source/, hidden-test regions included) and the sample submissions
import lesson fixtures from their old paths. Each old path is a one-line
re-export of the module the code moved to; this test reads every import of an
old path and checks that the name is there, and is the moved object itself.
"""

import ast
import importlib

import nbformat
import pytest
from nbcourse import ROOT

MOVED = {  # old path -> where the code lives now
    "course.safety_lab": "course.safety",
    "course.agent_scripts": "course.lessons.agent_loops",
    "course.specs": "course.lessons.structured_output",
    "course.evals_data": "course.lessons.evals",
    "course.routing_data": "course.lessons.cost_routing_caching",
    "course.capstone": "course.lessons.capstone",
}


def _code(source: str) -> str:
    """A cell's code with IPython magics (%, %%, !) blanked, so ast can read it."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _imports(code: str, where: str) -> set:
    """(old module, name) for each import of a moved module; name None for `import course.x`."""
    found = set()
    for node in ast.walk(ast.parse(code, where)):
        if isinstance(node, ast.ImportFrom) and node.module in MOVED:
            found |= {(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name, None) for alias in node.names if alias.name in MOVED}
    return found


def _all_imports() -> dict:
    """{(old module, name): first place that imports it}, from notebooks and every test file."""
    places = {}
    for path in sorted(ROOT.glob("source/*/*.ipynb")):
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type == "code":
                where = f"{path.relative_to(ROOT)} cell {number}"
                for pair in _imports(_code(cell.source), where):
                    places.setdefault(pair, where)
    for path in sorted((ROOT / "tests").rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for pair in _imports(path.read_text(encoding="utf-8"), where):
            places.setdefault(pair, where)
    return places


IMPORTS = _all_imports()


def test_the_notebooks_still_import_every_old_path():
    """A guard on the scan: if this fails, the notebooks no longer use an old path (drop it from MOVED)."""
    assert {module for module, _ in IMPORTS} == set(MOVED)


@pytest.mark.parametrize("module, name", sorted(IMPORTS, key=str), ids=lambda v: str(v))
def test_each_imported_name_resolves_to_the_moved_object(module, name):
    old = importlib.import_module(module)
    if name is None:
        return
    assert hasattr(old, name), f"{IMPORTS[module, name]} imports {name} from {module}, which no longer has it"
    assert getattr(old, name) is getattr(importlib.import_module(MOVED[module]), name)


@pytest.mark.parametrize("module", sorted(MOVED))
def test_each_old_path_is_a_one_line_reexport(module):
    path = ROOT / (module.replace(".", "/") + ".py")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"from .{MOVED[module].removeprefix('course.')} import *")
