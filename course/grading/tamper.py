"""Moved: course.grading.inspect, .execute, .gradebook and .flags (kept one release for copied configs).

    c.Autograde.autograde_preprocessors = ["course.grading.tamper.GuardedExecute", ...]  # still works

Does not define anything: it re-exports the names this module had.
"""

from .execute import MIMIC, GuardedExecute  # noqa: F401
from .flags import METADATA_KEY, Flag  # noqa: F401
from .gradebook import FLAG_PREFIX, RecordFlags, flags_from_gradebook, record_flags  # noqa: F401
from .inspect import COMPARISON_DUNDERS, DANGEROUS_CALLS, GUARDED_MODULES, GUARDED_NAMES, SHELL_ATTRS  # noqa: F401
from .inspect import InspectSubmission, scan_source  # noqa: F401
