#!/usr/bin/env python3
"""Short requests beside long reads, through `customerdb serve` (docs/performance.md, "Long
reads and short requests through the server").

Starts `customerdb serve` on a data directory holding CUSTOMERS customers (default 1,000,000,
generated once with `customerdb generate --data`, into a temporary directory or into --data DIR,
which a later run reuses as it is) and measures, client-side, the latency of short requests
while scanner clients keep the server busy with long reads:

  - SCANNERS clients (default 4) each send `listAndCount` with a `q` that matches nothing, back
    to back: every request is a full scan of the customers;
  - one client sends `ping` (the transport alone), one a `retrieve` of one customer by id, and
    one an `update` of one customer's first name (a commit); each sleeps 1 ms between requests.

Every client is a process of its own (so that Python's GIL adds no latency) with its own
keep-alive HTTP connection. A baseline round runs the three latency clients alone, then a round
runs them beside the scanners; each round lasts SECONDS (default 20). For each kind of request
it reports n, p50, p99 and max in microseconds, measured around each request (send to whole
answer read), and the scans done with their median time. The machine's load average is printed
at the start and at the end: the clients share the machine with the server, and on a small
machine their own scheduling is part of the figures (compare the baseline round).

A request that stalls is one sample however long it stalls (the next is sent only after it), so
a stall shows in max more than in p99. The server runs with `--snapshot-interval 0` so that no
timed snapshot lands in a round (docs/performance.md, "Snapshots and recovery", measures those).

    bench/server_stall.py [--binary build/release/customerdb] [--customers 1000000]
                          [--data DIR] [--seconds 20] [--scanners 4] [--threads N]

--threads N is passed to `serve` (without it, the server's default). Python 3 standard library
only. Exit status 0 when every request succeeded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing as mp
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

LISTENING = re.compile(rb"listening on http://(\S+):(\d+)")
START_TIMEOUT = 600  # seconds for the server to load its data
NO_MATCH = "zq-no-customer-matches-this-zq"
PAUSE = 0.001  # seconds a latency client sleeps between requests


class Server:
    """`customerdb serve --port 0` on a data directory, until stop()."""

    def __init__(self, binary: str, data: str, *args: str) -> None:
        self.proc = subprocess.Popen(
            [binary, "serve", "--port", "0", "--data", data, "--snapshot-interval", "0", *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.log: list[bytes] = []
        self.port = 0
        assert self.proc.stderr is not None
        deadline = time.monotonic() + START_TIMEOUT
        while not self.port:
            line = self.proc.stderr.readline()
            if not line or time.monotonic() > deadline:
                self.proc.kill()
                sys.exit("the server did not start: " + b"".join(self.log).decode())
            self.log.append(line)
            if m := LISTENING.search(line):
                self.port = int(m.group(2))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=START_TIMEOUT)


class Connection:
    """One keep-alive HTTP connection making JSON-RPC calls."""

    def __init__(self, port: int) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.ids = 0

    def call(self, method: str, *params: Any) -> Any:
        """The result; raises RuntimeError for an HTTP or JSON-RPC error."""
        self.ids += 1
        body = json.dumps({"jsonrpc": "2.0", "id": self.ids, "method": method,
                           "params": list(params)})
        self.http.request("POST", "/rpc", body=body, headers={"Content-Type": "application/json"})
        r = self.http.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{method}: HTTP {r.status}: {data[:300]!r}")
        answer = json.loads(data)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]


# ---- the clients (each runs in a process of its own) ------------------------------------------


def latency_client(port: int, kind: str, customer_id: str, start: Any, seconds: float,
                   results: Any) -> None:
    """Sends one `kind` request, sleeps PAUSE, and again, for `seconds` after `start` is set;
    puts (kind, latencies in µs, errors) on `results`."""
    conn = Connection(port)
    requests = {
        "ping": lambda i: conn.call("ping"),
        "retrieve": lambda i: conn.call("retrieve", customer_id, {"select": ["id", "email"]}),
        "update": lambda i: conn.call("update", customer_id, {"first_name": f"Stall{i}"}),
    }
    send = requests[kind]
    send(0)  # connects, and warms the path up
    latencies: list[float] = []
    errors: list[str] = []
    start.wait()
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        i += 1
        began = time.perf_counter_ns()
        try:
            send(i)
        except (RuntimeError, OSError, http.client.HTTPException) as e:
            errors.append(str(e))
            conn = Connection(port)
        latencies.append((time.perf_counter_ns() - began) / 1000)
        time.sleep(PAUSE)
    results.put((kind, latencies, errors))


def scanner(port: int, start: Any, seconds: float, results: Any) -> None:
    """Sends full scans back to back for `seconds` after `start` is set; puts ("scan", their
    times in µs, errors) on `results`. A scan under way at the end is finished, not counted."""
    conn = Connection(port)
    times: list[float] = []
    errors: list[str] = []
    start.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        began = time.perf_counter_ns()
        try:
            rows, count = conn.call("listAndCount", {"q": NO_MATCH}, {"select": ["id"], "take": 1})
            if rows or count:
                errors.append(f"the scan matched {count} live customers")
        except (RuntimeError, OSError, http.client.HTTPException) as e:
            errors.append(str(e))
            conn = Connection(port)
        if time.monotonic() < deadline:
            times.append((time.perf_counter_ns() - began) / 1000)
    results.put(("scan", times, errors))


# ---- a round ----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank."""
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def run_round(port: int, ids: tuple[str, str], scanners: int, seconds: float) -> bool:
    """Runs one round and prints its figures; False when a request failed."""
    ctx = mp.get_context("fork")
    start = ctx.Event()
    results = ctx.Queue()
    procs = [ctx.Process(target=latency_client, args=(port, kind, cid, start, seconds, results))
             for kind, cid in [("ping", ""), ("retrieve", ids[0]), ("update", ids[1])]]
    procs += [ctx.Process(target=scanner, args=(port, start, seconds, results))
              for _ in range(scanners)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # every client connected
    start.set()
    gathered: dict[str, tuple[list[float], list[str]]] = {}
    for _ in procs:  # before join: a process exits only once its results are read
        kind, values, errors = results.get()
        mine = gathered.setdefault(kind, ([], []))
        mine[0].extend(values)
        mine[1].extend(errors)
    for p in procs:
        p.join()

    print(f"\n{scanners} scanner(s), {seconds:g} s; load average {load()}")
    print(f"  {'request':<9} {'n':>7} {'p50 µs':>9} {'p99 µs':>9} {'max µs':>9}  errors")
    ok = True
    for kind in ["ping", "retrieve", "update"]:
        values, errors = gathered[kind]
        values.sort()
        print(f"  {kind:<9} {len(values):>7} {percentile(values, 0.5):>9.0f} "
              f"{percentile(values, 0.99):>9.0f} {values[-1]:>9.0f}  {len(errors)}")
        ok = ok and not errors
    if scanners:
        times, errors = gathered["scan"]
        median = f"{statistics.median(times) / 1000:.0f} ms" if times else "-"
        print(f"  full scans: {len(times)}, median {median}, errors {len(errors)}")
        ok = ok and not errors
    for kind, (_, errors) in gathered.items():
        for e in sorted(set(errors))[:3]:
            print(f"  {kind} error: {e}")
    return ok


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default="build/release/customerdb")
    parser.add_argument("--customers", type=int, default=1_000_000,
                        help="customers generated into a new data directory (default 1000000)")
    parser.add_argument("--data", help="the data directory: generated when empty or missing, "
                        "else reused as it is (default: a temporary one)")
    parser.add_argument("--seconds", type=float, default=20, help="each round (default 20)")
    parser.add_argument("--scanners", type=int, default=4, help="default 4")
    parser.add_argument("--threads", type=int, help="passed to `serve --threads`")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)

    print(f"load average at start {load()}; {os.cpu_count()} CPUs")
    temp = None if args.data else tempfile.mkdtemp(prefix="customerdb-stall-")
    data = args.data or os.path.join(temp, "data")
    try:
        if not os.path.isdir(data) or not os.listdir(data):
            began = time.monotonic()
            subprocess.run([args.binary, "generate", "--customers", str(args.customers),
                            "--data", data], check=True, stdout=subprocess.DEVNULL)
            print(f"generated {args.customers} customers into {data} "
                  f"in {time.monotonic() - began:.0f} s")
        server = Server(args.binary, data,
                        *(["--threads", str(args.threads)] if args.threads is not None else []))
        try:
            conn = Connection(server.port)
            rows, count = conn.call("listAndCount", {}, {"select": ["id"], "take": 2})
            threads = args.threads if args.threads is not None else "default"
            print(f"serve --threads {threads}: {count} live customers")
            ids = (rows[0]["id"], rows[1]["id"])
            ok = run_round(server.port, ids, 0, args.seconds)
            ok = run_round(server.port, ids, args.scanners, args.seconds) and ok
        finally:
            server.stop()
    finally:
        if temp:
            shutil.rmtree(temp, ignore_errors=True)
    print(f"\nload average at end {load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
