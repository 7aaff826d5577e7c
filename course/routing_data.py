from .lessons.cost_routing_caching import *  # noqa: F401,F403  (moved to course/lessons/cost_routing_caching.py; kept one release for notebooks)
