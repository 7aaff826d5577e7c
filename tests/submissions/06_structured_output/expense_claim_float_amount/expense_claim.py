from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ExpenseClaim(BaseModel):
    employee: str
    purchase_date: date
    amount: float = Field(ge=0)
    category: Literal["software", "client-meal", "coworking", "shipping"]
    receipt_attached: bool
    note: str | None = None

    @field_validator("employee")
    @classmethod
    def work_email(cls, value: str) -> str:
        value = value.strip().lower()
        if not value.endswith("@tidewater.example") or value.startswith("@"):
            raise ValueError("employee must be a work e-mail ending in @tidewater.example")
        return value

    @model_validator(mode="after")
    def receipt_needed(self):
        if self.amount >= 25 and not self.receipt_attached:
            raise ValueError("claims of $25 or more need a receipt")
        return self
