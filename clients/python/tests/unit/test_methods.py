"""Every family of methods against the real program, with exact results and errors. The tests
share one program per class (customerdb.testing.CustomerDbTestCase): each starts from an empty,
marked store and is rewound after."""

from __future__ import annotations

import re
import unittest
from typing import ClassVar

from customerdb import (ERROR_CLASSES, MODULE_METHODS, SERVER_METHODS, ConflictError, CustomerDb,
                        CustomerDbError, ErrorType, InvalidDataError, InvalidParamsError,
                        MethodNotFoundError, NotAllowedError, NotFoundError, RpcError,
                        TimedOutError)
from customerdb.errors import error_from_response
from customerdb.testing import CustomerDbTestCase
from support import REPOSITORY, address, customer, group, without_times


class CustomersTest(CustomerDbTestCase):
    def test_create_retrieve(self) -> None:
        db = self.db
        ann = db.create({"id": "cus_ann", "email": "ann@example.com", "first_name": "Ann",
                         "metadata": {"tier": "gold"}})
        self.assertEqual(without_times(ann), customer("cus_ann", "ann@example.com",
                                                      first_name="Ann",
                                                      metadata={"tier": "gold"}))
        self.assertEqual(ann["created_at"], ann["updated_at"])
        self.assertEqual(db.retrieve("cus_ann"), ann)
        self.assertEqual(db.retrieve("cus_ann", {"select": ["email"]}),
                         {"id": "cus_ann", "email": "ann@example.com"})
        generated = db.create({"email": "bob@example.com"})
        self.assertRegex(generated["id"], r"^cus_[0-9A-HJKMNP-TV-Z]{26}$")

    def test_create_many_with_addresses(self) -> None:
        created = self.db.create([
            {"id": "cus_a", "email": "a@example.com",
             "addresses": [{"id": "cuaddr_a", "city": "Oslo", "is_default_billing": True}]},
            {"id": "cus_b", "email": "b@example.com"}])
        self.assertEqual(without_times(created), [
            customer("cus_a", "a@example.com", default_billing_address_id="cuaddr_a",
                     addresses=[address("cuaddr_a", "cus_a", city="Oslo",
                                        is_default_billing=True)]),
            customer("cus_b", "b@example.com")])
        self.assertEqual(self.db.create([]), [])

    def test_update_by_id_ids_and_selector(self) -> None:
        db = self.db
        db.create([{"id": "cus_a", "email": "a@example.com"},
                   {"id": "cus_b", "email": "b@example.com"},
                   {"id": "cus_c", "email": "c@x.org"}])
        self.assertEqual(without_times(db.update("cus_a", {"first_name": "A"})),
                         customer("cus_a", "a@example.com", first_name="A"))
        self.assertEqual([c["id"] for c in db.update(["cus_b", "cus_a"], {"last_name": "L"})],
                         ["cus_a", "cus_b"])
        updated = db.update({"email": {"$like": "%@example.com"}}, {"company_name": "Acme"})
        self.assertEqual(without_times(updated), [
            customer("cus_a", "a@example.com", first_name="A", last_name="L",
                     company_name="Acme"),
            customer("cus_b", "b@example.com", last_name="L", company_name="Acme")])
        self.assertEqual(db.update({"email": "nobody@example.com"}, {"first_name": "N"}), [])
        with self.assertRaises(NotFoundError) as caught:
            db.update(["cus_a", "cus_zz"], {"first_name": "Z"})
        self.assertEqual(caught.exception.message, 'Customer with id "cus_zz" not found')
        self.assertEqual(db.retrieve("cus_a", {"select": ["first_name"]}),
                         {"id": "cus_a", "first_name": "A"})

    def test_list_and_count(self) -> None:
        db = self.db
        db.create([{"id": f"cus_{i}", "email": f"{i}@example.com", "has_account": i % 2 == 0}
                   for i in range(5)])
        self.assertEqual(db.list({"has_account": True}, {"select": ["email"]}),
                         [{"id": "cus_0", "email": "0@example.com"},
                          {"id": "cus_2", "email": "2@example.com"},
                          {"id": "cus_4", "email": "4@example.com"}])
        rows, count = db.listAndCount({}, {"select": ["id"], "order": {"email": "DESC"},
                                           "skip": 1, "take": 2})
        self.assertEqual((rows, count), ([{"id": "cus_3"}, {"id": "cus_2"}], 5))
        self.assertEqual(len(db.list()), 5)
        self.assertEqual(db.call("listAndCount", [{"q": "4@"}, {"select": ["id"]}]),
                         [[{"id": "cus_4"}], 1])

    def test_soft_delete_restore_delete(self) -> None:
        db = self.db
        db.create([{"id": "cus_a", "email": "a@example.com"},
                   {"id": "cus_b", "email": "b@example.com"}])
        self.assertEqual(db.softDelete(["cus_a", "cus_nope"]), {"customer_id": ["cus_a"]})
        self.assertEqual(db.softDelete("cus_a"), {})
        with self.assertRaises(NotFoundError) as caught:
            db.retrieve("cus_a")
        self.assertEqual(str(caught.exception), "not_found: Customer with id: cus_a was not found")
        self.assertEqual(without_times(db.retrieve("cus_a", {"withDeleted": True})),
                         customer("cus_a", "a@example.com", deleted_at="set"))
        self.assertEqual(db.restore(("cus_a",)), {"customer_id": ["cus_a"]})
        self.assertEqual(db.softDelete(["cus_a"], {"returnLinkableKeys": []}), {})
        db.restore("cus_a")
        self.assertIsNone(db.delete(["cus_a", "cus_nope"]))  # type: ignore[func-returns-value]
        db.delete({"email": "b@example.com"})
        self.assertEqual(db.listAndCount({}, {"withDeleted": True}), ([], 0))


class GroupsTest(CustomerDbTestCase):
    def test_group_methods(self) -> None:
        db = self.db
        vip = db.createCustomerGroup({"id": "cusgroup_vip", "name": "VIP"})
        self.assertEqual(without_times(vip), group("cusgroup_vip", "VIP"))
        self.assertEqual(without_times(db.createCustomerGroup([{"id": "cusgroup_b", "name": "B"}])),
                         [group("cusgroup_b", "B")])
        self.assertEqual(db.retrieveCustomerGroup("cusgroup_vip"), vip)
        self.assertEqual(without_times(db.updateCustomerGroups("cusgroup_vip",
                                                               {"metadata": {"a": 1}})),
                         group("cusgroup_vip", "VIP", metadata={"a": 1}))
        self.assertEqual([g["id"] for g in db.updateCustomerGroups({}, {"created_by": "me"})],
                         ["cusgroup_b", "cusgroup_vip"])
        self.assertEqual(db.listCustomerGroups({"name": "VIP"}, {"select": ["name"]}),
                         [{"id": "cusgroup_vip", "name": "VIP"}])
        self.assertEqual(db.listAndCountCustomerGroups({}, {"select": ["id"], "take": 1}),
                         ([{"id": "cusgroup_b"}], 2))
        self.assertEqual(db.softDeleteCustomerGroups(["cusgroup_b"]),
                         {"customer_group_id": ["cusgroup_b"]})
        self.assertEqual(db.restoreCustomerGroups("cusgroup_b"),
                         {"customer_group_id": ["cusgroup_b"]})
        db.deleteCustomerGroups("cusgroup_b")
        with self.assertRaises(NotFoundError) as caught:
            db.retrieveCustomerGroup("cusgroup_b")
        self.assertEqual(caught.exception.message,
                         "CustomerGroup with id: cusgroup_b was not found")
        with self.assertRaises(InvalidDataError) as caught2:
            db.createCustomerGroup({"name": "VIP"})
        self.assertEqual(caught2.exception.message,
                         "Customer group with name: VIP, already exists.")


class AddressesTest(CustomerDbTestCase):
    def test_address_methods(self) -> None:
        db = self.db
        db.create({"id": "cus_ann", "email": "ann@example.com"})
        home = db.addAddresses({"id": "cuaddr_home", "customer_id": "cus_ann", "city": "Oslo",
                                "is_default_shipping": True})
        self.assertEqual(without_times(home), address("cuaddr_home", "cus_ann", city="Oslo",
                                                      is_default_shipping=True))
        more = db.addAddresses([{"id": "cuaddr_work", "customer_id": "cus_ann",
                                 "city": "Bergen"}])
        self.assertEqual(without_times(more), [address("cuaddr_work", "cus_ann", city="Bergen")])
        self.assertEqual(db.retrieve("cus_ann", {"select": ["default_shipping_address_id"]}),
                         {"id": "cus_ann", "default_shipping_address_id": "cuaddr_home"})
        self.assertEqual(without_times(db.updateAddresses("cuaddr_work", {"postal_code": "5003"})),
                         address("cuaddr_work", "cus_ann", city="Bergen", postal_code="5003"))
        self.assertEqual([a["id"] for a in db.updateAddresses({"customer_id": "cus_ann"},
                                                              {"country_code": "no"})],
                         ["cuaddr_home", "cuaddr_work"])
        self.assertEqual(db.listAddresses({"city": "Bergen"}, {"select": ["city"]}),
                         [{"id": "cuaddr_work", "city": "Bergen"}])
        self.assertEqual(db.listAndCountAddresses({"customer": {"email": "ann@example.com"}},
                                                  {"select": ["id"]}),
                         ([{"id": "cuaddr_home"}, {"id": "cuaddr_work"}], 2))
        db.deleteAddresses(["cuaddr_home"])
        self.assertEqual(db.retrieve("cus_ann", {"select": ["default_shipping_address_id"]}),
                         {"id": "cus_ann", "default_shipping_address_id": None})
        with self.assertRaises(InvalidParamsError) as caught:
            db.addAddresses({"customer_id": "cus_ann", "city": 5})  # type: ignore[call-overload]
        self.assertEqual(caught.exception.message, "params[0].city must be a string or null")


class MembershipsTest(CustomerDbTestCase):
    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        db.create([{"id": "cus_a", "email": "a@example.com"},
                   {"id": "cus_b", "email": "b@example.com"}])
        db.createCustomerGroup({"id": "cusgroup_vip", "name": "VIP"})

    def test_membership_methods(self) -> None:
        db = self.db
        first = db.addCustomerToGroup({"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"})
        self.assertRegex(first["id"], r"^cusgc_[0-9A-HJKMNP-TV-Z]{26}$")
        self.assertEqual(list(first), ["id"])
        again = db.addCustomerToGroup([
            {"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"},
            {"customer_id": "cus_b", "customer_group_id": "cusgroup_vip"}])
        self.assertEqual(again[0], first)
        self.assertEqual(db.listCustomerGroupCustomers(
            {"customer_group_id": "cusgroup_vip"}, {"select": ["customer_id"]}),
            [{"id": first["id"], "customer_id": "cus_a"},
             {"id": again[1]["id"], "customer_id": "cus_b"}])
        self.assertEqual(db.list({"groups": {"name": "VIP"}}, {"select": ["id"]}),
                         [{"id": "cus_a"}, {"id": "cus_b"}])
        self.assertIsNone(db.removeCustomerFromGroup(  # type: ignore[func-returns-value]
            {"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"}))
        db.removeCustomerFromGroup([{"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"}])
        self.assertEqual(db.listCustomerGroupCustomers({}, {"select": ["customer_id"]}),
                         [{"id": again[1]["id"], "customer_id": "cus_b"}])
        with self.assertRaises(NotFoundError) as caught:
            db.addCustomerToGroup({"customer_id": "cus_nope", "customer_group_id": "cusgroup_vip"})
        self.assertEqual(caught.exception.message, "You tried to set relationship customer_id: "
                                                   "cus_nope, but such entity does not exist")

    def test_the_setup_is_back_after_each_test(self) -> None:
        self.assertEqual(self.db.list({}, {"select": ["id"]}), [{"id": "cus_a"}, {"id": "cus_b"}])
        self.assertEqual(self.db.listCustomerGroupCustomers(), [])
        self.db.clear()


class ServerMethodsTest(unittest.TestCase):
    def test_ping_stats_mark_rewind_clear(self) -> None:
        with CustomerDb.start() as db:
            self.assertEqual(db.ping(), "pong")
            with self.assertRaises(NotAllowedError) as caught:
                db.rewind()
            self.assertEqual(caught.exception.message,
                             "There is no mark to rewind to: call mark first")
            self.assertEqual(caught.exception.code, -32004)
            db.create({"id": "cus_a", "email": "a@example.com"})
            self.assertEqual(db.mark(), {"sequence": 1})
            db.create({"id": "cus_b", "email": "b@example.com",
                       "addresses": [{"id": "cuaddr_b", "city": "Oslo"}]})
            db.update("cus_a", {"first_name": "A"})
            stats: dict[str, object] = dict(db.stats())
            self.assertEqual({k: stats[k] for k in ("customers", "customerGroups",
                                                    "customerAddresses", "customerGroupCustomers",
                                                    "sequence", "lastSnapshotAt",
                                                    "lastSnapshotSequence")},
                             {"customers": 2, "customerGroups": 0, "customerAddresses": 1,
                              "customerGroupCustomers": 0, "sequence": 3, "lastSnapshotAt": None,
                              "lastSnapshotSequence": None})
            self.assertEqual(db.rewind(), {"restored": 3})
            self.assertEqual(db.list({}, {"select": ["first_name"]}),
                             [{"id": "cus_a", "first_name": None}])
            self.assertEqual(db.clear(), {"erased": 1})
            self.assertEqual(db.list(), [])
            self.assertEqual(db.rewind(), {"restored": 1})
            self.assertEqual(db.list({}, {"select": ["id"]}), [{"id": "cus_a"}])
            with self.assertRaises(InvalidDataError) as caught2:
                db.snapshot()
            self.assertEqual(caught2.exception.message, "Snapshots need a data directory")


class ErrorsTest(unittest.TestCase):
    db: ClassVar[CustomerDb]

    @classmethod
    def setUpClass(cls) -> None:
        cls.db = CustomerDb.start()
        cls.addClassCleanup(cls.db.close)
        cls.db.create({"email": "john@smith.com"})

    def check(self, error: RpcError, cls: type[RpcError], type_: str, code: int,
              message: str, method: str) -> None:
        self.assertIs(type(error), cls)
        self.assertEqual((error.type, error.code, error.message, error.method),
                         (type_, code, message, method))
        self.assertEqual(error.data, {"type": type_})
        self.assertEqual(str(error), f"{type_}: {message}")
        self.assertIsInstance(error, CustomerDbError)

    def test_each_type_raises_its_class(self) -> None:
        db = self.db
        cases = [
            (lambda: db.retrieve("cus_nope"), NotFoundError, "not_found", -32001,
             "Customer with id: cus_nope was not found", "retrieve"),
            (lambda: db.create({"email": "john@smith.com"}), InvalidDataError, "invalid_data",
             -32002, "Customer with email: john@smith.com, has_account: false, already exists.",
             "create"),
            (lambda: db.list({}, {"take": 1.5}),  # type: ignore[typeddict-item]
             InvalidDataError, "invalid_data", -32002,
             "Invalid value for take: 1.5", "list"),
            (lambda: db.list({}, None, {"transactionId": "tx_00000000000000000000000000000000"}),
             ConflictError, "conflict", -32003,
             "Transaction tx_00000000000000000000000000000000 was not found", "list"),
            (lambda: db.create({"email": 5}), InvalidParamsError,  # type: ignore[call-overload]
             "invalid_params", -32602, "params[0].email must be a string or null", "create"),
            (lambda: db.list({}, None, {"other": 1}), InvalidParamsError, "invalid_params",
             -32602, "params[2].other is not a context key (expected transactionId or timeoutMs)",
             "list"),
            (lambda: db.call("v2.create", [{"email": "x@y.z"}]), MethodNotFoundError,
             "method_not_found", -32601, "Method not found: v2.create", "v2.create"),
            (lambda: db.call("retrieve", ["cus_nope", None, None, None]), InvalidParamsError,
             "invalid_params", -32602, "retrieve takes at most 3 params, got 4", "retrieve"),
        ]
        for call, cls, type_, code, message, method in cases:
            with self.subTest(message):
                with self.assertRaises(RpcError) as caught:
                    call()
                self.check(caught.exception, cls, type_, code, message, method)
        self.assertEqual(db.ping(), "pong")  # errors never stop the program

    def test_error_objects_map_to_classes(self) -> None:
        for type_, cls in ERROR_CLASSES.items():
            self.assertIn(type_, set(ErrorType))
            error = error_from_response({"code": -32005, "message": "m",
                                         "data": {"type": type_}}, "list")
            self.assertIs(type(error), cls)
        timed_out = error_from_response(
            {"code": -32005, "data": {"type": "timed_out"},
             "message": "The call ran past its deadline and was stopped; it changed nothing"})
        self.assertIsInstance(timed_out, TimedOutError)
        self.assertEqual(timed_out.type, ErrorType.TIMED_OUT)
        unknown = error_from_response({"code": -32099, "message": "m", "data": {"type": "new"}})
        self.assertIs(type(unknown), RpcError)
        self.assertEqual((unknown.type, unknown.code), ("new", -32099))


class CoverageTest(unittest.TestCase):
    """The client has a method for every method docs/protocol.md lists, under its name."""

    def methods_of_section(self, text: str, heading: str) -> list[str]:
        section = text.split(heading, 1)[1].split("\n#", 1)[0]
        return re.findall(r"^\| `(\w+)` \|", section, re.MULTILINE)

    def test_every_protocol_method_is_a_client_method(self) -> None:
        doc = REPOSITORY / "docs" / "protocol.md"
        if not doc.exists():
            self.skipTest("not in the customerdb repository")
        text = doc.read_text(encoding="utf-8")
        module = self.methods_of_section(text, "### Customers, groups, addresses and memberships")
        server = self.methods_of_section(text, "### Beyond the module")
        self.assertEqual(len(module), 24)
        self.assertEqual(list(MODULE_METHODS), module)
        self.assertEqual(list(SERVER_METHODS), server)
        for name in module + server:
            self.assertEqual(getattr(CustomerDb, name).name, name)


if __name__ == "__main__":
    unittest.main()
