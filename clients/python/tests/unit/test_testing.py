"""customerdb.testing.CustomerDbTestCase: one program per class, loaded once, rewound after
each test."""

from __future__ import annotations

import io
import unittest

from customerdb import CustomerDb
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


if __name__ == "__main__":
    unittest.main()
