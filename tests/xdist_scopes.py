"""Which tests one pytest-xdist worker must run together (used by tests/conftest.py).

`make test` runs the suite on two pytest-xdist workers with `--dist loadscope`, and
this file decides what "scope" means: one unit of work that runs in one worker, in
order. Tests that share state stay together:
  - a notebook's cells (nbval runs them in one kernel, one after the other);
  - a test module (module-scoped fixtures such as the graded bad-submission corpus
    would otherwise be built once per worker);
  - the browser tests (one fresh screenshot folder per run).
  - the nbgrader pipeline tests of one assignment (they share one graded course):
    each assignment is a unit of its own, so the two workers share the assignments.
(xdist's `loadgroup` marks would say the same, but they are ignored under pytest 9.2:
pytest-dev/pytest-xdist#1386.)
"""

BY_PARAMETER = ("tests/test_pipeline.py",)
TOGETHER = ("tests/browser/",)


def scope_of(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    if path in BY_PARAMETER:
        parameter = nodeid.partition("[")[2].rstrip("]")
        assignment = parameter.split("-")[0]  # "04_rag-none": the assignment comes first
        return f"{path}[{assignment}]" if parameter else nodeid
    return next((folder for folder in TOGETHER if path.startswith(folder)), path)
