#!/usr/bin/env python3
"""Protocol tests of `customerdb serve` (docs/protocol.md, HTTP transport).

Usage: http_test.py PATH/TO/customerdb [unittest options]

Starts the program with `--port 0` (it prints the port it listens on to standard error) and talks
to it with http.client and raw sockets. Python 3 standard library only.
"""

import http.client
import json
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BINARY = None  # set from argv in main
TIMEOUT = 30  # seconds for anything that should be quick
LISTENING = re.compile(r"listening on http://(\S+):(\d+)")


class Server:
    """One `customerdb serve` child process; stderr is drained by a thread."""

    def __init__(self, *args, env=None):
        full_env = dict(os.environ)
        full_env.pop("CUSTOMERDB_TOKEN", None)
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--port", "0", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
        )
        self.lines = queue.Queue()
        self.stderr = []
        self.drainer = threading.Thread(target=self._drain, daemon=True)
        self.drainer.start()
        self.port = None
        deadline = time.monotonic() + TIMEOUT
        while self.port is None:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError("serve exited before listening: " + "".join(self.stderr))
            m = LISTENING.search(line)
            if m:
                self.port = int(m.group(2))

    def _drain(self):
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace")
            self.stderr.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_line(self, pattern):
        """Reads standard error until a line matches `pattern` (a regex); returns the match."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no line matching {pattern!r}: " + "".join(self.stderr))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"serve exited before logging {pattern!r}: "
                                     + "".join(self.stderr))
            if m := re.search(pattern, line):
                return m

    def connect(self, timeout=TIMEOUT):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def raw_socket(self):
        return socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)

    def exit_status(self, timeout=TIMEOUT):
        """Waits for the process to end and for its standard error to be read to the end (the
        drainer may still hold the last lines when the process is gone); the exit status."""
        status = self.proc.wait(timeout=timeout)
        self.drainer.join(timeout=TIMEOUT)
        return status

    def stop(self):
        """SIGTERM, then the exit status (the process must go within TIMEOUT); standard error
        is read to the end when it returns."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=TIMEOUT)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.drainer.join(timeout=TIMEOUT)
            self.proc.stdout.close()
            self.proc.stderr.close()


def post(conn, body, headers=None):
    """POST /rpc; returns (status, headers, parsed JSON body or None when empty)."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode("utf-8")
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    conn.request("POST", "/rpc", body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    return r.status, r, (json.loads(data) if data else None)


def read_ok_head(test, reader):
    """Reads a `200 OK` status line and the headers after it; returns the Content-Length."""
    test.assertEqual(reader.readline(), b"HTTP/1.1 200 OK\r\n")
    length = None
    while (line := reader.readline()) != b"\r\n":
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return length


SECOND_SIGNAL = ("customerdb: signal 15 again: stopping now, skipping the journal's final sync "
                 "(acknowledged writes are in the journal)")


def temporary_directory(test):
    """A data directory path (not created) removed after `test`."""
    parent = tempfile.mkdtemp(prefix="customerdb-http-test-")
    test.addCleanup(subprocess.run, ["rm", "-rf", parent])
    return os.path.join(parent, "data")


def stored_emails(data):
    """The e-mails of the customers a data directory holds, sorted (read with `customerdb rpc`,
    which also shows that the directory reopens)."""
    line = json.dumps(request("list", [{}, {"select": ["email"], "take": None}]))
    done = subprocess.run([BINARY, "rpc", "--data", data], input=line.encode() + b"\n",
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return sorted(row["email"] for row in json.loads(done.stdout)["result"])


def open_stalled(server, count):
    """`count` connections that never send a whole request: every other one stops halfway
    through its headers, the others after the first byte of a 100-byte body. The first one
    stops in its headers."""
    stalled = []
    for i in range(count):
        s = server.raw_socket()
        stalled.append(s)
        if i % 2 == 0:
            s.sendall(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Le")
        else:
            s.sendall(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    return stalled


def request(method, params=None, id=1):
    req = {"jsonrpc": "2.0", "method": method, "params": params if params is not None else []}
    if id is not None:
        req["id"] = id
    return req


def start_answer_held_by_the_client(test, *args):
    """Starts a server and a batch of 400 creates whose answer is larger than every socket
    buffer between the server and this client, and reads the answer's status line and
    headers. From then on the server is known to be answering the batch: it has run it
    and started writing the answer, and it cannot finish writing until this client reads
    on. Returns (server, socket, reader, Content-Length)."""
    try:
        with open("/proc/sys/net/ipv4/tcp_wmem") as f:
            largest_send_buffer = int(f.read().split()[2])
    except (OSError, ValueError, IndexError):
        largest_send_buffer = 4 << 20  # Linux's default
    receive_buffer = 64 << 10
    # The server's send buffer grows to at most tcp_wmem's maximum, and this client's
    # receive buffer is fixed at twice the size asked for: an answer more than twice as
    # large as both cannot be written whole before this client reads on. (Were it written
    # whole anyway, the test would fail on the signal's log line, not pass by chance.)
    least_answer = 2 * (largest_send_buffer + 2 * receive_buffer) + (1 << 20)
    pad = "x" * (least_answer // 400)
    batch = [request("create", [{"email": f"inflight-{i}@example.com",
                                 "metadata": {"pad": pad}}], id=i)
             for i in range(400)]
    body = json.dumps(batch).encode()
    server = Server("--max-request-bytes", str(max(64 << 20, len(body))), *args)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        s.settimeout(TIMEOUT)
        s.connect(("127.0.0.1", server.port))
        s.sendall(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        reader = s.makefile("rb")
        length = read_ok_head(test, reader)
        test.assertGreater(length, least_answer)
        return server, s, reader, length
    except BaseException:
        s.close()
        server.stop()
        raise


class HttpTest(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server("--threads", "2")

    @classmethod
    def tearDownClass(cls):
        status = cls.server.stop()
        assert status == 0, f"serve exited {status}: {''.join(cls.server.stderr)}"
        assert any("stopped" in line for line in cls.server.stderr), cls.server.stderr

    def setUp(self):
        self.conn = self.server.connect()

    def tearDown(self):
        self.conn.close()

    def call(self, method, params=None, id=1):
        status, _, body = post(self.conn, request(method, params, id))
        self.assertEqual(status, 200)
        return body

    def assert_error(self, body, code, type_, message=None, id=None):
        self.assertEqual(body["jsonrpc"], "2.0")
        self.assertEqual(body["id"], id)
        self.assertNotIn("result", body)
        self.assertEqual(body["error"]["code"], code, body)
        self.assertEqual(body["error"]["data"]["type"], type_, body)
        if message is not None:
            self.assertEqual(body["error"]["message"], message)

    def assert_rejected(self, text, code, type_, id=None):
        """POSTs `text`; it must get 200 with a JSON-RPC error, and the server must go on
        answering. Returns the response."""
        status, _, body = post(self.conn, text)
        self.assertEqual(status, 200)
        self.assert_error(body, code, type_, id=id)
        self.assert_still_serving()
        return body

    def assert_still_serving(self):
        conn = self.server.connect()
        try:
            status, _, body = post(conn, request("ping", id="alive"))
            self.assertEqual(status, 200)
            self.assertEqual(body, {"jsonrpc": "2.0", "id": "alive", "result": "pong"})
        finally:
            conn.close()

    # ---- basics ------------------------------------------------------------------------------

    def test_health(self):
        self.conn.request("GET", "/health")
        r = self.conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Type"), "application/json")
        self.assertEqual(json.loads(r.read()), {"status": "ok"})

    def test_create_then_retrieve(self):
        created = self.call(
            "create", [{"email": "john@smith.com", "first_name": "John", "last_name": "Smith"}]
        )
        self.assertEqual(created["id"], 1)
        dto = created["result"]
        self.assertTrue(dto["id"].startswith("cus_"), dto)
        self.assertEqual(dto["email"], "john@smith.com")
        self.assertIsNone(dto["company_name"])
        self.assertFalse(dto["has_account"])
        self.assertRegex(dto["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        got = self.call("retrieve", [dto["id"]], id="r")
        self.assertEqual(got, {"jsonrpc": "2.0", "id": "r", "result": dto})
        missing = self.call("retrieve", ["cus_nope"], id=2)
        self.assert_error(
            missing, -32001, "not_found", "Customer with id: cus_nope was not found", id=2
        )

    def test_keep_alive(self):
        conn = self.conn
        post(conn, request("ping"))
        sock = conn.sock
        self.assertIsNotNone(sock)
        for i in range(25):
            # Answers, errors and empty (204) answers all keep the connection.
            body = [request("ping", id=i), request("nope", id=i), request("ping", id=None)][i % 3]
            status, r, _ = post(conn, body)
            self.assertIn(status, (200, 204))
            self.assertFalse(r.will_close)
            self.assertIs(conn.sock, sock, "the server closed a keep-alive connection")
        conn.request("GET", "/health")
        self.assertEqual(conn.getresponse().read(), b'{"status":"ok"}')
        self.assertIs(conn.sock, sock)

    def test_pipelined_requests_answered_in_order(self):
        def raw(id):
            body = json.dumps(request("ping", id=id)).encode()
            return b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (
                len(body), body)
        s = self.server.raw_socket()
        try:
            s.sendall(raw(1) + raw(2) + raw(3))
            reader = s.makefile("rb")
            ids = []
            for _ in range(3):
                length = read_ok_head(self, reader)
                ids.append(json.loads(reader.read(length))["id"])
            self.assertEqual(ids, [1, 2, 3])
            reader.close()
        finally:
            s.close()

    def test_connection_close_honoured(self):
        status, r, body = post(self.conn, request("ping"), {"Connection": "close"})
        self.assertEqual(status, 200)
        self.assertEqual(body["result"], "pong")
        self.assertTrue(r.will_close)

    def test_not_found_and_method_not_allowed(self):
        cases = [
            ("GET", "/", 404, None),
            ("POST", "/nope", 404, None),
            ("GET", "/rpc/x", 404, None),
            ("GET", "/rpc", 405, "POST"),
            ("PUT", "/rpc", 405, "POST"),
            ("DELETE", "/rpc", 405, "POST"),
            ("POST", "/health", 405, "GET"),
        ]
        for method, path, status, allow in cases:
            with self.subTest(method=method, path=path):
                self.conn.request(method, path, body=b"{}" if method != "GET" else None)
                r = self.conn.getresponse()
                r.read()
                self.assertEqual(r.status, status)
                self.assertEqual(r.getheader("Allow"), allow)
        # A query string does not change the route.
        self.conn.request("GET", "/health?verbose=1")
        self.assertEqual(self.conn.getresponse().read(), b'{"status":"ok"}')

    def test_notification_gets_204(self):
        status, r, body = post(self.conn, request("ping", id=None))
        self.assertEqual(status, 204)
        self.assertIsNone(body)
        self.assertIsNone(r.getheader("Content-Length"))
        # A notification's effect happens: create without id, then find it.
        email = "notified@example.com"
        status, _, body = post(self.conn, request("create", [{"email": email}], id=None))
        self.assertEqual((status, body), (204, None))
        found = self.call("list", [{"email": email}])
        self.assertEqual([c["email"] for c in found["result"]], [email])

    def test_batch(self):
        batch = [
            request("ping", id=1),
            request("ping", id=None),
            request("create", [{"email": "batch@example.com"}], id="c"),
            request("nope", id=3),
            {"jsonrpc": "2.0", "id": 4},
        ]
        status, _, body = post(self.conn, batch)
        self.assertEqual(status, 200)
        self.assertIsInstance(body, list)
        by_id = {r["id"]: r for r in body}
        self.assertEqual(sorted(by_id, key=str), [1, 3, 4, "c"])
        self.assertEqual(by_id[1]["result"], "pong")
        self.assertEqual(by_id["c"]["result"]["email"], "batch@example.com")
        self.assert_error(by_id[3], -32601, "method_not_found", id=3)
        self.assert_error(by_id[4], -32600, "invalid_request", id=4)
        # Notifications only: nothing to answer.
        status, _, body = post(self.conn, [request("ping", id=None), request("ping", id=None)])
        self.assertEqual((status, body), (204, None))

    def test_number_ids_come_back_as_sent(self):
        def raw(body):
            self.conn.request("POST", "/rpc", body=body)
            r = self.conn.getresponse()
            self.assertEqual(r.status, 200)
            return r.read()

        ids = [b"123456789012345678901234567890", b"1.50", b"-0", b"1E+2"]
        for id in ids:
            with self.subTest(id=id):
                self.assertEqual(raw(b'{"jsonrpc":"2.0","id":%s,"method":"ping"}' % id),
                                 b'{"jsonrpc":"2.0","id":%s,"result":"pong"}' % id)
        batch = b",".join(b'{"jsonrpc":"2.0","id":%s,"method":"ping"}' % id for id in ids)
        self.assertEqual(raw(b"[" + batch + b"]"),
                         b"[" + b",".join(b'{"jsonrpc":"2.0","id":%s,"result":"pong"}' % id
                                          for id in ids) + b"]")

    # ---- bad input ---------------------------------------------------------------------------

    def test_truncated_json(self):
        body = self.assert_rejected(b'{"jsonrpc":"2.0","id":1,"method":"ping"', -32700, "parse_error")
        self.assertTrue(body["error"]["message"].startswith("Parse error"))

    def test_empty_body(self):
        self.assert_rejected(b"", -32700, "parse_error")

    def test_invalid_utf8(self):
        for raw in [
            b'{"jsonrpc":"2.0","id":1,"method":"ping","params":["\xff\xfe"]}',
            b'{"jsonrpc":"2.0","id":1,"method":"create","params":[{"email":"a\xc3@b.c"}]}',
            b'{"jsonrpc":"2.0","id":1,"method":"\xed\xa0\x80"}',  # a UTF-16 surrogate
        ]:
            with self.subTest(raw=raw):
                self.assert_rejected(raw, -32700, "parse_error")

    def test_deep_nesting(self):
        depth = 100_000
        for text in [
            "[" * depth + "]" * depth,
            '{"jsonrpc":"2.0","id":1,"method":"ping","params":' + "[" * depth + "]" * depth + "}",
            '{"jsonrpc":"2.0","id":1,"method":"create","params":[{"metadata":'
            + '{"a":' * depth
            + "1"
            + "}" * depth
            + "}]}",
        ]:
            self.assert_rejected(text, -32700, "parse_error")

    def test_ten_mib_strings(self):
        # Ten MiB each way is not quick under a sanitizer on a busy machine: 600 s is a hang
        # detector, not a speed limit (the connection opens at the first request).
        self.conn.timeout = 600
        blob = "é" + "x" * (10 * 1024 * 1024)
        created = self.call("create", [{"email": "big@example.com", "metadata": {"blob": blob}}])
        self.assertEqual(created["result"]["metadata"], {"blob": blob})
        got = self.call("retrieve", [created["result"]["id"]])
        self.assertEqual(got["result"]["metadata"]["blob"], blob)
        # A 10 MiB method name is just an unknown method.
        body = self.call("m" * (10 * 1024 * 1024))
        self.assert_error(body, -32601, "method_not_found", id=1)
        self.assert_still_serving()

    def test_unknown_method(self):
        body = self.call("retrieveEverything", [], id="u")
        self.assert_error(body, -32601, "method_not_found", id="u")
        self.assert_still_serving()

    def test_wrong_param_types(self):
        body = self.call("retrieve", [42], id=7)
        self.assert_error(body, -32602, "invalid_params", id=7)
        body = self.call("create", [{"email": 5}], id=8)
        self.assert_error(body, -32602, "invalid_params", id=8)
        self.assert_still_serving()

    def test_empty_batch(self):
        self.assert_rejected(b"[]", -32600, "invalid_request")

    def test_not_a_request(self):
        for text, id in [('"ping"', None), ("42", None), ("null", None),
                         ('{"id":1,"method":"ping"}', 1), ('{"jsonrpc":"1.0","id":"v"}', "v")]:
            with self.subTest(text=text):
                self.assert_rejected(text, -32600, "invalid_request", id=id)

    def test_random_garbage(self):
        rng = random.Random(20261124)
        for i in range(60):
            size = rng.choice([1, 7, 100, 4096, 100_000])
            garbage = bytes(rng.getrandbits(8) for _ in range(size))
            if i % 3 == 0:
                garbage = b"{" + garbage  # never valid JSON
            status, _, body = post(self.conn, garbage)
            self.assertEqual(status, 200)
            self.assertIn(body["error"]["code"], (-32700, -32600), body)
            self.assertIsNone(body["id"])
        self.assert_still_serving()

    def test_malformed_http(self):
        for raw in [
            b"GARBAGE\r\n\r\n",
            b"POST /rpc HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
            b"\x00\x01\x02\x03\r\n\r\n",
            b"POST /rpc HTTP/1.1\r\nX: " + b"a" * 20000 + b"\r\n\r\n",
        ]:
            with self.subTest(raw=raw[:40]):
                s = self.server.raw_socket()
                try:
                    s.sendall(raw)
                    reply = b""
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        reply += chunk
                    self.assertRegex(reply, rb"^HTTP/1.1 4(00|31) ")
                finally:
                    s.close()
        self.assert_still_serving()

    # ---- slow clients and shutdown -----------------------------------------------------------

    def test_slow_clients_do_not_block_others(self):
        # One serving thread: stalled clients must hold sockets, not the thread.
        server = Server("--threads", "1")
        stalled = []
        try:
            stalled = open_stalled(server, 20)
            # No wait needed: the listening socket hands out connections in the order they were
            # made, so the server takes every stalled connection before the pings below.
            started = time.monotonic()
            for i in range(20):
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
                status, _, body = post(conn, request("ping", id=i))
                conn.close()
                self.assertEqual((status, body["result"]), (200, "pong"))
            self.assertLess(time.monotonic() - started, 5)
            # Shutdown does not wait for the stalled clients' requests to arrive.
            started = time.monotonic()
            self.assertEqual(server.stop(), 0)
            self.assertLess(time.monotonic() - started, 5)
        finally:
            for s in stalled:
                s.close()
            server.stop()

    def test_repeated_signals_never_kill_and_keep_acknowledged_writes(self):
        # Signals sent over and over, at any moment of the shutdown: the process never ends by
        # the signal's default action (exit status -15). Either it was done before the second
        # signal was taken (exit status 0, "stopped"), or the second one stopped it at once
        # (exit status 143 and its message); the acknowledged write is kept either way.
        data = temporary_directory(self)
        server = Server("--data", data)
        conn = server.connect()
        try:
            status, _, body = post(conn, request("create", [{"email": "again@example.com"}], id=1))
            self.assertEqual(status, 200)
            deadline = time.monotonic() + TIMEOUT
            while server.proc.poll() is None and time.monotonic() < deadline:
                server.proc.send_signal(signal.SIGTERM)
                time.sleep(0.001)
            status = server.stop()
            log = "".join(server.stderr)
            if status == 0:
                self.assertIn("customerdb: stopped\n", log)
                self.assertNotIn(" again: ", log)
            else:
                self.assertEqual(status, 143, log)
                self.assertIn(SECOND_SIGNAL, log)
            self.assertEqual(stored_emails(data), ["again@example.com"])
        finally:
            conn.close()

    def test_shutdown_answers_the_request_in_flight(self):
        server, s, reader, length = start_answer_held_by_the_client(self)
        try:
            server.proc.send_signal(signal.SIGTERM)
            # The server counts the batch as in flight: the signal did not come too late.
            server.wait_for_line(r"signal 15: finishing 1 request\(s\) in flight, then stopping")
            body = reader.read(length)
            self.assertEqual(len(body), length)
            answers = json.loads(body)
            self.assertEqual(len(answers), 400)
            self.assertTrue(all("result" in item for item in answers))
            self.assertEqual(reader.read(), b"")  # then the connection is closed
            self.assertEqual(server.exit_status(), 0)
            self.assertTrue(any("stopped" in line for line in server.stderr), server.stderr)
        finally:
            reader.close()
            s.close()
            server.stop()

    def test_second_signal_stops_at_once_keeping_acknowledged_writes(self):
        data = temporary_directory(self)
        server, s, reader, length = start_answer_held_by_the_client(self, "--data", data,
                                                                    "--fsync", "no")
        try:
            conn = server.connect()
            status, _, body = post(conn, request("create", [{"email": "acked@example.com"}]))
            conn.close()
            self.assertEqual(status, 200)
            server.proc.send_signal(signal.SIGTERM)
            # The create's connection may still count: its answer was read, but the server may
            # not have seen the end of its write yet.
            server.wait_for_line(r"signal 15: finishing [12] request\(s\) in flight")
            server.proc.send_signal(signal.SIGTERM)
            server.wait_for_line(re.escape(SECOND_SIGNAL))
            self.assertEqual(server.exit_status(), 143)
            # The answer is cut short: the connection closes before its end.
            received = 0
            while chunk := reader.read(1 << 20):
                received += len(chunk)
            self.assertLess(received, length)
            # Every acknowledged write is there; the batch had run, but its answer was dropped.
            emails = stored_emails(data)
            self.assertIn("acked@example.com", emails)
            self.assertEqual(len(emails), 401)
        finally:
            reader.close()
            s.close()
            server.stop()

    def test_shutdown_with_idle_keep_alive_connection(self):
        server = Server()
        conn = server.connect()
        try:
            self.assertEqual(post(conn, request("ping"))[0], 200)
            started = time.monotonic()
            self.assertEqual(server.stop(), 0)
            self.assertLess(time.monotonic() - started, 5)
            self.assertTrue(any("stopped" in line for line in server.stderr), server.stderr)
        finally:
            conn.close()


CANCELLED = {"code": -32005, "message": "The call was cancelled: the module is shutting down",
             "data": {"type": "timed_out"}}


LONG_BATCH_CALLS = 5_000
STORE_CUSTOMERS = 1_000


def long_batch(marker_email):
    """A batch that runs for minutes over a store of STORE_CUSTOMERS customers: each call tests
    every customer against 100 patterns and matches none. Its first call creates a customer
    with `marker_email`."""
    patterns = {"$or": [{"first_name": {"$ilike": f"%zq{i}%"}} for i in range(100)]}
    scan = request("list", [patterns, {"take": None}])
    return ([request("create", [{"email": marker_email}], id="marker")]
            + [dict(scan, id=i) for i in range(LONG_BATCH_CALLS)])


def check_cancelled_batch(test, answers, calls=LONG_BATCH_CALLS):
    """The answers of long_batch() after a cancellation: the marker's create, then results, then
    from the first cancelled call on only cancellations, at least one."""
    test.assertEqual(len(answers), calls + 1)
    test.assertEqual(answers[0]["id"], "marker")
    test.assertIn("result", answers[0])
    rest = answers[1:]
    done = next(i for i, a in enumerate(rest) if "error" in a)
    test.assertTrue(all(a["result"] == [] for a in rest[:done]))
    test.assertEqual([a["error"] for a in rest[done:]], [CANCELLED] * (calls - done))


class LongRequestShutdownTest(unittest.TestCase):
    """SIGTERM during a request that would run for minutes: the request is cancelled once the
    grace period (here 0 ms) has passed, and the server stops with every acknowledged write."""

    def test_sigterm_cancels_a_long_request(self):
        data = temporary_directory(self)
        server = Server("--data", data, "--fsync", "always", "--threads", "2",
                        "--shutdown-timeout-ms", "0")
        try:
            conn = server.connect(timeout=600)
            customers = [{"email": f"c{i}@example.com", "first_name": f"n{i}"}
                         for i in range(STORE_CUSTOMERS)]
            status, _, body = post(conn, request("create", [customers]))
            self.assertEqual((status, len(body["result"])), (200, STORE_CUSTOMERS))
            answer = {}

            def send_batch():
                c = server.connect(timeout=600)
                try:
                    answer["status"], _, answer["body"] = post(c, long_batch("marker@example.com"))
                except Exception as e:  # noqa: BLE001 (checked below)
                    answer["error"] = e
                finally:
                    c.close()
            sender = threading.Thread(target=send_batch)
            sender.start()
            # The batch is running once its first call's customer is visible (a hang detector's
            # bound: a Debug build takes a while to parse it).
            deadline = time.monotonic() + 300
            while not post(conn, request("list", [{"email": "marker@example.com"}]))[2]["result"]:
                self.assertLess(time.monotonic(), deadline, "the batch did not start")
            conn.close()
            server.proc.send_signal(signal.SIGTERM)
            # 60 s is a hang detector: the batch alone would run for minutes.
            self.assertEqual(server.exit_status(timeout=60), 0)
            sender.join(timeout=60)
            self.assertNotIn("error", answer)
            self.assertEqual(answer["status"], 200)
            check_cancelled_batch(self, answer["body"])
            log = "".join(server.stderr)
            self.assertRegex(log, r"customerdb: signal 15: finishing [12] request\(s\) in "
                                  r"flight, then stopping\n"
                                  r"customerdb: shutdown: cancelling [12] request\(s\) still "
                                  r"running after 0 ms\n"
                                  r"customerdb: stopped\n$")
            emails = stored_emails(data)
            self.assertEqual(len(emails), STORE_CUSTOMERS + 1)
            self.assertIn("marker@example.com", emails)
        finally:
            server.stop()


class ConnectionLimitTest(unittest.TestCase):
    """--max-connections and --idle-timeout-ms (docs/protocol.md, HTTP)."""

    def test_idle_and_stalled_connections_make_room(self):
        # At the cap, each new connection closes the one that has waited longest for a request,
        # so sockets that never send a whole request cannot keep clients out.
        server = Server("--max-connections", "4", "--threads", "1")
        stalled = []
        try:
            stalled = open_stalled(server, 4)
            # The listening socket hands out connections in the order they were made: the four
            # above are taken before these clients.
            for i in range(20):
                conn = server.connect()
                status, _, body = post(conn, request("ping", id=i))
                conn.close()
                self.assertEqual((status, body["result"]), (200, "pong"))
            # The first to be closed was the oldest, with half its headers sent.
            self.assertEqual(stalled[0].recv(100), b"")
        finally:
            for s in stalled:
                s.close()
            self.assertEqual(server.stop(), 0)

    def test_refused_with_503_when_every_connection_is_answering(self):
        server, s, reader, length = start_answer_held_by_the_client(self, "--max-connections",
                                                                    "1")
        try:
            conn = server.connect()
            conn.request("POST", "/rpc", body=json.dumps(request("ping")))
            r = conn.getresponse()
            self.assertEqual(r.status, 503)
            self.assertEqual(r.getheader("Content-Type"), "application/json")
            self.assertEqual(r.getheader("Retry-After"), "1")
            self.assertEqual(r.getheader("Connection"), "close")
            self.assertEqual(json.loads(r.read()), {
                "jsonrpc": "2.0", "id": None,
                "error": {"code": -32004, "data": {"type": "not_allowed"},
                          "message": "Too many connections: all 1 are answering requests; "
                                     "retry later"}})
            conn.close()
            # Once the server has written the whole answer, that connection waits for its next
            # request, and a new client gets in (closing it). Until the server has seen the end of
            # its write, a new client may still get the same 503: it retries, as Retry-After says.
            self.assertEqual(len(reader.read(length)), length)
            deadline = time.monotonic() + TIMEOUT
            while True:
                conn = server.connect()
                status, _, body = post(conn, request("ping", id="after"))
                conn.close()
                if status != 503:
                    break
                self.assertEqual(body["error"]["code"], -32004)
                self.assertLess(time.monotonic(), deadline)
            self.assertEqual((status, body["result"]), (200, "pong"))
        finally:
            reader.close()
            s.close()
            self.assertEqual(server.stop(), 0)

    def test_idle_connections_are_closed_after_the_idle_timeout(self):
        server = Server("--idle-timeout-ms", "50")
        try:
            quiet = server.raw_socket()
            stalled = server.raw_socket()
            stalled.sendall(b"POST /rpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            kept_alive = server.connect()
            self.assertEqual(post(kept_alive, request("ping"))[0], 200)
            # The server closes each of them: reads end (within TIMEOUT, a hang detector).
            self.assertEqual(quiet.recv(100), b"")
            self.assertEqual(stalled.recv(100), b"")
            self.assertEqual(kept_alive.sock.recv(100), b"")
            for s in (quiet, stalled):
                s.close()
            kept_alive.close()
        finally:
            self.assertEqual(server.stop(), 0)

    @staticmethod
    def run_with_file_limit(files, *args):
        import resource

        def limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))
        return subprocess.Popen([BINARY, "serve", "--port", "0", *args], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                preexec_fn=limit)

    def test_the_default_cap_fits_the_file_limit(self):
        proc = self.run_with_file_limit(128)
        try:
            self.assertEqual(proc.stderr.readline(),
                             b"customerdb: at most 64 connections: the process may open 128 files\n")
            self.assertRegex(proc.stderr.readline(), rb"^customerdb: listening on ")
        finally:
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(proc.wait(timeout=TIMEOUT), 0)
            proc.stderr.close()

    def test_a_cap_over_the_file_limit_is_refused(self):
        proc = self.run_with_file_limit(128, "--max-connections", "100")
        _, err = proc.communicate(timeout=TIMEOUT)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(err, b"customerdb: 100 connections need 164 file descriptors, but the "
                              b"process may open at most 128 (ulimit -Hn)\n")


class BodyLimitTest(unittest.TestCase):
    def test_body_over_the_limit(self):
        server = Server("--max-request-bytes", "1000")
        try:
            conn = server.connect()
            self.addCleanup(conn.close)
            padded = request("ping", id=1)
            padded["params"] = []
            text = json.dumps(padded)
            text = text[:-1] + " " * (1000 - len(text)) + "}"
            self.assertEqual(len(text), 1000)
            status, _, body = post(conn, text)
            self.assertEqual((status, body["result"]), (200, "pong"))

            expected = {
                "jsonrpc": "2.0",
                "id": None,
                "error": {
                    "code": -32600,
                    "message": "Invalid request: larger than 1000 bytes",
                    "data": {"type": "invalid_request"},
                },
            }
            for chunked in (False, True):
                with self.subTest(chunked=chunked):
                    conn = server.connect()
                    big = text[:-1] + " }"
                    if chunked:
                        conn.request(
                            "POST", "/rpc", body=iter([big[:600].encode(), big[600:].encode()]),
                            encode_chunked=True,
                        )
                    else:
                        conn.request("POST", "/rpc", body=big.encode())
                    r = conn.getresponse()
                    self.assertEqual(r.status, 413)
                    self.assertEqual(r.getheader("Content-Type"), "application/json")
                    self.assertTrue(r.will_close)
                    self.assertEqual(json.loads(r.read()), expected)
                    conn.close()
            # Far over the limit: refused from the Content-Length, before the body is read.
            conn = server.connect()
            status, r, body = post(conn, b" " * (4 << 20))
            self.assertEqual((status, body), (413, expected))
            conn.close()
            conn = server.connect()
            self.assertEqual(post(conn, request("ping"))[2]["result"], "pong")
            conn.close()
        finally:
            self.assertEqual(server.stop(), 0)


class TokenTest(unittest.TestCase):
    def check_token(self, server, token):
        for path, method in [("/health", "GET"), ("/rpc", "POST")]:
            for headers in [{}, {"Authorization": "Bearer wrong"},
                            {"Authorization": "Bearer " + token + "x"},
                            {"Authorization": token}, {"Authorization": "Basic " + token}]:
                with self.subTest(path=path, headers=headers):
                    conn = server.connect()
                    body = json.dumps(request("ping")) if method == "POST" else None
                    conn.request(method, path, body=body, headers=headers)
                    r = conn.getresponse()
                    r.read()
                    self.assertEqual(r.status, 401)
                    self.assertEqual(r.getheader("WWW-Authenticate"), "Bearer")
                    conn.close()
        conn = server.connect()
        auth = {"Authorization": "Bearer " + token}
        conn.request("GET", "/health", headers=auth)
        r = conn.getresponse()
        self.assertEqual((r.status, r.read()), (200, b'{"status":"ok"}'))
        status, _, body = post(conn, request("ping"), auth)
        self.assertEqual((status, body["result"]), (200, "pong"))
        status, _, body = post(conn, request("ping"), {"Authorization": "bearer " + token})
        self.assertEqual(status, 200)
        conn.close()

    def test_token_flag(self):
        server = Server("--token", "s3cret-flag")
        try:
            self.check_token(server, "s3cret-flag")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_token_environment_variable(self):
        server = Server(env={"CUSTOMERDB_TOKEN": "s3cret-env"})
        try:
            self.check_token(server, "s3cret-env")
        finally:
            self.assertEqual(server.stop(), 0)

    def test_non_loopback_without_token_is_refused(self):
        for host in ["0.0.0.0", "::"]:
            with self.subTest(host=host):
                p = subprocess.run(
                    [BINARY, "serve", "--host", host, "--port", "0"],
                    stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT,
                    env={k: v for k, v in os.environ.items() if k != "CUSTOMERDB_TOKEN"},
                )
                self.assertEqual(p.returncode, 1)
                self.assertEqual(p.stdout, b"")
                self.assertIn(f"refusing to listen on {host} without a token".encode(), p.stderr)
                self.assertNotIn(b"listening", p.stderr)


class PersistenceTest(unittest.TestCase):
    def test_data_survives_a_clean_shutdown(self):
        data = tempfile.mkdtemp(prefix="customerdb-http-test-")
        self.addCleanup(subprocess.run, ["rm", "-rf", data])
        try:
            server = Server("--data", data)
        except AssertionError as e:
            if "persistence is not available" in str(e):
                self.skipTest("this build has no persistence")
            raise
        try:
            conn = server.connect()
            status, _, body = post(conn, request("create", [{"email": "kept@example.com"}]))
            conn.close()
            self.assertEqual(status, 200)
            dto = body["result"]
        finally:
            self.assertEqual(server.stop(), 0)
        server = Server("--data", data)
        try:
            conn = server.connect()
            status, _, body = post(conn, request("retrieve", [dto["id"]]))
            conn.close()
            self.assertEqual((status, body["result"]), (200, dto))
        finally:
            self.assertEqual(server.stop(), 0)


class FixtureFilesTest(unittest.TestCase):
    """loadFixture reads the server's files only when serve was started with --fixture-files."""

    def load(self, server, path):
        conn = server.connect()
        try:
            status, _, body = post(conn, request("loadFixture", [path]))
        finally:
            conn.close()
        self.assertEqual(status, 200)
        return body

    def test_off_by_default_on_with_the_flag(self):
        tmp = tempfile.mkdtemp(prefix="customerdb-http-test-")
        self.addCleanup(subprocess.run, ["rm", "-rf", tmp])
        path = os.path.join(tmp, "rows.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write('{"type":"customer","id":"cus_1","created_at":"2024-05-24T10:00:00.000Z",'
                    '"updated_at":"2024-05-24T10:00:00.000Z"}\n')
        server = Server()
        try:
            body = self.load(server, path)
            self.assertEqual(body["error"], {
                "code": -32004, "data": {"type": "not_allowed"},
                "message": "loadFixture is disabled: this server does not read its files for "
                           "clients (customerdb serve --fixture-files allows it)"})
        finally:
            self.assertEqual(server.stop(), 0)
        server = Server("--fixture-files")
        try:
            self.assertEqual(self.load(server, path)["result"], {"imported": 1})
        finally:
            self.assertEqual(server.stop(), 0)


class CommandLineTest(unittest.TestCase):
    def test_help(self):
        p = subprocess.run([BINARY, "serve", "--help"], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(p.returncode, 0)
        for flag in [b"--host", b"--port", b"--token", b"--max-request-bytes", b"--threads",
                     b"--data", b"--fsync", b"--max-list-values", b"--max-pattern-length",
                     b"--max-filter-nodes", b"--max-relation-depth", b"--max-answer-rows",
                     b"--request-timeout-ms", b"--long-reads"]:
            self.assertIn(flag, p.stdout)

    def test_bad_usage(self):
        for args in [["--port", "70000"], ["--port", "x"], ["--nope"], ["--fsync", "sometimes"]]:
            with self.subTest(args=args):
                p = subprocess.run([BINARY, "serve", *args], stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=TIMEOUT)
                self.assertEqual(p.returncode, 2, p.stderr)

    def test_numeric_options_are_whole_numbers_in_range(self):
        cases = [
            (["--threads", "100000"], "--threads 100000: expected a whole number from 0 to 256"),
            (["--threads", "-1"], "--threads -1: expected a whole number from 0 to 256"),
            (["--threads", "257"], "--threads 257: expected a whole number from 0 to 256"),
            (["--threads", "two"], "--threads two: expected a whole number from 0 to 256"),
            (["--port", "-1"], "--port -1: expected a whole number from 0 to 65535"),
            (["--port", "70000"], "--port 70000: expected a whole number from 0 to 65535"),
            (["--port", "80.0"], "--port 80.0: expected a whole number from 0 to 65535"),
            (["--max-request-bytes", "-5"],
             "--max-request-bytes -5: expected a whole number from 1 to 18446744073709551615"),
            (["--snapshot-interval", "-1"],
             "--snapshot-interval -1: expected a whole number from 0 to 4294967295"),
            (["--snapshot-commits", "1k"],
             "--snapshot-commits 1k: expected a whole number from 0 to 18446744073709551615"),
            (["--max-list-values", "+5"],
             "--max-list-values +5: expected a whole number from 0 to 18446744073709551615"),
            (["--max-answer-rows", "-1"],
             "--max-answer-rows -1: expected a whole number from 0 to 18446744073709551615"),
            (["--request-timeout-ms", "86400001"],
             "--request-timeout-ms 86400001: expected a whole number from 0 to 86400000"),
            (["--long-reads", "1025"], "--long-reads 1025: expected a whole number from 0 to 1024"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                p = subprocess.run([BINARY, "serve", *args],
                                   stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, b"")
                self.assertEqual(p.stderr.decode(),
                                 f"customerdb: {message}\nUsage: customerdb serve [options]\n"
                                 "(run with --help for the options)\n")

    def test_the_most_threads(self):
        server = Server("--threads", "256")
        self.assertEqual(server.stop(), 0)

    def test_port_in_use(self):
        server = Server()
        try:
            p = subprocess.run([BINARY, "serve", "--port", str(server.port)],
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
            self.assertEqual(p.returncode, 1)
            self.assertIn(f"cannot listen on 127.0.0.1:{server.port}".encode(), p.stderr)
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: http_test.py PATH/TO/customerdb [unittest options]")
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
