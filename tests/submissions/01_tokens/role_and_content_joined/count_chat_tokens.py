def count_chat_tokens(messages, encoding):
    """Input tokens of a chat under the OpenAI cookbook convention."""
    total = 3
    for message in messages:
        total += 3 + len(encoding.encode(message["role"] + message["content"]))
        if "name" in message:
            total += len(encoding.encode(message["name"])) + 1
    return total
