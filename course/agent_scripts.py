from .lessons.agent_loops import *  # noqa: F401,F403  (moved to course/lessons/agent_loops.py; kept one release for notebooks)
