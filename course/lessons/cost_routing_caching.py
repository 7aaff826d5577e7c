"""Lesson 08 (cost, routing, caching): data and scenarios; loaders, not answers.

    candidates = load_candidates("anthropic")   # [Candidate]: catalog row + illustrative profile
    requests = load_requests()                   # [RoutingRequest]: the routing scenarios
    pairs = load_cache_pairs()                   # [CachePair]: same intent or not
    scenarios = load_cascade_scenarios()         # [CascadeScenario]: two tiers' replies each
    tiers = scripted_tiers(scenarios[0], [small, large])   # [(ModelInfo, ScriptedModel)]
    pick_model("anthropic", "small")             # the one catalog row of that provider and tier
    TableEmbedder({"a": [1, 0], "b": [0, 1]}).embed(["b"])  -> array([[0., 1.]])

Prices are real and dated: they come from the catalog (course/data/models.toml).
The quality scores and speeds in routing_profiles.jsonl, the token counts, the
replies and their confidences are illustrative numbers written for the exercises,
not measurements of the named models.

Does not compute a cost, route a request or cache anything: the lesson builds those.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..catalog import Catalog, ModelInfo, load_catalog
from ..datasets import DATA_DIR, read_jsonl
from ..llm.fakes import ScriptedModel
from ..llm.responses import Response, Usage

# An assumption, not a catalog price: OpenAI's and Anthropic's batch APIs have
# listed about 50% off for jobs that may take up to 24 hours. Check before use.
BATCH_DISCOUNT = 0.50

# What a cascade tier is asked to reply: an answer and its own confidence.
CONFIDENCE_SCHEMA = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["answer", "confidence"],
}

SUPPORT_SYSTEM_PROMPT = (
    "You are Beacon's support assistant. Answer in one or two sentences. Reply as JSON: "
    "{\"answer\": ..., \"confidence\": a number from 0 to 1}."
)


@dataclass(frozen=True)
class Candidate:
    """A model a router may pick: its catalog row and an illustrative profile.

    quality: task -> share of that task's golden set answered acceptably (0-1).
    Latency of one reply, in this lesson's model: ttft_s + output_tokens / tokens_per_s.
    """

    info: ModelInfo
    quality: dict = field(hash=False)  # task -> float in [0, 1]
    ttft_s: float = 0.0
    tokens_per_s: float = 1.0

    @property
    def id(self) -> str:
        return self.info.id


@dataclass(frozen=True)
class RoutingRequest:
    id: str
    task: str
    description: str
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class CachePair:
    """Two queries; same_intent is True when one's cached answer correctly answers the other."""

    id: str
    a: str
    b: str
    same_intent: bool
    note: str = ""


@dataclass(frozen=True)
class ScriptedReply:
    """One tier's reply to a scenario: its text (JSON, or malformed), usage and a label."""

    text: str
    input_tokens: int
    output_tokens: int
    correct: bool


@dataclass(frozen=True)
class CascadeScenario:
    id: str
    question: str
    replies: tuple  # ScriptedReply per tier, cheapest tier first
    prefix_tokens: int  # the shared system prompt, part of input_tokens, cacheable

    @property
    def messages(self) -> list[dict]:
        return [{"role": "system", "content": SUPPORT_SYSTEM_PROMPT},
                {"role": "user", "content": self.question}]


def _rows(name: str, path: str | Path | None) -> tuple[dict, list[dict]]:
    """(the note row, the data rows) of one of this lesson's JSON-lines files."""
    rows = read_jsonl(Path(path) if path else DATA_DIR / name)
    notes = [row for row in rows if "_note" in row]
    return (notes[0] if notes else {}), [row for row in rows if "_note" not in row]


def pick_model(provider: str, tier: str, catalog: Catalog | None = None) -> ModelInfo:
    """The single catalog row with this provider and tier; ValueError if none or several.

    pick_model("anthropic", "small").tier -> "small"
    """
    catalog = catalog or load_catalog()
    found = [m for m in catalog.models.values() if m.provider == provider and m.tier == tier]
    if len(found) != 1:
        have = sorted({(m.provider, m.tier) for m in catalog.models.values()})
        raise ValueError(f"expected one catalog model with provider={provider!r} and tier={tier!r}, "
                         f"found {len(found)}. Provider/tier pairs in the catalog: {have}")
    return found[0]


@lru_cache(maxsize=None)
def _profiles(path: str | None) -> dict:
    _, rows = _rows("routing_profiles.jsonl", path)
    return {row["id"]: row for row in rows}


def load_candidates(*providers: str, path: str | Path | None = None,
                    catalog: Catalog | None = None) -> list[Candidate]:
    """Catalog models that have a profile, in catalog order; only these providers if given.

    load_candidates("local", "anthropic") -> the local model and Anthropic's three tiers.
    A profile whose id is not in the catalog raises UnknownModelError.
    """
    catalog = catalog or load_catalog()
    profiles = _profiles(str(path) if path else None)
    for model_id in profiles:
        catalog[model_id]  # raises, naming the known ids, if the catalog lost this model
    chosen = []
    for info in catalog.models.values():
        if info.id in profiles and (not providers or info.provider in providers):
            row = profiles[info.id]
            chosen.append(Candidate(info, dict(row["quality"]), float(row["ttft_s"]),
                                    float(row["tokens_per_s"])))
    return chosen


def load_requests(path: str | Path | None = None) -> list[RoutingRequest]:
    """The routing scenarios, in file order. len(load_requests()) -> 8"""
    _, rows = _rows("routing_requests.jsonl", path)
    return [RoutingRequest(**row) for row in rows]


def load_cache_pairs(path: str | Path | None = None) -> list[CachePair]:
    """Labelled query pairs: 20 same-intent paraphrases, 20 dangerous near-duplicates."""
    _, rows = _rows("cache_pairs.jsonl", path)
    return [CachePair(**row) for row in rows]


def load_cascade_scenarios(path: str | Path | None = None) -> list[CascadeScenario]:
    """Support questions with the cheap tier's and the large tier's scripted replies.

    A reply row holds either answer and confidence (turned into the JSON text a
    tier would send) or text (sent verbatim: malformed or out-of-range replies).
    """
    note, rows = _rows("routing_cascade.jsonl", path)
    prefix = int(note.get("prefix_tokens", 0))
    scenarios = []
    for row in rows:
        replies = []
        for reply in row["replies"]:
            text = reply.get("text")
            if text is None:
                text = json.dumps({"answer": reply["answer"], "confidence": reply["confidence"]})
            replies.append(ScriptedReply(text, int(reply["input_tokens"]),
                                         int(reply["output_tokens"]), bool(reply["correct"])))
        scenarios.append(CascadeScenario(row["id"], row["question"], tuple(replies), prefix))
    return scenarios


def scripted_tiers(scenario: CascadeScenario, infos: list[ModelInfo],
                   warm_cache: bool = True) -> list[tuple[ModelInfo, ScriptedModel]]:
    """One (ModelInfo, ScriptedModel) per tier, each scripted with its single reply.

    With warm_cache, each reply's usage reports the scenario's prefix as cached
    input tokens (a prompt-cache hit); otherwise no token is cached.
    """
    if len(infos) != len(scenario.replies):
        raise ValueError(f"scenario {scenario.id} has {len(scenario.replies)} tiers of replies, "
                         f"but {len(infos)} models were given")
    tiers = []
    for info, reply in zip(infos, scenario.replies):
        usage = Usage(input_tokens=reply.input_tokens, output_tokens=reply.output_tokens,
                      cached_input_tokens=scenario.prefix_tokens if warm_cache else 0)
        tiers.append((info, ScriptedModel([Response(text=reply.text, usage=usage)])))
    return tiers


class TableEmbedder:
    """An embedder that looks texts up in a fixed table: exact vectors for exact tests.

    TableEmbedder({"a": [1, 0], "b": [0.6, 0.8]}).embed(["a", "b"]) -> [[1, 0], [0.6, 0.8]]
    Vectors are returned as given (not normalised). An unknown text raises KeyError.
    from_embedder() fills the table once from a real embedder, so a threshold
    sweep does not embed the same texts again and again.
    """

    def __init__(self, table: dict):
        self.table = {text: np.asarray(vector, dtype=np.float64) for text, vector in table.items()}
        dims = {vector.shape for vector in self.table.values()}
        if len(dims) > 1:
            raise ValueError(f"all vectors must have the same shape; got {sorted(dims)}")
        self.dim = dims.pop()[0] if dims else 0
        self.model_id = f"table-{len(self.table)}x{self.dim}"

    @classmethod
    def from_embedder(cls, embedder, texts) -> "TableEmbedder":
        texts = list(dict.fromkeys(texts))
        return cls(dict(zip(texts, embedder.embed(texts))))

    def embed(self, texts: list[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings; wrap one text as [text]")
        missing = [text for text in texts if text not in self.table]
        if missing:
            raise KeyError(f"TableEmbedder has no vector for {missing[0]!r}")
        return np.array([self.table[text] for text in texts]).reshape(len(texts), self.dim)

    __call__ = embed


def toy_model(input: float, output: float, cached_input: float | None = None,
              cache_write: float | None = None, id: str = "toy-model",
              provider: str = "example", tier: str = "toy") -> ModelInfo:
    """A made-up price row (USD per million tokens) for worked examples with round numbers.

    toy_model(input=2.0, output=10.0).cached_input -> 2.0 (no discount unless given)
    """
    return ModelInfo(id=id, provider=provider, display_name=f"{id} (made-up prices)",
                     context_window=100_000, max_output_tokens=10_000, tier=tier,
                     input=input, cached_input=input if cached_input is None else cached_input,
                     cache_write=input if cache_write is None else cache_write, output=output)
