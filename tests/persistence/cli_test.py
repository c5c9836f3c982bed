"""Command-line tests of `customerdb snapshot info|verify` and `customerdb stats`, and of
data directories written by earlier releases.

    python3 tests/persistence/cli_test.py path/to/customerdb [unittest options]

Makes a data directory with `customerdb generate --data`, then checks the snapshot tools on
it, on a damaged copy (exit status 1, the file and offset named) and the usage errors.
"""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

BINARY = ""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BINARY, *args], capture_output=True, timeout=300, text=True)


class SnapshotTools(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.data = os.path.join(self.tmp.name, "data")
        done = run("generate", "--customers", "150", "--groups", "5", "--seed", "3",
                   "--data", self.data)
        self.assertEqual(done.returncode, 0, done.stderr)
        snapshots = sorted(glob.glob(os.path.join(self.data, "snapshot-*.snap")))
        self.assertTrue(snapshots, "generate --data left no snapshot")
        self.snapshot = snapshots[-1]

    def test_help(self) -> None:
        for command in ("snapshot", "stats"):
            done = run(command, "--help")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("Usage: customerdb " + command, done.stdout)

    def test_info(self) -> None:
        done = run("snapshot", "info", self.snapshot)
        self.assertEqual(done.returncode, 0, done.stderr)
        fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in done.stdout.splitlines())
        self.assertEqual(fields["customers"], "150")
        self.assertEqual(fields["customer groups"], "5")
        self.assertEqual(fields["format version"], "1")
        self.assertEqual(int(fields["file bytes"]), os.path.getsize(self.snapshot))
        # A directory: every snapshot in it.
        done = run("snapshot", "info", self.data)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(self.snapshot, done.stdout)

    def test_verify(self) -> None:
        done = run("snapshot", "verify", self.data)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("ok " + self.snapshot, done.stdout)
        self.assertIn("150 customers", done.stdout)

    def test_damaged_snapshot(self) -> None:
        bad = os.path.join(self.tmp.name, "bad.snap")
        shutil.copy(self.snapshot, bad)
        with open(bad, "r+b") as f:
            f.seek(os.path.getsize(bad) - 10)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0x40]))
        done = run("snapshot", "verify", bad)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"Snapshot {bad} is corrupt at offset 128: payload checksum mismatch",
                      done.stderr)
        # info reads the header only, which is intact.
        self.assertEqual(run("snapshot", "info", bad).returncode, 0)
        with open(bad, "r+b") as f:
            f.truncate(50)
        done = run("snapshot", "info", bad)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"Snapshot {bad} is corrupt at offset", done.stderr)

    def test_stats(self) -> None:
        done = run("stats", "--data", self.data)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("customers            150", done.stdout)
        self.assertIn("customer groups      5", done.stdout)
        self.assertRegex(done.stdout, r"last snapshot        sequence \d+, taken 20")
        self.assertRegex(done.stdout, r"memory               \d+\.\d MiB \(heap \d+\.\d MiB, "
                                      r"pool \d+\.\d MiB\); resident \d+\.\d MiB")

    def test_usage_errors(self) -> None:
        self.assertEqual(run("snapshot", "frobnicate", self.data).returncode, 2)
        self.assertEqual(run("snapshot", "info").returncode, 2)
        self.assertEqual(run("stats").returncode, 2)
        done = run("snapshot", "verify", os.path.join(self.tmp.name, "missing"))
        self.assertEqual(done.returncode, 1)

    def test_output_errors_exit_1(self) -> None:
        for args in (("stats", "--data", self.data), ("snapshot", "info", self.data),
                     ("snapshot", "verify", self.data)):
            with self.subTest(args=args), open("/dev/full", "w") as full:
                done = subprocess.run([BINARY, *args], stdout=full, stderr=subprocess.PIPE,
                                      timeout=300, text=True)
                self.assertEqual(done.returncode, 1)
                self.assertEqual(done.stderr, "customerdb: cannot write to standard output: "
                                              "No space left on device\n")


class EarlierFormats(unittest.TestCase):
    """Data directories written by earlier releases still load, every column in its place."""

    def test_customer_record_version_0(self) -> None:
        # fixtures/customer-record-v0: a snapshot and a journal whose customer records are
        # version 0 (email after last_name), with the export the release that wrote them made.
        fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                               "customer-record-v0")
        with tempfile.TemporaryDirectory() as tmp:
            data = os.path.join(tmp, "data")
            shutil.copytree(fixture, data, ignore=shutil.ignore_patterns("expected.jsonl"))
            out = os.path.join(tmp, "export.jsonl")
            done = run("export", out, "--data", data)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(out, encoding="utf-8") as got, \
                    open(os.path.join(fixture, "expected.jsonl"), encoding="utf-8") as want:
                self.assertEqual([json.loads(line) for line in got],
                                 [json.loads(line) for line in want])


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
