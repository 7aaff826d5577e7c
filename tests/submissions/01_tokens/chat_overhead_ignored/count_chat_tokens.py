def count_chat_tokens(messages, encoding):
    """Input tokens of a chat: the tokens of what the users and the assistant wrote."""
    return sum(len(encoding.encode(message["content"])) for message in messages)
