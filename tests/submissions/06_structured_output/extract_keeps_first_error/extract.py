from pydantic import ValidationError

from course.specs import ExtractionError, extraction_prompt


def extract(model, text, Schema, max_retries=2, max_tokens=200):
    """Ask `model` for JSON matching `Schema`; validate, feed errors back, retry; return a Schema instance.

    >>> model = ScriptedModel(['{"city": "Oslo"', '{"city": "Oslo", "nights": 3}'])
    >>> extract(model, "Three nights in Oslo.", Booking, max_retries=2)   # Booking(BaseModel): city: str; nights: int
    Booking(city='Oslo', nights=3)
    >>> len(model.calls), [m["role"] for m in model.calls[1].messages]
    (2, ['system', 'user', 'assistant', 'user'])
    """
    schema = Schema.model_json_schema()
    messages = [{"role": "system", "content": extraction_prompt(schema)},
                {"role": "user", "content": text}]
    last_error = None
    for _ in range(max_retries + 1):
        reply = model.chat(messages, response_schema=schema, max_tokens=max_tokens)
        try:
            return Schema.model_validate_json(reply.text)
        except ValidationError as error:
            last_error = last_error or error
            messages = messages + [
                {"role": "assistant", "content": reply.text},
                {"role": "user", "content": (f"Your reply does not match the schema:\n{error}\n"
                                             "Reply again with the corrected JSON object only.")},
            ]
    raise ExtractionError(f"no valid reply after {max_retries + 1} attempts; last error:\n{last_error}",
                          attempts=max_retries + 1, last_error=last_error)
