"""Command-line tests of `customerdb generate`, `import` and `export` (JSON Lines fixtures).

    python3 tests/cli/fixtures_test.py path/to/customerdb [unittest options]

Checks that a seed gives the same bytes every time, that --help works on each command, that
generated files import (all or nothing, naming the bad line), and the usage errors.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest

BINARY = ""


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, timeout=300)


class Fixtures(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name: str) -> str:
        return os.path.join(self.tmp.name, name)

    def generate(self, name: str, *extra: str) -> bytes:
        out = self.path(name)
        done = run("generate", "--customers", "200", "--groups", "10", "--seed", "7",
                   "--out", out, *extra)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(out, "rb") as f:
            return f.read()

    def test_same_seed_same_bytes(self) -> None:
        first = self.generate("a.jsonl")
        second = self.generate("b.jsonl")
        self.assertEqual(hashlib.sha256(first).hexdigest(), hashlib.sha256(second).hexdigest())
        self.assertEqual(first, second)
        # Standard output gives the same bytes as a file.
        done = run("generate", "--customers", "200", "--groups", "10", "--seed", "7",
                   "--out", "-")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, first)
        other = run("generate", "--customers", "200", "--groups", "10", "--seed", "8",
                    "--out", "-")
        self.assertNotEqual(other.stdout, first)

    def test_lines_are_typed_rows(self) -> None:
        lines = self.generate("a.jsonl").decode("utf-8").splitlines()
        types = [json.loads(line)["type"] for line in lines]
        self.assertEqual(types.count("customer_group"), 10)
        self.assertEqual(types.count("customer"), 200)
        self.assertEqual(types.count("customer_address"), 400)
        # Export order: groups, customers, addresses, memberships.
        order = ["customer_group", "customer", "customer_address", "customer_group_customer"]
        self.assertEqual(types, sorted(types, key=order.index))

    def test_help(self) -> None:
        for command in ("generate", "import", "export"):
            done = run(command, "--help")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn(f"Usage: customerdb {command}", done.stdout.decode())
            self.assertIn("--data", done.stdout.decode())

    def test_import_checks_a_generated_file(self) -> None:
        self.generate("a.jsonl")
        done = run("import", self.path("a.jsonl"))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("200 customers", done.stderr.decode())
        with open(self.path("a.jsonl"), "rb") as f:
            done = run("import", "-", stdin=f.read())
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_bad_line_imports_nothing_and_is_named(self) -> None:
        lines = self.generate("a.jsonl").decode("utf-8").splitlines(keepends=True)
        row = json.loads(lines[20])
        row["email"] = 5
        lines[20] = json.dumps(row) + "\n"
        with open(self.path("bad.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        done = run("import", self.path("bad.jsonl"))
        self.assertEqual(done.returncode, 1)
        self.assertIn("bad.jsonl: line 21: customer.email must be a string or null",
                      done.stderr.decode())
        self.assertIn("nothing was imported", done.stderr.decode())

    def test_broken_rule_names_the_line(self) -> None:
        lines = self.generate("a.jsonl").decode("utf-8").splitlines(keepends=True)
        # A second live customer with the e-mail and has_account of the first live one.
        customers = [(i, json.loads(line)) for i, line in enumerate(lines)
                     if json.loads(line)["type"] == "customer"]
        live = [(i, c) for i, c in customers if c["deleted_at"] is None]
        (_, first), (j, second) = live[0], next(
            (i, c) for i, c in live[1:] if c["has_account"] == live[0][1]["has_account"])
        second["email"] = first["email"]
        lines[j] = json.dumps(second) + "\n"
        with open(self.path("clash.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        done = run("import", self.path("clash.jsonl"))
        self.assertEqual(done.returncode, 1)
        flag = "true" if first["has_account"] else "false"
        self.assertIn(
            f"clash.jsonl: line {j + 1}: Customer with email: {first['email']}, "
            f"has_account: {flag}, already exists.", done.stderr.decode())

    def import_changed(self, change) -> tuple[int, str]:
        """Imports the seed-7 fixture with `change(rows)` applied (rows: list of dicts); returns
        the exit status and standard error."""
        rows = [json.loads(line) for line in self.generate("a.jsonl").decode().splitlines()]
        change(rows)
        with open(self.path("changed.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(json.dumps(row) + "\n" for row in rows)
        done = run("import", self.path("changed.jsonl"))
        return done.returncode, done.stderr.decode()

    def test_second_default_address_names_its_line(self) -> None:
        changed = {}

        def change(rows):
            default = next(i for i, r in enumerate(rows)
                           if r["type"] == "customer_address" and r["is_default_shipping"])
            owner = rows[default]["customer_id"]
            other = next(i for i, r in enumerate(rows) if r["type"] == "customer_address"
                         and r["customer_id"] == owner and not r["is_default_shipping"])
            rows[other]["is_default_shipping"] = True
            changed.update(line=max(default, other) + 1, owner=owner)

        status, stderr = self.import_changed(change)
        self.assertEqual(status, 1)
        self.assertIn(f"line {changed['line']}: Customer address with customer_id: "
                      f"{changed['owner']}, already exists.", stderr)

    def test_missing_customer_names_its_line(self) -> None:
        changed = {}

        def change(rows):
            i = next(i for i, r in enumerate(rows) if r["type"] == "customer_group_customer")
            rows[i]["customer_id"] = "cus_nope"
            changed.update(line=i + 1)

        status, stderr = self.import_changed(change)
        self.assertEqual(status, 1)
        self.assertIn(f"line {changed['line']}: You tried to set relationship customer_id: "
                      "cus_nope, but such entity does not exist", stderr)

    def test_duplicate_id_names_its_line(self) -> None:
        changed = {}

        def change(rows):
            customers = [i for i, r in enumerate(rows) if r["type"] == "customer"]
            rows[customers[5]]["id"] = rows[customers[2]]["id"]
            changed.update(line=customers[5] + 1, id=rows[customers[2]]["id"])

        status, stderr = self.import_changed(change)
        self.assertEqual(status, 1)
        self.assertIn(f"line {changed['line']}: Customer with id: {changed['id']}, already "
                      "exists.", stderr)

    def test_data_directory_round_trip(self) -> None:
        generated = self.generate("a.jsonl")
        data = self.path("data")
        done = run("generate", "--customers", "200", "--groups", "10", "--seed", "7",
                   "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"into {data}", done.stderr.decode())
        done = run("export", "-", "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout, generated)
        # The same file imported into another directory exports the same bytes.
        other = self.path("other")
        done = run("import", self.path("a.jsonl"), "--data", other)
        self.assertEqual(done.returncode, 0, done.stderr)
        done = run("export", self.path("back.jsonl"), "--data", other)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(self.path("back.jsonl"), "rb") as f:
            self.assertEqual(f.read(), generated)

    def test_bad_lines_across_blocks_name_the_first(self) -> None:
        # A file of several 4 MiB blocks, which are decoded on several threads: the error
        # names the first bad line of the file, with its number counted across blocks.
        out = self.path("big.jsonl")
        done = run("generate", "--customers", "25000", "--groups", "10", "--out", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(out, encoding="utf-8") as f:
            lines = f.readlines()
        self.assertGreater(sum(map(len, lines)), 9 << 20)
        late = len(lines) - 10
        lines[late] = '{"type":"customer","id":"cus_late"}\n'
        with open(self.path("late.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        done = run("import", self.path("late.jsonl"))
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"late.jsonl: line {late + 1}: customer.created_at is missing",
                      done.stderr.decode())
        early = 30
        lines[early] = "not json\n"
        with open(self.path("both.jsonl"), "w", encoding="utf-8") as f:
            f.writelines(lines)
        done = run("import", self.path("both.jsonl"))
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"both.jsonl: line {early + 1}: not valid JSON", done.stderr.decode())
        self.assertNotIn("cus_late", done.stderr.decode())

    def test_import_writes_its_rows_once_to_a_snapshot(self) -> None:
        self.generate("a.jsonl")
        data = self.path("data")
        done = run("import", self.path("a.jsonl"), "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertRegex(done.stderr.decode(),
                         r"\(read [0-9.]+ s, inserting [0-9.]+ s, checking [0-9.]+ s, "
                         r"snapshot [0-9.]+ s\) into ")
        names = sorted(os.listdir(data))
        self.assertEqual(names[-1], "snapshot-00000000000000000001.snap")
        # The journal holds a marker of the import, not its rows.
        journals = [n for n in names if n.startswith("journal-")]
        self.assertLess(sum(os.path.getsize(os.path.join(data, n)) for n in journals), 200)
        done = run("export", "-", "--data", data)
        with open(self.path("a.jsonl"), "rb") as f:
            self.assertEqual(done.stdout, f.read())

    def test_failed_import_leaves_the_store_as_it_was(self) -> None:
        count = len(self.generate("a.jsonl").splitlines())
        data = self.path("data")
        done = run("generate", "--customers", "20", "--groups", "3", "--seed", "1",
                   "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        before = run("export", "-", "--data", data).stdout
        # Good rows, then one bad line at the end: nothing of the file may land.
        with open(self.path("a.jsonl"), "a", encoding="utf-8") as f:
            f.write('{"type":"customer_group","id":"cusgroup_x"}\n')
        done = run("import", self.path("a.jsonl"), "--data", data)
        self.assertEqual(done.returncode, 1)
        self.assertIn(f"line {count + 1}: customer_group.created_at is missing",
                      done.stderr.decode())
        # A rule broken against the stored rows: the seed-1 groups already hold these names.
        done = run("generate", "--customers", "5", "--groups", "3", "--seed", "2",
                   "--data", data)
        self.assertEqual(done.returncode, 1)
        self.assertIn("Customer group with name: VIP, already exists.", done.stderr.decode())
        self.assertEqual(run("export", "-", "--data", data).stdout, before)

    def test_usage_errors(self) -> None:
        done = run("generate", "--customers", "5")
        self.assertEqual(done.returncode, 2)
        self.assertIn("exactly one of --out FILE and --data DIR", done.stderr.decode())
        done = run("generate", "--out", "-")
        self.assertEqual(done.returncode, 2)
        done = run("generate", "--customers", "5", "--addresses-per-customer", "101",
                   "--out", "-")
        self.assertEqual(done.returncode, 2)
        done = run("import")
        self.assertEqual(done.returncode, 2)
        done = run("import", self.path("missing.jsonl"))
        self.assertEqual(done.returncode, 1)
        self.assertIn("cannot open", done.stderr.decode())
        # The commands that read a data directory need one.
        for args in (("export", "-"), ("stats",)):
            with self.subTest(args=args):
                done = run(*args)
                self.assertEqual(done.returncode, 2)
                self.assertEqual(done.stdout, b"")
                self.assertEqual(done.stderr.decode().splitlines()[0],
                                 "customerdb: --data DIR is required: the data directory to read")

    def test_numeric_options_are_whole_numbers_in_range(self) -> None:
        any_number = "from 0 to 18446744073709551615"
        cases = [
            (("generate", "--customers", "-5", "--out", "-"), "--customers -5", any_number),
            (("generate", "--customers", "5x", "--out", "-"), "--customers 5x", any_number),
            (("generate", "--customers", "5", "--groups", "1.5", "--out", "-"), "--groups 1.5",
             any_number),
            (("generate", "--customers", "5", "--addresses-per-customer", "+2", "--out", "-"),
             "--addresses-per-customer +2", any_number),
            (("generate", "--customers", "5", "--seed", "-1", "--out", "-"), "--seed -1",
             any_number),
            (("generate", "--customers", "5", "--seed", "18446744073709551616", "--out", "-"),
             "--seed 18446744073709551616", any_number),
            (("generate", "--customers", "5", "--data", self.path("d"), "--snapshot-commits",
              "-1"), "--snapshot-commits -1", any_number),
            (("import", "x.jsonl", "--snapshot-interval", "-1"), "--snapshot-interval -1",
             "from 0 to 4294967295"),
            (("import", "x.jsonl", "--snapshot-interval", "1e3"), "--snapshot-interval 1e3",
             "from 0 to 4294967295"),
        ]
        for args, given, expected in cases:
            with self.subTest(args=args):
                done = run(*args)
                self.assertEqual(done.returncode, 2)
                self.assertEqual(done.stdout, b"")
                self.assertEqual(done.stderr.decode().splitlines()[0],
                                 f"customerdb: {given}: expected a whole number {expected}")
        self.assertFalse(os.path.exists(self.path("d")))
        # The bounds of the fixture generator itself are usage errors too.
        done = run("generate", "--customers", "100000001", "--out", "-")
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr, b"customerdb: at most 100000000 customers\n")


if __name__ == "__main__":
    BINARY = sys.argv.pop(1)
    unittest.main()
