import json


def run_cascade(messages, tiers, threshold):
    """Ask the cheapest tier first; escalate while the reply's confidence is below threshold.

    tiers: [(ModelInfo, model)], cheapest first. Each call is
        model.chat(messages, response_schema=CONFIDENCE_SCHEMA)
    A reply is usable when its text parses as a JSON object with a str "answer" and
    a number "confidence" in [0, 1] (a JSON true or false is a bool, not a number);
    an unusable reply counts as confidence 0.
    Accept the first usable reply with confidence >= threshold. The last tier's reply
    is accepted whatever it says (its answer is None if unusable).
    cost_usd sums request_cost(info, usage.input_tokens, usage.output_tokens,
    cached_tokens=usage.cached_input_tokens) over every call made.
    ValueError if tiers is empty.

    -> {"answer": str or None, "tier": index of the accepting tier,
        "model": that tier's ModelInfo.id, "cost_usd": float, "calls": calls made}
    """
    def parse(text):
        """(answer, confidence), or (None, 0.0) when the reply is unusable."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError):
            return None, 0.0
        if not isinstance(data, dict):
            return None, 0.0
        answer, confidence = data.get("answer"), data.get("confidence")
        if (not isinstance(answer, str)
                or not isinstance(confidence, (int, float)) or not 0 <= confidence <= 1):
            return None, 0.0
        return answer, float(confidence)

    if not tiers:
        raise ValueError("a cascade needs at least one tier")
    cost = 0.0
    for index, (info, model) in enumerate(tiers):
        reply = model.chat(messages, response_schema=CONFIDENCE_SCHEMA)
        usage = reply.usage
        cost += request_cost(info, usage.input_tokens, usage.output_tokens, cached_tokens=usage.cached_input_tokens)
        answer, confidence = parse(reply.text)
        last = index == len(tiers) - 1
        if last or (answer is not None and confidence >= threshold):
            return {"answer": answer, "tier": index, "model": info.id,
                    "cost_usd": cost, "calls": index + 1}
