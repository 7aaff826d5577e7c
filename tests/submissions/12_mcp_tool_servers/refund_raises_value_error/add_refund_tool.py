from course.lessons.mcp_tools import ToolAnnotations, ToolError


def add_refund_tool(server, desk):
    """Register refund_order on server; it refunds through desk, with checks the model can act on."""
    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                                             open_world_hint=False), structured_output=False)
    def refund_order(order_id: str, amount: float) -> str:
        """Refund an amount in euros on an order: money leaves the company."""
        if order_id not in desk.orders:
            raise ValueError(f"unknown order {order_id!r}: order ids look like 'A100'; call lookup_order to check one")
        if amount <= 0:
            raise ValueError(f"amount must be more than 0 euros, got {amount:.2f}")
        left = desk.refundable(order_id)
        if amount > left:
            raise ValueError(f"only {left:.2f} euros of order {order_id} can still be refunded; ask for at most that")
        desk.refund(order_id, amount)
        return f"refunded {amount:.2f} on order {order_id}"
