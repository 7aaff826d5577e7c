def normalize(text):
    """normalize("The fee is $1,500!") -> 'the fee is 1 500'"""
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def contains_all_facts(answer, facts):
    """contains_all_facts("Hotels: up to $300 per night.", ["$300"]) -> True; ["$30"] -> False"""
    padded = f" {normalize(answer)} "
    return all(f" {normalize(fact)} " in padded for fact in facts)


def request_cost(price, input_tokens, output_tokens):
    """Dollars for one request: request_cost(<input 2.0, output 10.0>, 1_000, 100) -> 0.003"""
    return (input_tokens * price.input + output_tokens * price.output) / 1_000


def evaluate(results, items, price):
    """The four gate metrics of a run.

    Two answerable items (one answered right, one abstained) and one unanswerable (abstained):
    answer_accuracy 1/2, abstention_recall 1/1, citation_precision over the one answer's citations.
    """
    if len(results) != len(items):
        raise ValueError(f"{len(results)} results for {len(items)} items")
    answerable = [(r, i) for r, i in zip(results, items) if i.answerable]
    unanswerable = [(r, i) for r, i in zip(results, items) if not i.answerable]
    if not answerable or not unanswerable:
        raise ValueError("the split needs answerable and unanswerable questions to measure both")
    correct = sum(not r["abstained"] and contains_all_facts(r["answer"], i.facts) for r, i in answerable)
    cited = [(doc_id, i) for r, i in zip(results, items) if not r["abstained"] for doc_id in r["citations"]]
    precision = sum(doc_id in i.relevant for doc_id, i in cited) / len(cited) if cited else 0.0
    cost = sum(request_cost(price, r["usage"]["input_tokens"], r["usage"]["output_tokens"]) for r in results)
    return {
        "n": len(items),
        "answer_accuracy": correct / len(answerable),
        "citation_precision": precision,
        "abstention_recall": sum(r["abstained"] for r, _ in unanswerable) / len(unanswerable),
        "cost_per_request_usd": cost / len(results),
    }
