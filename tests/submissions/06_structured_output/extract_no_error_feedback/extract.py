from pydantic import ValidationError

from course.specs import ExtractionError, extraction_prompt


def extract(model, text, Schema, max_retries=2, max_tokens=200):
    schema = Schema.model_json_schema()
    messages = [{"role": "system", "content": extraction_prompt(schema)},
                {"role": "user", "content": text}]
    last_error = None
    for _ in range(max_retries + 1):
        # just ask again: the model is not deterministic, so the next try may work
        reply = model.chat(messages, response_schema=schema, max_tokens=max_tokens)
        try:
            return Schema.model_validate_json(reply.text)
        except ValidationError as error:
            last_error = error
    raise ExtractionError(f"no valid reply after {max_retries + 1} attempts",
                          attempts=max_retries + 1, last_error=last_error)
