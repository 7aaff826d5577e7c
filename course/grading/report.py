"""``course report ASSIGNMENT``: what the gradebook says about one assignment.

Writes into the output folder:
- ``scores.csv``: one row per student: each autograded test cell's score, the
  total, the maximum, and whether the submission is flagged;
- ``score_histogram.png``: the distribution of total scores;
- ``failure_rates.png``: per test cell, the share of submissions that failed it;
- ``flagged.csv``: flagged submissions with their reasons (tamper detection,
  resource limits, broken or missing notebooks).
"""

from __future__ import annotations

import csv
from pathlib import Path

from .gradebook import course_db_url, flags_from_gradebook


def collect(root: Path, assignment: str, db_url: str | None = None) -> tuple[list[str], dict[str, float], list[dict]]:
    """(test cell names, their max scores, one dict per student)."""
    from nbgrader.api import Gradebook

    rows, cells, maxima = [], [], {}
    with Gradebook(course_db_url(root, db_url)) as gb:
        a = gb.find_assignment(assignment)
        for nb in a.notebooks:
            for cell in nb.grade_cells:
                if cell.cell_type == "code":
                    name = f"{nb.name}:{cell.name}" if len(a.notebooks) > 1 else cell.name
                    cells.append(name)
                    maxima[name] = float(cell.max_score)
        for submission in sorted(a.submissions, key=lambda s: s.student.id):
            student = submission.student.id
            row = {"student_id": student}
            for nb in submission.notebooks:
                for grade in nb.grades:
                    if grade.cell.cell_type != "code":
                        continue
                    name = f"{nb.name}:{grade.name}" if len(a.notebooks) > 1 else grade.name
                    row[name] = float(grade.score)
            reasons = flags_from_gradebook(gb, assignment, student)
            row["autograded_score"] = sum(row.get(c, 0.0) for c in cells)
            row["total_score"] = float(submission.score)
            row["max_score"] = float(submission.max_score)
            row["flagged"] = bool(reasons)
            row["reasons"] = reasons
            rows.append(row)
    return cells, maxima, rows


def write_report(root: Path, assignment: str, out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells, maxima, rows = collect(root, assignment)
    out.mkdir(parents=True, exist_ok=True)
    scores = out / "scores.csv"
    with open(scores, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *cells, "autograded_score", "total_score", "max_score", "flagged"])
        for row in rows:
            writer.writerow([row["student_id"], *[row.get(c, "") for c in cells], row["autograded_score"],
                             row["total_score"], row["max_score"], "yes" if row["flagged"] else "no"])
    flagged = out / "flagged.csv"
    with open(flagged, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "reason"])
        for row in rows:
            for reason in row["reasons"] or (["flagged in the formgrader"] if row["flagged"] else []):
                writer.writerow([row["student_id"], reason])

    histogram = out / "score_histogram.png"
    fig, ax = plt.subplots(figsize=(6, 3.5))
    totals = [r["total_score"] for r in rows]
    top = max([r["max_score"] for r in rows] or [1.0])
    ax.hist(totals, bins=[x * 0.5 - 0.25 for x in range(int(top * 2) + 2)], color="#4477aa", edgecolor="white")
    ax.set_xlabel(f"score (out of {top:g})")
    ax.set_ylabel("submissions")
    ax.set_title(f"{assignment}: score distribution ({len(rows)} submissions)")
    fig.tight_layout()
    fig.savefig(histogram, dpi=100)
    plt.close(fig)

    failure = out / "failure_rates.png"
    fig, ax = plt.subplots(figsize=(6, 0.5 + 0.45 * max(len(cells), 1)))
    rates = [sum(1 for r in rows if r.get(c, 0.0) < maxima[c]) / max(len(rows), 1) for c in cells]
    ax.barh(cells, [100 * r for r in rates], color="#cc6677")
    ax.set_xlim(0, 100)
    ax.set_xlabel("submissions failing the test (%)")
    ax.invert_yaxis()
    ax.set_title(f"{assignment}: failure rate per test cell")
    fig.tight_layout()
    fig.savefig(failure, dpi=100)
    plt.close(fig)
    return [scores, histogram, failure, flagged]
