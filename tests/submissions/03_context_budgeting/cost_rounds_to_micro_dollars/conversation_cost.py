def conversation_cost(prefix_tokens, requests, price, cached=False):
    """Dollars for a conversation whose requests all start with the same prefix.

    Worked example: prefix_tokens=1_000, requests=[(1_200, 50), (1_500, 80)].
      without caching: (1_200 + 1_500) * input + (50 + 80) * output
      with caching:      1_000 * cache_write  + 200 * input + 50 * output   (request 1)
                       + 1_000 * cached_input + 500 * input + 80 * output   (request 2)
    each total divided by 1_000_000, since prices are per million tokens.
    """
    for input_tokens, _ in requests:
        if input_tokens < prefix_tokens:
            raise ValueError(f"a request of {input_tokens} input tokens cannot hold the {prefix_tokens}-token prefix")
    dollars = 0.0
    for index, (input_tokens, output_tokens) in enumerate(requests):
        if cached:
            prefix_price = price.cache_write if index == 0 else price.cached_input
            dollars += prefix_tokens * prefix_price + (input_tokens - prefix_tokens) * price.input
        else:
            dollars += input_tokens * price.input
        dollars += output_tokens * price.output
    return round(dollars / 1_000_000, 6)
