import functools


def require_approval(tools, dangerous, approve):
    """A copy of tools whose dangerous ones run only when approve(name, arguments) says yes.

    >>> desk = SupportDesk()
    >>> gated = require_approval(desk.tools(), {"refund_order"}, lambda name, arguments: False)
    >>> gated["refund_order"](order_id="A100", amount=42.5)
    'not approved'
    >>> desk.log
    []
    """
    unknown = set(dangerous) - set(tools)
    if unknown:
        raise KeyError(f"dangerous tools {sorted(unknown)} are not in tools")

    def gate(name, func):
        @functools.wraps(func)
        def gated(**arguments):
            if approve(name, arguments) is not True:
                return "not approved"
            return func(**arguments)
        return gated

    return {name: gate(name, func) if name in dangerous else func for name, func in tools.items()}
