"""Command-line tests of `customerdb snapshot info|verify`, `customerdb stats` and `customerdb
export --data`, and of data directories written by earlier releases.

    python3 tests/persistence/cli_test.py path/to/customerdb [unittest options]

Makes a data directory with `customerdb generate --data`, then checks the snapshot tools on
it, on a damaged copy (exit status 1, the file and offset named) and the usage errors; and that
the inspection commands change nothing: not a data directory (read-only, or holding a torn
journal tail and a leftover temporary file that a writable open would clean up), nor a path
that is not one (refused with exit status 1, nothing created).
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


class DataDirectoryTest(unittest.TestCase):
    """Each test has a temporary directory, `tmp`, holding `data`: a data directory generated
    with the options FIXTURE."""

    FIXTURE: tuple[str, ...] = ("--customers", "150", "--groups", "5", "--seed", "3")

    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.data = os.path.join(self.tmp.name, "data")
        done = run("generate", *self.FIXTURE, "--data", self.data)
        self.assertEqual(done.returncode, 0, done.stderr)


class SnapshotTools(DataDirectoryTest):
    def setUp(self) -> None:
        super().setUp()
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
        self.assertEqual(fields["format version"], "3")
        # generate --data records no replication source position.
        self.assertNotIn("source position", fields)
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
        # The payload starts after the 144 bytes of a version 3 header.
        self.assertIn(f"Snapshot {bad} is corrupt at offset 144: payload checksum mismatch",
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
        # The inspection commands take no option that would only matter to a writer.
        for command in (("stats",), ("export", "-")):
            for option in ("--fsync", "--snapshot-interval", "--snapshot-commits"):
                with self.subTest(command=command, option=option):
                    done = run(*command, "--data", self.data, option, "1")
                    self.assertEqual(done.returncode, 2)
                    self.assertEqual(done.stderr.splitlines()[0],
                                     f"customerdb: unrecognised option '{option}'")

    def test_output_errors_exit_1(self) -> None:
        for args in (("stats", "--data", self.data), ("snapshot", "info", self.data),
                     ("snapshot", "verify", self.data)):
            with self.subTest(args=args), open("/dev/full", "w") as full:
                done = subprocess.run([BINARY, *args], stdout=full, stderr=subprocess.PIPE,
                                      timeout=300, text=True)
                self.assertEqual(done.returncode, 1)
                self.assertEqual(done.stderr, "customerdb: cannot write to standard output: "
                                              "No space left on device\n")


def listing(path: str) -> dict[str, tuple[int, int, int, bytes]]:
    """Every entry under `path` (itself included): mode, size, modification time and, for a
    file, its bytes."""
    out = {}
    for root, dirs, files in os.walk(path):
        for name in [""] + dirs + files:
            full = os.path.join(root, name) if name else root
            st = os.lstat(full)
            data = b""
            if os.path.isfile(full):
                with open(full, "rb") as f:
                    data = f.read()
            out[os.path.relpath(full, path)] = (st.st_mode, st.st_size, st.st_mtime_ns, data)
    return out


class Inspection(DataDirectoryTest):
    """stats, export, snapshot info and snapshot verify never create or change a data
    directory."""

    FIXTURE = ("--customers", "20", "--groups", "2", "--seed", "5")

    def setUp(self) -> None:
        super().setUp()
        self.export = run("export", "-", "--data", self.data).stdout

    def path(self, name: str) -> str:
        return os.path.join(self.tmp.name, name)

    def inspect(self, data: str) -> list[tuple[tuple[str, ...], subprocess.CompletedProcess]]:
        """Runs every inspection command on `data`."""
        commands = [("stats", "--data", data), ("export", self.path("out.jsonl"), "--data", data),
                    ("export", "-", "--data", data), ("snapshot", "info", data),
                    ("snapshot", "verify", data)]
        return [(c, run(*c)) for c in commands]

    def test_a_read_only_directory_is_read_and_left_as_it_was(self) -> None:
        # What a writable open would clean up: a torn tail on the journal (zero bytes after its
        # last record) and a snapshot left half-written.
        journal = sorted(glob.glob(os.path.join(self.data, "journal-*.log")))[-1]
        with open(journal, "ab") as f:
            f.write(bytes(16))
        snapshot = sorted(glob.glob(os.path.join(self.data, "snapshot-*.snap")))[-1]
        with open(snapshot + ".tmp", "wb") as f:
            f.write(b"half a snapshot")
        subprocess.run(["chmod", "-R", "a-w", self.data], check=True)
        self.addCleanup(subprocess.run, ["chmod", "-R", "u+w", self.data], check=True)
        before = listing(self.data)
        for command, done in self.inspect(self.data):
            with self.subTest(command=command):
                self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(listing(self.data), before)
        self.assertEqual(run("export", "-", "--data", self.data).stdout, self.export)
        done = run("stats", "--data", self.data)
        self.assertIn("customers            20\n", done.stdout)
        self.assertIn("dropping a torn record at the end of the journal", done.stderr)

    def test_a_missing_directory_is_refused_and_not_created(self) -> None:
        missing = self.path("missing")
        for command, done in self.inspect(missing):
            with self.subTest(command=command):
                self.assertEqual(done.returncode, 1)
                self.assertEqual(done.stdout, "")
                self.assertEqual(done.stderr,
                                 f"customerdb: Cannot open {missing}: No such file or directory\n")
        self.assertFalse(os.path.exists(missing))
        self.assertFalse(os.path.exists(self.path("out.jsonl")))

    def test_a_path_that_is_not_a_data_directory_is_refused(self) -> None:
        file = self.path("file")
        with open(file, "w") as f:
            f.write("not a data directory")
        other = self.path("other")
        os.mkdir(other)
        with open(os.path.join(other, "notes.txt"), "w") as f:
            f.write("hello")
        empty = self.path("empty")
        os.mkdir(empty)
        not_a_directory = f"customerdb: Cannot open {file}: Not a directory\n"
        no_store = " is not a data directory: it holds no snapshot or journal file\n"
        for data, message in ((file, not_a_directory), (other, f"customerdb: {other}{no_store}"),
                              (empty, f"customerdb: {empty}{no_store}")):
            before = listing(self.tmp.name)
            # snapshot info|verify read a file given as PATH as a snapshot.
            snapshot_message = (f"customerdb: Snapshot {file} is corrupt at offset 0: "
                                "not a snapshot file (bad magic)\n" if data == file else
                                f"customerdb: no snapshot files in {data}\n")
            for command, done in self.inspect(data):
                with self.subTest(data=data, command=command):
                    self.assertEqual(done.returncode, 1)
                    self.assertEqual(done.stdout, "")
                    self.assertEqual(done.stderr, snapshot_message if command[0] == "snapshot"
                                     else message)
            self.assertEqual(listing(self.tmp.name), before)


class MissingJournal(DataDirectoryTest):
    """A directory whose newest journal file was deleted is refused by every command that opens
    it, with the file named, exit status 1, and nothing changed."""

    FIXTURE = ("--customers", "10", "--groups", "1", "--seed", "7")

    def test_a_deleted_newest_journal_file_is_refused(self) -> None:
        # generate: commit 1 (the import) and its snapshot; then commit 2, a snapshot of it,
        # and commit 3 in the journal file that snapshot started.
        requests = [{"jsonrpc": "2.0", "id": 1, "method": "create", "params": [{"email": "a@x.y"}]},
                    {"jsonrpc": "2.0", "id": 2, "method": "snapshot", "params": []},
                    {"jsonrpc": "2.0", "id": 3, "method": "create", "params": [{"email": "b@x.y"}]}]
        done = subprocess.run([BINARY, "rpc", "--data", self.data], capture_output=True,
                              timeout=300, text=True,
                              input="".join(json.dumps(r) + "\n" for r in requests))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn('"error"', done.stdout)
        name = lambda kind, sequence: os.path.join(
            self.data, f"{kind}-{sequence:020}.{'snap' if kind == 'snapshot' else 'log'}")
        self.assertEqual(sorted(os.listdir(self.data)),
                         sorted(os.path.basename(name(*f)) for f in (
                             ("snapshot", 1), ("snapshot", 2), ("journal", 2), ("journal", 3))))
        os.remove(name("journal", 3))
        before = listing(self.data)
        message = (f"customerdb: Journal {name('journal', 3)} is missing: snapshot "
                   f"{name('snapshot', 2)} holds the commits up to 2, and the commits after it "
                   f"start that file, but the newest journal file, {name('journal', 2)}, starts "
                   "at commit 2\n")
        for command in (("rpc", "--data", self.data), ("stats", "--data", self.data),
                        ("export", "-", "--data", self.data)):
            with self.subTest(command=command):
                done = subprocess.run([BINARY, *command], capture_output=True, timeout=300,
                                      text=True, input="")
                self.assertEqual(done.returncode, 1)
                self.assertEqual(done.stdout, "")
                self.assertEqual(done.stderr, message)
        self.assertEqual(listing(self.data), before)


class EarlierFormats(unittest.TestCase):
    """Data directories written by earlier releases still load, every column in its place."""

    def test_customer_record_version_0(self) -> None:
        # fixtures/customer-record-v0: a snapshot and a journal whose customer records are
        # version 0 (email after last_name), and whose address and membership records are
        # version 0 (no deleted_at), with the export the release that wrote them made: today's
        # export is that, with every address and membership live (deleted_at null).
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
                expected = [json.loads(line) for line in want]
                for row in expected:
                    if row["type"] in ("customer_address", "customer_group_customer"):
                        self.assertNotIn("deleted_at", row)
                        row["deleted_at"] = None
                self.assertEqual([json.loads(line) for line in got], expected)

    def test_source_position_version_3(self) -> None:
        # fixtures/source-position-v3: a format version 3 snapshot of commit 2, whose cut
        # reflects the replication source up to 16/B374D848 (0x16B374D848).
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures",
                            "source-position-v3", "snapshot-00000000000000000002.snap")
        done = run("snapshot", "info", path)
        self.assertEqual(done.returncode, 0, done.stderr)
        fields = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in done.stdout.splitlines())
        self.assertEqual(fields["format version"], "3")
        self.assertEqual(fields["sequence"], "2")
        self.assertEqual(fields["customers"], "1")
        self.assertEqual(fields["source position"], "16/B374D848")
        self.assertEqual(done.stdout.splitlines()[-1], "source position      16/B374D848")
        done = run("snapshot", "verify", path)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("sequence 2, 1 customers", done.stdout)


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
