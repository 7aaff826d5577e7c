"""Moved to course.llm.fakes; this path stays one release for notebooks."""

from .llm.fakes import *  # noqa: F401,F403
