"""`customerdb pg import` and `customerdb pg export` against a real PostgreSQL 15.

    tests/postgres/with_cluster.sh python3 tests/postgres/pg_transfer_test.py path/to/customerdb

with_cluster.sh starts the throwaway cluster and gives its connection string in
CUSTOMERDB_TEST_PG. Each test works in a database of its own. Rows are written with plain SQL, as
Medusa writes them (timestamps with microseconds, jsonb metadata, soft-deleted rows), imported,
exported again, and compared row for row with what PostgreSQL holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest

from pg_cluster import CLUSTER, new_database, psql, unique_name

BINARY = ""
TABLES = ["customer_group", "customer", "customer_address", "customer_group_customer"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=600)


def timestamp_columns(url: str, table: str) -> list[str]:
    return psql(url, "SELECT attname FROM pg_attribute WHERE attrelid = "
                     f"'{table}'::regclass AND atttypid = 'timestamptz'::regtype "
                     "AND attnum > 0 AND NOT attisdropped").split()


def pg_rows(url: str, table: str) -> list[dict]:
    """Every row of `table`, as JSON, timestamps in customerdb's form (UTC, milliseconds)."""
    stamps = timestamp_columns(url, table)
    shown = ", ".join(
        f"to_char({c} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS {c}"
        for c in stamps)
    out = psql(url, f"SELECT row_to_json(r) FROM (SELECT t.*, {shown} FROM {table} t) r "
                    "ORDER BY r.id")
    rows = []
    for line in out.splitlines():
        row = json.loads(line)
        # row_to_json gives the columns twice (t.* and the formatted ones): the last one wins.
        rows.append(row)
    return rows


def exported(data_dir: str) -> dict[str, list[dict]]:
    """The store of `data_dir` as `customerdb export` writes it, by table, in id order."""
    done = run("export", "-", "--data", data_dir)
    assert done.returncode == 0, done.stderr
    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    for line in done.stdout.splitlines():
        row = json.loads(line)
        tables[row.pop("type")].append(row)
    for rows in tables.values():
        rows.sort(key=lambda r: r["id"])
    return tables


# Rows as Medusa writes them: every column named, microseconds in the timestamps, jsonb metadata
# (with the characters COPY escapes), soft-deleted rows in every table that has deleted_at.
ROWS_SQL = r"""
INSERT INTO customer_group (id, name, metadata, created_by, created_at, updated_at, deleted_at) VALUES
  ('cusgroup_01', 'VIP', '{"tier": "gold", "discount": 12.5}', 'user_1',
   '2024-05-24 10:00:00.123456+00', '2024-05-24 10:00:01.999999+00', NULL),
  ('cusgroup_02', E'Tab\there, new\nline \\ back', NULL, NULL,
   '2024-05-24 10:00:02+00', '2024-05-24 10:00:02+00', '2024-06-01 00:00:00.5+00'),
  ('cusgroup_03', 'Ünïcödé 顧客 ✓', '{"nested": {"a": [1, 2, {"b": null}]}, "big": 9007199254740993}',
   NULL, now(), now(), NULL);
INSERT INTO customer (id, company_name, first_name, last_name, email, phone, has_account, metadata,
                      created_at, updated_at, deleted_at, created_by) VALUES
  ('cus_01', 'Acme', 'Ada', 'Lovelace', 'ada@example.com', '+44 1', true,
   '{"newsletter": true, "text": "a\tb\nc\\d"}', '2024-01-01 00:00:00.000001+00',
   '2024-01-02 00:00:00.999+00', NULL, 'admin'),
  ('cus_02', NULL, NULL, NULL, NULL, NULL, false, NULL, now(), now(), NULL, NULL),
  ('cus_03', NULL, 'Gone', NULL, 'ada@example.com', NULL, true, '{}',
   '2023-12-31 23:59:59.999999+00', now(), '2024-02-02 02:02:02.020202+00', NULL),
  ('cus_04', 'Acme', 'Bob', NULL, 'ada@example.com', NULL, false, NULL, now(), now(), NULL, NULL);
INSERT INTO customer_address (id, customer_id, address_name, is_default_shipping,
    is_default_billing, company, first_name, last_name, address_1, address_2, city, country_code,
    province, postal_code, phone, metadata, created_at, updated_at) VALUES
  ('cuaddr_01', 'cus_01', 'Home', true, true, NULL, 'Ada', 'Lovelace', '1 Main St', NULL, 'London',
   'gb', NULL, 'N1', NULL, '{"gate": "B"}', now(), now()),
  ('cuaddr_02', 'cus_01', 'Work', false, false, 'Acme', NULL, NULL, E'2\tTab Rd', NULL, NULL, 'gb',
   NULL, NULL, '+44 2', NULL, now(), now()),
  ('cuaddr_03', 'cus_04', NULL, false, true, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, '2024-03-03 03:03:03.333333+00', now());
INSERT INTO customer_group_customer (id, customer_id, customer_group_id, metadata, created_at,
    updated_at, created_by) VALUES
  ('cusgc_01', 'cus_01', 'cusgroup_01', NULL, now(), now(), 'admin'),
  ('cusgc_02', 'cus_04', 'cusgroup_01', '{"source": "import"}', now(), now(), NULL),
  ('cusgc_03', 'cus_01', 'cusgroup_03', NULL, now(), now(), NULL);
"""

# v2 rows only: a soft-deleted address and membership.
V2_ROWS_SQL = r"""
INSERT INTO customer_address (id, customer_id, address_name, created_at, updated_at, deleted_at)
  VALUES ('cuaddr_04', 'cus_04', 'Old', now(), now(), '2024-04-04 04:04:04.444444+00');
INSERT INTO customer_group_customer (id, customer_id, customer_group_id, created_at, updated_at,
    deleted_at) VALUES ('cusgc_04', 'cus_04', 'cusgroup_03', now(), now(), now());
"""


class Transfer(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name: str) -> str:
        return os.path.join(self.tmp.name, name)

    def database(self) -> str:
        """A new, empty database; its connection string."""
        return new_database()

    def empty_store(self) -> str:
        data = self.path(f"empty{unique_name()}")
        open(self.path("empty.jsonl"), "w").close()
        done = run("import", self.path("empty.jsonl"), "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        return data

    def medusa_database(self, generation: str) -> str:
        """A database with Medusa's tables of `generation` and the rows of ROWS_SQL."""
        url = self.database()
        done = run("pg", "export", "--url", url, "--data", self.empty_store(),
                   "--create", generation)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn(f"into new Medusa {'v2' if generation == 'v2' else 'May 2024'} tables",
                      done.stderr)
        psql(url, ROWS_SQL + (V2_ROWS_SQL if generation == "v2" else ""))
        return url

    def assert_store_is_database(self, data: str, url: str) -> None:
        store = exported(data)
        for table in TABLES:
            with self.subTest(table=table):
                self.assertEqual(store[table], pg_rows(url, table))

    def import_from(self, url: str) -> str:
        data = self.path(f"store{unique_name()}")
        done = run("pg", "import", "--url", url, "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        return data

    def test_v2_round_trip(self) -> None:
        source = self.medusa_database("v2")
        data = self.import_from(source)
        self.assertIn("read 3 groups, 4 customers, 4 addresses and 4 memberships from Medusa's "
                      "v2 tables", run("pg", "import", "--url", source).stderr)
        self.assert_store_is_database(data, source)
        # Microseconds are dropped: 10:00:00.123456 is 10:00:00.123.
        group = exported(data)["customer_group"][0]
        self.assertEqual(group["created_at"], "2024-05-24T10:00:00.123Z")
        self.assertEqual(group["updated_at"], "2024-05-24T10:00:01.999Z")
        # And back out into a new database: the same rows, to the millisecond.
        target = self.database()
        done = run("pg", "export", "--url", target, "--data", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        for table in TABLES:
            with self.subTest(table=table):
                self.assertEqual(pg_rows(target, table), pg_rows(source, table))
        # The store, imported again from the copy, is the store.
        self.assertEqual(exported(self.import_from(target)), exported(data))

    def test_may_2024_round_trip(self) -> None:
        source = self.medusa_database("may-2024")
        data = self.import_from(source)
        self.assertIn("from Medusa's May 2024 tables", run("pg", "import", "--url", source).stderr)
        store = exported(data)
        # The store has deleted_at for addresses and memberships (v2's columns): null here.
        self.assertTrue(all(r["deleted_at"] is None for r in store["customer_address"]))
        for rows in store.values():
            for r in rows:
                if "customer_id" in r and r["id"].startswith(("cuaddr", "cusgc")):
                    del r["deleted_at"]
        for table in TABLES:
            with self.subTest(table=table):
                self.assertEqual(store[table], pg_rows(source, table))
        target = self.database()
        done = run("pg", "export", "--url", target, "--data", data, "--create", "may-2024")
        self.assertEqual(done.returncode, 0, done.stderr)
        for table in TABLES:
            self.assertEqual(pg_rows(target, table), pg_rows(source, table))

    def test_soft_deleted_address_does_not_fit_may_2024_tables(self) -> None:
        data = self.import_from(self.medusa_database("v2"))
        target = self.database()
        done = run("pg", "export", "--url", target, "--data", data, "--create", "may-2024")
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stderr,
                         "customerdb: customer_address cuaddr_04 is soft-deleted, which May 2024 "
                         "tables (without customer_address.deleted_at) cannot hold: write into v2 "
                         "tables\ncustomerdb: nothing was written\n")
        # Nothing was written, the tables included.
        self.assertEqual(psql(target, "SELECT count(*) FROM pg_class WHERE relname = 'customer'"),
                         "0\n")

    def test_non_empty_tables(self) -> None:
        source = self.medusa_database("v2")
        data = self.import_from(source)
        done = run("pg", "export", "--url", source, "--data", data)
        self.assertEqual(done.returncode, 1)
        self.assertIn("are not empty (3 rows in customer_group, 4 rows in customer, 4 rows in "
                      "customer_address, 4 rows in customer_group_customer): nothing was written; "
                      "ask to append to or replace their rows\ncustomerdb: nothing was written\n",
                      done.stderr)
        before = {t: pg_rows(source, t) for t in TABLES}
        # Appending the same rows clashes on the ids: nothing is written.
        done = run("pg", "export", "--url", source, "--data", data, "--if-not-empty", "append")
        self.assertEqual(done.returncode, 1)
        self.assertIn('duplicate key value violates unique constraint "customer_group_pkey"',
                      done.stderr)
        self.assertEqual({t: pg_rows(source, t) for t in TABLES}, before)
        # Replacing: the rows are the store's (to the millisecond).
        psql(source, "INSERT INTO customer (id, has_account) VALUES ('cus_extra', false)")
        done = run("pg", "export", "--url", source, "--data", data, "--if-not-empty", "replace")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assert_store_is_database(data, source)
        # Appending into other rows works.
        other = self.database()
        done = run("pg", "export", "--url", other, "--data", self.empty_store())
        psql(other, "INSERT INTO customer (id, has_account) VALUES ('cus_zzz', false)")
        done = run("pg", "export", "--url", other, "--data", data, "--if-not-empty", "append")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(len(pg_rows(other, "customer")), 5)

    def expect_import_error(self, url: str, message: str) -> None:
        data = self.path(f"refused{unique_name()}")
        done = run("pg", "import", "--url", url, "--data", data)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertEqual(done.stderr, f"customerdb: PostgreSQL: {message}\n"
                                      "customerdb: nothing was imported\n")

    def test_tables_customerdb_cannot_read(self) -> None:
        url = self.medusa_database("v2")
        psql(url, "ALTER TABLE customer ADD COLUMN loyalty_points integer")
        self.expect_import_error(
            url, "table customer has a column customerdb does not know: loyalty_points (integer)")
        psql(url, "ALTER TABLE customer DROP COLUMN loyalty_points; "
                  "ALTER TABLE customer DROP COLUMN created_by")
        self.expect_import_error(url, "table customer has no column created_by, which customerdb "
                                      "needs")
        psql(url, "ALTER TABLE customer ADD COLUMN created_by integer")
        self.expect_import_error(url, "column customer.created_by is integer; customerdb reads "
                                      "it as text")
        psql(url, "ALTER TABLE customer DROP COLUMN created_by; "
                  "ALTER TABLE customer ADD COLUMN created_by text; "
                  "ALTER TABLE customer_group_customer DROP COLUMN deleted_at")
        self.expect_import_error(url, "customer_address has deleted_at but customer_group_customer "
                                      "has not: neither Medusa's May 2024 tables nor v2's")
        psql(url, "ALTER TABLE customer_group_customer ADD COLUMN deleted_at timestamptz; "
                  "UPDATE customer SET metadata = '[1, 2]' WHERE id = 'cus_02'")
        self.expect_import_error(url, "customer cus_02: column metadata: [1, 2] is not a JSON "
                                      "object (customerdb's metadata is an object or null)")
        psql(url, "UPDATE customer SET metadata = NULL, created_at = 'infinity' WHERE id = 'cus_02'")
        self.expect_import_error(url, "customer cus_02: column created_at: infinity is not a time "
                                      "customerdb can hold (years 1-9999, not infinity)")
        psql(url, "UPDATE customer SET created_at = now(), deleted_at = '0044-03-15 BC' "
                  "WHERE id = 'cus_02'")
        self.expect_import_error(url, "customer cus_02: column deleted_at: 0044-03-15 00:00:00+00 "
                                      "BC is not a time customerdb can hold (years 1-9999, not "
                                      "infinity)")
        # A refusal in a table read on another connection (addresses and memberships are read
        # beside customers).
        psql(url, "UPDATE customer SET deleted_at = NULL WHERE id = 'cus_02'; "
                  "UPDATE customer_address SET metadata = '\"x\"' WHERE id = 'cuaddr_02'")
        self.expect_import_error(url, "customer_address cuaddr_02: column metadata: \"x\" is not "
                                      "a JSON object (customerdb's metadata is an object or null)")
        psql(url, "UPDATE customer_address SET metadata = NULL WHERE id = 'cuaddr_02'; "
                  "DROP TABLE customer_group_customer")
        self.expect_import_error(url, "the database has only some of Medusa's customer tables: "
                                      "customer_group_customer missing (schema public)")

    def test_rules_of_the_store_apply(self) -> None:
        # Medusa v2 has no unique index on memberships; customerdb's rules refuse a second
        # membership of the same customer in the same group, naming it.
        url = self.medusa_database("v2")
        psql(url, "INSERT INTO customer_group_customer (id, customer_id, customer_group_id) "
                  "VALUES ('cusgc_05', 'cus_01', 'cusgroup_01')")
        data = self.path("rules")
        done = run("pg", "import", "--url", url, "--data", data)
        self.assertEqual(done.returncode, 1, done.stderr)
        self.assertEqual(done.stderr,
                         "customerdb: read 3 groups, 4 customers, 4 addresses and 5 memberships "
                         "from Medusa's v2 tables\ncustomerdb: PostgreSQL: Customer group customer "
                         "with customer_id: cus_01, customer_group_id: cusgroup_01, already "
                         "exists.\ncustomerdb: nothing was imported\n")
        # Nothing was imported: the store is empty.
        self.assertEqual(exported(data), {t: [] for t in TABLES})

    def test_nothing_there(self) -> None:
        url = self.database()
        name = url.split("dbname=")[1].split()[0]
        self.expect_import_error(url, f"host={CLUSTER.split('host=')[1].split()[0]} port=5432 "
                                      f"dbname={name} user=postgres has none of Medusa's customer "
                                      "tables (customer, customer_group, customer_address, "
                                      "customer_group_customer) in schema public")
        done = run("pg", "import", "--url", "host=/nonexistent dbname=x password=secret")
        self.assertEqual(done.returncode, 1)
        self.assertTrue(done.stderr.startswith(
            "customerdb: PostgreSQL: cannot connect to PostgreSQL (host=/nonexistent dbname=x "
            "password=***): "), done.stderr)
        self.assertNotIn("secret", done.stderr)

    def test_store_that_cannot_be_read(self) -> None:
        url = self.database()
        missing = self.path("missing")
        done = run("pg", "export", "--url", url, "--data", missing)
        self.assertEqual(done.returncode, 1)
        self.assertTrue(done.stderr.endswith("customerdb: nothing was written\n"), done.stderr)
        self.assertIn(missing, done.stderr)
        # The tables it would have created were rolled back.
        self.assertEqual(psql(url, "SELECT count(*) FROM pg_class WHERE relname = 'customer'"),
                         "0\n")

    def test_usage(self) -> None:
        done = run("pg")
        self.assertEqual(done.returncode, 2)
        done = run("pg", "sync")
        self.assertEqual(done.returncode, 2)
        self.assertIn("unknown pg command 'sync' (import or export)", done.stderr)
        done = run("pg", "export", "--url", "x", "--data", self.empty_store(), "--create", "v3")
        self.assertEqual(done.returncode, 2)
        self.assertIn("customerdb: --create v3: expected v2 or may-2024\n", done.stderr)
        done = run("pg", "export", "--url", "x")
        self.assertEqual(done.returncode, 2)
        self.assertEqual(done.stderr.splitlines()[0],
                         "customerdb: --data DIR is required: the data directory to read")
        for command in ("import", "export"):
            done = run("pg", command, "--help")
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn(f"customerdb pg {command} --url URL", done.stdout)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: pg_transfer_test.py path/to/customerdb [unittest options]")
    if not CLUSTER:
        sys.exit("CUSTOMERDB_TEST_PG is not set: run under tests/postgres/with_cluster.sh")
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main()
