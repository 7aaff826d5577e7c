"""Moved to course.llm.openai, course.llm.anthropic and course.llm.sdk;
this path stays one release for notebooks."""

from .llm.anthropic import *  # noqa: F401,F403
from .llm.openai import *  # noqa: F401,F403
from .llm.sdk import *  # noqa: F401,F403
