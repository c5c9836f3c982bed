"""The shapes of the protocol's methods, as descriptors: one class per shape of params
(docs/protocol.md, "Methods"), typed, so that a method of the client is one line of a table,
``listAndCount = ListAndCountMethod[CustomerDTO]()``, whose name is the protocol's method name.

Read from a client, a row of the table is a callable bound to that client; read from the class,
it is the row itself (``CustomerDb.listAndCount.name == "listAndCount"``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Generic, Protocol, Self, TypeVar, overload

from .models import (Filters, FindConfig, GroupCustomerPair, MembershipId, SoftDeleteConfig,
                     TransactionId, TransactionOptions)

__all__ = [
    "AddPairsMethod",
    "BeginTransactionMethod",
    "ContextArg",
    "CreateMethod",
    "DeleteMethod",
    "EndTransactionMethod",
    "ListAndCountMethod",
    "ListMethod",
    "Method",
    "NoParamsMethod",
    "PathMethod",
    "RemovePairsMethod",
    "RetrieveMethod",
    "SoftDeleteMethod",
    "Target",
    "UpdateMethod",
]

# Inputs are JSON objects (TypedDicts of customerdb.models).
In = TypeVar("In", bound=Mapping[str, object])
Out = TypeVar("Out")
R = TypeVar("R")

#: The last param of every module method: a :class:`customerdb.Transaction`, a mapping such as
#: ``{"transactionId": ..., "timeoutMs": ...}`` (docs/protocol.md, "Transactions" and "Time
#: budgets"), or ``None`` for no transaction. Medusa's ``sharedContext``.
ContextArg = Mapping[str, Any] | None

#: What ``update*`` and ``delete*`` act on: an id, a list of ids, or a selector (a filter).
Target = str | list[str] | tuple[str, ...] | Filters


class _Client(Protocol):
    def call(self, method: str, params: Sequence[Any] | None = None) -> Any: ...


def _params(required: Sequence[Any], optional: Sequence[Any]) -> list[Any]:
    """``required`` then ``optional``, less the trailing ``None`` s of ``optional`` (the
    protocol takes a left-out trailing param as ``null``)."""
    optional = list(optional)
    while optional and optional[-1] is None:
        optional.pop()
    return [*required, *optional]


def _context(context: ContextArg) -> dict[str, Any] | None:
    return None if context is None else dict(context)


class Method:
    """A method of the protocol. ``name`` is its name on the wire (the attribute's name, after
    the ``wire_prefix`` of the table that holds it); ``module`` is true for the Customer
    Module's methods (which take a context) and false for the server's own."""

    __slots__ = ("name", "_client")
    module: bool = True

    def __init__(self, name: str | None = None) -> None:
        self.name: str = name or ""
        self._client: _Client | None = None

    def __set_name__(self, owner: type, attribute: str) -> None:
        # The name on the wire: the attribute's, after the table's prefix ("v2." for v2's).
        if not self.name:
            self.name = getattr(owner, "wire_prefix", "") + attribute

    def __get__(self, instance: object | None, owner: type | None = None) -> Self:
        if instance is None:
            return self
        bound = object.__new__(type(self))
        bound.name = self.name
        bound._client = instance  # type: ignore[assignment]
        return bound

    def __repr__(self) -> str:
        state = "bound" if self._client is not None else "unbound"
        return f"<customerdb method {self.name} ({type(self).__name__}, {state})>"

    def _send(self, params: list[Any]) -> Any:
        if self._client is None:
            raise TypeError(f"{self.name} is called on a client, e.g. db.{self.name}(...)")
        return self._client.call(self.name, params)

    def _module_call(self, required: Sequence[Any], optional: Sequence[Any],
                     context: ContextArg) -> Any:
        return self._send(_params(required, [*optional, _context(context)]))


# ---- the module's shapes -------------------------------------------------------------------

class CreateMethod(Method, Generic[In, Out]):
    """``[data | data[], ctx?]``: creates one (returns it) or several (returns them, in input
    order)."""

    __slots__ = ()

    @overload
    def __call__(self, data: In, context: ContextArg = None) -> Out: ...
    @overload
    def __call__(self, data: list[In] | tuple[In, ...],
                 context: ContextArg = None) -> list[Out]: ...

    def __call__(self, data: Any, context: ContextArg = None) -> Any:
        return self._module_call([data], [], context)


class RetrieveMethod(Method, Generic[Out]):
    """``[id, config?, ctx?]``: one live row by id (``withDeleted`` in ``config`` for deleted
    ones); not_found when there is none."""

    __slots__ = ()

    def __call__(self, id: str, config: FindConfig | None = None,
                 context: ContextArg = None) -> Out:
        result: Out = self._module_call([id], [config], context)
        return result


class UpdateMethod(Method, Generic[In, Out]):
    """``[target, data, ctx?]``: updates by id (returns the row), ids or a selector (returns
    the rows, ordered by id)."""

    __slots__ = ()

    @overload
    def __call__(self, target: str, data: In, context: ContextArg = None) -> Out: ...
    @overload
    def __call__(self, target: list[str] | tuple[str, ...] | Filters, data: In,
                 context: ContextArg = None) -> list[Out]: ...

    def __call__(self, target: Any, data: Any, context: ContextArg = None) -> Any:
        return self._module_call([target, data], [], context)


class DeleteMethod(Method):
    """``[target, ctx?]``: hard-deletes by id, ids or selector; unknown ids are ignored."""

    __slots__ = ()

    def __call__(self, target: Target, context: ContextArg = None) -> None:
        self._module_call([target], [], context)


class ListMethod(Method, Generic[Out]):
    """``[filters?, config?, ctx?]``: the rows matching ``filters``, as ``config`` says (15 by
    default: ``take``)."""

    __slots__ = ()

    def __call__(self, filters: Filters | None = None, config: FindConfig | None = None,
                 context: ContextArg = None) -> list[Out]:
        result: list[Out] = self._module_call([], [filters, config], context)
        return result


class ListAndCountMethod(Method, Generic[Out]):
    """``[filters?, config?, ctx?]``: ``(rows, count)``, the count ignoring ``skip`` and
    ``take``. The protocol's ``[rows, count]`` comes back as a tuple."""

    __slots__ = ()

    def __call__(self, filters: Filters | None = None, config: FindConfig | None = None,
                 context: ContextArg = None) -> tuple[list[Out], int]:
        rows, count = self._module_call([], [filters, config], context)
        return rows, count


class SoftDeleteMethod(Method):
    """``[id | ids[] | selector, softDeleteConfig?, ctx?]``: soft-deletes or restores; returns
    the ids it acted on by linkable key (``{"customer_id": [...]}``), or ``{}``. A selector (a
    filter) is for Medusa v2's methods, as v2 takes a filter object; v1's refuse it."""

    __slots__ = ()

    def __call__(self, ids: str | Sequence[str] | Filters, config: SoftDeleteConfig | None = None,
                 context: ContextArg = None) -> dict[str, list[str]]:
        # A tuple goes as a list; anything but a sequence (a selector mapping) goes as it is,
        # rather than as its keys.
        result: dict[str, list[str]] = self._module_call(
            [list(ids) if isinstance(ids, (list, tuple)) else ids], [config], context)
        return result


class AddPairsMethod(Method):
    """``[pair | pair[], ctx?]``: adds customers to groups; returns the membership's id (the
    existing one when the pair is a member already)."""

    __slots__ = ()

    @overload
    def __call__(self, pairs: GroupCustomerPair, context: ContextArg = None) -> MembershipId: ...
    @overload
    def __call__(self, pairs: list[GroupCustomerPair] | tuple[GroupCustomerPair, ...],
                 context: ContextArg = None) -> list[MembershipId]: ...

    def __call__(self, pairs: Any, context: ContextArg = None) -> Any:
        return self._module_call([pairs], [], context)


class RemovePairsMethod(Method):
    """``[pair | pair[], ctx?]``: removes customers from groups; pairs that are not members are
    ignored."""

    __slots__ = ()

    def __call__(self, pairs: GroupCustomerPair | Sequence[GroupCustomerPair],
                 context: ContextArg = None) -> None:
        self._module_call([pairs if isinstance(pairs, Mapping) else list(pairs)], [], context)


# ---- the server's shapes -------------------------------------------------------------------

class NoParamsMethod(Method, Generic[R]):
    """``[]``: a method of the server without params."""

    __slots__ = ()
    module = False

    def __call__(self) -> R:
        result: R = self._send([])
        return result


class PathMethod(Method, Generic[R]):
    """``[path]``: a method of the server that takes a path on the program's machine."""

    __slots__ = ()
    module = False

    def __call__(self, path: str | os.PathLike[str]) -> R:
        result: R = self._send([os.fspath(path)])
        return result


class BeginTransactionMethod(Method):
    """``[{"timeoutMs": n}?]``: opens a transaction, returns ``{"transactionId": "tx_..."}``.
    :meth:`CustomerDb.transaction` wraps it in a :class:`Transaction`."""

    __slots__ = ()
    module = False

    def __call__(self, options: TransactionOptions | None = None) -> TransactionId:
        result: TransactionId = self._send(_params([], [options]))
        return result


class EndTransactionMethod(Method):
    """``[{"transactionId": ...}]``: commits or rolls back a transaction."""

    __slots__ = ()
    module = False

    def __call__(self, context: Mapping[str, Any]) -> None:
        self._send([dict(context)])
