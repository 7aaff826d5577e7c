def lint_prompt(prompt):
    text = prompt.lower()

    def occurring(terms):
        return [term for term in terms if term in text]

    findings = []
    if not occurring(FORMAT_WORDS):
        findings.append("no-output-format")
    if not occurring(EXAMPLE_WORDS):
        findings.append("no-examples")
    if occurring(VAGUE_LENGTH_WORDS) and not re.search(LENGTH_LIMIT, prompt, re.IGNORECASE):
        findings.append("vague-length")
    if not occurring(REFUSAL_PHRASES):
        findings.append("no-refusal-rule")
    if (occurring(BREVITY_WORDS) and occurring(DETAIL_WORDS)) or len(occurring(DATA_FORMATS)) >= 2:
        findings.append("contradiction")
    for match in re.finditer(PLACEHOLDER, prompt):
        before = prompt[:match.start()].rstrip()
        after = prompt[match.end():].lstrip()
        if not (before.endswith((">", "```", '"""')) and after.startswith(("<", "```", '"""'))):
            findings.append("undelimited-input")
            break
    return findings
