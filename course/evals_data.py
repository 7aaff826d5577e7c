from .lessons.evals import *  # noqa: F401,F403  (moved to course/lessons/evals.py; kept one release for notebooks)
