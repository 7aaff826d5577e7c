"""The capstone's fixed world: rankings, reader, splits and gate (course/lessons/capstone.py)."""

import dataclasses
import datetime
import json

import pytest

import course.lessons.capstone as capstone
from course.datasets import load_questions
from course.errors import ScriptExhaustedError
from course.lessons.capstone import (ABSTENTION, NO_SOURCES, SEARCH_TOOL, SYSTEM_PROMPT, EvalItem, Hit,
                                     RankedRetriever, endless_searcher, load_gate, load_split, load_world,
                                     reader_model)
from course.tokens import cl100k


def _normalize(text):
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _messages(question, sources=None, system=True):
    """A conversation as an agent sends it: system, question, one search call and its result."""
    messages = [{"role": "system", "content": SYSTEM_PROMPT}] if system else []
    messages.append({"role": "user", "content": question})
    if sources is not None:
        messages.append({"role": "assistant", "content": "", "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "search", "arguments": "{}"}}]})
        messages.append({"role": "tool", "tool_call_id": "call_1", "content": sources})
    return messages


def _block(world, *ids):
    return "\n\n".join(f"[{doc_id}] {world.texts[doc_id]}" for doc_id in ids) or NO_SOURCES


def _item(qid):
    return next(i for name in ("dev", "holdout") for i in load_split(name) if i.id == qid)


# --- data files -------------------------------------------------------------------


def test_rankings_are_bm25_over_title_and_text():
    """The shipped rankings are what lesson 04's BM25Index gives today (top 10, 4 decimals)."""
    from course.retrieval import BM25Index

    index = BM25Index(capstone.doc_texts())
    rankings = capstone._rankings()
    questions = load_questions()
    assert set(rankings) == {q.id for q in questions}
    for question in questions:
        query, hits = rankings[question.id]
        assert query == question.question
        live = index.search(query, k=10)
        assert [doc_id for doc_id, _ in hits] == [doc_id for doc_id, _ in live], question.id
        assert all(abs(score - round(live_score, 4)) < 1e-3 for (_, score), (_, live_score) in zip(hits, live))


def test_gate_thresholds_are_dated_and_explained():
    gate = load_gate()
    assert set(gate.thresholds) == {"answer_accuracy", "citation_precision", "abstention_recall",
                                    "cost_per_request_usd"}
    datetime.date.fromisoformat(gate.as_of)
    for threshold in gate.thresholds.values():
        datetime.date.fromisoformat(threshold.set_on)
        assert threshold.bound in ("min", "max") and len(threshold.reason) > 40
    assert gate.thresholds["cost_per_request_usd"].bound == "max"
    assert gate.price().provider == gate.pricing["provider"] and gate.price().tier == gate.pricing["tier"]


def test_the_gate_refuses_to_price_at_a_tier_the_catalog_lacks():
    gate = load_gate()
    unpriced = dataclasses.replace(gate, pricing={**gate.pricing, "tier": "no-such-tier"})
    with pytest.raises(ValueError, match="no-such-tier"):
        unpriced.price()


def test_splits_partition_the_questions_and_each_measures_both_kinds():
    gate = load_gate()
    dev, holdout = set(gate.splits["dev"]), set(gate.splits["holdout"])
    assert not dev & holdout and dev | holdout == {q.id for q in load_questions()}
    for name in ("dev", "holdout"):
        items = load_split(name)
        assert sum(i.answerable for i in items) >= 10 and sum(not i.answerable for i in items) >= 3
    with pytest.raises(KeyError, match="no split"):
        load_split("test")


def test_reference_answers_contain_their_facts():
    """A reader that gives the reference answer is counted correct by the facts check."""
    for item in load_split("dev") + load_split("holdout"):
        if item.answerable:
            assert item.facts, item.id
            padded = f" {_normalize(item.answer)} "
            assert all(f" {_normalize(f)} " in padded for f in item.facts), item.id
        else:
            assert item.facts == () and item.relevant == ()


def test_gate_failures_lists_misses_and_respects_only():
    gate = load_gate()
    good = {"answer_accuracy": 0.9, "citation_precision": 0.95, "abstention_recall": 1.0,
            "cost_per_request_usd": 0.0001}
    assert gate.failures(good) == []
    bad = {**good, "answer_accuracy": 0.1, "cost_per_request_usd": 1.0}
    assert [line.split()[0] for line in gate.failures(bad)] == ["answer_accuracy", "cost_per_request_usd"]
    assert gate.failures(bad, only=["citation_precision"]) == []
    assert gate.failures({}, only=["abstention_recall"]) == ["abstention_recall = None, needs >= 0.6"]


def test_gate_rejects_a_threshold_without_exactly_one_bound(tmp_path):
    path = tmp_path / "gate.toml"
    path.write_text('as_of = "2026-01-01"\n[splits]\ndev = ["q01"]\n[pricing]\nprovider = "anthropic"\n'
                    'tier = "small"\n[thresholds.x]\nmin = 1\nmax = 2\nset_on = "2026-01-01"\nreason = "r"\n')
    with pytest.raises(ValueError, match="exactly one of min or max"):
        load_gate(path)
    path.write_text('as_of = "2026-01-01"\n[splits]\ndev = ["q99"]\n[pricing]\nprovider = "a"\ntier = "b"\n'
                    '[thresholds]\n')
    with pytest.raises(ValueError, match="unknown questions"):
        load_gate(path)


# --- the retriever ----------------------------------------------------------------


def test_ranked_retriever_replays_and_records():
    retriever = RankedRetriever({"q": [("a", 2.0), ("b", 1.0)]}, {"a": "alpha", "b": "beta"})
    assert retriever.search("q", k=1) == [Hit("a", 2.0, "alpha")]
    assert retriever.search(" q ", k=5) == [Hit("a", 2.0, "alpha"), Hit("b", 1.0, "beta")]
    assert retriever.search("unknown", k=3) == []
    assert retriever.calls == [("q", 1), (" q ", 5), ("unknown", 3)]
    with pytest.raises(ValueError):
        retriever.search("q", k=-1)


def test_ranked_retriever_falls_back_for_unknown_queries():
    class Fallback:
        def search(self, query, k):
            return [("b", 0.5)]

    retriever = RankedRetriever({"q": [("a", 2.0)]}, {"a": "alpha", "b": "beta"}, fallback=Fallback())
    assert retriever.search("other", 3) == [Hit("b", 0.5, "beta")]


# --- the reader -------------------------------------------------------------------


def test_reader_searches_first_with_the_question():
    world = load_world("dev")
    question = _item("q02").question
    reply = world.reader().chat(_messages(question), tools=[SEARCH_TOOL])
    assert reply.text == "" and reply.finish_reason == "tool_calls"
    assert [(c.name, json.loads(c.arguments)) for c in reply.tool_calls] == [("search", {"query": question})]


def test_reader_answers_with_citations_when_every_relevant_document_is_shown():
    world = load_world("dev")
    item = _item("q05")  # two relevant documents
    reply = world.reader().chat(_messages(item.question, _block(world, "hb-sick-leave", *item.relevant)),
                                tools=[SEARCH_TOOL])
    assert reply.text == item.answer + "".join(f" [{d}]" for d in item.relevant)


def test_reader_invents_a_citation_for_a_missing_document():
    world = load_world("dev")
    item = _item("q05")
    reply = world.reader().chat(_messages(item.question, _block(world, item.relevant[0])))
    assert reply.text == f"{item.answer} [{item.relevant[0]}] [{item.relevant[1]}-faq]"


def test_reader_slips_on_exactly_four_questions():
    slipping = sorted(q.id for q in load_questions() if q.answerable and capstone._slips(q.question))
    assert slipping == ["q01", "q22", "q30", "q36"]
    world = load_world("dev")
    item = _item("q01")
    reply = world.reader().chat(_messages(item.question, _block(world, *item.relevant)))
    assert reply.text.endswith(f"[{item.relevant[0]}] [{item.relevant[0]}-faq]")


def test_reader_guesses_from_an_unrelated_source_and_abstains_with_none():
    world = load_world("dev")
    item = _item("q39")  # unanswerable
    guess = world.reader().chat(_messages(item.question, _block(world, "hb-sick-leave")))
    assert guess.text == "Sick leave is separate from PTO. [hb-sick-leave]"
    none = world.reader().chat(_messages(item.question, NO_SOURCES))
    assert none.text == ABSTENTION


def test_reader_needs_the_exact_block_and_the_instructions():
    world = load_world("dev")
    item = _item("q02")
    mangled = f"[{item.relevant[0]}]: {world.texts[item.relevant[0]]}"  # not "[id] text"
    assert world.reader().chat(_messages(item.question, mangled)).text == ABSTENTION
    uninstructed = world.reader().chat(_messages(item.question, _block(world, *item.relevant), system=False))
    assert uninstructed.text == item.answer, "without the system prompt it answers but cites nothing"
    no_question = world.reader().chat([{"role": "system", "content": SYSTEM_PROMPT}])
    assert "[" not in no_question.text and no_question.text != ABSTENTION


def test_reader_rejects_broken_tool_protocol():
    from course.lessons.agent_loops import ToolProtocolError

    messages = _messages("Q?", "x")
    messages[-1]["tool_call_id"] = "call_9"
    with pytest.raises(ToolProtocolError):
        reader_model().chat(messages)


def test_reader_counts_usage_in_cl100k_tokens():
    question = "How many sick days?"
    messages = _messages(question)
    reply = reader_model().chat(messages, tools=[SEARCH_TOOL])
    tokens = lambda text: len(cl100k().encode(text))
    expected_in = tokens(SYSTEM_PROMPT) + tokens(question) + tokens(json.dumps([SEARCH_TOOL]))
    assert reply.usage.input_tokens == expected_in
    assert reply.usage.output_tokens == tokens(reply.tool_calls[0].arguments)
    assert reply.cost_usd is None, "the scripted reader has no catalog price: the eval prices it"


def test_endless_searcher_fails_fast_and_reports_fixed_usage():
    model = endless_searcher(limit=3, tokens_per_call=100)
    for _ in range(3):
        reply = model.chat([{"role": "user", "content": "x"}], tools=[SEARCH_TOOL])
        assert reply.tool_calls[0].name == "search" and reply.usage.total_tokens == 100
    with pytest.raises(ScriptExhaustedError, match="step budget"):
        model.chat([{"role": "user", "content": "x"}])


# --- worlds -----------------------------------------------------------------------


def test_scrambled_world_renames_ids_consistently_and_shuffles():
    plain, scrambled = load_world("holdout"), load_world("holdout", scramble=5)
    assert [i.id for i in scrambled.items] != [i.id for i in plain.items]
    assert sorted(i.id for i in scrambled.items) == sorted(i.id for i in plain.items)
    assert [i.id for i in load_world("holdout", scramble=5).items] == [i.id for i in scrambled.items]
    item = next(i for i in scrambled.items if i.id == "q08")
    assert all(d.startswith("doc-") and d in scrambled.texts for d in item.relevant)
    hits = scrambled.retriever.search(item.question, 4)
    assert {h.id for h in hits} >= set(item.relevant)
    reply = scrambled.reader().chat(_messages(item.question, _block(scrambled, *[h.id for h in hits])))
    assert reply.text.endswith("".join(f" [{d}]" for d in item.relevant))


def test_the_module_holds_no_exercise_answer():
    """The capstone's exercises live in the notebook, never in course/."""
    for name in ("pack_sources", "check_answer", "run_rag_agent", "evaluate", "request_cost",
                 "contains_all_facts", "capstone_agent"):
        assert not hasattr(capstone, name), name
    assert "Does not" in capstone.__doc__
    assert isinstance(load_split("dev")[0], EvalItem)
