def judge_tpr_tnr(judge_labels, human_labels):
    if len(judge_labels) != len(human_labels):
        raise ValueError("lengths differ")
    for label in list(judge_labels) + list(human_labels):
        if label not in ("pass", "fail"):
            raise ValueError("bad label")
    tp = sum(j == "pass" and h == "pass" for j, h in zip(judge_labels, human_labels))
    tn = sum(j == "fail" and h == "fail" for j, h in zip(judge_labels, human_labels))
    positives = human_labels.count("pass")
    negatives = human_labels.count("fail")
    if positives == 0 or negatives == 0:
        raise ValueError("need both")
    return tn / negatives, tp / positives


def corrected_pass_rate(observed, tpr, tnr):
    for value in (observed, tpr, tnr):
        if not 0 <= value <= 1:
            raise ValueError("out of range")
    if tpr + tnr <= 1:
        raise ValueError("no better than chance")
    return min(1.0, max(0.0, (observed + tnr - 1) / (tpr + tnr - 1)))
