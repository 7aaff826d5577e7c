from .lessons.capstone import *  # noqa: F401,F403  (moved to course/lessons/capstone.py; kept one release for notebooks)
