"""Moved to course.llm.local; this path stays one release for notebooks."""

from .llm.local import *  # noqa: F401,F403
