"""Helpers of the package's unittest suites. The program under test is $CUSTOMERDB (else
customerdb on PATH); the package is imported from PYTHONPATH (clients/python/src)."""

from __future__ import annotations

import pathlib
import re
from collections.abc import Mapping
from typing import Any

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

# The repository's root (clients/python/tests/unit/support.py), for docs/protocol.md.
REPOSITORY = pathlib.Path(__file__).resolve().parents[4]


def without_times(value: Any) -> Any:
    """``value`` with every ``created_at`` and ``updated_at`` removed, at any depth, after
    checking that each is a timestamp; ``deleted_at`` is kept when null and replaced by "set"
    otherwise."""
    if isinstance(value, list):
        return [without_times(v) for v in value]
    if isinstance(value, Mapping):
        out = {}
        for key, v in value.items():
            if key in ("created_at", "updated_at"):
                assert isinstance(v, str) and TIMESTAMP.match(v), (key, v)
                continue
            if key == "deleted_at" and v is not None:
                assert isinstance(v, str) and TIMESTAMP.match(v), (key, v)
                v = "set"
            out[key] = without_times(v)
        return out
    return value


def customer(id: str, email: str | None, **fields: Any) -> dict[str, Any]:
    """A customer DTO without timestamps: every scalar field, null unless given."""
    dto: dict[str, Any] = {
        "id": id, "email": email, "first_name": None, "last_name": None, "company_name": None,
        "phone": None, "has_account": False, "metadata": None, "created_by": None,
        "default_billing_address_id": None, "default_shipping_address_id": None,
        "deleted_at": None}
    dto.update(fields)
    return dto


def group(id: str, name: str | None, **fields: Any) -> dict[str, Any]:
    dto: dict[str, Any] = {"id": id, "name": name, "metadata": None, "created_by": None,
                           "deleted_at": None}
    dto.update(fields)
    return dto


def address(id: str, customer_id: str, **fields: Any) -> dict[str, Any]:
    dto: dict[str, Any] = {
        "id": id, "customer_id": customer_id, "address_name": None,
        "is_default_shipping": False, "is_default_billing": False, "company": None,
        "first_name": None, "last_name": None, "address_1": None, "address_2": None,
        "city": None, "country_code": None, "province": None, "postal_code": None,
        "phone": None, "metadata": None}
    dto.update(fields)
    return dto


def address_v2(id: str, customer_id: str, **fields: Any) -> dict[str, Any]:
    """An address DTO of a v2 result: v1's fields and ``deleted_at`` (None unless given)."""
    return address(id, customer_id, **{"deleted_at": None, **fields})


def membership_v2(id: str, customer_id: str, customer_group_id: str,
                  **fields: Any) -> dict[str, Any]:
    """A membership DTO of a v2 result, without timestamps."""
    dto: dict[str, Any] = {"id": id, "customer_id": customer_id,
                           "customer_group_id": customer_group_id, "metadata": None,
                           "created_by": None, "deleted_at": None}
    dto.update(fields)
    return dto
