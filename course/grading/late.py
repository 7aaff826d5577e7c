"""Late penalties: the course's policy as an nbgrader plugin, and recomputing it later.

nbgrader's ``AssignLatePenalties`` asks a plugin for each notebook's penalty once,
while it autogrades, from the due date and the notebook's score at that moment. If
the due date moves afterwards (an extension for the class) or a grader adds manual
scores, the stored penalty is stale (jupyter/nbgrader#723), and only a full regrade
used to fix it. ``course late-penalties ASSIGNMENT`` recomputes every submission's
penalty from the gradebook as it is now, with the configured plugin and nbgrader's
own rule (a penalty is kept between 0 and the notebook's score), without running any
notebook again.

Does not grant extensions to single students (nbgrader's gradebook has one due date
per assignment). Does not round: a penalty is the plugin's number.
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Float

DAY_S = 24 * 60 * 60


class PercentPerDay(LateSubmissionPlugin):
    """percent_per_day of the notebook's score for every started day late, up to
    max_percent, after grace_minutes: 1 s late -> 10%, 1 day and 1 s -> 20%."""

    percent_per_day = Float(10.0, help="Percent of the score taken per started day late.").tag(config=True)
    max_percent = Float(100.0, help="The most a late notebook loses, in percent of its score.").tag(config=True)
    grace_minutes = Float(0.0, help="Minutes after the due date that still count as on time.").tag(config=True)

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        if total_seconds_late <= self.grace_minutes * 60:
            return None
        days = math.ceil(total_seconds_late / DAY_S)
        return score * min(self.max_percent, days * self.percent_per_day) / 100


def recompute(db_url: str, assignment: str, config) -> list[tuple[str, str, float | None, float | None]]:
    """Set every submitted notebook's late penalty of ``assignment`` from the current due
    date and scores; return what changed as (student, notebook, old, new)."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import AssignLatePenalties

    plugin = AssignLatePenalties(config=config).plugin_class(config=config)
    changes = []
    with Gradebook(db_url) as gradebook:
        for submission in gradebook.find_assignment(assignment).submissions:
            late_s = submission.total_seconds_late
            for notebook in submission.notebooks:
                new = None
                if late_s > 0:
                    penalty = plugin.late_submission_penalty(submission.student.id, notebook.score, late_s)
                    if penalty is not None:  # as AssignLatePenalties clamps it
                        new = min(max(penalty, 0.0), notebook.score)
                old = notebook.late_submission_penalty
                if old != new:
                    notebook.late_submission_penalty = new
                    changes.append((submission.student.id, notebook.name, old, new))
        gradebook.db.commit()
    return changes
