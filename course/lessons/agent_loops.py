"""Lesson 05 (agent loops): scripted agent runs, sample tools and the scripted models that call them.

Each factory returns a fresh fake model that plays one scenario, turn by turn:

    model = two_step_run()
    # turn 1: get_weather(city="Oslo")           -> your loop runs it, sends the result back
    # turn 2: "In Oslo it is <that result>."     -> the answer quotes what your loop sent

Where the reply depends on what the loop sent back, the scenario is a
FunctionModel that reads the tool messages the way a provider does: it raises
ToolProtocolError when a tool call has no result, when a result names a call
that was never made, or when results are sent under another role. Scenarios
that call tools answer in plain text, as a real model would, when the request
carries no tool definitions (tools=None).

Tool call ids are call_1, call_2, ... in the order the model makes them, unless
a scenario says otherwise. A scenario called once more than it has turns raises
ScriptExhaustedError, and never_stops / token_hungry give up after a limit (50
calls), so a loop that never stops fails fast instead of hanging the grader.

Does not contain the agent loop, tool schemas or the approval gate: those are
the lesson's exercises. Does not simulate latency. Annotations here are real
types (no `from __future__ import annotations`), as a schema builder expects.
"""

import itertools
import json
import math

from ..errors import CourseError, ScriptExhaustedError
from ..llm.fakes import FunctionModel, ScriptedModel, tool_call
from ..llm.responses import Response, ToolCall, Usage

# --- sample tools --------------------------------------------------------------

WEATHER = {  # city -> report
    "Oslo": "4 degrees, light rain",
    "Lima": "19 degrees, sunny",
    "Cairo": "31 degrees, clear",
}


def get_weather(city: str) -> str:
    """Current weather in a city.

    get_weather("Oslo") -> "4 degrees, light rain"
    get_weather("Atlantis") raises ValueError: no weather data for 'Atlantis'
    """
    if city not in WEATHER:
        raise ValueError(f"no weather data for {city!r}")
    return WEATHER[city]


def add(a: int, b: int) -> int:
    """Add two integers.

    add(2, 3) -> 5
    """
    return a + b


ORDERS = {  # order id -> order
    "A100": {"order_id": "A100", "status": "delivered", "total": 42.5},
    "A101": {"order_id": "A101", "status": "shipped", "total": 18.0},
}


class SupportDesk:
    """A fake customer-support back end that logs every call that reaches it.

    desk = SupportDesk()
    tools = desk.tools()   # {"lookup_order": ..., "refund_order": ..., "delete_account": ...}
    desk.refund_order("A100", 42.5) -> "refunded 42.50 on order A100"
    desk.log -> [("refund_order", {"order_id": "A100", "amount": 42.5})]

    lookup_order is read-only; refund_order and delete_account change the world
    (SupportDesk.dangerous names them). A test checks desk.log to see whether a
    dangerous tool really ran.
    """

    dangerous = frozenset({"refund_order", "delete_account"})

    def __init__(self):
        self.log: list[tuple[str, dict]] = []  # (tool name, keyword arguments), in call order

    def lookup_order(self, order_id: str) -> dict:
        """Look up an order by its id.

        lookup_order("A100") -> {"order_id": "A100", "status": "delivered", "total": 42.5}
        """
        self.log.append(("lookup_order", {"order_id": order_id}))
        if order_id not in ORDERS:
            raise KeyError(f"no order {order_id!r}")
        return dict(ORDERS[order_id])

    def refund_order(self, order_id: str, amount: float) -> str:
        """Refund an amount on an order: money leaves the company.

        refund_order("A100", 42.5) -> "refunded 42.50 on order A100"
        """
        self.log.append(("refund_order", {"order_id": order_id, "amount": amount}))
        return f"refunded {amount:.2f} on order {order_id}"

    def delete_account(self, user_id: str) -> str:
        """Delete a customer's account and all of its data.

        delete_account("U7") -> "deleted account U7"
        """
        self.log.append(("delete_account", {"user_id": user_id}))
        return f"deleted account {user_id}"

    def tools(self) -> dict:
        """name -> bound method, the shape run_agent takes."""
        return {
            "lookup_order": self.lookup_order,
            "refund_order": self.refund_order,
            "delete_account": self.delete_account,
        }


# --- reading the conversation as a provider does ---------------------------------


class ToolProtocolError(CourseError, ValueError):
    """The conversation breaks the tool-call rules that hosted providers enforce."""


def check_tool_protocol(messages: list[dict]) -> None:
    """Raise ToolProtocolError unless every tool call is answered, by id, right after it.

    The rules (OpenAI and Anthropic reject a request that breaks them):
    - an assistant message with tool_calls is followed by one {"role": "tool",
      "tool_call_id": <id>} message per call, before any other message;
    - a tool message answers a call of that assistant message, once.
    """
    pending: list[str] = []  # ids of the latest calls still waiting for a result
    for index, message in enumerate(messages):
        role = message.get("role")
        if role == "tool":
            answered = message.get("tool_call_id")
            if answered not in pending:
                raise ToolProtocolError(
                    f"messages[{index}] is a tool result for tool_call_id={answered!r}, but the "
                    f"calls waiting for a result are {pending}. Each tool result must carry the "
                    "id of the call it answers (call.id), once."
                )
            pending.remove(answered)
            continue
        if pending:
            raise ToolProtocolError(
                f"messages[{index}] ({role}) comes while tool calls {pending} still have no "
                "result. Every call of an assistant turn needs a {'role': 'tool', "
                "'tool_call_id': ...} message right after that turn."
            )
        if role == "assistant":
            pending = [call["id"] for call in message.get("tool_calls") or []]
    if pending:
        raise ToolProtocolError(
            f"the model was called again, but tool calls {pending} have no result. Execute "
            "every call of a turn and append one tool message per call."
        )


def latest_tool_results(messages: list[dict]) -> list[str]:
    """Contents of the results of the latest assistant turn's calls, in call order.

    Checks the whole conversation with check_tool_protocol first.
    [..., assistant calls [call_1, call_2], tool call_2 "b", tool call_1 "a"] -> ["a", "b"]
    """
    check_tool_protocol(messages)
    assistants = [m for m in messages if m.get("role") == "assistant"]
    if not assistants or not assistants[-1].get("tool_calls"):
        return []
    by_id = {m["tool_call_id"]: m.get("content") for m in messages if m.get("role") == "tool"}
    return [by_id[call["id"]] for call in assistants[-1]["tool_calls"]]


NO_TOOLS = "I have no tools, so I cannot look that up."


def _turn_model(turns, repeat_last_until: float = 0) -> FunctionModel:
    """A FunctionModel whose k-th reply is turns[k](results of the previous turn).

    The turn number is the count of assistant messages already in the
    conversation. Past the last turn it raises ScriptExhaustedError, unless
    repeat_last_until allows more calls in all: then it repeats the last turn.
    """
    model: FunctionModel

    def reply(messages, request):
        results = latest_tool_results(messages)
        if not request.tools:
            return NO_TOOLS
        turn = sum(1 for m in messages if m.get("role") == "assistant")
        calls = len(model.calls)
        if turn >= len(turns) and calls > repeat_last_until:
            raise ScriptExhaustedError(
                f"the scripted model was called {calls} times, but its scenario has "
                f"{max(len(turns), int(repeat_last_until))} turns. Does the loop stop "
                "(a step budget, and no further call once the model answers)?"
            )
        return turns[min(turn, len(turns) - 1)](results)

    model = FunctionModel(reply)
    return model


# --- the scenarios ------------------------------------------------------------------


def answers_at_once(text: str = "Hello! Ask me about the weather.") -> ScriptedModel:
    """A final answer on the first turn; no tools called.

    turn 1: text                      (a second call raises ScriptExhaustedError)
    """
    return ScriptedModel([text])


def two_step_run(city: str = "Oslo", call_id: str | None = None) -> FunctionModel:
    """A tool call, then an answer that quotes its result.

    turn 1: get_weather(city="Oslo")                 id call_1 (or call_id)
    turn 2: "In Oslo it is <content of the tool message for that call>."
    two_step_run() through a correct loop answers "In Oslo it is 4 degrees, light rain."
    """
    return _turn_model([
        lambda results: tool_call("get_weather", {"city": city}, id=call_id),
        lambda results: f"In {city} it is {results[0]}.",
    ])


def parallel_calls(cities: tuple = ("Oslo", "Lima"), ids: tuple | None = None) -> FunctionModel:
    """Several tool calls in one turn, then an answer that quotes every result.

    turn 1: [get_weather(city="Oslo"), get_weather(city="Lima")]   ids call_1, call_2 (or ids)
    turn 2: "Oslo: <result 1>. Lima: <result 2>."
    Through a correct loop: "Oslo: 4 degrees, light rain. Lima: 19 degrees, sunny."
    A loop that runs only the first call fails with ToolProtocolError on turn 2.
    """
    ids = ids or (None,) * len(cities)
    return _turn_model([
        lambda results: [tool_call("get_weather", {"city": c}, id=i) for c, i in zip(cities, ids)],
        lambda results: " ".join(f"{c}: {r}." for c, r in zip(cities, results)),
    ])


def unknown_tool() -> FunctionModel:
    """A call to a tool that does not exist, then a recovery.

    turn 1: get_wether(city="Oslo")     (misspelt: no such tool)      id call_1
    turn 2: get_weather(city="Oslo")                                   id call_2
    turn 3: "In Oslo it is <result of call_2>."
    """
    return _turn_model([
        lambda results: tool_call("get_wether", {"city": "Oslo"}),
        lambda results: tool_call("get_weather", {"city": "Oslo"}),
        lambda results: f"In Oslo it is {results[0]}.",
    ])


def malformed_arguments() -> FunctionModel:
    """Arguments that are not a JSON object, then a good call.

    turn 1: add with arguments '{"a": 2, "b": '      (cut-off JSON)          id call_1
    turn 2: add with arguments '[2, 3]'              (JSON, but not an object) id call_2
    turn 3: add(a=2, b=3)                                                    id call_3
    turn 4: "2 + 3 = <result of call_3>"
    """
    return _turn_model([
        lambda results: tool_call("add", '{"a": 2, "b": '),
        lambda results: tool_call("add", "[2, 3]"),
        lambda results: tool_call("add", {"a": 2, "b": 3}),
        lambda results: f"2 + 3 = {results[0]}",
    ])


def wrong_arguments() -> FunctionModel:
    """Valid JSON that does not fit add(a: int, b: int), then a good call.

    turn 1: add(a="two", b=3)       (wrong type)            id call_1
    turn 2: add(a=2)                (missing b)             id call_2
    turn 3: add(a=2, b=3, c=4)      (unexpected c)          id call_3
    turn 4: add(a=2, b=3)                                   id call_4
    turn 5: "2 + 3 = <result of call_4>"
    """
    return _turn_model([
        lambda results: tool_call("add", {"a": "two", "b": 3}),
        lambda results: tool_call("add", {"a": 2}),
        lambda results: tool_call("add", {"a": 2, "b": 3, "c": 4}),
        lambda results: tool_call("add", {"a": 2, "b": 3}),
        lambda results: f"2 + 3 = {results[0]}",
    ])


def tool_raises(city: str = "Atlantis") -> FunctionModel:
    """A call whose tool raises, then an answer that quotes what the loop sent back.

    turn 1: get_weather(city="Atlantis")       (the tool raises ValueError)   id call_1
    turn 2: "Sorry, I could not get the weather (<content of the tool message>)."
    """
    return _turn_model([
        lambda results: tool_call("get_weather", {"city": city}),
        lambda results: f"Sorry, I could not get the weather ({results[0]}).",
    ])


def never_stops(limit: int | None = 50) -> FunctionModel:
    """A model that calls a tool on every turn and never answers.

    every turn: get_weather(city="Oslo")                ids call_1, call_2, ...
    Call number limit + 1 raises ScriptExhaustedError, so a loop without a step
    budget fails fast instead of hanging. limit=None repeats forever.
    """
    return _turn_model([lambda results: tool_call("get_weather", {"city": "Oslo"})],
                       repeat_last_until=math.inf if limit is None else limit)


def token_hungry(tokens_per_call: int = 100, limit: int = 50) -> FunctionModel:
    """Like never_stops, but every reply reports exactly tokens_per_call tokens of usage.

    every turn: get_weather(city="Oslo"), usage = Usage(tokens_per_call - 20, 20)
    With a token budget of 250 and 100 tokens a call, a loop that checks the
    budget before each call makes 3 calls (0, 100, 200 used; then 300 >= 250).
    """
    counter = itertools.count(1)

    def turn(results):
        return Response(
            text="",
            tool_calls=[ToolCall(f"call_{next(counter)}", "get_weather", json.dumps({"city": "Oslo"}))],
            usage=Usage(input_tokens=tokens_per_call - 20, output_tokens=20),
            finish_reason="tool_calls",
        )

    return _turn_model([turn], repeat_last_until=limit)


def refund_request(order_id: str = "A100", amount: float = 42.5) -> FunctionModel:
    """A customer-support run that reaches a dangerous tool (use with SupportDesk).

    turn 1: lookup_order(order_id="A100")                       id call_1
    turn 2: refund_order(order_id="A100", amount=42.5)          id call_2
    turn 3: "Refund: <content of the tool message for call_2>"
    With approval: "Refund: refunded 42.50 on order A100". Refused: "Refund: not approved".
    """
    return _turn_model([
        lambda results: tool_call("lookup_order", {"order_id": order_id}),
        lambda results: tool_call("refund_order", {"order_id": order_id, "amount": amount}),
        lambda results: f"Refund: {results[0]}",
    ])
