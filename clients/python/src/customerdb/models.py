"""Types of the values the methods take and return, named after Medusa's (``CustomerDTO``,
``CreateCustomerDTO``, ``FindConfig``, ...), as ``TypedDict`` s: at run time they are plain
dicts, exactly the JSON of docs/protocol.md ("Values", "Input objects", "Find config").

Results hold every scalar field, or only ``id`` and the selected ones with ``select``, and a
relation only when it was loaded; so every key of a result type is optional. Filters are plain
mappings (docs/protocol.md, "Filters").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypedDict

__all__ = [
    "Context",
    "CreateCustomerAddressDTO",
    "CreateCustomerDTO",
    "CreateCustomerGroupDTO",
    "CustomerAddressDTO",
    "CustomerDTO",
    "CustomerGroupCustomerDTO",
    "CustomerGroupDTO",
    "CustomerGroupUpdatableFields",
    "CustomerUpdatableFields",
    "Filters",
    "FindConfig",
    "GroupCustomerPair",
    "InlineAddressDTO",
    "MarkResult",
    "Metadata",
    "MembershipId",
    "ClearResult",
    "LoadFixtureResult",
    "RewindResult",
    "SnapshotResult",
    "SoftDeleteConfig",
    "StatsResult",
    "TransactionId",
    "TransactionOptions",
    "UpdateCustomerAddressDTO",
]

#: ``metadata``: a JSON object, stored exactly as given.
Metadata = dict[str, Any]

#: A filter (docs/protocol.md, "Filters"): ``{"email": "a@x.com"}``, ``{"groups": {"name":
#: "VIP"}}``, ``{"$or": [...]}``, ``{"q": "smith"}``, ... ``{}`` matches every row.
Filters = Mapping[str, Any]


# ---- results -------------------------------------------------------------------------------
# Each result type is its entity's scalar fields (a ``_...Fields`` base, v1's) and its
# relations; customerdb.models_v2 builds Medusa 2.x's result types on the same bases.

class _CustomerAddressFields(TypedDict, total=False):
    id: str
    customer_id: str
    address_name: str | None
    is_default_shipping: bool
    is_default_billing: bool
    company: str | None
    first_name: str | None
    last_name: str | None
    address_1: str | None
    address_2: str | None
    city: str | None
    country_code: str | None
    province: str | None
    postal_code: str | None
    phone: str | None
    metadata: Metadata | None
    created_at: str
    updated_at: str


class _CustomerGroupFields(TypedDict, total=False):
    id: str
    name: str | None
    metadata: Metadata | None
    created_by: str | None
    created_at: str
    updated_at: str
    deleted_at: str | None


class _CustomerFields(TypedDict, total=False):
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    company_name: str | None
    phone: str | None
    has_account: bool
    metadata: Metadata | None
    created_by: str | None
    default_billing_address_id: str | None
    default_shipping_address_id: str | None
    created_at: str
    updated_at: str
    deleted_at: str | None


class _CustomerGroupCustomerFields(TypedDict, total=False):
    id: str
    customer_id: str
    customer_group_id: str
    metadata: Metadata | None
    created_by: str | None
    created_at: str
    updated_at: str


class CustomerAddressDTO(_CustomerAddressFields, total=False):
    customer: CustomerDTO


class CustomerGroupDTO(_CustomerGroupFields, total=False):
    customers: list[CustomerDTO]


class CustomerDTO(_CustomerFields, total=False):
    groups: list[CustomerGroupDTO]
    addresses: list[CustomerAddressDTO]


class CustomerGroupCustomerDTO(_CustomerGroupCustomerFields, total=False):
    customer: CustomerDTO
    customer_group: CustomerGroupDTO


class MembershipId(TypedDict):
    """What ``addCustomerToGroup`` returns for each pair: the membership's id."""
    id: str


# ---- inputs (docs/protocol.md, "Input objects") --------------------------------------------

class InlineAddressDTO(TypedDict, total=False):
    """An address inside ``CreateCustomerDTO.addresses``: its ``customer_id`` is the new
    customer's."""
    id: str
    address_name: str | None
    company: str | None
    first_name: str | None
    last_name: str | None
    address_1: str | None
    address_2: str | None
    city: str | None
    country_code: str | None
    province: str | None
    postal_code: str | None
    phone: str | None
    is_default_shipping: bool
    is_default_billing: bool
    metadata: Metadata | None


class CreateCustomerAddressDTO(InlineAddressDTO, total=False):
    """Input of ``addAddresses``: ``customer_id`` is required by the program."""
    customer_id: str


class UpdateCustomerAddressDTO(TypedDict, total=False):
    """Input of ``updateAddresses``: absent keys are left as they are, ``None`` clears."""
    customer_id: str
    address_name: str | None
    company: str | None
    first_name: str | None
    last_name: str | None
    address_1: str | None
    address_2: str | None
    city: str | None
    country_code: str | None
    province: str | None
    postal_code: str | None
    phone: str | None
    is_default_shipping: bool
    is_default_billing: bool
    metadata: Metadata | None


class CreateCustomerDTO(TypedDict, total=False):
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    company_name: str | None
    phone: str | None
    has_account: bool
    metadata: Metadata | None
    created_by: str | None
    addresses: list[InlineAddressDTO]


class CustomerUpdatableFields(TypedDict, total=False):
    """Input of ``update``: absent keys are left as they are, ``None`` clears."""
    email: str | None
    first_name: str | None
    last_name: str | None
    company_name: str | None
    phone: str | None
    has_account: bool
    metadata: Metadata | None
    created_by: str | None


class CreateCustomerGroupDTO(TypedDict, total=False):
    id: str
    name: str | None
    metadata: Metadata | None
    created_by: str | None


class CustomerGroupUpdatableFields(TypedDict, total=False):
    name: str | None
    metadata: Metadata | None
    created_by: str | None


class GroupCustomerPair(TypedDict):
    customer_id: str
    customer_group_id: str


# ---- configs and contexts ------------------------------------------------------------------

# A sort direction as SQL reads it after the column: ASC or DESC in any case, optionally followed
# by NULLS FIRST or NULLS LAST, which place the nulls (by default last ascending, first
# descending). These are the common spellings; other case and spacing is accepted too, and other
# text is invalid_data.
OrderDirection = Literal["ASC", "DESC", "asc", "desc", "ASC NULLS FIRST", "ASC NULLS LAST",
                         "DESC NULLS FIRST", "DESC NULLS LAST", "asc nulls first",
                         "asc nulls last", "desc nulls first", "desc nulls last"]


class FindConfig(TypedDict, total=False):
    """The second param of ``retrieve*`` and ``list*`` (docs/protocol.md, "Find config")."""
    select: list[str]
    relations: list[str]
    skip: int | None
    take: int | None
    order: dict[str, Any]
    withDeleted: bool | None


class SoftDeleteConfig(TypedDict, total=False):
    """The second param of ``softDelete*`` and ``restore*``."""
    returnLinkableKeys: list[str]


class Context(TypedDict, total=False):
    """The last param of every module method (Medusa's ``sharedContext``): a transaction's id
    and the call's time budget. A :class:`customerdb.Transaction` is one too."""
    transactionId: str
    timeoutMs: int | None


class TransactionOptions(TypedDict, total=False):
    timeoutMs: int


class TransactionId(TypedDict):
    transactionId: str


# ---- results of the methods beyond the module ----------------------------------------------

class SnapshotResult(TypedDict):
    path: str
    bytes: int
    sequence: int


class StatsResult(TypedDict):
    customers: int
    customerGroups: int
    customerAddresses: int
    customerGroupCustomers: int
    sequence: int
    memoryBytes: int
    heapBytes: int
    poolBytes: int
    residentBytes: int
    pinnedReads: int
    lastSnapshotAt: str | None
    lastSnapshotSequence: int | None


class MarkResult(TypedDict):
    sequence: int


class RewindResult(TypedDict):
    restored: int


class ClearResult(TypedDict):
    erased: int


class LoadFixtureResult(TypedDict):
    imported: int
