"""A small driver for `customerdb rpc` (docs/protocol.md, stdio transport).

Standard library only. It starts the server as a child process, writes one line per request and
reads the answering line with a timeout, so a hung server fails the test instead of hanging it.
Every line the server writes is checked on arrival: strict JSON (no NaN/Infinity), valid UTF-8,
and shaped like a JSON-RPC 2.0 response (or a non-empty array of them).

    with RpcServer(binary) as rpc:
        customer = rpc.call("create", {"email": "a@b.c"})
        err = rpc.error("retrieve", "cus_nope")        # the error object; fails on a result
        rpc.notify("ping")                             # asserts that no line comes back
        rpc.batch([("ping", []), ("retrieve", ["x"])]) # the batch response, or None
        rpc.raw(b"{not json")                          # one line, parsed
    # leaving the block closes stdin and asserts a clean exit 0 with nothing else on stdout
"""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import threading
from typing import Any

DEFAULT_TIMEOUT = 20.0  # seconds for one answer (a Debug build parses 10 MiB lines slowly)


class DriverError(AssertionError):
    """The server broke the protocol: no answer in time, a malformed line, a bad exit."""


class RpcError(Exception):
    """A JSON-RPC error response to call()."""

    def __init__(self, error: dict[str, Any]):
        super().__init__(f"{error.get('code')} {error.get('message')}")
        self.error = error
        self.code = error.get("code")
        self.message = error.get("message")
        self.type = (error.get("data") or {}).get("type")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def parse_strict(line: bytes) -> Any:
    """Parses one line as RFC 8259 JSON: valid UTF-8, no NaN, Infinity or -Infinity."""
    try:
        return json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise DriverError(f"the server wrote a line that is not JSON ({e}): {line[:300]!r}")


def _check_response(r: Any) -> None:
    """Asserts the shape of one JSON-RPC 2.0 response object."""
    if not isinstance(r, dict) or r.get("jsonrpc") != "2.0" or "id" not in r:
        raise DriverError(f"not a JSON-RPC 2.0 response: {str(r)[:300]}")
    if ("result" in r) == ("error" in r) or len(r) != 3:
        raise DriverError(f"a response needs exactly one of result and error: {str(r)[:300]}")
    if "error" in r:
        e = r["error"]
        if (not isinstance(e, dict) or type(e.get("code")) is not int
                or not isinstance(e.get("message"), str)
                or not isinstance((e.get("data") or {}).get("type"), str)):
            raise DriverError(f"malformed error object: {str(e)[:300]}")


def check_reply(reply: Any) -> None:
    """Asserts that a parsed line is a response or a non-empty batch of responses."""
    if isinstance(reply, list):
        if not reply:
            raise DriverError("the server wrote an empty batch response")
        for r in reply:
            _check_response(r)
    else:
        _check_response(reply)


def request(method: str, params: list | None = None, id: Any = None,
            notification: bool = False) -> dict[str, Any]:
    """A request object (params left out when None; no id for a notification)."""
    r: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        r["params"] = params
    if not notification:
        r["id"] = id
    return r


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class RpcServer:
    """One `customerdb rpc` child process. Not thread-safe; one test drives it."""

    def __init__(self, binary: str, *args: str, timeout: float = DEFAULT_TIMEOUT):
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._lines: queue.Queue[bytes | None] = queue.Queue()
        self._stderr = bytearray()
        self.proc = subprocess.Popen([binary, "rpc", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        self._err_reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._err_reader.start()

    # ---- process -------------------------------------------------------------------------

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)  # end of output

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for chunk in iter(lambda: self.proc.stderr.read(65536), b""):
            self._stderr += chunk

    @property
    def stderr(self) -> str:
        return self._stderr.decode("utf-8", "replace")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _require_alive(self) -> None:
        if not self.alive():
            raise DriverError(f"the server exited with status {self.proc.returncode}; "
                              f"stderr: {self.stderr[-2000:]}")

    def send(self, line: bytes) -> None:
        """Writes one line (a newline is added). Fails if the server does not take it in time."""
        self._require_alive()
        assert self.proc.stdin is not None
        failure: list[BaseException] = []

        def write() -> None:
            try:
                self.proc.stdin.write(line + b"\n")
                self.proc.stdin.flush()
            except BaseException as e:  # noqa: BLE001 (reported below)
                failure.append(e)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        writer.join(self.timeout)
        if writer.is_alive():
            raise DriverError(f"the server did not read a {len(line)}-byte line "
                              f"within {self.timeout} s")
        if failure:
            raise DriverError(f"writing to the server failed: {failure[0]!r}; "
                              f"stderr: {self.stderr[-2000:]}")

    def read_line(self, timeout: float | None = None) -> bytes:
        """The next line the server writes (without its newline)."""
        try:
            line = self._lines.get(timeout=self.timeout if timeout is None else timeout)
        except queue.Empty:
            raise DriverError(f"no answer within {self.timeout if timeout is None else timeout}"
                              f" s (server alive: {self.alive()})") from None
        if line is None:
            self._lines.put(None)
            raise DriverError(f"the server closed its output; status {self.proc.poll()}; "
                              f"stderr: {self.stderr[-2000:]}")
        if not line.endswith(b"\n"):
            raise DriverError(f"the last line has no newline: {line[:300]!r}")
        return line[:-1]

    def read_reply(self, timeout: float | None = None) -> Any:
        """The next line, parsed and checked as a response or batch of responses."""
        reply = parse_strict(self.read_line(timeout))
        check_reply(reply)
        return reply

    def close(self, timeout: float | None = None) -> int:
        """Closes stdin (end of input) and asserts a clean exit: status 0 and no further line."""
        if self.proc.stdin and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            status = self.proc.wait(self.timeout if timeout is None else timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise DriverError("the server did not exit at end of input") from None
        self._reader.join(self.timeout)
        self._err_reader.join(self.timeout)
        self._close_pipes()
        extra = []
        while True:
            line = self._lines.get_nowait()
            if line is None:
                break
            extra.append(line)
        if extra:
            raise DriverError(f"unexpected output after the last answer: {extra[:3]!r}")
        if status != 0:
            raise DriverError(f"exit status {status} at end of input; stderr: "
                              f"{self.stderr[-2000:]}")
        return status

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait()
        self._reader.join(self.timeout)
        self._err_reader.join(self.timeout)
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if pipe and not pipe.closed:
                    pipe.close()
            except OSError:
                pass

    def __enter__(self) -> RpcServer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.kill()

    # ---- requests ------------------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def raw(self, line: bytes | str) -> Any:
        """Sends one raw line and returns the parsed answer."""
        self.send(line.encode("utf-8") if isinstance(line, str) else line)
        return self.read_reply()

    def raw_no_reply(self, line: bytes | str) -> None:
        """Sends one raw line and asserts that it gets no answer (checked with a ping)."""
        self.send(line.encode("utf-8") if isinstance(line, str) else line)
        self.sync()

    def sync(self) -> None:
        """Sends a ping and asserts that the very next line is its answer."""
        id = f"sync-{self.next_id()}"
        self.send(dumps(request("ping", [], id)))
        reply = self.read_reply()
        if reply != {"jsonrpc": "2.0", "id": id, "result": "pong"}:
            raise DriverError(f"expected the answer to ping {id!r}, got {str(reply)[:500]}")

    def respond(self, method: str, *params: Any) -> dict[str, Any]:
        """Sends a request with a fresh id; returns the whole response object."""
        id = self.next_id()
        reply = self.raw(dumps(request(method, list(params), id)))
        if not isinstance(reply, dict) or reply.get("id") != id:
            raise DriverError(f"expected the answer to request {id}, got {str(reply)[:500]}")
        return reply

    def call(self, method: str, *params: Any) -> Any:
        """The result of `method(*params)`; raises RpcError for an error response."""
        reply = self.respond(method, *params)
        if "error" in reply:
            raise RpcError(reply["error"])
        return reply["result"]

    def error(self, method: str, *params: Any) -> dict[str, Any]:
        """The error object of `method(*params)`; fails if it succeeds."""
        reply = self.respond(method, *params)
        if "error" not in reply:
            raise AssertionError(f"{method} succeeded: {str(reply['result'])[:500]}")
        return reply["error"]

    def notify(self, method: str, *params: Any) -> None:
        """Sends a notification and asserts that it gets no answer."""
        self.raw_no_reply(dumps(request(method, list(params), notification=True)))

    def batch(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """Sends request objects (see request()) as one batch; the answer, or None when no
        line comes back (checked with a ping)."""
        self.send(dumps(requests))
        id = f"sync-{self.next_id()}"
        self.send(dumps(request("ping", [], id)))
        reply = self.read_reply()
        if reply == {"jsonrpc": "2.0", "id": id, "result": "pong"}:
            return None
        pong = self.read_reply()
        if pong != {"jsonrpc": "2.0", "id": id, "result": "pong"}:
            raise DriverError(f"more than one line for a batch: {str(pong)[:500]}")
        return reply
