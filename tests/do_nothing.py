"""Submissions that do no work, made from an assignment's solutions (tests/test_pipeline.py grades them).

Each answer cell keeps its imports, its classes and the signatures of its functions
and methods, and every body becomes one ``return``:

    equals_everything  an object that equals everything, is truthy, has length 1 and
                       answers any attribute, index or call with another such object
    none               None
    magic_mock         a fresh unittest.mock.MagicMock
    identity           the first argument (after self or cls), else None

Class attributes keep their annotations and lose their values (a pydantic field's
constraints are work). Such a submission must earn nothing, or be flagged with its
scores withheld.

    do_nothing("def f(x, y):\\n    return x + y", "identity") -> "def f(x, y):\\n    return x"
"""

from __future__ import annotations

import ast

VARIANTS = ("equals_everything", "none", "magic_mock", "identity")

ANYTHING = '''
class Anything:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __bool__(self):
        return True
    def __len__(self):
        return 1
    def __getattr__(self, name):
        return Anything()
    def __getitem__(self, key):
        return Anything()
    def __call__(self, *args, **kwargs):
        return Anything()
'''


class _Hollow(ast.NodeTransformer):
    def __init__(self, variant: str):
        self.variant = variant

    def _returned(self, node) -> ast.expr:
        if self.variant == "equals_everything":
            return ast.parse("Anything()", mode="eval").body
        if self.variant == "magic_mock":
            return ast.parse("MagicMock()", mode="eval").body
        if self.variant == "identity":
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            if params and params[0] in ("self", "cls"):
                params = params[1:]
            params += [a.arg for a in node.args.kwonlyargs]
            if params:
                return ast.Name(params[0], ast.Load())
        return ast.Constant(None)

    def visit_FunctionDef(self, node):
        docstring = node.body[:1] if ast.get_docstring(node) is not None else []
        node.body = [*docstring, ast.Return(self._returned(node))]
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        body = []
        for item in node.body:
            if isinstance(item, ast.AnnAssign):
                body.append(ast.AnnAssign(item.target, item.annotation, None, simple=item.simple))
            elif isinstance(item, ast.Assign):
                continue
            else:
                body.append(self.visit(item))
        node.body = body or [ast.Pass()]
        return node


def do_nothing(code: str, variant: str) -> str:
    """The answer cell's code with every function and method body replaced (see the module doc)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {VARIANTS}")
    tree = ast.fix_missing_locations(_Hollow(variant).visit(ast.parse(code)))
    prelude = {"equals_everything": ANYTHING, "magic_mock": "from unittest.mock import MagicMock\n"}.get(variant, "")
    return prelude + ast.unparse(tree) + "\n"
