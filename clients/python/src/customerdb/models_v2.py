"""Types of Medusa 2.x's interface of the module (``db.v2``), under Medusa's names. The results
have v1's JSON shapes (:mod:`customerdb.models`) but for ``deleted_at``: addresses and
memberships are soft-deletable in Medusa 2.x's model, and every address and membership a v2
method returns, nested ones included, carries it (``None`` while the row is live; v1's answers
leave it out). So the result types are here, each with its relations of v2's types; where v2's
inputs differ they are here too: a group's ``name`` is required. Where a shape is v1's, it is
v1's type, re-exported.

How v2 reads some inputs differs from v1 (see ``db.v2`` in clients/python/README.md): the lists
have no default ``take``, ``q`` is split into words that must all match, ``metadata`` in update
data is a shallow merge where a key given ``""`` is removed, and soft-deleting a customer
soft-deletes its addresses too. Memberships are soft-deletable on their own
(``softDeleteCustomerGroupCustomers``).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from .models import (Context, CreateCustomerAddressDTO, CreateCustomerDTO,
                     CustomerUpdatableFields, Filters, FindConfig, GroupCustomerPair,
                     InlineAddressDTO, MembershipId, Metadata, SoftDeleteConfig,
                     UpdateCustomerAddressDTO, _CustomerAddressFields, _CustomerFields,
                     _CustomerGroupCustomerFields, _CustomerGroupFields)

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
    "MembershipId",
    "Metadata",
    "SoftDeleteConfig",
    "UpdateCustomerAddressDTO",
]


# ---- results: v1's fields, ``deleted_at`` on addresses and memberships, relations of v2 -----

class CustomerAddressDTO(_CustomerAddressFields, total=False):
    """An address (Medusa 2.x's model ``CustomerAddress``). ``deleted_at`` is when it was
    soft-deleted (``softDeleteCustomerAddresses``, or with its customer), ``None`` while it is
    live; soft-deleted addresses show only with ``withDeleted``."""
    deleted_at: str | None
    customer: CustomerDTO


class CustomerGroupDTO(_CustomerGroupFields, total=False):
    customers: list[CustomerDTO]


class CustomerDTO(_CustomerFields, total=False):
    groups: list[CustomerGroupDTO]
    addresses: list[CustomerAddressDTO]


class CustomerGroupCustomerDTO(_CustomerGroupCustomerFields, total=False):
    """A group membership. ``deleted_at`` is when it was soft-deleted
    (``softDeleteCustomerGroupCustomers``), ``None`` while it is live. A soft-deleted membership
    shows in ``listCustomerGroupCustomers`` only with ``withDeleted``, but still links its
    customer and group (a customer's ``groups``, a group's ``customers``, ``groups`` filters)."""
    deleted_at: str | None
    customer: CustomerDTO
    customer_group: CustomerGroupDTO


# ---- inputs --------------------------------------------------------------------------------

class CreateCustomerGroupDTO(TypedDict):
    """Input of ``createCustomerGroups``: ``name`` is required (not ``None``)."""
    name: str
    id: NotRequired[str]
    metadata: NotRequired[Metadata | None]
    created_by: NotRequired[str | None]


class CustomerGroupUpdatableFields(TypedDict, total=False):
    """Input of ``updateCustomerGroups``: a group's name cannot be cleared."""
    name: str
    metadata: Metadata | None
    created_by: str | None
