"""Moved to course.llm.base (Model, ChatRequest) and course.llm.registry (get_model, ...);
this path stays one release for notebooks."""

from .llm.base import *  # noqa: F401,F403
from .llm.registry import *  # noqa: F401,F403
