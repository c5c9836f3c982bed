"""The cost of filters with long operand lists, many branches and long patterns (issue 18).

    python3 bench/filter_shapes.py path/to/customerdb [--customers N] [--operands K,K,...]

Generates a store of N customers (`customerdb generate --data`, in a temporary directory),
serves it with `customerdb rpc` with every cap of docs/protocol.md "Limits" lifted, and times
one `listAndCount` per filter shape and operand count K (listAndCount visits every row, so a
shape's time is its whole cost over the store). The operands match nothing, so the time is the
filter's, not the answer's. Prints one line per measurement: shape, K, seconds, answer bytes.

Work linear in the data grows with N and barely with K (sorting K operands once); work in
data x operands grows with N * K. A measurement, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

CAPS_LIFTED = ["--max-list-values", "0", "--max-pattern-length", "0", "--max-filter-nodes", "0",
               "--max-relation-depth", "0", "--max-answer-rows", "0"]

SHAPES: dict[str, Callable[[int], Any]] = {
    # $in on a field no index serves: the list is looked up per row.
    "$in on first_name": lambda k: {"first_name": {"$in": [f"nobody{i}" for i in range(k)]}},
    # $or of e-mail equalities: one $in through the e-mail index.
    "$or of email equalities": lambda k: {"$or": [{"email": f"nobody{i}@x"} for i in range(k)]},
    # $or of equalities on a field no index serves: one $in per row.
    "$or of first_name equalities": lambda k: {"$or": [{"first_name": f"nobody{i}"}
                                                       for i in range(k)]},
    # $and of inequalities: one $nin per row.
    "$and of first_name $ne": lambda k: {"$and": [{"first_name": {"$ne": f"nobody{i}"}}
                                                  for i in range(k)]},
    # A pattern of K characters (half of them `%`).
    "$like of K characters": lambda k: {"email": {"$like": "%" + "a%" * (k // 2)}},
    "$ilike of K characters": lambda k: {"first_name": {"$ilike": "%" + "b" * k + "%"}},
    "q of K characters": lambda k: {"q": "c" * k},
}


def run(binary: str, customers: int, operands: list[int], shapes: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        started = time.monotonic()
        subprocess.run([binary, "generate", "--customers", str(customers), "--data", data],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"# {customers} customers generated in {time.monotonic() - started:.1f} s",
              flush=True)
        help_text = subprocess.run([binary, "rpc", "--help"], capture_output=True).stdout
        caps = CAPS_LIFTED if b"--max-list-values" in help_text else []
        if b"--request-timeout-ms" in help_text:
            caps += ["--request-timeout-ms", "0"]
        server = subprocess.Popen([binary, "rpc", "--data", data, *caps], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        assert server.stdin and server.stdout

        def call(method: str, params: list[Any]) -> tuple[float, bytes]:
            line = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
            started = time.monotonic()
            server.stdin.write(line.encode() + b"\n")
            server.stdin.flush()
            reply = server.stdout.readline()
            return time.monotonic() - started, reply

        call("ping", [])
        print(f"{'shape':32} {'K':>9} {'seconds':>9} {'answer bytes':>13}")
        for shape in shapes:
            for k in operands:
                seconds, reply = call("listAndCount", [SHAPES[shape](k), {"select": ["id"]}])
                result = json.loads(reply)
                if "error" in result:
                    print(f"{shape:32} {k:>9} {seconds:>9.3f} error: {result['error']['message']}",
                          flush=True)
                else:
                    print(f"{shape:32} {k:>9} {seconds:>9.3f} {len(reply):>13}", flush=True)
        server.stdin.close()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--operands", default="1000,10000,100000",
                        help="comma-separated operand counts K")
    parser.add_argument("--shapes", default=",".join(SHAPES),
                        help="comma-separated shapes, of: " + ", ".join(SHAPES))
    args = parser.parse_args()
    run(args.binary, args.customers, [int(k) for k in args.operands.split(",")],
        args.shapes.split(","))


if __name__ == "__main__":
    sys.exit(main())
