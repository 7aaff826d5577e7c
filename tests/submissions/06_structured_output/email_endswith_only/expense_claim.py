from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ExpenseClaim(BaseModel):
    """One expense claim under Tidewater's expense policy.

    >>> claim = ExpenseClaim.model_validate_json(
    ...     '{"employee": " Ada.Park@tidewater.example", "purchase_date": "2026-03-14", '
    ...     '"amount": "42.50", "category": "client-meal", "receipt_attached": true}')
    >>> claim.employee, claim.purchase_date, claim.amount, claim.note
    ('ada.park@tidewater.example', datetime.date(2026, 3, 14), Decimal('42.50'), None)
    """

    model_config = ConfigDict(extra="forbid")

    employee: str
    purchase_date: date
    amount: Decimal = Field(ge=0, decimal_places=2)
    category: Literal["software", "client-meal", "coworking", "shipping"]
    receipt_attached: bool
    note: str | None = None

    @field_validator("employee")
    @classmethod
    def work_email(cls, value: str) -> str:
        value = value.strip().lower()
        if not value.endswith("@tidewater.example") or value == "@tidewater.example":
            raise ValueError("employee must be a work e-mail ending in @tidewater.example")
        return value

    @model_validator(mode="after")
    def receipt_above_25(self):
        if self.amount > 25 and not self.receipt_attached:
            raise ValueError("claims above $25 need an itemised receipt (receipt_attached must be true)")
        return self
