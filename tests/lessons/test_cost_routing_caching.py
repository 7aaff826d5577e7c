"""Lesson 08's data loaders, scripted tiers and table embedder (course/lessons/cost_routing_caching.py)."""

import json

import numpy as np
import pytest

from course import UnknownModelError, load_catalog
from course.catalog import ModelInfo
from course.llm.fakes import FakeEmbedder, ScriptedModel
from course.lessons.cost_routing_caching import (
    BATCH_DISCOUNT,
    CONFIDENCE_SCHEMA,
    SUPPORT_SYSTEM_PROMPT,
    TableEmbedder,
    load_cache_pairs,
    load_candidates,
    load_cascade_scenarios,
    load_requests,
    pick_model,
    scripted_tiers,
    toy_model,
)


def test_every_profile_names_a_catalog_model_and_scores_every_task():
    candidates = load_candidates()
    catalog = load_catalog()
    assert {c.id for c in candidates} <= set(catalog.models)
    assert len(candidates) == len(catalog.models), "every catalog model has an illustrative profile"
    tasks = {r.task for r in load_requests()}
    for c in candidates:
        assert set(c.quality) >= tasks, f"{c.id} lacks a quality score for some task"
        assert all(0 <= q <= 1 for q in c.quality.values())
        assert c.ttft_s > 0 and c.tokens_per_s > 0


def test_candidates_keep_catalog_order_and_filter_by_provider():
    ids = list(load_catalog().models)
    everyone = load_candidates()
    assert [c.id for c in everyone] == [i for i in ids if i in {c.id for c in everyone}]
    anthropic = load_candidates("local", "anthropic")
    assert [c.info.tier for c in anthropic] == ["local", "small", "large", "frontier"]
    assert all(c.info is load_catalog()[c.id] for c in anthropic), "prices come from the catalog row"


def test_a_profile_for_an_unknown_model_is_reported(tmp_path):
    path = tmp_path / "profiles.jsonl"
    path.write_text('{"_note": "x"}\n{"id": "gpt-17", "quality": {}, "ttft_s": 1, "tokens_per_s": 1}\n')
    with pytest.raises(UnknownModelError, match="gpt-17"):
        load_candidates(path=path)


def test_pick_model_finds_one_row_or_explains():
    small = pick_model("anthropic", "small")
    assert small.provider == "anthropic" and small.tier == "small"
    with pytest.raises(ValueError, match="found 3"):
        pick_model("openai", "small")
    with pytest.raises(ValueError, match="found 0"):
        pick_model("nobody", "small")


def test_requests_and_note_rows():
    requests = load_requests()
    assert len(requests) == 8 and len({r.id for r in requests}) == 8
    assert all(r.input_tokens > 0 and r.output_tokens > 0 for r in requests)


def test_cache_pairs_are_balanced_and_written_for_the_lesson():
    pairs = load_cache_pairs()
    assert len(pairs) == 40 and len({p.id for p in pairs}) == 40
    assert sum(p.same_intent for p in pairs) == 20
    assert all(p.note for p in pairs if not p.same_intent), "every dangerous pair says why"
    assert any(p.a == "How do I reset my password?" and p.b == "How do I reset my API key?" for p in pairs)


def test_cascade_scenarios_hold_two_tiers_of_replies():
    scenarios = load_cascade_scenarios()
    assert len(scenarios) == 16
    for s in scenarios:
        assert len(s.replies) == 2 and s.prefix_tokens == 1800
        assert all(r.input_tokens > s.prefix_tokens for r in s.replies)
        assert s.messages[0] == {"role": "system", "content": SUPPORT_SYSTEM_PROMPT}
        assert s.messages[1]["content"] == s.question
    assert all(s.replies[1].correct for s in scenarios), "the large tier is right on every scenario"
    assert not all(s.replies[0].correct for s in scenarios), "the small tier is not"
    parsed = json.loads(scenarios[0].replies[0].text)
    assert set(parsed) == {"answer", "confidence"}
    malformed = [r.text for s in scenarios for r in s.replies if not r.text.startswith("{")]
    assert malformed, "some replies are not JSON at all, verbatim"
    assert any('"confidence": 1.7' in r.text for s in scenarios for r in s.replies), "one confidence is out of range"


def test_scripted_tiers_reply_once_with_the_scenario_usage():
    scenario = load_cascade_scenarios()[0]
    infos = [pick_model("anthropic", "small"), pick_model("anthropic", "large")]
    tiers = scripted_tiers(scenario, infos)
    assert [info for info, _ in tiers] == infos
    info, model = tiers[0]
    assert isinstance(model, ScriptedModel)
    reply = model.chat(scenario.messages, response_schema=CONFIDENCE_SCHEMA)
    assert reply.text == scenario.replies[0].text and reply.cost_usd is None
    assert reply.usage.input_tokens == scenario.replies[0].input_tokens
    assert reply.usage.cached_input_tokens == scenario.prefix_tokens
    cold = scripted_tiers(scenario, infos, warm_cache=False)[1][1].chat(scenario.messages)
    assert cold.usage.cached_input_tokens == 0
    with pytest.raises(ValueError, match="tiers"):
        scripted_tiers(scenario, infos[:1])


def test_table_embedder_returns_vectors_as_given():
    table = TableEmbedder({"a": [1, 0], "b": [0.6, 0.8]})
    out = table.embed(["b", "a", "b"])
    assert out.shape == (3, 2) and np.array_equal(out[0], [0.6, 0.8]) and np.array_equal(out[1], [1, 0])
    assert table.embed([]).shape == (0, 2)
    with pytest.raises(KeyError, match="'c'"):
        table.embed(["c"])
    with pytest.raises(TypeError):
        table.embed("a")
    with pytest.raises(ValueError, match="shape"):
        TableEmbedder({"a": [1, 0], "b": [1, 0, 0]})


def test_table_embedder_from_a_real_embedder_matches_it():
    fake = FakeEmbedder(dim=16)
    texts = ["red cat", "red dog", "red cat"]
    table = TableEmbedder.from_embedder(fake, texts)
    assert len(table.table) == 2
    assert np.allclose(table.embed(texts), fake.embed(texts))


def test_toy_model_is_a_catalog_row_with_made_up_prices():
    toy = toy_model(input=2.0, output=10.0)
    assert isinstance(toy, ModelInfo) and toy.id not in load_catalog()
    assert toy.cached_input == toy.cache_write == 2.0
    toy = toy_model(1.0, 4.0, cached_input=0.1, cache_write=1.25, id="x", tier="small")
    assert (toy.id, toy.tier, toy.cached_input, toy.cache_write) == ("x", "small", 0.1, 1.25)


def test_assumptions_are_stated():
    assert 0 < BATCH_DISCOUNT < 1
    assert CONFIDENCE_SCHEMA["required"] == ["answer", "confidence"]
