"""The package stays in small modules whose imports point one way.

Every module in course/ has at most 400 lines, and the import graph inside
course/ has no cycle. The graph counts every import statement anywhere in a
file, inside functions too (a cycle held together by a function-level import
is still a cycle); a package's __init__.py is the package's module. Imports
through importlib (course/__init__.py's lazy names, the model registry's
table) are not statements and do not count.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course"
MAX_LINES = 400


def module_name(path: Path) -> str:
    """course/llm/fakes.py -> "course.llm.fakes"; course/llm/__init__.py -> "course.llm"."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package: {"course.llm.fakes": Path(.../course/llm/fakes.py), ...}"""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(path: Path, known: dict[str, Path]) -> set[str]:
    """The course modules a file imports, from any statement anywhere in it.

    `from .llm import fakes` -> "course.llm.fakes" (a module); `from .llm.base import Model`
    -> "course.llm.base" (a name in a module); `import course.checks` -> "course.checks".
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return {target for target in found if target in known and target != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported_modules(path, known) for name, path in known.items()}


def tangled_groups(graph: dict[str, set[str]]) -> list[set[str]]:
    """The groups of two or more modules that all reach each other through imports.

    tangled_groups({"a": {"b"}, "b": {"a"}, "c": {"a"}}) -> [{"a", "b"}]
    """
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def connect(node):  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return groups


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per tangled group, as a path that returns to its start.

    find_cycles({"a": {"b"}, "b": {"a"}, "c": set()}) -> [["a", "b", "a"]]
    """
    return [_path_through(sorted(group)[0], group, graph) for group in tangled_groups(graph)]


def _path_through(start: str, group: set, graph: dict[str, set[str]]) -> list[str]:
    """A shortest cycle from start back to start, inside one strongly connected group."""
    paths, frontier = {start: [start]}, [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return paths[node] + [start]
                if target not in paths:
                    paths[target] = paths[node] + [target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # unreachable for a strongly connected group


def as_file(module: str) -> str:
    return str(modules()[module].relative_to(ROOT))


def test_find_cycles_reports_a_path_that_closes():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_and_relative_imports_count():
    """The model layer's old cycle was held together by imports inside functions."""
    graph = import_graph()
    assert "course.llm.base" in graph["course.llm.fakes"]  # from .base import ...
    assert "course.errors" in graph["course.llm.fakes"]  # from ..errors import ...
    assert "course.llm.local" in graph["course.tokens"]  # inside a method


def test_no_module_is_over_400_lines():
    lines = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for path in modules().values()}
    long = {path: count for path, count in sorted(lines.items()) if count > MAX_LINES}
    message = "modules over 400 lines: " + ", ".join(f"{path} ({count})" for path, count in long.items())
    assert not long, message


def test_no_import_cycle_inside_the_package():
    graph = import_graph()
    groups, cycles = tangled_groups(graph), find_cycles(graph)
    message = "import cycles (each: one cycle, then every file tangled with it):\n" + "\n".join(
        " -> ".join(as_file(m) for m in cycle) + f"   [{', '.join(sorted(as_file(m) for m in group))}]"
        for cycle, group in zip(cycles, groups))
    assert not groups, message
