"""The shipped eval data of lesson 07 and its scripted judge."""

import json

import pytest

from course import load_questions
from course.lessons.evals import load_golden, load_judge_labels, scripted_judge


def test_golden_covers_every_answerable_question_once():
    golden = load_golden()
    answerable = [q.id for q in load_questions() if q.answerable]
    assert [item["id"] for item in golden] == answerable
    for item in golden:
        assert set(item) == {"id", "question", "facts", "reference", "relevant"}
        assert item["facts"] and item["relevant"]


def test_golden_facts_appear_in_the_reference_answers():
    """Each fact is written the way the reference writes it (up to case and punctuation)."""
    def squash(text):
        return "".join(ch for ch in text.lower() if ch.isalnum())

    for item in load_golden():
        for fact in item["facts"]:
            assert squash(fact) in squash(item["reference"]), (item["id"], fact)


def test_judge_labels_are_balanced_and_cover_every_question():
    rows = load_judge_labels()
    assert len(rows) == 80 and len({r["id"] for r in rows}) == 80
    assert len({r["answer"] for r in rows}) == 80
    assert {r["question_id"] for r in rows} == {q.id for q in load_questions()}
    assert sum(r["human_label"] == "pass" for r in rows) == 40
    assert sum(r["judge_label"] == "pass" for r in rows) == 54  # the judge is lenient
    disagreements = [r["id"] for r in rows if r["human_label"] != r["judge_label"]]
    assert len(disagreements) == 18


def test_scripted_judge_replays_the_recorded_verdicts():
    rows = load_judge_labels()
    judge = scripted_judge()
    for row in rows:
        prompt = f"Question: {row['question']}\nReference: {row['reference']}\nCandidate answer: {row['answer']}"
        reply = judge.chat([{"role": "system", "content": "grade"}, {"role": "user", "content": prompt}])
        assert json.loads(reply.text) == {"verdict": row["judge_label"]}, row["id"]
    assert len(judge.calls) == len(rows)


def test_scripted_judge_reads_the_answer_at_the_end_of_the_prompt():
    rows = [{"answer": "12.", "judge_label": "pass"},
            {"answer": "Probably 12.", "judge_label": "fail"},
            {"answer": "The documents do not say.", "judge_label": "pass"}]
    judge = scripted_judge(rows)
    reply = judge.chat([{"role": "user", "content": "Reference: The documents do not say.\nAnswer: Probably 12.\n"}])
    assert json.loads(reply.text)["verdict"] == "fail"


def test_scripted_judge_refuses_unknown_answers():
    with pytest.raises(LookupError, match="only knows"):
        scripted_judge().chat([{"role": "user", "content": "Candidate answer: 42"}])


def test_bad_rows_are_rejected(tmp_path):
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"id": "x1", "question_id": "q01", "answer": "a",
                                "human_label": "PASS", "judge_label": "pass"}) + "\n")
    with pytest.raises(ValueError, match="human_label"):
        load_judge_labels(path)
    golden = tmp_path / "golden.jsonl"
    golden.write_text(json.dumps({"question_id": "q99", "facts": ["x"]}) + "\n")
    with pytest.raises(ValueError, match="unknown question"):
        load_golden(golden)
    golden.write_text(json.dumps({"question_id": "q01", "facts": []}) + "\n")
    with pytest.raises(ValueError, match="non-empty"):
        load_golden(golden)
