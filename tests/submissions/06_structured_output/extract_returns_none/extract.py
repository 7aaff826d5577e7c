from pydantic import ValidationError

from course.specs import ExtractionError, extraction_prompt


def extract(model, text, Schema, max_retries=2, max_tokens=200):
    schema = Schema.model_json_schema()
    messages = [{"role": "system", "content": extraction_prompt(schema)},
                {"role": "user", "content": text}]
    for _ in range(max_retries + 1):
        reply = model.chat(messages, response_schema=schema, max_tokens=max_tokens)
        try:
            return Schema.model_validate_json(reply.text)
        except ValidationError as error:
            messages = messages + [
                {"role": "assistant", "content": reply.text},
                {"role": "user", "content": f"Your reply does not match the schema:\n{error}\nFix it."},
            ]
    return None  # nothing valid: let the caller decide
