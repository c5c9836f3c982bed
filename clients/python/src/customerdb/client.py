"""The client: :class:`CustomerDb` starts ``customerdb rpc`` and calls it.

Its methods are the protocol's methods under the protocol's own names, which are Medusa's
(``db.listAndCount(...)``, ``db.createCustomerGroup(...)``), with the protocol's positional
params and the context (Medusa's ``sharedContext``) last; the tables :class:`ModuleMethodsV1`
and :class:`ServerMethods` list them. ``db.v2`` has Medusa 2.x's interface of the module
(``db.v2.listCustomers(...)``), the table :class:`ModuleMethodsV2`, on the same program and store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import IO, Any, ClassVar, Literal

from ._methods import (AddPairsMethod, BeginTransactionMethod, CreateMethod, DeleteMethod,
                       EndTransactionMethod, ListAndCountMethod, ListMethod, Method,
                       NoParamsMethod, PathMethod, RemovePairsMethod, RetrieveMethod,
                       SoftDeleteMethod, UpdateMethod)
from ._process import StdioConnection, describe_status, find_program
from .errors import CustomerDbError, ProcessError
from .models import (ClearResult, CreateCustomerAddressDTO, CreateCustomerDTO,
                     CreateCustomerGroupDTO, CustomerAddressDTO, CustomerDTO,
                     CustomerGroupCustomerDTO, CustomerGroupDTO, CustomerGroupUpdatableFields,
                     CustomerUpdatableFields, LoadFixtureResult, MarkResult, RewindResult,
                     SnapshotResult, StatsResult, UpdateCustomerAddressDTO)
from .models_v2 import CreateCustomerGroupDTO as CreateCustomerGroupDTOV2
from .models_v2 import CustomerAddressDTO as CustomerAddressDTOV2
from .models_v2 import CustomerDTO as CustomerDTOV2
from .models_v2 import CustomerGroupCustomerDTO as CustomerGroupCustomerDTOV2
from .models_v2 import CustomerGroupDTO as CustomerGroupDTOV2
from .models_v2 import CustomerGroupUpdatableFields as CustomerGroupUpdatableFieldsV2

__all__ = ["CustomerDb", "CustomerDbV2", "MODULE_METHODS", "MODULE_METHODS_V2", "ModuleMethodsV1",
           "ModuleMethodsV2", "SERVER_METHODS", "ServerMethods", "Transaction"]


class ModuleMethodsV1:
    """The Customer Module's methods (Medusa's ``ICustomerModuleService``, v1), each row one
    method of docs/protocol.md, "Customers, groups, addresses and memberships": the attribute is
    the method's name on the wire, the class its params and result. :class:`ModuleMethodsV2` is
    the table of the v2 methods."""

    create = CreateMethod[CreateCustomerDTO, CustomerDTO]()
    retrieve = RetrieveMethod[CustomerDTO]()
    update = UpdateMethod[CustomerUpdatableFields, CustomerDTO]()
    delete = DeleteMethod()
    list = ListMethod[CustomerDTO]()
    listAndCount = ListAndCountMethod[CustomerDTO]()
    softDelete = SoftDeleteMethod()
    restore = SoftDeleteMethod()

    createCustomerGroup = CreateMethod[CreateCustomerGroupDTO, CustomerGroupDTO]()
    retrieveCustomerGroup = RetrieveMethod[CustomerGroupDTO]()
    updateCustomerGroups = UpdateMethod[CustomerGroupUpdatableFields, CustomerGroupDTO]()
    deleteCustomerGroups = DeleteMethod()
    listCustomerGroups = ListMethod[CustomerGroupDTO]()
    listAndCountCustomerGroups = ListAndCountMethod[CustomerGroupDTO]()
    softDeleteCustomerGroups = SoftDeleteMethod()
    restoreCustomerGroups = SoftDeleteMethod()

    addAddresses = CreateMethod[CreateCustomerAddressDTO, CustomerAddressDTO]()
    updateAddresses = UpdateMethod[UpdateCustomerAddressDTO, CustomerAddressDTO]()
    deleteAddresses = DeleteMethod()
    listAddresses = ListMethod[CustomerAddressDTO]()
    listAndCountAddresses = ListAndCountMethod[CustomerAddressDTO]()

    addCustomerToGroup = AddPairsMethod()
    removeCustomerFromGroup = RemovePairsMethod()
    listCustomerGroupCustomers = ListMethod[CustomerGroupCustomerDTO]()


class ModuleMethodsV2:
    """Medusa 2.x's interface of the module (``@medusajs/customer`` 2.x, its
    ``ICustomerModuleService``), on the same store as v1: the attribute is Medusa 2.x's method
    name, and the method's name on the wire is ``v2.`` and that name. (The program also answers
    the names only v2 has without the prefix, but a name v1 has too, such as
    ``listCustomerGroups``, keeps v1's behaviour when bare.) Params, results and errors have
    v1's shapes, except that addresses and memberships carry ``deleted_at`` (Medusa 2.x's models
    soft-delete them: :mod:`customerdb.models_v2`); what v2 does otherwise is in
    clients/python/README.md, "Medusa 2.x's interface". ``retrieveCustomerAddress``,
    ``softDeleteCustomerAddresses``, ``restoreCustomerAddresses`` and the membership methods
    after ``listCustomerGroupCustomers`` are not in Medusa 2.x's interface but its service has
    them at run time (generated for its models)."""

    wire_prefix: ClassVar[str] = "v2."

    retrieveCustomer = RetrieveMethod[CustomerDTOV2]()
    createCustomers = CreateMethod[CreateCustomerDTO, CustomerDTOV2]()
    updateCustomers = UpdateMethod[CustomerUpdatableFields, CustomerDTOV2]()
    deleteCustomers = DeleteMethod()
    listCustomers = ListMethod[CustomerDTOV2]()
    listAndCountCustomers = ListAndCountMethod[CustomerDTOV2]()
    #: Soft-deletes each customer and every address of it: ``{"customer_id": [...],
    #: "customer_address_id": [...]}``. ``restoreCustomers`` restores both likewise.
    softDeleteCustomers = SoftDeleteMethod()
    restoreCustomers = SoftDeleteMethod()

    createCustomerGroups = CreateMethod[CreateCustomerGroupDTOV2, CustomerGroupDTOV2]()
    retrieveCustomerGroup = RetrieveMethod[CustomerGroupDTOV2]()
    updateCustomerGroups = UpdateMethod[CustomerGroupUpdatableFieldsV2, CustomerGroupDTOV2]()
    deleteCustomerGroups = DeleteMethod()
    listCustomerGroups = ListMethod[CustomerGroupDTOV2]()
    listAndCountCustomerGroups = ListAndCountMethod[CustomerGroupDTOV2]()
    softDeleteCustomerGroups = SoftDeleteMethod()
    restoreCustomerGroups = SoftDeleteMethod()

    addCustomerToGroup = AddPairsMethod()
    removeCustomerFromGroup = RemovePairsMethod()
    listCustomerGroupCustomers = ListMethod[CustomerGroupCustomerDTOV2]()
    #: ``NotFoundError`` "CustomerGroupCustomer with id: <id> was not found" when there is none
    #: (or it is soft-deleted, unless ``withDeleted``).
    retrieveCustomerGroupCustomer = RetrieveMethod[CustomerGroupCustomerDTOV2]()
    listAndCountCustomerGroupCustomers = ListAndCountMethod[CustomerGroupCustomerDTOV2]()
    #: Hard-deletes memberships (their customers and groups stay).
    deleteCustomerGroupCustomers = DeleteMethod()
    #: ``{"customer_group_customer_id": [...]}``: the ids soft-deleted (or restored), or ``{}``.
    #: A soft-deleted membership is left out of ``listCustomerGroupCustomers`` unless
    #: ``withDeleted`` but still links its customer and group (a customer's ``groups``, a
    #: ``groups`` filter); ``removeCustomerFromGroup`` leaves it.
    softDeleteCustomerGroupCustomers = SoftDeleteMethod()
    restoreCustomerGroupCustomers = SoftDeleteMethod()

    createCustomerAddresses = CreateMethod[CreateCustomerAddressDTO, CustomerAddressDTOV2]()
    retrieveCustomerAddress = RetrieveMethod[CustomerAddressDTOV2]()
    updateCustomerAddresses = UpdateMethod[UpdateCustomerAddressDTO, CustomerAddressDTOV2]()
    deleteCustomerAddresses = DeleteMethod()
    listCustomerAddresses = ListMethod[CustomerAddressDTOV2]()
    listAndCountCustomerAddresses = ListAndCountMethod[CustomerAddressDTOV2]()
    #: ``{"customer_address_id": [...]}``: the ids soft-deleted (or restored), or ``{}``.
    softDeleteCustomerAddresses = SoftDeleteMethod()
    restoreCustomerAddresses = SoftDeleteMethod()


class ServerMethods:
    """The server's own methods (docs/protocol.md, "Beyond the module")."""

    beginTransaction = BeginTransactionMethod()
    commitTransaction = EndTransactionMethod()
    rollbackTransaction = EndTransactionMethod()
    snapshot = NoParamsMethod[SnapshotResult]()
    stats = NoParamsMethod[StatsResult]()
    ping = NoParamsMethod[str]()
    mark = NoParamsMethod[MarkResult]()
    rewind = NoParamsMethod[RewindResult]()
    clear = NoParamsMethod[ClearResult]()
    loadFixture = PathMethod[LoadFixtureResult]()


def _methods_of(table: type) -> tuple[str, ...]:
    return tuple(name for name, m in vars(table).items() if isinstance(m, Method))


#: The names of the module's methods, in the order of docs/protocol.md.
MODULE_METHODS: tuple[str, ...] = _methods_of(ModuleMethodsV1)
#: The names of Medusa 2.x's methods of the module (``db.v2``); on the wire each is ``v2.<name>``.
MODULE_METHODS_V2: tuple[str, ...] = _methods_of(ModuleMethodsV2)
#: The names of the server's own methods.
SERVER_METHODS: tuple[str, ...] = _methods_of(ServerMethods)


class CustomerDb(ModuleMethodsV1, ServerMethods):
    """A running ``customerdb rpc`` and its methods. Start one with :meth:`start`; stop it with
    :meth:`close`, or use it as a context manager.

    Thread-safe: any number of threads may call methods at once. Their requests are pipelined
    on the one connection and the program answers them one after another, in order.
    """

    #: Medusa 2.x's interface of the module on this program and store: ``db.v2.listCustomers()``.
    v2: CustomerDbV2

    def __init__(self, connection: StdioConnection) -> None:
        """Wraps a started connection; :meth:`start` is the usual way to get a client."""
        self._connection = connection
        self.v2 = CustomerDbV2(self)

    @classmethod
    def start(cls, program: str | os.PathLike[str] | None = None,
              data: str | os.PathLike[str] | None = None, args: Sequence[str] = (), *,
              copy_on_open: bool = False, env: Mapping[str, str] | None = None,
              stderr: IO[str] | None = None) -> CustomerDb:
        """Starts ``customerdb rpc`` and waits until it answers.

        ``program`` is the program's path (or a name to look up on ``PATH``); without it the
        ``CUSTOMERDB`` environment variable, and without that ``customerdb`` on ``PATH``
        (:class:`ProgramNotFoundError` otherwise). ``data`` is a data directory
        (``--data DIR``; without it the store lives in memory); with ``copy_on_open`` the
        directory's store is loaded and the directory never written (``--copy-on-open``: writes
        stay in memory, for tests that start from a fixture). ``args`` more options of
        ``customerdb rpc`` (``["--max-answer-rows", "0"]``). ``env`` is the program's
        environment (default: this process's; it is also where ``CUSTOMERDB`` and ``PATH`` are
        read). The program's standard error is kept for error messages and, when ``stderr`` is
        given, copied to it as well.

        Raises :class:`ProcessError` when the program exits before it answers (bad options: exit
        status 2; a data directory that cannot be loaded: 1), with its standard error.
        """
        path = find_program(program, env)
        argv = [path, "rpc"]
        if data is not None:
            argv += ["--data", os.fspath(data)]
        if copy_on_open:
            argv.append("--copy-on-open")
        argv += list(args)
        connection = StdioConnection(argv, env=env, stderr=stderr)
        db = cls(connection)
        try:
            db.ping()
        except ProcessError as e:
            try:
                connection.close(timeout=10)
            except CustomerDbError:
                pass
            raise ProcessError(
                f"customerdb did not start: {' '.join(argv)} ended with "
                f"{describe_status(e.returncode)}"
                + (f"; its standard error ended with:\n{e.stderr.rstrip()}" if e.stderr else ""),
                e.returncode, e.stderr) from None
        except BaseException:
            connection.kill()
            try:
                connection.close(timeout=10)
            except CustomerDbError:
                pass
            raise
        return db

    # ---- calls ----------------------------------------------------------------------------

    def call(self, method: str, params: Sequence[Any] | None = None) -> Any:
        """Calls any method of the protocol by name with positional ``params`` and returns its
        result as the protocol gives it; an error answer raises its :class:`RpcError`."""
        return self._connection.call(method, params)

    def transaction(self, timeout_ms: int | None = None) -> Transaction:
        """Begins a transaction (``beginTransaction``; ``timeout_ms``: its lifetime, 30 s by
        default) and returns it. Pass it as the ``context`` of module methods. As a context
        manager it commits when the block ends normally and rolls back when it raises::

            with db.transaction() as tx:
                ann = db.create({"email": "ann@example.com"}, tx)
                db.addAddresses({"customer_id": ann["id"], "city": "Oslo"}, context=tx)
        """
        opened = self.beginTransaction(None if timeout_ms is None else {"timeoutMs": timeout_ms})
        return Transaction(self, opened["transactionId"])

    # ---- the process ----------------------------------------------------------------------

    def close(self, timeout: float | None = 60.0) -> int:
        """Stops the program as docs/protocol.md "Stopping" describes: ends its standard input;
        it answers what it had read, rolls back open transactions, makes the store durable
        and exits 0. Waits for that; past ``timeout`` seconds sends SIGTERM, and ``timeout``
        seconds later SIGKILL. Returns the exit status.

        Raises :class:`ProcessError` if the exit status is not 0, unless a call already
        reported that the program had ended. Calls after ``close`` raise
        :class:`ClientClosedError`. Calling ``close`` again does nothing more."""
        return self._connection.close(timeout)

    def kill(self) -> None:
        """Kills the program with SIGKILL, as a crash would: pending calls fail with
        :class:`ProcessError`. :meth:`close` still reaps it."""
        self._connection.kill()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._connection.closed

    @property
    def pid(self) -> int:
        """The program's process id."""
        return self._connection.process.pid

    @property
    def returncode(self) -> int | None:
        """The program's exit status once it has exited and been reaped, else ``None``."""
        return self._connection.process.poll()

    @property
    def argv(self) -> list[str]:
        """The command line the program was started with."""
        return list(self._connection.argv)

    def stderr_tail(self) -> str:
        """The last lines (up to 40) the program wrote on standard error."""
        return self._connection.stderr_tail()

    def __enter__(self) -> CustomerDb:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.close()
        except CustomerDbError as e:
            if exc is None:
                raise
            exc.add_note(f"and closing customerdb failed: {e}")

    def __repr__(self) -> str:
        state = "closed" if self.closed else "running"
        return f"<CustomerDb pid={self.pid} {state}>"


class CustomerDbV2(ModuleMethodsV2):
    """Medusa 2.x's interface of the module on a running customerdb: ``db.v2``. Its methods
    call the program's ``v2.<name>`` methods through the client ``db`` (:class:`CustomerDb`),
    whose transactions, ``mark``, ``rewind`` and ``close`` are theirs too: pass a
    :class:`Transaction` as the ``context`` of v2 calls as of v1 calls."""

    def __init__(self, db: CustomerDb) -> None:
        self.db = db

    def call(self, method: str, params: Sequence[Any] | None = None) -> Any:
        """The client's :meth:`CustomerDb.call`: any method by its name on the wire."""
        return self.db.call(method, params)

    def __repr__(self) -> str:
        return f"<CustomerDbV2 of {self.db!r}>"


class Transaction(Mapping[str, Any]):
    """An open transaction, from :meth:`CustomerDb.transaction`. It is the context to pass to
    module methods: a mapping ``{"transactionId": "tx_..."}`` (so ``{**tx, "timeoutMs": 500}``
    also gives a call a time budget inside it).

    :meth:`commit` applies every write at once (or raises :class:`ConflictError` /
    :class:`InvalidDataError`, and then nothing is applied); :meth:`rollback` discards them.
    Used with ``with``, it commits when the block ends normally and rolls back when the block
    raises (the exception goes on; a failed rollback is added to it as a note), unless the block
    committed or rolled back itself."""

    def __init__(self, db: CustomerDb, transaction_id: str) -> None:
        self._db = db
        self.id = transaction_id
        self._state: Literal["active", "committed", "rolled back"] = "active"
        self._lock = threading.Lock()

    # ---- the mapping ----------------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        if key == "transactionId":
            return self.id
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        yield "transactionId"

    def __len__(self) -> int:
        return 1

    # ---- ending it ------------------------------------------------------------------------

    @property
    def state(self) -> str:
        """``"active"``, ``"committed"`` or ``"rolled back"``: what this client did with it
        (the server may have expired it meanwhile)."""
        return self._state

    def commit(self) -> None:
        """``commitTransaction``. Whether it succeeds or fails, the transaction is over."""
        with self._lock:
            self._state = "committed"
        self._db.commitTransaction(self)

    def rollback(self) -> None:
        """``rollbackTransaction``."""
        with self._lock:
            self._state = "rolled back"
        self._db.rollbackTransaction(self)

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._state != "active":
            return
        if exc is None:
            self.commit()
            return
        try:
            self.rollback()
        except CustomerDbError as e:
            exc.add_note(f"and rolling back transaction {self.id} failed: {e}")

    def __repr__(self) -> str:
        return f"<Transaction {self.id} {self._state}>"

    # A mapping compares equal to {"transactionId": id}; it is identified by its id.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Transaction):
            return self.id == other.id
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(self.id)
