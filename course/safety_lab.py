from .safety import *  # noqa: F401,F403  (moved to course/safety/; kept one release for notebooks)
