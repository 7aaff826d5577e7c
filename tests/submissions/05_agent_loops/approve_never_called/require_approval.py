import functools


def require_approval(tools, dangerous, approve):
    """A copy of tools whose dangerous ones run only when approve(name, arguments) says yes."""
    for name in dangerous:
        if name not in tools:
            raise KeyError(name)
    gated = {}
    for name, func in tools.items():
        if name in dangerous:
            gated[name] = make_gated(func, approve)
        else:
            gated[name] = func
    return gated


def make_gated(func, approve):
    @functools.wraps(func)
    def wrapper(**arguments):
        if approve:
            return func(**arguments)
        return "not approved"
    return wrapper
