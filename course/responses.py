"""Moved to course.llm.responses; this path stays one release for notebooks."""

from .llm.responses import *  # noqa: F401,F403
