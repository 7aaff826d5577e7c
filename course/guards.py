"""Moved to course.llm.guards; this path stays one release for notebooks."""

from .llm.guards import *  # noqa: F401,F403
