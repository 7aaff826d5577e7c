"""Find test-cell comparisons that a do-nothing submission can pass.

`assert result == expected` passes when `result` is an object whose ``__eq__`` always
returns True, and `assert "x" in result` passes when its ``__getitem__`` returns such
an object. Test cells compare a learner's values with ``course.same`` (or its
``difference`` / ``agrees``), or turn them into plain values first (``len``, ``type``,
``isinstance``, ``float`` ...), or use ``is``.

A learner's value is what comes out of a name an answer cell defines (a function, a
class, a variable): a call of it, an attribute, an item, a method call on it, and any
variable assigned from one. Passing a value through a function of the test's own
(``len(result)``, ``same(result, x)``, ``json.dumps(result)``) gives a plain value,
except for the few builtins that hand back the learner's objects (``list``,
``sorted``, ``min`` ...). ``==``, ``!=``, ``in`` and ``not in`` with a learner's value on
either side is a finding, unless an earlier assert of the cell pinned that value to a
plain type (``assert isinstance(reply, str)``, ``assert type(reply) is str``): a str
compares like a str (the grader flags answer code that defines comparison dunders).
Pinning a list or dict does not count: they compare their items with the items' own
``__eq__``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Builtins whose result still holds the learner's objects (or is one of them).
PASS_THROUGH = {"list", "tuple", "set", "frozenset", "dict", "sorted", "reversed", "min", "max", "next", "iter",
                "getattr", "vars", "enumerate", "zip", "filter", "map", "deepcopy", "copy"}
# A pinned type that compares by value: ==, != and in on one cannot be faked by an
# answer's object. A list, dict or tuple compares its items with their own __eq__, so
# pinning a container's type does not make `x in result` or `result == [...]` strict.
PLAIN_TYPES = {"str", "int", "float", "bool", "bytes", "complex", "np.ndarray", "numpy.ndarray", "date", "datetime",
               "datetime.date", "Decimal", "decimal.Decimal"}
# `x in d` for a real dict or set hashes x first: an answer's object that claims to equal
# everything has no matching hash (and defining __hash__ with __eq__ is flagged by the grader).
HASHED_TYPES = {"dict", "set", "frozenset"}
LOOSE = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
SYMBOL = {ast.Eq: "==", ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in"}


@dataclass(frozen=True)
class Finding:
    line: int
    text: str


def defined_names(tree: ast.Module) -> set[str]:
    """Top-level names an answer cell defines: what a learner's code hands the tests."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _root(node: ast.AST) -> ast.AST:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node


def _root_name(node: ast.AST) -> str | None:
    root = _root(node)
    return root.id if isinstance(root, ast.Name) else None


def _call_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _type_pinned(test: ast.AST, kinds: set[str] = PLAIN_TYPES) -> ast.AST | None:
    """x in `isinstance(x, T)`, `type(x) is T` or `all(type(v) is T for v in x)` where T
    is a plain type (PLAIN_TYPES): a test that pins x (for `all`, each of x's items) to
    a type that compares by value."""
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "all"
            and len(test.args) == 1 and isinstance(test.args[0], ast.GeneratorExp)
            and len(test.args[0].generators) == 1):
        generator = test.args[0].generators[0]
        pinned = _type_pinned(test.args[0].elt, kinds)
        if (isinstance(generator.target, ast.Name) and isinstance(pinned, ast.Name)
                and pinned.id == generator.target.id and not generator.ifs):
            return generator.iter
        return None
    if (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
            and len(test.args) == 2 and _types(test.args[1]) <= kinds):
        return test.args[0]
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.In))
            and isinstance(test.left, ast.Call) and isinstance(test.left.func, ast.Name) and test.left.func.id == "type"
            and test.left.args and _types(test.comparators[0]) <= kinds):
        return test.left.args[0]
    return None


def _types(node: ast.AST) -> set[str]:
    """The type names in `T` or `(T1, T2)`; a name that is not a type gives an unknown."""
    elements = node.elts if isinstance(node, ast.Tuple) else [node]
    return {ast.unparse(e) for e in elements} or {"?"}


class _Scan(ast.NodeVisitor):
    def __init__(self, learner: set[str], fed: dict[str, set[str]] | None = None):
        self.tainted = set(learner)
        # pinned expressions (their text -> the variable they start from, unpinned when it changes)
        self.checked: dict[str, str | None] = {}  # pinned to a plain type
        self.hashed: dict[str, str | None] = {}  # pinned to a dict or set
        self.findings: list[Finding] = []
        # the cell's own functions -> their parameters that some call feeds a learner's value
        self.fed: dict[str, set[str]] = fed if fed is not None else {}
        self.functions: dict[str, ast.FunctionDef] = {}

    # -- which expressions carry a learner's value --
    def carries(self, node: ast.AST | None) -> bool:
        if node is None or ast.unparse(node) in self.checked:
            return False
        if isinstance(node, ast.Name):
            return node.id in self.tainted
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            return self.carries(node.value)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and self.carries(func.value):
                return True  # a method of a learner's object
            if isinstance(func, ast.Name) and func.id in self.tainted:
                return True  # a learner's function or class
            if _call_name(node) in PASS_THROUGH:
                return any(self.carries(a) for a in node.args)
            return False  # the test's own function turns it into a plain value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return any(self.carries(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return any(self.carries(v) for v in node.values)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            return self.carries(node.elt) or any(self.carries(g.iter) for g in node.generators)
        if isinstance(node, ast.DictComp):
            return self.carries(node.value) or any(self.carries(g.iter) for g in node.generators)
        if isinstance(node, ast.IfExp):
            return self.carries(node.body) or self.carries(node.orelse)
        if isinstance(node, ast.BoolOp):
            return any(self.carries(v) for v in node.values)
        if isinstance(node, (ast.Await, ast.NamedExpr)):
            return self.carries(node.value)
        if isinstance(node, ast.BinOp):  # `x + 1` is learner-controlled too
            return self.carries(node.left) or self.carries(node.right)
        return False

    def _taint_target(self, target: ast.AST, tainted: bool = True) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                if tainted:
                    self.tainted.add(node.id)
                else:
                    self.tainted.discard(node.id)
                self.checked = {c: r for c, r in self.checked.items() if r != node.id}  # a new value: unpinned
                self.hashed = {c: r for c, r in self.hashed.items() if r != node.id}

    def _pin(self, test: ast.AST) -> None:
        pinned = _type_pinned(test)
        if pinned is not None:
            self.checked[ast.unparse(pinned)] = _root_name(pinned)
        pinned = _type_pinned(test, HASHED_TYPES)
        if pinned is not None:
            self.hashed[ast.unparse(pinned)] = _root_name(pinned)

    def visit_Assert(self, node: ast.Assert) -> None:
        self.generic_visit(node)
        self._pin(node.test)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        for value in node.values:  # `type(x) is str and x == "a"`: the right side sees x pinned
            self.visit(value)
            if isinstance(node.op, ast.And):
                self._pin(value)

    # -- propagation --
    def visit_Assign(self, node: ast.Assign) -> None:
        self.generic_visit(node)
        for target in node.targets:
            if not isinstance(target, (ast.Attribute, ast.Subscript)):
                self._taint_target(target, self.carries(node.value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.generic_visit(node)
        if self.carries(node.value):
            self._taint_target(node.target)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.generic_visit(node)
        if self.carries(node.value):
            self._taint_target(node.target)

    def _bind(self, target: ast.AST, iterable: ast.AST) -> None:
        """A loop variable carries a learner's value when what it iterates does; through
        enumerate() and zip(), item by item (`for i, (mine, ref) in enumerate(zip(a, b))`)."""
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and isinstance(target, ast.Tuple):
            if iterable.func.id == "enumerate" and len(iterable.args) == 1 and len(target.elts) == 2:
                self._taint_target(target.elts[0], False)
                self._bind(target.elts[1], iterable.args[0])
                return
            if iterable.func.id == "zip" and len(iterable.args) == len(target.elts):
                for element, source in zip(target.elts, iterable.args):
                    self._taint_target(element, self.carries(source))
                return
        self._taint_target(target, self.carries(iterable))

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)
        self._bind(node.target, node.iter)
        for statement in node.body + node.orelse:
            self.visit(statement)

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.visit(node.iter)
        self._bind(node.target, node.iter)
        for condition in node.ifs:
            self.visit(condition)

    def _visit_comp(self, node) -> None:
        for generator in node.generators:  # the targets first, then the element that uses them
            self.visit(generator)
        for field in ("elt", "key", "value"):
            if hasattr(node, field):
                self.visit(getattr(node, field))

    visit_ListComp = visit_SetComp = visit_GeneratorExp = visit_DictComp = _visit_comp

    def visit_With(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None and self.carries(item.context_expr):
                self._taint_target(item.optional_vars)
        self.generic_visit(node)

    def visit_FunctionDef(self, node) -> None:
        self.functions[node.name] = node
        saved = (set(self.tainted), dict(self.checked), dict(self.hashed))
        for argument in ast.walk(node.args):
            if isinstance(argument, ast.arg):
                if argument.arg in self.fed.get(node.name, ()):
                    self.tainted.add(argument.arg)  # some call passes it a learner's value
                else:
                    self.tainted.discard(argument.arg)  # a parameter shadows a learner's name
        for statement in node.body:
            self.visit(statement)
        self.tainted, self.checked, self.hashed = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        function = self.functions.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if function is None:
            return
        positional = [a.arg for a in function.args.posonlyargs + function.args.args]
        for name, argument in zip(positional, node.args):
            if self.carries(argument):
                self.fed.setdefault(function.name, set()).add(name)
        for keyword in node.keywords:
            if keyword.arg and self.carries(keyword.value):
                self.fed.setdefault(function.name, set()).add(keyword.arg)

    # -- the finding --
    def visit_Compare(self, node: ast.Compare) -> None:
        self.generic_visit(node)
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:]):
            if isinstance(op, (ast.In, ast.NotIn)) and ast.unparse(right) in self.hashed and not self.carries(left):
                continue  # a plain value looked up in a real dict or set
            if isinstance(op, LOOSE) and (self.carries(left) or self.carries(right)):
                self.findings.append(Finding(node.lineno, f"{ast.unparse(left)} {SYMBOL[type(op)]} {ast.unparse(right)}"))


def bare_comparisons(test_cell: ast.Module, learner_names: set[str]) -> list[Finding]:
    """The loose comparisons in one test cell that involve a learner's value."""
    # Twice: the first pass learns which of the cell's functions are called with a
    # learner's value (a helper defined before its call), the second checks their bodies.
    first = _Scan(learner_names)
    first.visit(test_cell)
    scan = _Scan(learner_names, fed=first.fed)
    scan.visit(test_cell)
    return scan.findings
