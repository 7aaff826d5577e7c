import time

from opentelemetry.trace import SpanKind, Status, StatusCode

from course.catalog import load_catalog


def traced_chat(model, messages, tracer, *, clock=time.monotonic, **chat_kwargs):
    """model.chat(messages, **chat_kwargs) inside one OpenTelemetry span; returns the response.

    Span: name f"chat {model.model_id}", kind SpanKind.CLIENT, always ended. Attributes:
      always      gen_ai.operation.name = "chat", gen_ai.provider.name = model.provider,
                  gen_ai.request.model = model.model_id,
                  course.latency_s = clock() after the call - clock() before it
      on success  gen_ai.response.model, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens,
                  gen_ai.response.finish_reasons = [response.finish_reason],
                  course.cost_usd (from the catalog row of response.model; left out if the
                  model is not in the catalog)
      on error    error.type = type(error).__name__, status ERROR, an "exception" event;
                  then re-raise the error.

    >>> reply = traced_chat(flaky, QUESTION, tracer, clock=clock)
    >>> dict(exporter.get_finished_spans()[-1].attributes)["gen_ai.usage.output_tokens"]
    8
    """
    attributes = {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": model.provider,
        "gen_ai.request.model": model.model_id,
    }
    with tracer.start_as_current_span(f"chat {model.model_id}", kind=SpanKind.CLIENT,
                                      attributes=attributes, record_exception=False,
                                      set_status_on_exception=False) as span:
        started = clock()
        try:
            response = model.chat(messages, **chat_kwargs)
        except Exception as error:
            span.set_attribute("course.latency_s", clock() - started)
            span.set_attribute("error.type", type(error).__name__)
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, str(error)))
            raise
        span.set_attribute("course.latency_s", clock() - started)
        usage = response.usage
        span.set_attribute("gen_ai.response.model", model.model_id)
        span.set_attribute("gen_ai.usage.input_tokens", usage.input_tokens)
        span.set_attribute("gen_ai.usage.output_tokens", usage.output_tokens)
        span.set_attribute("gen_ai.response.finish_reasons", [response.finish_reason])
        catalog = load_catalog()
        if response.model in catalog:
            price = catalog[response.model]
            fresh = usage.input_tokens - usage.cached_input_tokens
            dollars = (fresh * price.input + usage.cached_input_tokens * price.cached_input
                       + usage.output_tokens * price.output)
            span.set_attribute("course.cost_usd", dollars / 1_000_000)
        return response
