def judge_tpr_tnr(judge_labels, human_labels):
    if len(judge_labels) != len(human_labels):
        raise ValueError("lengths differ")
    for label in list(judge_labels) + list(human_labels):
        if label not in ("pass", "fail"):
            raise ValueError("bad label")
    passed = [j for j, h in zip(judge_labels, human_labels) if h == "pass"]
    failed = [j for j, h in zip(judge_labels, human_labels) if h == "fail"]
    if not passed or not failed:
        raise ValueError("need both")
    return passed.count("pass") / len(passed), failed.count("fail") / len(failed)


def corrected_pass_rate(observed, tpr, tnr):
    return (observed + tnr - 1) / (tpr + tnr - 1)
