def run_eval(system_fn, golden, check):
    results = []
    for item in golden:
        try:
            answer = system_fn(item["question"])
        except Exception as error:
            results.append({"id": item["id"], "answer": None, "passed": False,
                            "error": f"{type(error).__name__}: {error}"})
            continue
        results.append({"id": item["id"], "answer": answer, "passed": bool(check(answer, item)), "error": None})
    answered = [r for r in results if r["error"] is None]
    pass_rate = sum(r["passed"] for r in answered) / len(answered) if answered else 0.0
    return results, pass_rate
