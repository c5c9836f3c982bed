"""customerdb.testing.CustomerDbTestCase: one program per class, loaded once, rewound after
each test."""

from __future__ import annotations

import io
import json
import os
import tempfile
import unittest

from customerdb import CustomerDb, InvalidDataError
from customerdb.models import FindConfig
from customerdb.testing import CustomerDbTestCase


def state(db: CustomerDb) -> list[object]:
    """Every row of every table, deleted ones included, timestamps and all."""
    everything: FindConfig = {"take": None, "withDeleted": True}
    return [db.list({}, everything), db.listCustomerGroups({}, everything),
            db.listAddresses({}, everything), db.listCustomerGroupCustomers({}, everything)]


class CustomerDbTestCaseTest(unittest.TestCase):
    def test_each_test_starts_from_the_loaded_state(self) -> None:
        seen: dict[str, object] = {}

        class Fixture(CustomerDbTestCase):
            @classmethod
            def setUpCustomerDb(cls, db: CustomerDb) -> None:
                seen["setups"] = seen.get("setups", 0) + 1  # type: ignore[operator]
                db.createCustomerGroup({"id": "cusgroup_vip", "name": "VIP"})
                db.create({"id": "cus_ann", "email": "ann@example.com",
                           "addresses": [{"id": "cuaddr_ann", "city": "Oslo"}]})
                db.addCustomerToGroup({"customer_id": "cus_ann",
                                       "customer_group_id": "cusgroup_vip"})
                seen["marked"] = state(db)

            def test_1_writes(self) -> None:
                self.assertEqual(state(self.db), seen["marked"])
                self.db.create({"email": "bob@example.com"})
                self.db.update("cus_ann", {"first_name": "Ann"})
                self.db.softDeleteCustomerGroups("cusgroup_vip")
                self.db.deleteAddresses("cuaddr_ann")

            def test_2_clears(self) -> None:
                self.assertEqual(state(self.db), seen["marked"])
                self.db.clear()

            def test_3_commits_a_transaction(self) -> None:
                self.assertEqual(state(self.db), seen["marked"])
                with self.db.transaction() as tx:
                    self.db.delete("cus_ann", tx)

            def test_4_fails(self) -> None:
                self.db.removeCustomerFromGroup({"customer_id": "cus_ann",
                                                 "customer_group_id": "cusgroup_vip"})
                self.fail("on purpose")

            def test_5_last(self) -> None:
                self.assertEqual(state(self.db), seen["marked"])
                seen["pid"] = self.db.pid

        result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(
            unittest.defaultTestLoader.loadTestsFromTestCase(Fixture))
        self.assertEqual(result.testsRun, 5)
        self.assertEqual([str(test).split()[0] for test, _ in result.failures], ["test_4_fails"])
        self.assertEqual(result.errors, [])
        self.assertEqual(seen["setups"], 1)
        self.assertTrue(Fixture.db.closed)
        self.assertEqual(Fixture.db.returncode, 0)
        self.assertEqual(Fixture.db.pid, seen["pid"])


STAMP = "2024-05-24T10:00:00.000Z"
FIXTURE_ROWS = [
    {"type": "customer_group", "id": "cusgroup_file", "name": "From a file",
     "created_at": STAMP, "updated_at": STAMP},
    {"type": "customer", "id": "cus_file", "email": "file@example.com", "created_at": STAMP,
     "updated_at": STAMP},
]


def write_fixture(directory: str) -> str:
    path = os.path.join(directory, "rows.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(json.dumps(row) + "\n" for row in FIXTURE_ROWS)
    return path


class FixtureFilesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_the_class_fixture_is_loaded_before_setup(self) -> None:
        path = write_fixture(self.tmp.name)
        seen: dict[str, object] = {}

        class Fixture(CustomerDbTestCase):
            customerdb_fixture = path

            @classmethod
            def setUpCustomerDb(cls, db: CustomerDb) -> None:
                seen["at_setup"] = [c["id"] for c in db.list()]
                db.create({"id": "cus_setup"})

            def test_writes(self) -> None:
                self.db.delete("cus_file")

            def test_sees_the_fixture(self) -> None:
                seen["in_test"] = [c["id"] for c in self.db.list()]

        result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(
            unittest.defaultTestLoader.loadTestsFromTestCase(Fixture))
        self.assertEqual((result.testsRun, result.failures, result.errors), (2, [], []))
        self.assertEqual(seen, {"at_setup": ["cus_file"], "in_test": ["cus_file", "cus_setup"]})

    def test_load_fixture_and_copy_on_open(self) -> None:
        path = write_fixture(self.tmp.name)
        data = os.path.join(self.tmp.name, "data")
        with CustomerDb.start(data=data) as db:
            self.assertEqual(db.loadFixture(path), {"imported": 2})
            self.assertEqual(db.retrieve("cus_file")["created_at"], STAMP)
            with self.assertRaises(InvalidDataError) as raised:
                db.loadFixture(path)
            self.assertEqual(raised.exception.message,
                             f"{path}: Customer group with id: cusgroup_file, already exists.")
            db.snapshot()

        def files() -> dict[str, bytes]:
            out = {}
            for name in sorted(os.listdir(data)):
                with open(os.path.join(data, name), "rb") as f:
                    out[name] = f.read()
            return out

        before = files()
        with CustomerDb.start(data=data, copy_on_open=True) as copy:
            self.assertEqual(copy.argv[-3:], ["--data", data, "--copy-on-open"])
            copy.delete("cus_file")
            self.assertEqual(copy.list(), [])
        self.assertEqual(files(), before)
        with CustomerDb.start() as fresh:
            self.assertEqual(fresh.loadFixture(data), {"imported": 2})


if __name__ == "__main__":
    unittest.main()
