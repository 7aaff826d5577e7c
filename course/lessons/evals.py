"""Lesson 07 (evals): the shipped eval data, a golden set and human-labelled answers,
and a scripted judge that replays recorded verdicts.

    golden = load_golden()         # list[dict]: id, question, facts, reference, relevant
    rows = load_judge_labels()     # list[dict]: id, question_id, question, reference,
                                   #             answer, human_label, judge_label
    judge_model = scripted_judge() # a FunctionModel that replies {"verdict": ...}

Files (original text, CC BY 4.0 like the rest of course/data):
- eval_golden.jsonl: {"question_id", "facts"} for each answerable question of
  questions.jsonl; a fact is a short string the answer must contain.
- eval_judge_labels.jsonl: 80 candidate answers to the 40 questions, some right,
  some wrong, some partly right. human_label is a person's verdict; judge_label
  is the recorded verdict of a lenient judge model (it passes many wrong
  answers). Labels are "pass" or "fail".

Does not grade anything, count agreements or compute any metric: the lesson
builds those. Does not call a real model.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from ..datasets import DATA_DIR, load_questions, read_jsonl
from ..llm.fakes import FunctionModel

LABELS = ("pass", "fail")


@lru_cache(maxsize=None)
def _questions() -> dict:
    return {q.id: q for q in load_questions()}


def load_golden(path: str | Path = DATA_DIR / "eval_golden.jsonl") -> list[dict]:
    """The golden set, in file order, joined with questions.jsonl.

    load_golden()[0] -> {"id": "q01", "question": "How many paid vacation days ...",
                         "facts": ["25"], "reference": "Full-time employees get 25 days ...",
                         "relevant": ["hb-paid-time-off"]}
    """
    questions = _questions()
    items, seen = [], set()
    for row in read_jsonl(Path(path)):
        qid = row["question_id"]
        if qid not in questions:
            raise ValueError(f"golden item names unknown question {qid!r}")
        if qid in seen:
            raise ValueError(f"golden item {qid!r} appears twice")
        if not row["facts"] or not all(isinstance(f, str) and f.strip() for f in row["facts"]):
            raise ValueError(f"golden item {qid!r} needs a non-empty list of non-empty facts")
        seen.add(qid)
        question = questions[qid]
        items.append({"id": qid, "question": question.question, "facts": list(row["facts"]),
                      "reference": question.answer, "relevant": list(question.relevant)})
    return items


def load_judge_labels(path: str | Path = DATA_DIR / "eval_judge_labels.jsonl") -> list[dict]:
    """The labelled answers, in file order, with each question's text and reference added.

    load_judge_labels()[0]["human_label"] -> "pass"
    """
    questions = _questions()
    rows, seen = [], set()
    for row in read_jsonl(Path(path)):
        if row["id"] in seen:
            raise ValueError(f"label row {row['id']!r} appears twice")
        seen.add(row["id"])
        if row["question_id"] not in questions:
            raise ValueError(f"label row {row['id']} names unknown question {row['question_id']!r}")
        for field in ("human_label", "judge_label"):
            if row[field] not in LABELS:
                raise ValueError(f"label row {row['id']}: {field} must be 'pass' or 'fail', got {row[field]!r}")
        question = questions[row["question_id"]]
        rows.append({"id": row["id"], "question_id": row["question_id"], "question": question.question,
                     "reference": question.answer, "answer": row["answer"],
                     "human_label": row["human_label"], "judge_label": row["judge_label"]})
    return rows


def scripted_judge(rows: list[dict] | None = None) -> FunctionModel:
    """A stand-in judge model that replays the recorded judge_label of each row.

    The candidate answer must come last in the last user message (after the
    question and the reference, which may quote a correct answer word for word).
    It picks the longest row answer that the message ends with, and replies
    '{"verdict": "pass"}' or '{"verdict": "fail"}'. An answer it has no recorded
    verdict for raises LookupError: it is a replay, not a judge.
    """
    rows = load_judge_labels() if rows is None else rows
    by_length = sorted(rows, key=lambda row: len(row["answer"]), reverse=True)

    def reply(messages, request):
        users = [m for m in messages if m["role"] == "user"]
        prompt = (users[-1]["content"] or "").rstrip() if users else ""
        for row in by_length:
            if prompt.endswith(row["answer"]):
                return json.dumps({"verdict": row["judge_label"]})
        raise LookupError("scripted_judge() only knows the answers in eval_judge_labels.jsonl; "
                          "the prompt does not end with any of them")

    return FunctionModel(reply)
