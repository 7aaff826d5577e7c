def run_eval(system_fn, golden, check):
    """Run system_fn on every golden item, grade each answer with check.

    system_fn(question: str) -> str       the system under test
    check(answer: str, item: dict) -> bool   (any value: passed is bool(check(answer, item)))
    Returns (results, pass_rate). results holds one dict per item, in golden order:
        {"id": item["id"], "answer": str or None, "passed": bool, "error": str or None}
    An exception from system_fn is a failed item (answer None, error "TypeName: message");
    an exception from check is a bug in the eval: it propagates, run_eval does not catch it.

    >>> toy = [{"id": "t1", "question": "2+2?", "expected": "4"},
    ...        {"id": "t2", "question": "3+3?", "expected": "6"}]
    >>> results, rate = run_eval(lambda q: "4", toy, lambda answer, item: answer == item["expected"])
    >>> [r["passed"] for r in results], rate
    ([True, False], 0.5)
    """
    if not golden:
        raise ValueError("the golden set is empty: a pass rate of nothing means nothing")
    results = []
    for item in golden:
        try:
            answer = system_fn(item["question"])
            passed = bool(check(answer, item))
        except Exception as error:
            results.append({"id": item["id"], "answer": None, "passed": False,
                            "error": f"{type(error).__name__}: {error}"})
            continue
        results.append({"id": item["id"], "answer": answer, "passed": passed, "error": None})
    pass_rate = sum(result["passed"] for result in results) / len(results)
    return results, pass_rate
