"""Lesson 11 (capstone): the fixed world; a ranked retriever, a scripted reader, the eval splits and the gate.

    world = load_world("dev")          # World: items, retriever, reader()
    world.retriever.search("How many paid vacation days ...?", k=3)
    # -> [Hit(id="hb-paid-time-off", score=6.7164, text="Paid Time Off (PTO)\\n## How much ..."), ...]
    reader = world.reader()            # a FunctionModel playing a careful (not perfect) model
    gate = load_gate()                 # thresholds, splits and the priced model, from capstone.toml
    gate.failures({"answer_accuracy": 0.5, ...})  # -> ["answer_accuracy = 0.5, needs >= 0.6", ...]

The retriever replays BM25 rankings precomputed for the 40 shipped questions
(course/data/capstone_rankings.jsonl), so grading needs no index and no
embedding model. Other queries go to `fallback` (any index with search(query, k)),
or find nothing.

The reader is a FunctionModel that behaves the same way on every run:
- turn 1, when offered a tool named "search" and it has not searched since the
  last user message: it calls search(query=<that user message>);
- otherwise it answers the last user message from the sources present in the
  tool results after it. A source is present when a tool result contains
  "[<id>] <text of that document>", as pack_sources writes it. Then:
  1. every relevant document present: the reference answer, citing each, as
     "<answer> [id] [id]". On some questions (those whose text has a sha256
     divisible by 5: 4 of the 34 answerable ones) it slips and also cites
     "<first relevant id>-faq", a document it never saw;
  2. some but not all present: the reference answer, citing the present ones
     and inventing an id for each missing one ("<missing id>-faq"): a citation
     to a source it never saw;
  3. none relevant present but other sources are (an unanswerable question, or
     a retrieval miss): a confident guess, the first sentence of the first
     source present, citing it;
  4. no source present: ABSTENTION.
  Without a system message that contains ABSTENTION (the instructions), it
  answers as in 1-3 but cites nothing, and says "I don't know." for 4. With no user message it asks what you
  want to know. It checks tool-call/result pairing as providers do
  (agent_loops.check_tool_protocol). Usage is counted with cl100k.

Does not pack context, run an agent loop, check citations, compute a metric or
a cost, or decide when to abstain: those are the capstone's exercises.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..datasets import DATA_DIR, load_corpus, load_questions, read_jsonl
from ..errors import ScriptExhaustedError
from ..llm.fakes import FunctionModel, tool_call
from ..llm.responses import Response, ToolCall, Usage

GATE_PATH = DATA_DIR / "capstone.toml"
RANKINGS_PATH = DATA_DIR / "capstone_rankings.jsonl"

ABSTENTION = "I cannot answer that from the provided documents."
NO_SOURCES = "No relevant documents found."
SYSTEM_PROMPT = (
    "You answer questions about Tidewater Labs and its product Beacon. Call the search tool "
    "first, then answer using only the documents it returns. Each document starts with its id "
    "in square brackets, like [hb-paid-time-off]. Cite the id of every document you use, in "
    "square brackets, right after the fact it supports. If the documents do not contain the "
    f"answer, reply exactly: {ABSTENTION}"
)
SEARCH_TOOL = {
    "type": "function",
    "function": {
        "name": "search",
        "description": "Search the Tidewater Labs handbook and the Beacon docs. Returns the most "
                       "relevant documents, each starting with its id in square brackets.",
        "parameters": {"type": "object", "properties": {"query": {"type": "string"}},
                       "required": ["query"]},
    },
}


@dataclass(frozen=True)
class Hit:
    """One search result: Hit("hb-sick-leave", 3.93, "Sick Leave\\n## Allowance ...")"""

    id: str
    score: float
    text: str


@dataclass(frozen=True)
class EvalItem:
    """A labelled question: relevant ids and facts are empty when it is unanswerable."""

    id: str
    question: str
    relevant: tuple
    answerable: bool
    facts: tuple  # short strings a correct answer contains (eval_golden.jsonl)
    answer: str  # the reference answer


class RankedRetriever:
    """Replays fixed rankings: search(query, k) -> the first k Hits, best first.

    rankings: {query: [(doc id, score), ...]}; texts: {doc id: text}.
    Unknown queries go to fallback.search(query, k) -> [(doc id, score)] when
    given, else return []. Every call is recorded in .calls as (query, k).
    """

    def __init__(self, rankings: dict, texts: dict, fallback=None):
        self.rankings = {query.strip(): [tuple(hit) for hit in hits] for query, hits in rankings.items()}
        self.texts = dict(texts)
        self.fallback = fallback
        self.calls: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 4) -> list[Hit]:
        self.calls.append((query, k))
        if k < 0:
            raise ValueError(f"k must be >= 0; got {k}")
        ranked = self.rankings.get(str(query).strip())
        if ranked is None:
            ranked = self.fallback.search(query, k) if self.fallback is not None else []
        return [Hit(doc_id, float(score), self.texts[doc_id]) for doc_id, score in ranked[:k]]


# --- data ---------------------------------------------------------------------


@lru_cache(maxsize=None)
def _items() -> dict:
    from .evals import load_golden

    facts = {row["id"]: tuple(row["facts"]) for row in load_golden()}
    return {q.id: EvalItem(q.id, q.question, tuple(q.relevant), q.answerable,
                           facts.get(q.id, ()), q.answer) for q in load_questions()}


def doc_texts() -> dict:
    """{doc id: "<title>\\n<text>"}: what the retriever returns and pack_sources shows."""
    return {doc.id: f"{doc.title}\n{doc.text}" for doc in load_corpus()}


@lru_cache(maxsize=None)
def _rankings() -> dict:
    """{question id: (query, ((doc id, score), ...))} from capstone_rankings.jsonl."""
    rows = [row for row in read_jsonl(RANKINGS_PATH) if "_note" not in row]
    return {row["question_id"]: (row["query"], tuple(tuple(hit) for hit in row["hits"])) for row in rows}


@dataclass(frozen=True)
class Threshold:
    metric: str
    bound: str  # "min" or "max"
    value: float
    set_on: str
    reason: str

    def passes(self, measured: float) -> bool:
        return measured >= self.value if self.bound == "min" else measured <= self.value


@dataclass(frozen=True)
class Gate:
    """The committed eval gate (course/data/capstone.toml)."""

    as_of: str
    thresholds: dict  # metric -> Threshold
    splits: dict  # split name -> tuple of question ids
    pricing: dict = field(default_factory=dict)  # provider, tier, reason

    def price(self):
        """The catalog row the eval prices requests at (the model we would deploy).

        Lesson 08's pick_model finds it: ValueError unless the catalog has exactly one.
        """
        from .cost_routing_caching import pick_model

        return pick_model(self.pricing["provider"], self.pricing["tier"])

    def failures(self, metrics: dict, only=None) -> list[str]:
        """One line per threshold the metrics miss (a missing metric misses); [] means it passes.

        only: the metric names to check (default: every threshold).
        """
        found = []
        for name, threshold in self.thresholds.items():
            if only is not None and name not in only:
                continue
            measured = metrics.get(name)
            sign = ">=" if threshold.bound == "min" else "<="
            if not isinstance(measured, (int, float)) or not threshold.passes(measured):
                shown = f"{measured:.4g}" if isinstance(measured, (int, float)) else repr(measured)
                found.append(f"{name} = {shown}, needs {sign} {threshold.value:g}")
        return found


def load_gate(path: str | Path = GATE_PATH) -> Gate:
    """The thresholds, splits and pricing; split ids are checked against the questions."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    thresholds = {}
    for name, row in data["thresholds"].items():
        bounds = [b for b in ("min", "max") if b in row]
        if len(bounds) != 1:
            raise ValueError(f"{Path(path).name}: threshold {name!r} needs exactly one of min or max")
        thresholds[name] = Threshold(name, bounds[0], float(row[bounds[0]]), row["set_on"], row["reason"])
    known = _items()
    splits = {}
    for name, ids in data["splits"].items():
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise ValueError(f"{Path(path).name}: split {name!r} names unknown questions {unknown}")
        splits[name] = tuple(ids)
    return Gate(data["as_of"], thresholds, splits, dict(data["pricing"]))


def load_split(name: str) -> list[EvalItem]:
    """The labelled questions of one split of the gate, in file order."""
    gate = load_gate()
    if name not in gate.splits:
        raise KeyError(f"no split {name!r}; capstone.toml has {sorted(gate.splits)}")
    return [_items()[qid] for qid in gate.splits[name]]


# --- the scripted reader --------------------------------------------------------

_SOURCE_MARK = re.compile(r"^\[([^\]\s]+)\] ", re.MULTILINE)


def _tokens(text: str) -> int:
    from ..tokens import cl100k

    return len(cl100k().encode(text or ""))


def _usage(request, reply_text: str, calls: list) -> Usage:
    prompt = sum(_tokens(m.get("content")) + sum(_tokens(c["function"]["arguments"])
                                                 for c in m.get("tool_calls") or [])
                 for m in request.messages)
    if request.tools:
        prompt += _tokens(json.dumps(request.tools))
    output = _tokens(reply_text) + sum(_tokens(c.arguments) for c in calls)
    return Usage(input_tokens=prompt, output_tokens=output)


def _first_sentence(text: str) -> str:
    body = [line for line in text.splitlines()[1:] if line.strip() and not line.startswith("#")]
    first = body[0].strip() if body else text.strip()
    match = re.match(r"(.+?[.!?])(\s|$)", first)
    return match.group(1) if match else first


def _slips(question: str) -> bool:
    """The questions on which the reader invents a citation (q01, q22, q30 and q36)."""
    return int(hashlib.sha256(question.encode()).hexdigest(), 16) % 5 == 0


def reader_model(items: dict | None = None, texts: dict | None = None) -> FunctionModel:
    """The scripted reader (rules in the module docstring).

    items: {question text: EvalItem}, default the 40 shipped questions;
    texts: {doc id: text}, default doc_texts().
    """
    from .agent_loops import check_tool_protocol

    items = {item.question: item for item in _items().values()} if items is None else items
    texts = doc_texts() if texts is None else texts
    model: FunctionModel

    def reply(messages, request):
        check_tool_protocol(messages)
        users = [i for i, m in enumerate(messages) if m["role"] == "user"]
        if not users:
            return _respond(request, "What would you like to know?")
        question = (messages[users[-1]].get("content") or "").strip()
        results = [m.get("content") or "" for m in messages[users[-1] + 1:] if m["role"] == "tool"]
        offered = {tool["function"]["name"] for tool in request.tools or []}
        if "search" in offered and not results:
            return _respond(request, "", [ToolCall(f"call_{len(model.calls)}", "search",
                                                   json.dumps({"query": question}))])
        instructed = any(m["role"] == "system" and ABSTENTION in (m.get("content") or "") for m in messages)
        present = []  # ids present, in the order first shown
        for content in results:
            for doc_id in _SOURCE_MARK.findall(content):
                if doc_id in texts and f"[{doc_id}] {texts[doc_id]}" in content and doc_id not in present:
                    present.append(doc_id)
        item = items.get(question)
        relevant = [d for d in item.relevant if d in present] if item and item.answerable else []
        if not present:
            return _respond(request, ABSTENTION if instructed else "I don't know.")
        if relevant:
            cited = [d if d in present else f"{d}-faq" for d in item.relevant]
            if len(relevant) == len(item.relevant) and _slips(question):
                cited.append(f"{item.relevant[0]}-faq")
            text = item.answer
        else:
            cited = [present[0]]
            text = _first_sentence(texts[present[0]])
        if instructed:
            text += " " + " ".join(f"[{d}]" for d in cited)
        return _respond(request, text)

    def _respond(request, text, calls=()):
        calls = list(calls)
        return Response(text=text, tool_calls=calls, usage=_usage(request, text, calls),
                        finish_reason="tool_calls" if calls else "stop")

    model = FunctionModel(reply)
    model.model_id = "scripted-reader"
    return model


def endless_searcher(limit: int = 50, tokens_per_call: int | None = None) -> FunctionModel:
    """A model that calls search on every turn and never answers.

    Call number limit + 1 raises ScriptExhaustedError, so a loop without a step
    budget fails fast. tokens_per_call fixes the usage each reply reports.
    """
    model: FunctionModel

    def reply(messages, request):
        if len(model.calls) > limit:
            raise ScriptExhaustedError(
                f"endless_searcher was called {len(model.calls)} times: the agent loop has no "
                "step budget (or ignores it)")
        call = tool_call("search", {"query": f"attempt {len(model.calls)}"}, id=f"call_{len(model.calls)}")
        if tokens_per_call is None:
            return call
        return Response(text="", tool_calls=[call], finish_reason="tool_calls",
                        usage=Usage(input_tokens=tokens_per_call - 10, output_tokens=10))

    model = FunctionModel(reply)
    return model


# --- a world: items, retriever and reader that agree -----------------------------


@dataclass
class World:
    """One eval run's fixed inputs. reader() makes a fresh scripted reader."""

    items: list  # the split's EvalItems
    retriever: RankedRetriever
    texts: dict  # doc id -> text
    all_items: list = field(default_factory=list, repr=False)  # every question: the reader's key

    def reader(self) -> FunctionModel:
        return reader_model({item.question: item for item in self.all_items}, self.texts)


def _scrambled(doc_id: str, seed: int) -> str:
    return "doc-" + hashlib.sha256(f"{seed}:{doc_id}".encode()).hexdigest()[:8]


def load_world(split: str = "dev", scramble: int | None = None, fallback=None) -> World:
    """The split's items, a retriever over every shipped ranking, and the matching reader.

    scramble=<seed> renames every document id ("hb-paid-time-off" -> "doc-1f0c9a2e")
    consistently in rankings, texts, items and reader, and shuffles the items:
    an agent that works only for the ids or order it was shown fails.
    """
    import random

    rename = (lambda d: d) if scramble is None else (lambda d: _scrambled(d, scramble))
    texts = {rename(d): text for d, text in doc_texts().items()}
    rankings = {query: [(rename(d), s) for d, s in hits] for query, hits in _rankings().values()}

    def renamed(item):
        return EvalItem(item.id, item.question, tuple(rename(d) for d in item.relevant),
                        item.answerable, item.facts, item.answer)

    items = [renamed(item) for item in load_split(split)]
    if scramble is not None:
        random.Random(scramble).shuffle(items)
    return World(items, RankedRetriever(rankings, texts, fallback), texts,
                 [renamed(item) for item in _items().values()])
