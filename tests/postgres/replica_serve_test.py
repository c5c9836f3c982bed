"""`customerdb rpc --replica-of` and `customerdb serve --replica-of` against a real PostgreSQL 15.

    tests/postgres/with_cluster.sh python3 tests/postgres/replica_serve_test.py path/to/customerdb

with_cluster.sh starts the throwaway cluster (wal_level=logical) and gives its connection string
in CUSTOMERDB_TEST_PG. Each test works in a database of its own, with Medusa's v2 tables (made by
`customerdb pg export`, as pg_transfer_test.py makes them), rows written with plain SQL, the
publication `customerdb` of the four tables, and a replication slot of its own (dropped at the
end). The program is driven as clients drive it: JSON-RPC on stdio (tests/protocol/rpc_driver.py)
and HTTP. Every wait polls until what it waits for holds, with a deadline of a minute (a bound
for a broken replica, not a guess at the machine's speed).
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from typing import Any, Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol"))
from rpc_driver import RpcServer  # noqa: E402

from pg_cluster import CLUSTER, new_database, psql, unique_name  # noqa: E402

BINARY = ""
DEADLINE = 60.0  # seconds
LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
REPORT_KEYS = ["source", "slot", "publication", "state", "position", "sourceWalEnd", "lagBytes",
               "lastApplyLagMs", "transactionsApplied", "changesApplied", "reconnects",
               "lastError"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=600)


def wait_for(what: str, check: Callable[[], Any]) -> Any:
    """Polls `check` until it returns something true, and returns that; fails after DEADLINE."""
    deadline = time.monotonic() + DEADLINE
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {DEADLINE} s waiting for {what}")
        time.sleep(0.05)


ROWS_SQL = r"""
INSERT INTO customer_group (id, name, created_at, updated_at) VALUES
  ('cusgroup_01', 'VIP', '2024-05-24 10:00:00.123+00', '2024-05-24 10:00:00.123+00');
INSERT INTO customer (id, email, first_name, has_account, metadata, created_at, updated_at) VALUES
  ('cus_01', 'ada@example.com', 'Ada', true, '{"tier": "gold"}', now(), now()),
  ('cus_02', 'bob@example.com', 'Bob', false, NULL, now(), now());
INSERT INTO customer_address (id, customer_id, city, is_default_billing, created_at, updated_at)
  VALUES ('cuaddr_01', 'cus_01', 'London', true, now(), now());
INSERT INTO customer_group_customer (id, customer_id, customer_group_id, created_at, updated_at)
  VALUES ('cusgc_01', 'cus_01', 'cusgroup_01', now(), now());
CREATE PUBLICATION customerdb FOR TABLE customer, customer_group, customer_address,
  customer_group_customer;
"""


def insert_customer(url: str, id: str) -> None:
    """One source transaction: a customer."""
    psql(url, f"INSERT INTO customer (id, email, has_account, created_at, updated_at) "
              f"VALUES ('{id}', '{id}@example.com', false, now(), now())")


class Serve:
    """One `customerdb serve --port 0` child process; stderr is drained by a thread."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen([BINARY, "serve", "--port", "0", *args],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        self.stderr: list[str] = []
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.drainer = threading.Thread(target=self._drain, daemon=True)
        self.drainer.start()
        self.port = 0
        deadline = time.monotonic() + DEADLINE
        while not self.port:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError("serve exited before listening: " + "".join(self.stderr))
            if m := re.search(r"listening on http://\S+:(\d+)", line):
                self.port = int(m.group(1))

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace")
            self.stderr.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """(status, parsed JSON body) of one request on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DEADLINE)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers={"Content-Type": "application/json"})
            res = conn.getresponse()
            return res.status, json.loads(res.read())
        finally:
            conn.close()

    def rpc(self, method: str, *params: Any) -> dict:
        status, reply = self.request("POST", "/rpc", {"jsonrpc": "2.0", "id": 1,
                                                      "method": method, "params": list(params)})
        assert status == 200, (status, reply)
        return reply

    def stop(self) -> int:
        """SIGTERM; the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=DEADLINE)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self.drainer.join(timeout=DEADLINE)
            assert self.proc.stderr is not None
            self.proc.stderr.close()


class ReplicaServe(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.slot = unique_name()
        self.addCleanup(self.drop_slot)
        self.url = self.medusa_database()
        # The source as the replica gets it: with a password (trust authentication ignores
        # it), which must never be shown.
        self.source = self.url + " password=s3cret"
        self.redacted = self.url + " password=***"

    def path(self, name: str) -> str:
        return os.path.join(self.tmp.name, name)

    def medusa_database(self) -> str:
        """A new database with Medusa's v2 tables, the rows of ROWS_SQL and the publication."""
        url = new_database()
        empty_jsonl = self.path("empty.jsonl")
        open(empty_jsonl, "w").close()
        empty = self.path(f"empty{unique_name()}")
        done = run("import", empty_jsonl, "--data", empty)
        self.assertEqual(done.returncode, 0, done.stderr)
        done = run("pg", "export", "--url", url, "--data", empty, "--create", "v2")
        self.assertEqual(done.returncode, 0, done.stderr)
        psql(url, ROWS_SQL)
        return url

    def drop_slot(self) -> None:
        """Drops the test's slot once no walsender holds it (the replica has exited)."""
        def dropped() -> bool:
            active = psql(CLUSTER, "SELECT active FROM pg_replication_slots "
                                   f"WHERE slot_name = '{self.slot}'").strip()
            if active == "":
                return True
            if active == "f":
                psql(CLUSTER, f"SELECT pg_drop_replication_slot('{self.slot}')")
                return True
            return False
        wait_for(f"the slot {self.slot} to be released", dropped)

    def replica_args(self, *more: str) -> list[str]:
        return ["--replica-of", self.source, "--replica-slot", self.slot, *more]

    def check_report(self, report: dict, state: str = "streaming") -> None:
        self.assertEqual(list(report), REPORT_KEYS)
        self.assertEqual(report["source"], self.redacted)
        self.assertEqual(report["slot"], self.slot)
        self.assertEqual(report["publication"], "customerdb")
        self.assertEqual(report["state"], state)
        self.assertRegex(report["position"], LSN)
        self.assertRegex(report["sourceWalEnd"], LSN)
        for key in ("lagBytes", "transactionsApplied", "changesApplied", "reconnects"):
            self.assertIsInstance(report[key], int)
        if report["lastApplyLagMs"] is not None:
            self.assertIsInstance(report["lastApplyLagMs"], int)

    @staticmethod
    def streaming_stats(rpc: RpcServer, customers: int, transactions: int = 0,
                        lag: bool = False) -> Callable[[], Any]:
        """A check for wait_for: stats once the replica streams, the store holds `customers`,
        the replica has counted at least `transactions` and, with `lag`, has measured the lag of
        an applied transaction. Its figures follow the store's commit by a moment: the counts
        come before the rows are visible, the lag after."""
        def check() -> Any:
            stats = rpc.call("stats")
            replica = stats["replica"]
            if replica["state"] == "stale":
                raise AssertionError(f"the replica is stale: {replica['lastError']}")
            return stats if replica["state"] == "streaming" and \
                stats["customers"] == customers and \
                replica["transactionsApplied"] >= transactions and \
                (not lag or replica["lastApplyLagMs"] is not None) else None
        return check

    def test_rpc_copies_streams_and_refuses_writes(self) -> None:
        with RpcServer(BINARY, *self.replica_args()) as rpc:
            stats = wait_for("the initial copy", self.streaming_stats(rpc, 2))
            self.assertEqual((stats["customerGroups"], stats["customerAddresses"],
                              stats["customerGroupCustomers"]), (1, 1, 1))
            self.check_report(stats["replica"])
            ada = rpc.call("retrieve", "cus_01", {"relations": ["addresses", "groups"]})
            self.assertEqual((ada["email"], ada["metadata"], ada["addresses"][0]["city"],
                              ada["groups"][0]["name"]),
                             ("ada@example.com", {"tier": "gold"}, "London", "VIP"))

            insert_customer(self.url, "cus_new")
            new = wait_for("the inserted row", lambda: rpc.respond("retrieve", "cus_new")
                           .get("result"))
            self.assertEqual(new["email"], "cus_new@example.com")
            report = wait_for("the replica's figures",
                              self.streaming_stats(rpc, 3, 1, lag=True))["replica"]
            self.check_report(report)
            self.assertGreaterEqual(report["transactionsApplied"], 1)
            self.assertGreaterEqual(report["changesApplied"], 1)
            self.assertIsInstance(report["lastApplyLagMs"], int)
            self.assertIsNone(report["lastError"])

            refusal = {"code": -32004, "data": {"type": "not_allowed"},
                       "message": f"This store is a read-only replica of {self.redacted}: "
                                  "write to the source"}
            self.assertEqual(rpc.error("create", {"email": "x@example.com"}), refusal)
            self.assertEqual(rpc.error("v2.createCustomers", {"email": "x@example.com"}), refusal)
            fixture = self.path("fixture.jsonl")
            done = run("generate", "--customers", "1", "--out", fixture)
            self.assertEqual(done.returncode, 0, done.stderr)
            for method, params in (("mark", []), ("clear", [])):
                with self.subTest(method=method):
                    self.assertEqual(rpc.error(method, *params), refusal)
            # loadFixture's errors name the file, this one too.
            self.assertEqual(rpc.error("loadFixture", fixture),
                             {**refusal, "message": f"{fixture}: {refusal['message']}"})
            self.assertEqual(rpc.call("stats")["customers"], 3)
        self.assertIn(f"customerdb: replica: initial copy of {self.redacted}", rpc.stderr)
        self.assertNotIn("s3cret", rpc.stderr)

    def test_serve_health_ok_then_stale(self) -> None:
        server = Serve(*self.replica_args())
        try:
            def healthy() -> Any:
                status, body = server.request("GET", "/health")
                return body if status == 200 and body["replica"]["state"] == "streaming" \
                    and body["replica"]["position"] is not None else None
            body = wait_for("GET /health 200 streaming", healthy)
            self.assertEqual(list(body), ["status", "replica"])
            self.assertEqual(body["status"], "ok")
            self.check_report(body["replica"])
            self.check_report(server.rpc("stats")["result"]["replica"])

            psql(self.url, "ALTER PUBLICATION customerdb DROP TABLE customer_address")

            def stale() -> Any:
                status, body = server.request("GET", "/health")
                return (status, body) if status != 200 else None
            status, body = wait_for("GET /health 503", stale)
            self.assertEqual(status, 503, body)
            self.assertEqual(list(body), ["status", "replica"])
            self.assertEqual(body["status"], "stale")
            self.check_report(body["replica"], state="stale")
            self.assertIn('publication "customerdb" publishes', body["replica"]["lastError"])
            # The store keeps serving its last state.
            self.assertEqual(server.rpc("retrieve", "cus_01")["result"]["email"],
                             "ada@example.com")
            self.assertEqual(server.rpc("stats")["result"]["replica"]["state"], "stale")
        finally:
            status = server.stop()
        self.assertEqual(status, 0, "".join(server.stderr))
        log = "".join(server.stderr)
        self.assertIn("customerdb: replica: initial copy of", log)
        self.assertIn("The replica is stale", log)
        self.assertNotIn("s3cret", log)

    def test_restart_resumes_from_the_data_directory(self) -> None:
        data = self.path("replica")
        with RpcServer(BINARY, *self.replica_args("--data", data)) as rpc:
            wait_for("the initial copy", self.streaming_stats(rpc, 2))
            insert_customer(self.url, "cus_first")
            wait_for("the first run's row", lambda: rpc.call("stats")["customers"] == 3)
            position = rpc.call("stats")["replica"]["position"]
        self.assertIn("customerdb: replica: initial copy of", rpc.stderr)

        with RpcServer(BINARY, *self.replica_args("--data", data)) as rpc:
            # The store reopens with the first run's rows and position, and streams from there.
            stats = rpc.call("stats")
            self.assertEqual(stats["customers"], 3)
            self.assertEqual(stats["replica"]["position"], position)
            insert_customer(self.url, "cus_second")
            insert_customer(self.url, "cus_third")
            stats = wait_for("the second run's rows", self.streaming_stats(rpc, 5, 2))
            self.check_report(stats["replica"])
            # Only the new transactions: the first run's was not applied again.
            self.assertEqual(stats["replica"]["transactionsApplied"], 2)
            self.assertEqual(stats["replica"]["changesApplied"], 2)
            self.assertEqual(rpc.call("retrieve", "cus_first")["email"], "cus_first@example.com")
        self.assertNotIn("initial copy", rpc.stderr)
        self.assertIn("customerdb: replica: streaming from", rpc.stderr)

    def test_fsync_other_than_always_is_refused(self) -> None:
        data = self.path("refused")
        for command in ("rpc", "serve"):
            with self.subTest(command=command):
                done = run(command, *self.replica_args("--data", data, "--fsync", "everysec"))
                self.assertEqual(done.returncode, 2, done.stderr)
                self.assertEqual(
                    done.stderr,
                    "customerdb: --fsync everysec cannot be used with --replica-of: the replica "
                    "confirms each position to the source only once it is durable in --data "
                    "(the source may then recycle its WAL up to there), so a replica's journal "
                    "is synced at every commit (--fsync always, its default with "
                    "--replica-of)\n")
                self.assertFalse(os.path.exists(data))
        done = run("rpc", *self.replica_args("--data", data, "--copy-on-open"))
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("--copy-on-open cannot be used with --replica-of", done.stderr)
        done = run("rpc", "--replica-slot", "x")
        self.assertEqual((done.returncode, done.stderr),
                         (2, "customerdb: --replica-slot needs --replica-of URL\n"))
        for command in ("rpc", "serve"):
            self.assertIn("--replica-of URL", run(command, "--help").stdout)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: replica_serve_test.py path/to/customerdb [unittest options]")
    if not CLUSTER:
        sys.exit("CUSTOMERDB_TEST_PG is not set: run under tests/postgres/with_cluster.sh")
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
