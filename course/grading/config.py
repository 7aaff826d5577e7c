"""The course's nbgrader configuration, loaded the way nbgrader loads it.

The one loader of ``nbgrader_config.py`` for the grading tools and the tests:

    config = load_config(Path("."))
    config.CourseDirectory.root       # -> "/abs/path/of/the/course"
    Sandbox(config=config).enabled    # -> True

The course root is set in the result, so paths nbgrader derives from it (the default
``gradebook.db``) name the course at root, wherever the command runs from.

Does not read the per-user configs in ~/.jupyter (nbgrader's own applications add
those). Does not validate the settings.
"""

from __future__ import annotations

from pathlib import Path


def load_config(root: Path):
    """A traitlets Config from root/nbgrader_config.py, with CourseDirectory.root = root."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    return config
