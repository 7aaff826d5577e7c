def ask(model, question, system=None):
    reply = model.chat(make_messages(question, system))
    return reply.text.strip()
