"""Moved to course.llm.faults; this path stays one release for notebooks."""

from .llm.faults import *  # noqa: F401,F403
