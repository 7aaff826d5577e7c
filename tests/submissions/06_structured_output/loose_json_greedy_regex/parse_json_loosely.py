def parse_json_loosely(text):
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if match is None:
        raise ValueError("no JSON object in the text")
    return json.loads(match.group(0))
