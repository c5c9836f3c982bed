"""A Python client for customerdb, Medusa's Customer Module as an in-memory engine served over
JSON-RPC: starts ``customerdb rpc``, calls the module's methods under their protocol (Medusa)
names, maps ``sharedContext`` to transactions, and gives test suites a store to load once and
rewind after each test (``customerdb.pytest_plugin``, ``customerdb.testing``).

    from customerdb import CustomerDb

    with CustomerDb.start() as db:
        vip = db.createCustomerGroup({"name": "VIP"})
        rows, count = db.listAndCount({"groups": vip["id"]})
        everyone = db.v2.listCustomers()  # Medusa 2.x's interface, on the same store

Standard library only. See clients/python/README.md.
"""

from ._process import ENVIRONMENT_VARIABLE, find_program
from .client import (MODULE_METHODS, MODULE_METHODS_V2, SERVER_METHODS, CustomerDb, CustomerDbV2,
                     ModuleMethodsV1, ModuleMethodsV2, ServerMethods, Transaction)
from .errors import (ERROR_CLASSES, ClientClosedError, ConflictError, CorruptionError,
                     CustomerDbError, ErrorType, InternalError, InvalidDataError,
                     InvalidParamsError, InvalidRequestError, IoError, MethodNotFoundError,
                     NotAllowedError, NotFoundError, ParseError, ProcessError,
                     ProgramNotFoundError, ProtocolError, RpcError, TimedOutError)

__version__ = "0.1.0"

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "ERROR_CLASSES",
    "MODULE_METHODS",
    "MODULE_METHODS_V2",
    "SERVER_METHODS",
    "ClientClosedError",
    "ConflictError",
    "CorruptionError",
    "CustomerDb",
    "CustomerDbError",
    "CustomerDbV2",
    "ErrorType",
    "InternalError",
    "InvalidDataError",
    "InvalidParamsError",
    "InvalidRequestError",
    "IoError",
    "MethodNotFoundError",
    "ModuleMethodsV1",
    "ModuleMethodsV2",
    "NotAllowedError",
    "NotFoundError",
    "ParseError",
    "ProcessError",
    "ProgramNotFoundError",
    "ProtocolError",
    "RpcError",
    "ServerMethods",
    "TimedOutError",
    "Transaction",
    "find_program",
]
