from .lessons.structured_output import *  # noqa: F401,F403  (moved to course/lessons/structured_output.py; kept one release for notebooks)
