def judge_tpr_tnr(judge_labels, human_labels):
    """How well a judge agrees with people: (TPR, TNR).

    TPR: among the answers the humans passed, the share the judge passed.
    TNR: among the answers the humans failed, the share the judge failed.

    >>> judge_tpr_tnr(["pass", "fail", "pass", "pass"], ["pass", "pass", "fail", "fail"])
    (0.5, 0.0)
    """
    judge_labels, human_labels = list(judge_labels), list(human_labels)
    if len(judge_labels) != len(human_labels):
        raise ValueError(f"{len(judge_labels)} judge labels but {len(human_labels)} human labels")
    for label in judge_labels + human_labels:
        if label not in ("pass", "fail"):
            raise ValueError(f"labels must be 'pass' or 'fail', got {label!r}")
    on_human_pass = [j for j, h in zip(judge_labels, human_labels) if h == "pass"]
    on_human_fail = [j for j, h in zip(judge_labels, human_labels) if h == "fail"]
    if not on_human_pass or not on_human_fail:
        raise ValueError("calibration needs at least one answer humans passed and one they failed")
    tpr = on_human_pass.count("pass") / len(on_human_pass)
    tnr = on_human_fail.count("fail") / len(on_human_fail)
    return tpr, tnr


def corrected_pass_rate(observed, tpr, tnr):
    """Estimate the true pass rate from a judge's observed pass rate and its TPR and TNR.

    (observed + tnr - 1) / (tpr + tnr - 1), clipped to [0, 1].

    >>> round(corrected_pass_rate(0.675, 0.95, 0.60), 3)
    0.5
    """
    for name, value in (("observed", observed), ("tpr", tpr), ("tnr", tnr)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1, got {value}")
    if tpr + tnr <= 1:
        raise ValueError(f"tpr + tnr = {tpr + tnr:.3f} <= 1: the judge is no better than chance, "
                         "so its pass rate cannot be corrected")
    estimate = (observed + tnr - 1) / (tpr + tnr - 1)
    return min(1, max(0, estimate))
