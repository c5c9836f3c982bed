"""The exceptions the client raises.

Every exception is a :class:`CustomerDbError`. An error answer of the program is an
:class:`RpcError` carrying Medusa's error ``type`` and the module's ``message`` exactly as the
protocol returns them (docs/protocol.md, "Errors"), as an instance of the subclass for its type:
:class:`NotFoundError` for ``not_found``, :class:`InvalidDataError` for ``invalid_data``, and so
on (:data:`ERROR_CLASSES`). A type the client does not know is a plain :class:`RpcError`.

Failures of the program itself (it could not be found, it exited, it answered something that is
not the protocol) have their own classes: :class:`ProgramNotFoundError`, :class:`ProcessError`,
:class:`ClientClosedError` and :class:`ProtocolError`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

__all__ = [
    "ERROR_CLASSES",
    "ClientClosedError",
    "ConflictError",
    "CorruptionError",
    "CustomerDbError",
    "ErrorType",
    "InternalError",
    "InvalidDataError",
    "InvalidParamsError",
    "InvalidRequestError",
    "IoError",
    "MethodNotFoundError",
    "NotAllowedError",
    "NotFoundError",
    "ParseError",
    "ProcessError",
    "ProgramNotFoundError",
    "ProtocolError",
    "RpcError",
    "TimedOutError",
    "error_from_response",
]


class ErrorType(enum.StrEnum):
    """The ``data.type`` values of docs/protocol.md "Errors" (Medusa's ``MedusaError.Types``
    for the module's own errors). Members compare equal to their strings."""

    NOT_FOUND = "not_found"
    INVALID_DATA = "invalid_data"
    CONFLICT = "conflict"
    NOT_ALLOWED = "not_allowed"
    TIMED_OUT = "timed_out"
    PARSE_ERROR = "parse_error"
    INVALID_REQUEST = "invalid_request"
    METHOD_NOT_FOUND = "method_not_found"
    INVALID_PARAMS = "invalid_params"
    INTERNAL_ERROR = "internal_error"
    IO_ERROR = "io_error"
    CORRUPTION = "corruption"


class CustomerDbError(Exception):
    """The base of every exception this package raises."""


class RpcError(CustomerDbError):
    """An error answer of the program: a JSON-RPC error object.

    ``type`` is ``error.data.type`` (for example ``"not_found"``), ``message`` the error's
    message exactly as sent (the module's own text for module errors), ``code`` the JSON-RPC
    code, ``data`` the whole ``error.data`` object and ``method`` the method called (``None``
    when unknown). ``str(error)`` is ``"<type>: <message>"``.
    """

    type: str
    message: str
    code: int
    data: dict[str, Any]
    method: str | None

    def __init__(self, type: str, message: str, code: int = 0,
                 data: Mapping[str, Any] | None = None, method: str | None = None) -> None:
        super().__init__(message)
        self.type = type
        self.message = message
        self.code = code
        self.data = dict(data) if data is not None else {"type": type}
        self.method = method

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(type={self.type!r}, message={self.message!r}, "
                f"code={self.code})")


class NotFoundError(RpcError):
    """``not_found`` (-32001): an entity or a relationship target does not exist."""


class InvalidDataError(RpcError):
    """``invalid_data`` (-32002): a value the module refuses, a unique rule, a cap on a call."""


class ConflictError(RpcError):
    """``conflict`` (-32003): a transaction conflict; an expired, ended or unknown transaction."""


class NotAllowedError(RpcError):
    """``not_allowed`` (-32004): a limit of the server; ``rewind`` without a mark."""


class TimedOutError(RpcError):
    """``timed_out`` (-32005): the call ran past its time budget, or the server is stopping; it
    changed nothing."""


class ParseError(RpcError):
    """``parse_error`` (-32700): the request was not JSON, or nested too deep."""


class InvalidRequestError(RpcError):
    """``invalid_request`` (-32600): not a request object, or a request too large."""


class MethodNotFoundError(RpcError):
    """``method_not_found`` (-32601): ``Method not found: <name>``."""


class InvalidParamsError(RpcError):
    """``invalid_params`` (-32602): params of the wrong JSON shape; the message names the JSON
    path, e.g. ``params[0].email must be a string or null``."""


class InternalError(RpcError):
    """``internal_error`` (-32603): an unexpected failure; the server goes on serving."""


class IoError(RpcError):
    """``io_error`` (-32603): a persistence failure (writing a snapshot or the journal)."""


class CorruptionError(RpcError):
    """``corruption`` (-32603): a data file that fails its checks."""


#: The exception class of each ``data.type``.
ERROR_CLASSES: Mapping[str, type[RpcError]] = {
    ErrorType.NOT_FOUND: NotFoundError,
    ErrorType.INVALID_DATA: InvalidDataError,
    ErrorType.CONFLICT: ConflictError,
    ErrorType.NOT_ALLOWED: NotAllowedError,
    ErrorType.TIMED_OUT: TimedOutError,
    ErrorType.PARSE_ERROR: ParseError,
    ErrorType.INVALID_REQUEST: InvalidRequestError,
    ErrorType.METHOD_NOT_FOUND: MethodNotFoundError,
    ErrorType.INVALID_PARAMS: InvalidParamsError,
    ErrorType.INTERNAL_ERROR: InternalError,
    ErrorType.IO_ERROR: IoError,
    ErrorType.CORRUPTION: CorruptionError,
}


def error_from_response(error: Any, method: str | None = None) -> RpcError:
    """The exception for the ``error`` member of a JSON-RPC response."""
    if not isinstance(error, Mapping):
        return RpcError("internal_error", f"Malformed error object: {error!r}", method=method)
    data = error.get("data")
    data = data if isinstance(data, Mapping) else {}
    code = error.get("code")
    message = error.get("message")
    type_ = data.get("type")
    if not isinstance(type_, str):
        type_ = "unknown"
    cls = ERROR_CLASSES.get(type_, RpcError)
    return cls(type_, message if isinstance(message, str) else repr(message),
               code if isinstance(code, int) else 0, data, method)


class ProgramNotFoundError(CustomerDbError, FileNotFoundError):
    """The ``customerdb`` program was not found (not given, not in ``CUSTOMERDB``, not on
    ``PATH``), or the path given does not name an executable file."""


class ProcessError(CustomerDbError):
    """The program exited, or could not start: a call pending when it died, a call made after,
    a start-up that failed, or an exit status other than 0 at :meth:`CustomerDb.close`.

    ``returncode`` is the exit status (negative: the signal that killed it; ``None`` if it is
    not known), ``stderr`` the last lines the program wrote on standard error.
    """

    returncode: int | None
    stderr: str

    def __init__(self, message: str, returncode: int | None = None, stderr: str = "") -> None:
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr


class ClientClosedError(CustomerDbError):
    """A call on a client after :meth:`CustomerDb.close`."""


class ProtocolError(CustomerDbError):
    """The program answered something that is not a JSON-RPC response to a pending call."""
