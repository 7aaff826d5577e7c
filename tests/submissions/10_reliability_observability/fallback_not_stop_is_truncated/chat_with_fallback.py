def chat_with_fallback(models, messages, **chat_kwargs):
    """Ask each model in turn; return (response, failures) from the first complete reply.

    A model fails when model.chat(messages, **chat_kwargs) raises ProviderUnavailableError
    (CircuitOpenError included), or when its reply was cut off (finish_reason == "length").
    failures lists (model.model_id, reason) for each model that failed before the answer:
    reason is type(error).__name__, or "truncated" for a cut-off reply.
    Any other exception propagates at once: the next model is not asked.
    If every model fails, raise AllModelsFailedError(failures). ValueError if models is empty.

    >>> reply, failures = chat_with_fallback([primary, backup], QUESTION)   # primary answers 503
    >>> reply.model, failures
    ('backup', [('primary', 'ProviderUnavailableError')])
    """
    if not models:
        raise ValueError("chat_with_fallback needs at least one model")
    failures, last_error = [], None
    for model in models:
        try:
            reply = model.chat(messages, **chat_kwargs)
        except ProviderUnavailableError as error:
            failures.append((model.model_id, type(error).__name__))
            last_error = error
            continue
        if reply.finish_reason != "stop":
            failures.append((model.model_id, "truncated"))
            continue
        return reply, failures
    raise AllModelsFailedError(failures) from last_error
