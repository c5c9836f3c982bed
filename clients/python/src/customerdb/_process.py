"""Finding, starting and stopping ``customerdb rpc``, and JSON-RPC over its standard input and
output (docs/protocol.md, "stdio: customerdb rpc").

One request per line goes in; the program answers every line in order, one line each. Callers
on any thread write their request under a lock and wait for their own answer; one reader thread
hands each answer to its caller, so calls from several threads are pipelined on the one pipe.
When the program's output ends (it exited or was killed), every pending call fails with a
:class:`ProcessError` that gives the exit status and the last lines of standard error.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Any

from .errors import (ClientClosedError, CustomerDbError, ProcessError, ProgramNotFoundError,
                     ProtocolError, error_from_response)

__all__ = ["ENVIRONMENT_VARIABLE", "PROGRAM_NAME", "StdioConnection", "describe_status",
           "find_program"]

PROGRAM_NAME = "customerdb"
ENVIRONMENT_VARIABLE = "CUSTOMERDB"

# Lines of standard error kept for error messages.
_STDERR_LINES = 40


def find_program(program: str | os.PathLike[str] | None = None,
                 environ: Mapping[str, str] | None = None) -> str:
    """The path of the ``customerdb`` program: ``program`` when given, else the ``CUSTOMERDB``
    environment variable when set and not empty, else ``customerdb`` on ``PATH``.

    A program or ``CUSTOMERDB`` that names no executable file is an error (there is no falling
    back to the next place): :class:`ProgramNotFoundError` says where the path came from. A bare
    name (no ``/``) given either way is looked up on ``PATH``.
    """
    env = os.environ if environ is None else environ
    if program is not None:
        return _executable(os.fspath(program), "the program argument", env)
    from_env = env.get(ENVIRONMENT_VARIABLE)
    if from_env:
        return _executable(from_env, f"the {ENVIRONMENT_VARIABLE} environment variable", env)
    found = shutil.which(PROGRAM_NAME, path=env.get("PATH", os.defpath))
    if found is None:
        raise ProgramNotFoundError(
            f"The {PROGRAM_NAME} program was not found: pass program= to CustomerDb.start(), "
            f"set the {ENVIRONMENT_VARIABLE} environment variable to its path, or put "
            f"{PROGRAM_NAME} on PATH")
    return found


def _executable(path: str, source: str, env: Mapping[str, str]) -> str:
    if os.sep not in path:
        found = shutil.which(path, path=env.get("PATH", os.defpath))
        if found is None:
            raise ProgramNotFoundError(f"{path!r} (from {source}) was not found on PATH")
        return found
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise ProgramNotFoundError(f"{path!r} (from {source}) is not an executable file")
    return path


def describe_status(returncode: int | None) -> str:
    """``exit status 2``, ``killed by signal 9 (SIGKILL)``, or ``no exit status``."""
    if returncode is None:
        return "no exit status"
    if returncode < 0:
        try:
            name = f" ({signal.Signals(-returncode).name})"
        except ValueError:
            name = ""
        return f"killed by signal {-returncode}{name}"
    return f"exit status {returncode}"


class _Pending:
    """A call waiting for its answer."""

    __slots__ = ("method", "done", "response", "error")

    def __init__(self, method: str) -> None:
        self.method = method
        self.done = threading.Event()
        self.response: dict[str, Any] | None = None
        self.error: CustomerDbError | None = None


class StdioConnection:
    """A running ``customerdb rpc`` and the JSON-RPC calls to it. Thread-safe."""

    def __init__(self, argv: Sequence[str], *, env: Mapping[str, str] | None = None,
                 stderr: IO[str] | None = None) -> None:
        self.argv = list(argv)
        self._stderr_echo = stderr
        self._stderr_tail: collections.deque[str] = collections.deque(maxlen=_STDERR_LINES)
        self._write_lock = threading.Lock()  # the pipe, the ids and the order of _pending
        self._state_lock = threading.Lock()  # _pending, _exited
        self._pending: collections.OrderedDict[int, _Pending] = collections.OrderedDict()
        self._next_id = 1
        self._closing = False
        self._closed = False
        self._exited = False  # the program's output ended
        self._reported = False  # its exit was reported to a caller already
        self.process = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=None if env is None else dict(env), close_fds=True)
        assert self.process.stdin and self.process.stdout and self.process.stderr
        self._stdin = self.process.stdin
        self._stderr_thread = threading.Thread(
            target=self._read_stderr, args=(self.process.stderr,),
            name=f"customerdb-stderr-{self.process.pid}", daemon=True)
        self._reader_thread = threading.Thread(
            target=self._read_stdout, args=(self.process.stdout,),
            name=f"customerdb-reader-{self.process.pid}", daemon=True)
        self._stderr_thread.start()
        self._reader_thread.start()

    # ---- calls ----------------------------------------------------------------------------

    def call(self, method: str, params: Sequence[Any] | None) -> Any:
        """Sends one request and waits for its answer: the result, or an exception."""
        request: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            request["params"] = list(params)
        pending = _Pending(method)
        with self._write_lock:
            if self._closing:
                raise ClientClosedError(f"{method}: the client is closed")
            request_id = self._next_id
            request["id"] = request_id
            # Raises ValueError or TypeError for what JSON cannot hold (NaN, sets, ...) before
            # anything is sent.
            line = json.dumps(request, ensure_ascii=False, allow_nan=False,
                              separators=(",", ":")).encode("utf-8") + b"\n"
            self._next_id += 1
            with self._state_lock:
                if self._exited:
                    raise self._exit_error(method, pending=False)
                self._pending[request_id] = pending
            try:
                self._stdin.write(line)
                self._stdin.flush()
            except OSError:
                # The program is gone (a broken pipe); the reader thread reports how it ended.
                pass
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        response = pending.response
        assert response is not None
        if "error" in response:
            raise error_from_response(response["error"], method)
        return response.get("result")

    # ---- stopping -------------------------------------------------------------------------

    def close(self, timeout: float | None = 60.0) -> int:
        """Ends standard input, which stops the program cleanly (docs/protocol.md, "Stopping":
        the lines already read are answered, open transactions are rolled back, the store is
        made durable), and waits for it to exit. Past ``timeout`` seconds it is sent SIGTERM,
        and ``timeout`` seconds later SIGKILL. Returns the exit status; raises ProcessError when
        it is not 0 and that was not reported to a call already. Idempotent."""
        with self._write_lock:
            self._closing = True
            if not self._stdin.closed:
                try:
                    self._stdin.close()
                except OSError:
                    pass
        returncode = self._wait(timeout)
        self._reader_thread.join()
        self._stderr_thread.join()
        with self._state_lock:
            report = returncode != 0 and not self._reported and not self._closed
            self._reported = True
            self._closed = True
        if report:
            raise ProcessError(
                f"customerdb ended with {describe_status(returncode)}{self._stderr_text()}",
                returncode, self.stderr_tail())
        return returncode

    def _wait(self, timeout: float | None) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self.process.terminate()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        self.process.kill()
        return self.process.wait()

    def kill(self) -> None:
        """Sends SIGKILL to the program (what a crash looks like to a client)."""
        if self.process.returncode is None:
            self.process.kill()

    @property
    def closed(self) -> bool:
        return self._closing

    def stderr_tail(self) -> str:
        """The last lines the program wrote on standard error."""
        return "".join(self._stderr_tail)

    # ---- the reader threads ---------------------------------------------------------------

    def _read_stdout(self, stdout: IO[bytes]) -> None:
        try:
            for line in stdout:
                if line.strip():
                    self._answer(line)
        except (OSError, ValueError):
            pass
        finally:
            stdout.close()
        # The program's output ended: it exited, or is about to.
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            pass
        self._stderr_thread.join(10)
        with self._state_lock:
            self._exited = True
            pending = list(self._pending.values())
            self._pending.clear()
            if pending:
                self._reported = True
        for p in pending:
            p.error = self._exit_error(p.method, pending=True)
            p.done.set()

    def _answer(self, line: bytes) -> None:
        try:
            response = json.loads(line)
        except ValueError:
            response = None
        with self._state_lock:
            if not isinstance(response, dict):
                target = None
            elif response.get("id") is None:
                # An answer the program could not give an id (a request too large): the answers
                # come in request order, so it is the oldest pending call's.
                target = next(iter(self._pending), None)
            else:
                response_id = response["id"]
                target = (response_id if isinstance(response_id, int)
                          and response_id in self._pending else None)
            pending = self._pending.pop(target) if target is not None else None
        if pending is None:
            # Not an answer to a pending call: fail the oldest one, whose answer it should be.
            with self._state_lock:
                oldest = self._pending.popitem(last=False)[1] if self._pending else None
            if oldest is not None:
                oldest.error = ProtocolError(
                    f"{oldest.method}: customerdb answered something that is not a response to "
                    f"a pending call: {line[:200].decode('utf-8', 'replace')!r}")
                oldest.done.set()
            return
        pending.response = response
        pending.done.set()

    def _read_stderr(self, stderr: IO[bytes]) -> None:
        try:
            for raw in stderr:
                text = raw.decode("utf-8", "replace")
                self._stderr_tail.append(text)
                if self._stderr_echo is not None:
                    try:
                        self._stderr_echo.write(text)
                        self._stderr_echo.flush()
                    except (OSError, ValueError):
                        pass
        except (OSError, ValueError):
            pass
        finally:
            stderr.close()

    # ---- messages -------------------------------------------------------------------------

    def _stderr_text(self) -> str:
        tail = self.stderr_tail().rstrip("\n")
        if not tail:
            return ""
        return "; its standard error ended with:\n" + tail

    def _exit_error(self, method: str, *, pending: bool) -> CustomerDbError:
        if self._closing and not pending:
            return ClientClosedError(f"{method}: the client is closed")
        returncode = self.process.returncode
        when = "while the call was pending" if pending else "before the call"
        return ProcessError(
            f"{method}: customerdb ended {when} ({describe_status(returncode)})"
            f"{self._stderr_text()}", returncode, self.stderr_tail())

