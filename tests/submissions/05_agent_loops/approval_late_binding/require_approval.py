import functools


def require_approval(tools, dangerous, approve):
    """A copy of tools whose dangerous ones run only when approve(name, arguments) says yes."""
    for name in dangerous:
        if name not in tools:
            raise KeyError(name)
    gated = {}
    for name, func in tools.items():
        if name in dangerous:
            @functools.wraps(func)
            def wrapper(**arguments):
                if approve(name, arguments):
                    return func(**arguments)
                return "not approved"
            gated[name] = wrapper
        else:
            gated[name] = func
    return gated
