from pydantic import ValidationError

from course.specs import ExtractionError, extraction_prompt


def extract(model, text, Schema, max_retries=2, max_tokens=200):
    schema = Schema.model_json_schema()
    messages = [{"role": "system", "content": extraction_prompt(schema)},
                {"role": "user", "content": text}]
    last_error = None
    for attempt in range(max_retries):
        reply = model.chat(messages, response_schema=schema, max_tokens=max_tokens)
        try:
            return Schema.model_validate_json(reply.text)
        except ValidationError as error:
            last_error = error
            messages = messages + [
                {"role": "assistant", "content": reply.text},
                {"role": "user", "content": f"Your reply does not match the schema:\n{error}\nFix it."},
            ]
    raise ExtractionError(f"no valid reply after {max_retries} attempts",
                          attempts=max_retries, last_error=last_error)
