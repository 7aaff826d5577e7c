def conversation_cost(prefix_tokens, requests, price, cached=False):
    total = 0.0
    for input_tokens, output_tokens in requests:
        if cached:
            total += prefix_tokens * price.cached_input + (input_tokens - prefix_tokens) * price.input
        else:
            total += input_tokens * price.input
        total += output_tokens * price.output
    return total / 1_000_000
