#!/usr/bin/env python3
"""`customerdb pg export` and `pg import` of a generated data set, against COPY alone.

    scripts/bench-pg-transfer [--customers N] [--rounds R]

(that script builds the program and starts a throwaway PostgreSQL 15 for this one, which reads
its connection string from CUSTOMERDB_TEST_PG). The data set is `customerdb generate` of N
customers (2 addresses each, 100 groups, about one membership each). Each round:

  export       `customerdb pg export` of the store into empty Medusa v2 tables (one transaction,
               COPY per table)                          against  COPY alone: psql's \\copy of the
               same rows, as COPY text files, into empty tables of the same DDL, one transaction
  import       `customerdb pg import` of those tables into a new data directory (read, checks,
               snapshot, fsynced)                        against  COPY alone: psql's \\copy of
               the four tables to /dev/null in one REPEATABLE READ transaction

It prints each round's times, the medians and the per-round ratios, and the peak resident size
of the customerdb processes, and writes them as JSON (--json).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TABLES = ["customer_group", "customer", "customer_address", "customer_group_customer"]


def timed(cmd: list[str], **kw) -> tuple[float, int]:
    """Runs cmd under /usr/bin/time; returns (seconds, peak resident KiB)."""
    start = time.monotonic()
    done = subprocess.run(["/usr/bin/time", "-f", "peak-rss-kib %M", *cmd], capture_output=True,
                          text=True, **kw)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"pg_transfer: {' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    peak = int(re.search(r"peak-rss-kib (\d+)", done.stderr).group(1))
    return seconds, peak


def psql(url: str, *args: str) -> None:
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"pg_transfer: psql {' '.join(args)} failed: {done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customerdb", required=True)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--work", default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--json", default=None)
    o = parser.parse_args()
    cluster = os.environ.get("CUSTOMERDB_TEST_PG")
    if not cluster:
        sys.exit("pg_transfer: CUSTOMERDB_TEST_PG is not set (run it through scripts/bench-pg-transfer)")
    work = o.work or tempfile.mkdtemp(prefix="pg-transfer-")
    os.makedirs(work, exist_ok=True)
    db = lambda name: cluster.replace("dbname=postgres", f"dbname={name}")
    try:
        source = os.path.join(work, "source")
        shutil.rmtree(source, ignore_errors=True)
        print(f"generating {o.customers:,} customers ...", file=sys.stderr)
        generate_s, _ = timed([o.customerdb, "generate", "--customers", str(o.customers), "--data",
                               source])
        empty = os.path.join(work, "empty")
        shutil.rmtree(empty, ignore_errors=True)
        open(os.path.join(work, "empty.jsonl"), "w").close()
        timed([o.customerdb, "import", os.path.join(work, "empty.jsonl"), "--data", empty])
        rounds = []
        for r in range(o.rounds):
            # customerdb pg export into empty v2 tables.
            target = f"bench_export_{r}"
            psql(cluster, "-c", f"DROP DATABASE IF EXISTS {target}", "-c", f"CREATE DATABASE {target}")
            export_s, export_kib = timed([o.customerdb, "pg", "export", "--url", db(target),
                                          "--data", source])
            # The same rows as COPY text files, then COPY alone into empty tables of the same DDL.
            files = {t: os.path.join(work, f"{t}.copy") for t in TABLES}
            for t in TABLES:
                psql(db(target), "-c", f"\\copy {t} to '{files[t]}'")
            plain = f"bench_copy_{r}"
            psql(cluster, "-c", f"DROP DATABASE IF EXISTS {plain}", "-c", f"CREATE DATABASE {plain}")
            timed([o.customerdb, "pg", "export", "--url", db(plain), "--data", empty])
            script = os.path.join(work, "copy_in.sql")
            with open(script, "w") as f:
                f.write("BEGIN;\n" + "".join(f"\\copy {t} from '{files[t]}'\n" for t in TABLES)
                        + "COMMIT;\n")
            copy_in_s, _ = timed(["psql", db(plain), "-v", "ON_ERROR_STOP=1", "-q", "-f", script])
            copy_bytes = sum(os.path.getsize(p) for p in files.values())
            # customerdb pg import of the exported tables, against COPY alone out of them.
            into = os.path.join(work, f"imported_{r}")
            shutil.rmtree(into, ignore_errors=True)
            import_s, import_kib = timed([o.customerdb, "pg", "import", "--url", db(target),
                                          "--data", into])
            with open(script, "w") as f:
                f.write("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;\n"
                        + "".join(f"\\copy {t} to '/dev/null'\n" for t in TABLES) + "COMMIT;\n")
            copy_out_s, _ = timed(["psql", db(target), "-v", "ON_ERROR_STOP=1", "-q", "-f", script])
            store_bytes = sum(os.path.getsize(os.path.join(into, f)) for f in os.listdir(into))
            shutil.rmtree(into)
            for t in TABLES:
                os.remove(files[t])
            psql(cluster, "-c", f"DROP DATABASE {target}", "-c", f"DROP DATABASE {plain}")
            row = {"export_s": export_s, "copy_in_s": copy_in_s, "import_s": import_s,
                   "copy_out_s": copy_out_s, "export_peak_mib": export_kib / 1024,
                   "import_peak_mib": import_kib / 1024, "copy_text_mib": copy_bytes / 2**20,
                   "store_files_mib": store_bytes / 2**20}
            rounds.append(row)
            print(f"round {r + 1}: export {export_s:.1f} s (COPY alone {copy_in_s:.1f} s), "
                  f"import {import_s:.1f} s (COPY alone {copy_out_s:.1f} s); peak "
                  f"{export_kib / 1024:.0f} / {import_kib / 1024:.0f} MiB", file=sys.stderr)
        med = lambda k: statistics.median(x[k] for x in rounds)
        ratio = lambda a, b: statistics.median(x[a] / x[b] for x in rounds)
        summary = {
            "customers": o.customers, "rounds": rounds, "generate_s": generate_s,
            "export_s": med("export_s"), "copy_in_s": med("copy_in_s"),
            "export_over_copy": ratio("export_s", "copy_in_s"),
            "import_s": med("import_s"), "copy_out_s": med("copy_out_s"),
            "import_over_copy": ratio("import_s", "copy_out_s"),
            "export_peak_mib": med("export_peak_mib"), "import_peak_mib": med("import_peak_mib"),
            "copy_text_mib": med("copy_text_mib"), "store_files_mib": med("store_files_mib"),
        }
        print(f"| {o.customers:,} customers, {o.rounds} rounds | customerdb | COPY alone | "
              f"ratio (median of rounds) |")
        print("|---|---:|---:|---:|")
        print(f"| export into empty v2 tables | {summary['export_s']:.1f} s | "
              f"{summary['copy_in_s']:.1f} s | ×{summary['export_over_copy']:.2f} |")
        print(f"| import into a new data directory | {summary['import_s']:.1f} s | "
              f"{summary['copy_out_s']:.1f} s | ×{summary['import_over_copy']:.2f} |")
        print(f"peak resident: export {summary['export_peak_mib']:.0f} MiB, import "
              f"{summary['import_peak_mib']:.0f} MiB; COPY text {summary['copy_text_mib']:.0f} MiB; "
              f"imported data directory {summary['store_files_mib']:.0f} MiB")
        if o.json:
            with open(o.json, "w") as f:
                json.dump(summary, f, indent=2)
    finally:
        if not o.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
