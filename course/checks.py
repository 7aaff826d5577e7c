"""Strict comparison for test cells: a result counts only when it is what the contract says.

`assert result == expected` passes for any object whose ``__eq__`` returns True, so a
submission that returns such an object from every function would pass every test that
compares that way. ``same`` compares the way the contracts are written: the exact type
first (recursively inside lists, tuples, dicts and sets), then the value; floats within
a stated tolerance.

    same([1, 2.0], [1, 2.0])            -> True
    same([1, 2], [1, 2.0])              -> False   (an int where a float is expected)
    same(True, 1)                       -> False   (a bool is not an int here)
    same(0.1 + 0.2, 0.3)                -> True    (default rel_tol 1e-9)
    difference({"a": [1, "x"]}, {"a": [1, 2]}) -> "at ['a'][1]: got a str, expected an int"

``difference`` says where two values first differ, without printing the expected
value, so a visible test's message can point at the problem without giving the
answer away. Objects of other classes compare by type, then by their fields
(dataclasses, pydantic models, or ``vars()``). numpy arrays compare by dtype kind,
shape and values; a numpy float or int scalar stands for a Python float or int.

For hidden tests that compare a learner's function with a reference on generated
inputs: ``agrees`` runs both on copies of the same arguments and compares what they
return (``same``) or the type of what they raise; ``grading_settings`` is the
Hypothesis configuration every such test uses (the same examples on every run).

Does not compare functions, generators or open files. Does not treat a tuple as
a list or a list as a tuple: the contract names one.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import shutil
import unicodedata
from pathlib import Path
from typing import Any, Callable

__all__ = ["same", "difference", "agrees", "grading_settings"]

_SCALARS = (type(None), bool, int, str, bytes)


def same(actual: Any, expected: Any, *, rel_tol: float = 1e-9, abs_tol: float = 0.0) -> bool:
    """True when actual has expected's exact type and value (floats within the tolerances)."""
    return difference(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol) is None


def difference(actual: Any, expected: Any, *, rel_tol: float = 1e-9, abs_tol: float = 0.0) -> str | None:
    """None when ``same(actual, expected)``, else where and how they first differ."""
    return _diff(actual, expected, "", rel_tol, abs_tol)


def _kind(value: Any) -> str:
    name = type(value).__name__
    return "None" if value is None else f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _at(path: str) -> str:
    return f"at {path}" if path else "the value"


def _numpy_scalar_as_python(value: Any, expected: Any) -> Any:
    """A numpy float or int scalar where a Python float or int is expected counts as one."""
    module = type(value).__module__
    if module == "numpy" and type(expected) in (float, int) and not isinstance(value, bool):
        import numpy as np

        if type(expected) is float and isinstance(value, np.floating):
            return float(value)
        if type(expected) is int and isinstance(value, np.integer):
            return int(value)
    return value


def _diff(actual: Any, expected: Any, path: str, rel_tol: float, abs_tol: float) -> str | None:
    actual = _numpy_scalar_as_python(actual, expected)
    if type(actual) is not type(expected):
        return f"{_at(path)}: got {_kind(actual)}, expected {_kind(expected)}"
    if type(expected) is float:
        if math.isnan(expected) or math.isnan(actual):
            return None if math.isnan(expected) and math.isnan(actual) else f"{_at(path)}: a different number"
        if math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol):
            return None
        return f"{_at(path)}: a different number (tolerance: rel {rel_tol:g}, abs {abs_tol:g})"
    if type(expected) in _SCALARS:
        return None if actual == expected else f"{_at(path)}: a different {type(expected).__name__} value"
    if type(expected) in (list, tuple):
        if len(actual) != len(expected):
            return f"{_at(path)}: {len(actual)} items, expected {len(expected)}"
        for index, (a, e) in enumerate(zip(actual, expected)):
            found = _diff(a, e, f"{path}[{index}]", rel_tol, abs_tol)
            if found:
                return found
        return None
    if type(expected) is dict:
        return _diff_dict(actual, expected, path, rel_tol, abs_tol)
    if type(expected) in (set, frozenset):
        kinds = {type(e) for e in expected}
        stray = [a for a in actual if type(a) not in kinds or type(a) not in _SCALARS + (float, tuple)]
        if stray:
            return f"{_at(path)}: holds {_kind(stray[0])}, expected {' or '.join(sorted(k.__name__ for k in kinds)) or 'nothing'}"
        return None if actual == expected else f"{_at(path)}: {len(actual - expected)} unexpected and {len(expected - actual)} missing items"
    if type(expected).__module__ == "numpy" and type(expected).__name__ == "ndarray":
        return _diff_array(actual, expected, path, rel_tol, abs_tol)
    return _diff_object(actual, expected, path, rel_tol, abs_tol)


def _diff_dict(actual: dict, expected: dict, path: str, rel_tol: float, abs_tol: float) -> str | None:
    for key in actual:  # keys are trusted only when they are plain values of a key type expected
        if type(key) not in _SCALARS + (float, tuple) or type(key) not in {type(k) for k in expected}:
            return f"{_at(path)}: a key that is {_kind(key)}"
    missing = [k for k in expected if k not in actual]
    if missing:
        return f"{_at(path)}: {len(missing)} missing key(s), first {missing[0]!r}"
    extra = [k for k in actual if k not in expected]
    if extra:
        return f"{_at(path)}: unexpected key {extra[0]!r}"
    for key, value in expected.items():
        found = _diff(actual[key], value, f"{path}[{key!r}]", rel_tol, abs_tol)
        if found:
            return found
    return None


def _diff_array(actual, expected, path: str, rel_tol: float, abs_tol: float) -> str | None:
    import numpy as np

    if actual.dtype.kind != expected.dtype.kind:
        return f"{_at(path)}: an array of dtype {actual.dtype}, expected kind {expected.dtype.kind!r}"
    if actual.shape != expected.shape:
        return f"{_at(path)}: shape {actual.shape}, expected {expected.shape}"
    if expected.dtype.kind in "fc":
        close = np.allclose(actual, expected, rtol=rel_tol, atol=abs_tol, equal_nan=True)
    else:
        close = bool(np.array_equal(actual, expected))
    return None if close else f"{_at(path)}: different values"


def _fields(value: Any) -> dict | None:
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(type(value), "model_fields"):  # pydantic v2
        return {name: getattr(value, name) for name in type(value).model_fields}
    if hasattr(value, "__dict__"):
        return dict(vars(value))
    return None


def _diff_object(actual: Any, expected: Any, path: str, rel_tol: float, abs_tol: float) -> str | None:
    """Same class (checked by the caller), then field by field."""
    fields, actual_fields = _fields(expected), _fields(actual)
    if fields is None or actual_fields is None:
        raise TypeError(f"same() cannot compare {type(expected).__name__} values; compare their parts")
    extra = sorted(set(actual_fields) - set(fields))
    if extra:
        return f"{_at(path)}: an unexpected attribute {extra[0]!r}"
    for name, value in fields.items():
        if name not in actual_fields:
            return f"{_at(path)}: no attribute {name!r}"
        found = _diff(actual_fields[name], value, f"{path}.{name}", rel_tol, abs_tol)
        if found:
            return found
    return None


def _outcome(function: Callable, args: tuple, kwargs: dict) -> tuple[str, Any]:
    try:
        return "returned", function(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except Exception as error:  # the contract may say which error; compare its type
        return "raised", type(error)


def agrees(learner: Callable, reference: Callable, *args: Any, rel_tol: float = 1e-9, abs_tol: float = 0.0,
           **kwargs: Any) -> str | None:
    """None when learner(*args, **kwargs) returns what reference returns (``same``) or
    raises the same exception type; else what differed, with the call that showed it.
    Each function gets its own deep copy of the arguments (so a mutation shows, and
    one cannot change the other's input).

        agrees(lambda xs: sorted(xs), sorted, [2, 1]) -> None
    """
    got, want = _outcome(learner, args, kwargs), _outcome(reference, args, kwargs)
    call = ", ".join([*(repr(a) for a in args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    name = getattr(learner, "__name__", "your function")
    if len(call) > 300:
        call = call[:300] + "..."
    if want[0] == "raised":
        if got[0] == "raised" and got[1] is want[1]:
            return None
        what = f"raised {got[1].__name__}" if got[0] == "raised" else "returned normally"
        return f"{name}({call}) {what}; the contract says it raises {want[1].__name__}"
    if got[0] == "raised":
        return f"{name}({call}) raised {got[1].__name__}"
    found = difference(got[1], want[1], rel_tol=rel_tol, abs_tol=abs_tol)
    return None if found is None else f"{name}({call}): {found}"


_UNICODE_SEED = Path(__file__).resolve().parent / "data" / "hypothesis" / "unicode_data"


def _seed_unicode_table(home: str) -> None:
    """Put the shipped copy of Hypothesis's Unicode category table in a new Hypothesis home.

    Hypothesis computes that table the first time a test draws text (1.3 s of CPU here) and
    caches it in its home. The grading sandbox starts every student with an empty /tmp, so
    without this copy every student pays that again. The copy is Hypothesis's own output
    (tools/hypothesis_charmap.py); for another Unicode version there is none, and Hypothesis
    computes the table as usual."""
    version = unicodedata.unidata_version
    seed = _UNICODE_SEED / version / "charmap.json.gz"
    target = Path(home) / "unicode_data" / version / "charmap.json.gz"
    if target.exists() or not seed.exists():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, target)
    except OSError:
        pass  # an unwritable temp dir: Hypothesis computes the table itself


def grading_settings(max_examples: int = 50):
    """Hypothesis settings for a hidden test: derandomised (the same examples on every
    run, so a score never changes between gradings), no example database, at most
    max_examples examples, no shrinking. No per-example deadline: on a loaded grading machine a
    deadline fails at random; the cell's time limit bounds the whole test instead.

        @grading_settings()
        @given(st.lists(st.integers()))
        def check(xs): ...
    """
    import os
    import tempfile

    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.configuration import set_hypothesis_home_dir

    # Hypothesis caches what it learns in ./.hypothesis: keep that out of the learner's
    # and the grader's folders.
    home = os.path.join(tempfile.gettempdir(), "course-hypothesis")
    _seed_unicode_table(home)
    set_hypothesis_home_dir(home)
    # No shrinking: a failing example is reported as found. Shrinking a wrong agent or
    # breaker run took 20-115 s per cell; the grade is the same either way.
    return settings(derandomize=True, database=None, max_examples=max_examples, deadline=None,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate],
                    suppress_health_check=list(HealthCheck), print_blob=False)
