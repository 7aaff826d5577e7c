"""Refuse real network calls to model providers while tests or nbgrader run.

Grading must never depend on a remote model, and tests must never spend money
or leak a key. A remote call is refused when any of these is set:
  NBGRADER_EXECUTION   set by nbgrader while it executes a notebook
  PYTEST_CURRENT_TEST  set by pytest while a test runs (inherited by kernels)
  COURSE_OFFLINE=1     set by `make test`
unless COURSE_ALLOW_NETWORK=1 is set, or the code runs inside allow_remote_calls().

Does not police other libraries' network use: it guards the course's providers.
"""

from __future__ import annotations

import contextlib
import contextvars
import os

from ..errors import NetworkRefusedError

_ALLOWED = contextvars.ContextVar("course_remote_calls_allowed", default=False)
_REFUSING_VARIABLES = ("NBGRADER_EXECUTION", "PYTEST_CURRENT_TEST", "COURSE_OFFLINE")


def refusal_reason() -> str | None:
    """The variable that forbids remote calls right now, or None if they are allowed."""
    if _ALLOWED.get() or os.environ.get("COURSE_ALLOW_NETWORK") == "1":
        return None
    for name in _REFUSING_VARIABLES:
        value = os.environ.get(name)
        if value and value != "0":
            return name
    return None


def check_remote_call(what: str) -> None:
    """Raise NetworkRefusedError if a call to `what` is forbidden here."""
    reason = refusal_reason()
    if reason is not None:
        raise NetworkRefusedError(
            f"Refusing to call {what}: {reason} is set, so this is a test or an "
            "nbgrader run, and those must not reach real providers. Use the "
            "local model or a scripted fake (course.ScriptedModel). To allow it "
            "on purpose, set COURSE_ALLOW_NETWORK=1."
        )


@contextlib.contextmanager
def allow_remote_calls():
    """Explicitly allow remote calls inside this block (tests with a fake transport)."""
    token = _ALLOWED.set(True)
    try:
        yield
    finally:
        _ALLOWED.reset(token)
