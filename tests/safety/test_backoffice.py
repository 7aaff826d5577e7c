"""course/safety/backoffice.py: the shop records its statements, the tools log what ran."""

import json

from course.safety.backoffice import Approver, Backoffice, make_shop_db
from course.safety.config import PAYMENT_KEY
from course.safety.defences import naive_find_order


def test_shop_db_records_statements_and_naive_sql_is_injectable():
    db = make_shop_db()
    assert [dict(r) for r in db.execute("SELECT order_id FROM orders WHERE customer_id = ?", ("C2",))] == [{"order_id": "B200"}]
    assert db.statements == [("SELECT order_id FROM orders WHERE customer_id = ?", ("C2",))]
    assert len(naive_find_order(make_shop_db(), "C1", "A100' OR '1'='1")) == 4
    leaked = naive_find_order(make_shop_db(), "C1", "X' UNION SELECT name, value, 0, '' FROM settings --")
    assert leaked == [{"order_id": "payment_api_key", "status": PAYMENT_KEY, "total": 0, "note": ""}]
    assert not hasattr(db, "executescript")


def test_backoffice_logs_what_ran_and_returns_errors_as_text():
    office = Backoffice("C1", naive_find_order)
    assert json.loads(office.run("lookup_order", {"order_id": "A100"}))[0]["status"] == "delivered"
    assert office.run("refund_order", {"order_id": "A100", "amount": 5}) == "refunded 5.00 on order A100"
    assert office.run("refund_order", {"order_id": "A100"}).startswith("Error: TypeError")
    assert office.run("drop_tables", {}) == "Error: unknown tool 'drop_tables'"
    assert [name for name, _ in office.log] == ["lookup_order", "refund_order", "refund_order"]
    approver = Approver(False)
    assert approver("refund_order", {"amount": 1}) is False and approver.asked == [("refund_order", {"amount": 1})]
