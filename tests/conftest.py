import os
import sys
from pathlib import Path

import pytest

# nbgrader shells out to `alembic`: put this interpreter's bin first on PATH.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

from xdist_scopes import scope_of  # tests/ is on pytest's pythonpath (pyproject.toml)

pytest_plugins = ("playwright_fixtures",)  # chromium, browser, page: tests/browser and tests/hub


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: ignored without xdist
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope` with the course's scopes (tests/xdist_scopes.py)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class CourseScopes(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid)

    return CourseScopes(config, log)


@pytest.fixture(scope="session")
def postgres():
    """A throw-away PostgreSQL server (tests/postgres.py) for gradebook tests. Without
    PostgreSQL they skip with the reason, except under CI=true, where they fail."""
    from nbcourse import in_ci
    from postgres import PostgresServer

    try:
        server = PostgresServer()
    except FileNotFoundError as error:
        if in_ci():
            pytest.fail(f"{error}. CI=true, so the PostgreSQL gradebook tests must run, not skip.")
        pytest.skip(str(error))
    with server:
        yield server
