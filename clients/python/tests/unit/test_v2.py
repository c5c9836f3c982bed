"""Medusa 2.x's interface, ``db.v2``: every method under its v2 name on the wire (``v2.<name>``),
on the same store as v1, and each behaviour where v2 differs from v1, with exact results."""

from __future__ import annotations

import re
import unittest

from customerdb import (MODULE_METHODS, MODULE_METHODS_V2, ConflictError, CustomerDb,
                        CustomerDbV2, InvalidDataError, InvalidParamsError, ModuleMethodsV2,
                        NotFoundError, RpcError)
from customerdb.models import FindConfig, GroupCustomerPair
from customerdb.testing import CustomerDbTestCase
from support import (REPOSITORY, address, address_v2, customer, group, membership_v2,
                     without_times)


class MethodsTest(CustomerDbTestCase):
    def test_every_v2_method_under_its_wire_name(self) -> None:
        self.assertEqual(MODULE_METHODS_V2, (
            "retrieveCustomer", "createCustomers", "updateCustomers", "deleteCustomers",
            "listCustomers", "listAndCountCustomers", "softDeleteCustomers", "restoreCustomers",
            "createCustomerGroups", "retrieveCustomerGroup", "updateCustomerGroups",
            "deleteCustomerGroups", "listCustomerGroups", "listAndCountCustomerGroups",
            "softDeleteCustomerGroups", "restoreCustomerGroups", "addCustomerToGroup",
            "removeCustomerFromGroup", "listCustomerGroupCustomers",
            "retrieveCustomerGroupCustomer", "listAndCountCustomerGroupCustomers",
            "deleteCustomerGroupCustomers", "softDeleteCustomerGroupCustomers",
            "restoreCustomerGroupCustomers", "createCustomerAddresses",
            "retrieveCustomerAddress", "updateCustomerAddresses", "deleteCustomerAddresses",
            "listCustomerAddresses", "listAndCountCustomerAddresses",
            "softDeleteCustomerAddresses", "restoreCustomerAddresses"))
        db = self.db
        self.assertIsInstance(db.v2, CustomerDbV2)
        self.assertIs(db.v2.db, db)
        for name in MODULE_METHODS_V2:
            self.assertEqual(getattr(ModuleMethodsV2, name).name, f"v2.{name}")
            self.assertEqual(getattr(db.v2, name).name, f"v2.{name}")
        # Names v1 has too keep v1's methods on the client itself.
        self.assertEqual(CustomerDb.listCustomerGroups.name, "listCustomerGroups")
        self.assertEqual(len(MODULE_METHODS), 24)
        self.assertFalse(hasattr(db, "createCustomers"))
        self.assertFalse(hasattr(db.v2, "create"))

    def test_errors_raise_as_v1_and_name_the_wire_method(self) -> None:
        with self.assertRaises(NotFoundError) as caught:
            self.db.v2.retrieveCustomer("cus_nope")
        error = caught.exception
        self.assertEqual((error.type, error.code, error.message, error.method),
                         ("not_found", -32001, "Customer with id: cus_nope was not found",
                          "v2.retrieveCustomer"))
        with self.assertRaises(InvalidParamsError) as caught2:
            self.db.v2.createCustomers({"email": 5})  # type: ignore[call-overload]
        self.assertEqual(caught2.exception.message, "params[0].email must be a string or null")


class CoverageTest(unittest.TestCase):
    """db.v2 has a method for every v2 method docs/protocol.md lists."""

    def test_every_v2_method_of_the_protocol(self) -> None:
        doc = REPOSITORY / "docs" / "protocol.md"
        if not doc.exists():
            self.skipTest("not in the customerdb repository")
        section = doc.read_text(encoding="utf-8").split("### Medusa v2's methods", 1)[1]
        section = section.split("\n#", 1)[0]
        first_columns = re.findall(r"^\| (.*?) \|", section, re.MULTILINE)
        names = {name for column in first_columns for name in re.findall(r"`(\w+)`", column)}
        self.assertEqual(names, set(MODULE_METHODS_V2))


class CustomersTest(CustomerDbTestCase):
    def test_customer_methods(self) -> None:
        v2 = self.db.v2
        ann = v2.createCustomers({"id": "cus_ann", "email": "ann@example.com", "has_account": True,
                                  "addresses": [{"id": "cuaddr_ann", "city": "Oslo",
                                                 "is_default_shipping": True}]})
        self.assertEqual(without_times(ann), customer(
            "cus_ann", "ann@example.com", has_account=True,
            default_shipping_address_id="cuaddr_ann",
            addresses=[address_v2("cuaddr_ann", "cus_ann", city="Oslo",
                                  is_default_shipping=True)]))
        created = v2.createCustomers([{"id": "cus_guest", "email": "ann@example.com"},
                                      {"id": "cus_bob", "email": "bob@example.com"}])
        self.assertEqual(without_times(created), [customer("cus_guest", "ann@example.com"),
                                                  customer("cus_bob", "bob@example.com")])
        with self.assertRaises(InvalidDataError) as caught:
            v2.createCustomers({"email": "ann@example.com", "has_account": True})
        self.assertEqual(caught.exception.message,
                         "Customer with email: ann@example.com, has_account: true, already exists.")
        self.assertEqual(v2.retrieveCustomer("cus_ann", {"select": ["email"]}),
                         {"id": "cus_ann", "email": "ann@example.com"})
        self.assertEqual(without_times(v2.updateCustomers("cus_bob", {"first_name": "Bob"})),
                         customer("cus_bob", "bob@example.com", first_name="Bob"))
        self.assertEqual([c["id"] for c in v2.updateCustomers(["cus_guest", "cus_bob"],
                                                               {"company_name": "Acme"})],
                         ["cus_bob", "cus_guest"])
        self.assertEqual([c["id"] for c in v2.updateCustomers({"has_account": True},
                                                               {"last_name": "Smith"})],
                         ["cus_ann"])
        self.assertEqual(v2.listAndCountCustomers({"email": "ann@example.com"},
                                                  {"select": ["has_account"],
                                                   "order": {"has_account": "DESC"}}),
                         ([{"id": "cus_ann", "has_account": True},
                           {"id": "cus_guest", "has_account": False}], 2))
        self.assertEqual(v2.softDeleteCustomers(["cus_bob", "cus_nope"]),
                         {"customer_id": ["cus_bob"]})
        self.assertEqual(v2.softDeleteCustomers("cus_bob"), {})
        self.assertEqual(without_times(v2.retrieveCustomer("cus_bob", {"withDeleted": True,
                                                                       "select": ["deleted_at"]})),
                         {"id": "cus_bob", "deleted_at": "set"})
        self.assertEqual(v2.restoreCustomers(("cus_bob",)), {"customer_id": ["cus_bob"]})
        self.assertIsNone(v2.deleteCustomers("cus_guest"))  # type: ignore[func-returns-value]
        v2.deleteCustomers(["cus_bob", "cus_nope"])
        v2.deleteCustomers({"email": "ann@example.com"})
        self.assertEqual(v2.listCustomers(), [])
        self.assertEqual(v2.listCustomerAddresses(), [])


class GroupsTest(CustomerDbTestCase):
    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        db.v2.createCustomers([{"id": "cus_a", "email": "a@example.com"},
                               {"id": "cus_b", "email": "b@example.com"}])

    def test_group_and_membership_methods(self) -> None:
        v2 = self.db.v2
        # As Medusa v2's, a created group carries an empty `customers` list.
        vip = v2.createCustomerGroups({"id": "cusgroup_vip", "name": "VIP"})
        self.assertEqual(without_times(vip), {**group("cusgroup_vip", "VIP"), "customers": []})
        self.assertEqual(without_times(v2.createCustomerGroups([{"id": "cusgroup_b2b",
                                                                 "name": "B2B"}])),
                         [{**group("cusgroup_b2b", "B2B"), "customers": []}])
        self.assertEqual({**v2.retrieveCustomerGroup("cusgroup_vip"), "customers": []}, vip)
        self.assertEqual(without_times(v2.updateCustomerGroups("cusgroup_b2b",
                                                               {"name": "Business"})),
                         group("cusgroup_b2b", "Business"))
        self.assertEqual([g["id"] for g in v2.updateCustomerGroups({}, {"created_by": "ops"})],
                         ["cusgroup_b2b", "cusgroup_vip"])
        self.assertEqual(v2.listAndCountCustomerGroups({"q": "bus"}, {"select": ["name"]}),
                         ([{"id": "cusgroup_b2b", "name": "Business"}], 1))

        first = v2.addCustomerToGroup({"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"})
        self.assertRegex(first["id"], r"^cusgc_[0-9A-HJKMNP-TV-Z]{26}$")
        both = v2.addCustomerToGroup([
            {"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"},
            {"customer_id": "cus_b", "customer_group_id": "cusgroup_vip"}])
        self.assertEqual(both[0], first)
        self.assertEqual(without_times(v2.listCustomerGroupCustomers({"customer_id": "cus_a"})),
                         [membership_v2(first["id"], "cus_a", "cusgroup_vip")])
        self.assertEqual(v2.listCustomerGroupCustomers({"customer_group_id": "cusgroup_vip"},
                                                       {"select": ["customer_id"]}),
                         [{"id": first["id"], "customer_id": "cus_a"},
                          {"id": both[1]["id"], "customer_id": "cus_b"}])
        self.assertEqual(v2.listCustomers({"groups": "cusgroup_vip"}, {"select": ["id"]}),
                         [{"id": "cus_a"}, {"id": "cus_b"}])
        v2.removeCustomerFromGroup([{"customer_id": "cus_a", "customer_group_id": "cusgroup_vip"}])
        self.assertEqual(v2.listCustomerGroupCustomers({}, {"select": ["customer_id"]}),
                         [{"id": both[1]["id"], "customer_id": "cus_b"}])

        self.assertEqual(v2.softDeleteCustomerGroups(["cusgroup_vip"]),
                         {"customer_group_id": ["cusgroup_vip"]})
        self.assertEqual(v2.restoreCustomerGroups("cusgroup_vip"),
                         {"customer_group_id": ["cusgroup_vip"]})
        v2.deleteCustomerGroups({"name": "Business"})
        v2.deleteCustomerGroups(["cusgroup_vip"])
        self.assertEqual(v2.listCustomerGroups(), [])
        self.assertEqual(v2.listCustomerGroupCustomers(), [])

    def test_a_group_name_is_required(self) -> None:
        v2 = self.db.v2
        with self.assertRaises(InvalidDataError) as caught:
            v2.createCustomerGroups({"metadata": {"a": 1}})  # type: ignore[typeddict-item]
        self.assertEqual(caught.exception.message,
                         "Value for CustomerGroup.name is required, 'undefined' found")
        self.assertEqual(caught.exception.method, "v2.createCustomerGroups")
        v2.createCustomerGroups({"id": "cusgroup_named", "name": "Named"})
        with self.assertRaises(InvalidDataError) as caught2:
            v2.updateCustomerGroups("cusgroup_named", {"name": None})  # type: ignore[typeddict-item]
        self.assertEqual(caught2.exception.message,
                         "You must pass a non-null value to the property name of entity "
                         "CustomerGroup.")
        # v1 lets a group go without a name.
        self.assertIsNone(self.db.createCustomerGroup({"id": "cusgroup_unnamed"})["name"])
        self.assertIsNone(self.db.updateCustomerGroups("cusgroup_named", {"name": None})["name"])


class MembershipsTest(CustomerDbTestCase):
    """The generated methods of the membership model: retrieve, listAndCount, delete, and the
    soft-delete pair."""

    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        db.v2.createCustomers([{"id": "cus_ann", "email": "ann@example.com"}, {"id": "cus_bob"}])
        db.v2.createCustomerGroups([{"id": "cusgroup_vip", "name": "VIP"},
                                    {"id": "cusgroup_b2b", "name": "B2B"}])

    def setUp(self) -> None:
        super().setUp()
        added = self.db.v2.addCustomerToGroup([
            {"customer_id": "cus_ann", "customer_group_id": "cusgroup_vip"},
            {"customer_id": "cus_bob", "customer_group_id": "cusgroup_vip"},
            {"customer_id": "cus_ann", "customer_group_id": "cusgroup_b2b"}])
        self.ann_vip, self.bob_vip, self.ann_b2b = (m["id"] for m in added)

    def ids(self, with_deleted: bool = False) -> list[str]:
        config: FindConfig = {"select": ["id"], "withDeleted": with_deleted}
        return [m["id"] for m in self.db.v2.listCustomerGroupCustomers({}, config)]

    def test_retrieve_list_and_count_and_delete(self) -> None:
        v2 = self.db.v2
        self.assertEqual(without_times(v2.retrieveCustomerGroupCustomer(self.ann_vip)),
                         membership_v2(self.ann_vip, "cus_ann", "cusgroup_vip"))
        self.assertEqual(v2.retrieveCustomerGroupCustomer(
            self.ann_vip, {"select": ["customer_group_id", "customer.email", "customer_group.name"],
                           "relations": ["customer", "customer_group"]}),
            {"id": self.ann_vip, "customer_id": "cus_ann", "customer_group_id": "cusgroup_vip",
             "customer": {"id": "cus_ann", "email": "ann@example.com"},
             "customer_group": {"id": "cusgroup_vip", "name": "VIP"}})
        with self.assertRaises(NotFoundError) as caught:
            v2.retrieveCustomerGroupCustomer("cusgc_nope")
        self.assertEqual((caught.exception.message, caught.exception.method),
                         ("CustomerGroupCustomer with id: cusgc_nope was not found",
                          "v2.retrieveCustomerGroupCustomer"))

        self.assertEqual(v2.listAndCountCustomerGroupCustomers({"customer_id": "cus_ann"},
                                                               {"select": ["customer_group_id"]}),
                         ([{"id": self.ann_vip, "customer_group_id": "cusgroup_vip"},
                           {"id": self.ann_b2b, "customer_group_id": "cusgroup_b2b"}], 2))
        rows, count = v2.listAndCountCustomerGroupCustomers({}, {"take": 1})
        self.assertEqual((without_times(rows), count),
                         ([membership_v2(self.ann_vip, "cus_ann", "cusgroup_vip")], 3))
        self.assertEqual(v2.listAndCountCustomerGroupCustomers({"customer_group_id": "cusgroup_x"}),
                         ([], 0))

        # Deletes the memberships only: their customers and groups stay.
        self.assertIsNone(v2.deleteCustomerGroupCustomers(self.ann_vip))  # type: ignore[func-returns-value]
        v2.deleteCustomerGroupCustomers(["cusgc_nope"])
        self.assertEqual(self.ids(), [self.bob_vip, self.ann_b2b])
        v2.deleteCustomerGroupCustomers({"customer_group_id": "cusgroup_b2b"})
        self.assertEqual(self.ids(with_deleted=True), [self.bob_vip])
        self.assertEqual(v2.listCustomers({}, {"select": ["id"]}),
                         [{"id": "cus_ann"}, {"id": "cus_bob"}])
        self.assertEqual(v2.listCustomerGroups({}, {"select": ["id"]}),
                         [{"id": "cusgroup_b2b"}, {"id": "cusgroup_vip"}])
        with self.assertRaises(InvalidDataError) as caught2:
            v2.deleteCustomerGroupCustomers({"q": "x"})
        self.assertEqual(caught2.exception.message,
                         "Trying to query by not existing property CustomerGroupCustomer.q")

    def test_soft_delete_and_restore(self) -> None:
        db, v2 = self.db, self.db.v2
        ann, bob = self.ann_vip, self.bob_vip
        self.assertEqual(v2.softDeleteCustomerGroupCustomers([bob, "cusgc_nope", bob]),
                         {"customer_group_customer_id": [bob]})
        self.assertEqual(v2.softDeleteCustomerGroupCustomers(bob), {})  # already deleted
        self.assertEqual(v2.softDeleteCustomerGroupCustomers([]), {})
        # Hidden from the lists of both interfaces and from retrieve, unless withDeleted.
        self.assertEqual(self.ids(), [ann, self.ann_b2b])
        self.assertEqual(db.listCustomerGroupCustomers({}, {"select": ["id"]}),
                         [{"id": ann}, {"id": self.ann_b2b}])
        self.assertEqual(v2.listAndCountCustomerGroupCustomers({"customer_group_id": "cusgroup_vip"},
                                                               {"select": ["id"]}),
                         ([{"id": ann}], 1))
        with self.assertRaises(NotFoundError) as caught:
            v2.retrieveCustomerGroupCustomer(bob)
        self.assertEqual(caught.exception.message,
                         f"CustomerGroupCustomer with id: {bob} was not found")
        self.assertEqual(without_times(v2.retrieveCustomerGroupCustomer(bob, {"withDeleted": True})),
                         membership_v2(bob, "cus_bob", "cusgroup_vip", deleted_at="set"))
        self.assertEqual(without_times(v2.listCustomerGroupCustomers(
            {"customer_group_id": "cusgroup_vip"}, {"select": ["deleted_at"], "withDeleted": True})),
            [{"id": ann, "deleted_at": None}, {"id": bob, "deleted_at": "set"}])
        self.assertEqual(self.ids(with_deleted=True), [ann, bob, self.ann_b2b])

        # returnLinkableKeys narrows.
        self.assertEqual(v2.softDeleteCustomerGroupCustomers(
            ann, {"returnLinkableKeys": ["customer_id"]}), {})
        self.assertEqual(v2.restoreCustomerGroupCustomers((ann, "cusgc_nope", bob)),
                         {"customer_group_customer_id": [ann, bob]})
        self.assertEqual(v2.restoreCustomerGroupCustomers("cusgc_nope"), {})
        self.assertEqual(v2.restoreCustomerGroupCustomers(ann, {"returnLinkableKeys": []}), {})
        self.assertEqual(v2.restoreCustomerGroupCustomers(
            bob, {"returnLinkableKeys": ["customer_group_customer_id"]}),
            {"customer_group_customer_id": [bob]})
        self.assertEqual(without_times(v2.listCustomerGroupCustomers({"customer_id": "cus_bob"})),
                         [membership_v2(bob, "cus_bob", "cusgroup_vip")])

        # In a transaction, rolled back.
        with self.assertRaises(RuntimeError):
            with db.transaction() as tx:
                self.assertEqual(v2.softDeleteCustomerGroupCustomers([ann], None, tx),
                                 {"customer_group_customer_id": [ann]})
                self.assertEqual(v2.listCustomerGroupCustomers({}, {"select": ["id"]}, tx),
                                 [{"id": bob}, {"id": self.ann_b2b}])
                raise RuntimeError("rolled back")
        self.assertEqual(self.ids(), [ann, bob, self.ann_b2b])
        # A selector, as Medusa v2 takes a filter object.
        self.assertEqual(v2.softDeleteCustomerGroupCustomers({"id": ann}),
                         {"customer_group_customer_id": [ann]})
        self.assertEqual(v2.restoreCustomerGroupCustomers({"customer_group_id": "cusgroup_vip"}),
                         {"customer_group_customer_id": [ann, bob]})
        self.assertEqual(self.ids(), [ann, bob, self.ann_b2b])

    def test_a_soft_deleted_membership_still_links_its_customer_and_group(self) -> None:
        db, v2 = self.db, self.db.v2
        bob = self.bob_vip
        self.assertEqual(v2.softDeleteCustomerGroupCustomers(bob),
                         {"customer_group_customer_id": [bob]})
        # The relations and relation filters of both interfaces still see it.
        groups: FindConfig = {"select": ["groups.name"], "relations": ["groups"]}
        self.assertEqual(v2.retrieveCustomer("cus_bob", groups),
                         {"id": "cus_bob", "groups": [{"id": "cusgroup_vip", "name": "VIP"}]})
        self.assertEqual(db.retrieve("cus_bob", groups),
                         {"id": "cus_bob", "groups": [{"id": "cusgroup_vip", "name": "VIP"}]})
        self.assertEqual(v2.retrieveCustomerGroup("cusgroup_vip", {"select": ["customers.id"],
                                                                   "relations": ["customers"]}),
                         {"id": "cusgroup_vip", "customers": [{"id": "cus_ann"}, {"id": "cus_bob"}]})
        members = [{"id": "cus_ann"}, {"id": "cus_bob"}]
        self.assertEqual(v2.listCustomers({"groups": "cusgroup_vip"}, {"select": ["id"]}), members)
        self.assertEqual(db.list({"groups": "cusgroup_vip"}, {"select": ["id"]}), members)

        # removeCustomerFromGroup (v2's and v1's) leaves the soft-deleted membership in place.
        pair: GroupCustomerPair = {"customer_id": "cus_bob", "customer_group_id": "cusgroup_vip"}
        v2.removeCustomerFromGroup(pair)
        db.removeCustomerFromGroup([pair])
        self.assertEqual(without_times(v2.listCustomerGroupCustomers({"customer_id": "cus_bob"},
                                                                     {"withDeleted": True})),
                         [membership_v2(bob, "cus_bob", "cusgroup_vip", deleted_at="set")])
        self.assertEqual(v2.listCustomers({"groups": "cusgroup_vip"}, {"select": ["id"]}), members)
        # A hard delete ends the link.
        v2.deleteCustomerGroupCustomers(bob)
        self.assertEqual(v2.listCustomers({"groups": "cusgroup_vip"}, {"select": ["id"]}),
                         [{"id": "cus_ann"}])

    def test_the_bare_names(self) -> None:
        db, ann = self.db, self.ann_vip
        self.assertEqual(without_times(db.call("retrieveCustomerGroupCustomer", [ann])),
                         membership_v2(ann, "cus_ann", "cusgroup_vip"))
        self.assertEqual(db.call("listAndCountCustomerGroupCustomers",
                                 [{"customer_id": "cus_ann"}, {"select": ["id"]}]),
                         [[{"id": ann}, {"id": self.ann_b2b}], 2])
        self.assertEqual(db.call("softDeleteCustomerGroupCustomers", [[ann]]),
                         {"customer_group_customer_id": [ann]})
        self.assertEqual(db.call("restoreCustomerGroupCustomers", [ann]),
                         {"customer_group_customer_id": [ann]})
        self.assertIsNone(db.call("deleteCustomerGroupCustomers", [[ann]]))
        self.assertEqual(self.ids(with_deleted=True), [self.bob_vip, self.ann_b2b])


class AddressesTest(CustomerDbTestCase):
    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        db.v2.createCustomers({"id": "cus_ann", "email": "ann@example.com"})

    def test_address_methods(self) -> None:
        v2 = self.db.v2
        home = v2.createCustomerAddresses({"id": "cuaddr_home", "customer_id": "cus_ann",
                                           "city": "Oslo", "is_default_billing": True})
        self.assertEqual(without_times(home), address_v2("cuaddr_home", "cus_ann", city="Oslo",
                                                         is_default_billing=True))
        self.assertEqual(without_times(v2.createCustomerAddresses(
            [{"id": "cuaddr_work", "customer_id": "cus_ann", "city": "Bergen"}])),
            [address_v2("cuaddr_work", "cus_ann", city="Bergen")])
        self.assertEqual(v2.retrieveCustomerAddress("cuaddr_home"), home)
        self.assertEqual(v2.retrieveCustomerAddress(
            "cuaddr_home", {"select": ["city", "customer.email"], "relations": ["customer"]}),
            {"id": "cuaddr_home", "customer_id": "cus_ann", "city": "Oslo",
             "customer": {"id": "cus_ann", "email": "ann@example.com"}})
        self.assertEqual(without_times(v2.updateCustomerAddresses("cuaddr_work",
                                                                  {"postal_code": "5003"})),
                         address_v2("cuaddr_work", "cus_ann", city="Bergen", postal_code="5003"))
        self.assertEqual([a["id"] for a in v2.updateCustomerAddresses({"customer_id": "cus_ann"},
                                                                      {"country_code": "no"})],
                         ["cuaddr_home", "cuaddr_work"])
        self.assertEqual(v2.listAndCountCustomerAddresses({"city": "Bergen"}, {"select": ["city"]}),
                         ([{"id": "cuaddr_work", "city": "Bergen"}], 1))
        v2.deleteCustomerAddresses("cuaddr_home")
        self.assertEqual(v2.retrieveCustomer("cus_ann", {"select": ["default_billing_address_id"]}),
                         {"id": "cus_ann", "default_billing_address_id": None})
        v2.deleteCustomerAddresses({"customer_id": "cus_ann"})
        self.assertEqual(v2.listCustomerAddresses(), [])

    def test_messages_name_the_model_customer_address(self) -> None:
        cases = [
            (lambda: self.db.v2.createCustomerAddresses({"city": "X"}),  # type: ignore[call-overload]
             "Value for CustomerAddress.customer_id is required, 'undefined' found",
             "v2.createCustomerAddresses"),
            (lambda: self.db.addAddresses({"city": "X"}),  # type: ignore[call-overload]
             "Value for Address.customer_id is required, 'undefined' found", "addAddresses"),
            (lambda: self.db.v2.retrieveCustomerAddress("cuaddr_nope"),
             "CustomerAddress with id: cuaddr_nope was not found", "v2.retrieveCustomerAddress"),
            (lambda: self.db.v2.listCustomerAddresses({"nickname": "x"}),
             "Trying to query by not existing property CustomerAddress.nickname",
             "v2.listCustomerAddresses"),
            (lambda: self.db.listAddresses({"nickname": "x"}),
             'Unknown field "nickname" for Address', "listAddresses"),
        ]
        for call, message, method in cases:
            with self.subTest(message):
                with self.assertRaises(RpcError) as caught:
                    call()
                self.assertEqual((caught.exception.message, caught.exception.method),
                                 (message, method))


class SoftDeletedAddressesTest(CustomerDbTestCase):
    """Addresses are soft-deletable (Medusa 2.x's model): with their customer, or on their own."""

    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        db.v2.createCustomers([
            {"id": "cus_ann", "email": "ann@example.com",
             "addresses": [{"id": "cuaddr_home", "city": "Oslo", "is_default_shipping": True},
                           {"id": "cuaddr_work", "city": "Bergen"}]},
            {"id": "cus_bob", "addresses": [{"id": "cuaddr_bob", "city": "Tromsø"}]}])

    def address_ids(self, with_deleted: bool = False) -> list[str]:
        config: FindConfig = {"select": ["id"], "withDeleted": with_deleted}
        return [a["id"] for a in self.db.v2.listCustomerAddresses({}, config)]

    def test_soft_delete_and_restore_of_a_customer_take_its_addresses(self) -> None:
        db, v2 = self.db, self.db.v2
        self.assertEqual(v2.softDeleteCustomers("cus_ann"),
                         {"customer_id": ["cus_ann"],
                          "customer_address_id": ["cuaddr_home", "cuaddr_work"]})
        # Gone from every read, v1's too, unless withDeleted.
        self.assertEqual(self.address_ids(), ["cuaddr_bob"])
        self.assertEqual(db.listAddresses({}, {"select": ["id"]}), [{"id": "cuaddr_bob"}])
        with self.assertRaises(NotFoundError) as caught:
            v2.retrieveCustomerAddress("cuaddr_home")
        self.assertEqual(caught.exception.message,
                         "CustomerAddress with id: cuaddr_home was not found")
        deleted = v2.listCustomerAddresses({"customer_id": "cus_ann"}, {"withDeleted": True})
        self.assertEqual(without_times(deleted), [
            address_v2("cuaddr_home", "cus_ann", city="Oslo", is_default_shipping=True,
                       deleted_at="set"),
            address_v2("cuaddr_work", "cus_ann", city="Bergen", deleted_at="set")])
        at = v2.retrieveCustomer("cus_ann", {"select": ["deleted_at"], "withDeleted": True})
        self.assertEqual([a["deleted_at"] for a in deleted], [at["deleted_at"]] * 2)
        # v1 shows them with withDeleted, without the field.
        self.assertEqual(without_times(db.listAddresses({"customer_id": "cus_ann"},
                                                        {"withDeleted": True})),
                         [address("cuaddr_home", "cus_ann", city="Oslo",
                                  is_default_shipping=True),
                          address("cuaddr_work", "cus_ann", city="Bergen")])
        self.assertEqual(v2.softDeleteCustomers(["cus_ann"]), {})  # already deleted

        self.assertEqual(v2.restoreCustomers("cus_ann"),
                         {"customer_id": ["cus_ann"],
                          "customer_address_id": ["cuaddr_home", "cuaddr_work"]})
        self.assertEqual(v2.retrieveCustomer("cus_ann", {"relations": ["addresses"],
                                                         "select": ["addresses.deleted_at"]}),
                         {"id": "cus_ann", "addresses": [
                             {"id": "cuaddr_home", "customer_id": "cus_ann", "deleted_at": None},
                             {"id": "cuaddr_work", "customer_id": "cus_ann", "deleted_at": None}]})
        self.assertEqual(self.address_ids(), ["cuaddr_bob", "cuaddr_home", "cuaddr_work"])

        # An address deleted on its own goes with its customer all the same, and comes back.
        self.assertEqual(v2.softDeleteCustomerAddresses("cuaddr_work"),
                         {"customer_address_id": ["cuaddr_work"]})
        both = {"customer_id": ["cus_ann"], "customer_address_id": ["cuaddr_home", "cuaddr_work"]}
        self.assertEqual(v2.softDeleteCustomers("cus_ann"), both)
        self.assertEqual(v2.restoreCustomers("cus_ann"), both)

        # returnLinkableKeys narrows; v1's softDelete and restore leave addresses alone.
        self.assertEqual(v2.softDeleteCustomers(("cus_ann", "cus_bob"),
                                                {"returnLinkableKeys": ["customer_address_id"]}),
                         {"customer_address_id": ["cuaddr_home", "cuaddr_work", "cuaddr_bob"]})
        self.assertEqual(v2.restoreCustomers(["cus_bob"], {"returnLinkableKeys": ["customer_id"]}),
                         {"customer_id": ["cus_bob"]})
        self.assertEqual(self.address_ids(), ["cuaddr_bob"])
        self.assertEqual(db.restore("cus_ann"), {"customer_id": ["cus_ann"]})
        self.assertEqual(self.address_ids(), ["cuaddr_bob"])
        self.assertEqual(db.softDelete("cus_bob"), {"customer_id": ["cus_bob"]})
        self.assertEqual(self.address_ids(), ["cuaddr_bob"])
        # A customer without addresses: no customer_address_id key.
        v2.createCustomers({"id": "cus_solo"})
        self.assertEqual(v2.softDeleteCustomers("cus_solo"), {"customer_id": ["cus_solo"]})
        self.assertEqual(v2.restoreCustomers("cus_solo"), {"customer_id": ["cus_solo"]})

    def test_soft_delete_and_restore_customer_addresses(self) -> None:
        v2 = self.db.v2
        self.assertEqual(v2.softDeleteCustomerAddresses(["cuaddr_work", "cuaddr_nope",
                                                         "cuaddr_home", "cuaddr_work"]),
                         {"customer_address_id": ["cuaddr_work", "cuaddr_home"]})
        self.assertEqual(v2.softDeleteCustomerAddresses("cuaddr_home"), {})  # already deleted
        self.assertEqual(v2.softDeleteCustomerAddresses([]), {})
        self.assertEqual(self.address_ids(), ["cuaddr_bob"])
        self.assertEqual(without_times(v2.retrieveCustomerAddress("cuaddr_work",
                                                                  {"withDeleted": True})),
                         address_v2("cuaddr_work", "cus_ann", city="Bergen", deleted_at="set"))
        self.assertEqual(self.address_ids(with_deleted=True),
                         ["cuaddr_bob", "cuaddr_home", "cuaddr_work"])
        self.assertEqual(v2.listCustomerAddresses({"deleted_at": {"$ne": None}},
                                                  {"select": ["id"], "withDeleted": True}),
                         [{"id": "cuaddr_home"}, {"id": "cuaddr_work"}])
        # The customer stays, and so does its default shipping address's id.
        self.assertEqual(v2.retrieveCustomer("cus_ann", {"select": ["deleted_at",
                                                                    "default_shipping_address_id"]}),
                         {"id": "cus_ann", "deleted_at": None,
                          "default_shipping_address_id": "cuaddr_home"})
        self.assertEqual(v2.softDeleteCustomerAddresses("cuaddr_bob",
                                                        {"returnLinkableKeys": ["customer_id"]}),
                         {})

        self.assertEqual(v2.restoreCustomerAddresses(["cuaddr_home", "cuaddr_nope", "cuaddr_work"]),
                         {"customer_address_id": ["cuaddr_home", "cuaddr_work"]})
        self.assertEqual(v2.restoreCustomerAddresses("cuaddr_bob", {"returnLinkableKeys": []}), {})
        self.assertEqual(v2.restoreCustomerAddresses("cuaddr_nope"), {})
        self.assertEqual(without_times(v2.listCustomerAddresses({"customer_id": "cus_ann"})), [
            address_v2("cuaddr_home", "cus_ann", city="Oslo", is_default_shipping=True),
            address_v2("cuaddr_work", "cus_ann", city="Bergen")])
        self.assertEqual(self.address_ids(), ["cuaddr_bob", "cuaddr_home", "cuaddr_work"])

        # In a transaction, rolled back.
        with self.assertRaises(RuntimeError):
            with self.db.transaction() as tx:
                self.assertEqual(v2.softDeleteCustomerAddresses(["cuaddr_home"], None, tx),
                                 {"customer_address_id": ["cuaddr_home"]})
                self.assertEqual(v2.listCustomerAddresses({}, {"select": ["id"]}, tx),
                                 [{"id": "cuaddr_bob"}, {"id": "cuaddr_work"}])
                raise RuntimeError("rolled back")
        self.assertEqual(self.address_ids(), ["cuaddr_bob", "cuaddr_home", "cuaddr_work"])
        # A selector, as Medusa v2 takes a filter object.
        self.assertEqual(v2.softDeleteCustomerAddresses({"city": "Bergen"}),
                         {"customer_address_id": ["cuaddr_work"]})
        self.assertEqual(v2.restoreCustomerAddresses({"customer_id": "cus_ann"}),
                         {"customer_address_id": ["cuaddr_home", "cuaddr_work"]})
        self.assertEqual(self.address_ids(), ["cuaddr_bob", "cuaddr_home", "cuaddr_work"])

    def test_the_bare_names_only_v2_has(self) -> None:
        db = self.db
        self.assertEqual(without_times(db.call("createCustomerGroups",
                                               [{"id": "cusgroup_vip", "name": "VIP"}])),
                         {**group("cusgroup_vip", "VIP"), "customers": []})
        with self.assertRaises(InvalidDataError) as caught:
            db.call("createCustomerGroups", [{}])
        self.assertEqual((caught.exception.message, caught.exception.method),
                         ("Value for CustomerGroup.name is required, 'undefined' found",
                          "createCustomerGroups"))
        self.assertEqual(db.call("softDeleteCustomerAddresses", [["cuaddr_bob"]]),
                         {"customer_address_id": ["cuaddr_bob"]})
        self.assertEqual(without_times(db.call("listCustomerAddresses",
                                               [{}, {"select": ["deleted_at"],
                                                     "withDeleted": True}])),
                         [{"id": "cuaddr_bob", "deleted_at": "set"},
                          {"id": "cuaddr_home", "deleted_at": None},
                          {"id": "cuaddr_work", "deleted_at": None}])
        self.assertEqual(db.call("restoreCustomerAddresses", ["cuaddr_bob"]),
                         {"customer_address_id": ["cuaddr_bob"]})
        # A bare name v1 has too is v1's: its addresses have no deleted_at.
        self.assertEqual(without_times(db.call("listAddresses", [{"id": "cuaddr_bob"}])),
                         [address("cuaddr_bob", "cus_bob", city="Tromsø")])


class DifferencesTest(CustomerDbTestCase):
    """Each behaviour where v2 differs from v1, beside v1's."""

    def test_no_default_limit(self) -> None:
        db = self.db
        db.create([{"id": f"cus_{i:02}"} for i in range(20)])
        self.assertEqual((len(db.list()), len(db.v2.listCustomers())), (15, 20))
        rows, count = db.v2.listAndCountCustomers({}, {"select": ["id"]})
        self.assertEqual((len(rows), count), (20, 20))
        rows, count = db.listAndCount({}, {"select": ["id"]})
        self.assertEqual((len(rows), count), (15, 20))
        # skip applies without a limit (v1: only with one, its default 15 included)
        self.assertEqual(db.v2.listCustomers({}, {"select": ["id"], "skip": 18, "take": None}),
                         [{"id": "cus_18"}, {"id": "cus_19"}])
        self.assertEqual(len(db.list({}, {"select": ["id"], "skip": 18, "take": None})), 20)
        db.createCustomerGroup([{"name": f"Group {i}"} for i in range(16)])
        self.assertEqual((len(db.listCustomerGroups()), len(db.v2.listCustomerGroups())), (15, 16))
        db.addAddresses([{"customer_id": "cus_00"} for _ in range(17)])
        self.assertEqual((len(db.listAddresses()), len(db.v2.listCustomerAddresses())), (15, 17))

    def test_q_words_must_all_match(self) -> None:
        db = self.db
        db.v2.createCustomers([
            {"id": "cus_1", "first_name": "Ann", "last_name": "Smith", "email": "ann@example.com"},
            {"id": "cus_2", "first_name": "Ann", "last_name": "Jones"},
            {"id": "cus_3", "first_name": "Bob", "last_name": "Smith",
             "company_name": "Ann's Bakery"}])
        select = {"select": ["id"]}
        self.assertEqual(db.v2.listCustomers({"q": "ann smith"}, select),
                         [{"id": "cus_1"}, {"id": "cus_3"}])
        self.assertEqual(db.v2.listCustomers({"q": " SMITH  bakery "}, select), [{"id": "cus_3"}])
        self.assertEqual(db.v2.listCustomers({"q": "ann nobody"}, select), [])
        self.assertEqual(db.list({"q": "ann smith"}, select), [])
        db.v2.createCustomerGroups([{"id": "cusgroup_1", "name": "Gold members"}])
        self.assertEqual(db.v2.listCustomerGroups({"q": "members gold"}, select),
                         [{"id": "cusgroup_1"}])
        self.assertEqual(db.listCustomerGroups({"q": "members gold"}, select), [])

    def test_metadata_shallow_merge(self) -> None:
        db = self.db
        metadata = {"tier": "gold", "prefs": {"mail": True, "sms": False}, "note": "x"}
        db.create([{"id": "cus_v1", "metadata": metadata}, {"id": "cus_v2", "metadata": metadata}])
        change = {"prefs": {"sms": True}, "note": "", "added": 1}
        self.assertEqual(db.v2.updateCustomers("cus_v2", {"metadata": change})["metadata"],
                         {"tier": "gold", "prefs": {"sms": True}, "added": 1})
        self.assertEqual(db.update("cus_v1", {"metadata": change})["metadata"],
                         {"tier": "gold", "prefs": {"mail": True, "sms": True}, "note": "",
                          "added": 1})
        self.assertIsNone(db.v2.updateCustomers("cus_v2", {"metadata": None})["metadata"])
        db.v2.createCustomerGroups({"id": "cusgroup_1", "name": "G", "metadata": {"a": 1, "b": 2}})
        self.assertEqual(db.v2.updateCustomerGroups("cusgroup_1", {"metadata": {"a": ""}})
                         ["metadata"], {"b": 2})

    def test_soft_deleted_rows(self) -> None:
        db = self.db
        db.v2.createCustomers([{"id": "cus_a", "email": "a@example.com"},
                               {"id": "cus_b", "email": "b@example.com"},
                               {"id": "cus_c", "email": "c@example.com"}])
        db.v2.softDeleteCustomers(["cus_b", "cus_c"])
        deleted = {"deleted_at": {"$ne": None}}
        self.assertEqual(db.v2.listCustomers(deleted, {"select": ["id"]}), [])
        self.assertEqual(db.list(deleted, {"select": ["id"]}), [{"id": "cus_b"}, {"id": "cus_c"}])
        self.assertEqual(db.v2.listCustomers(deleted, {"select": ["id"], "withDeleted": True}),
                         [{"id": "cus_b"}, {"id": "cus_c"}])
        db.delete({"email": "b@example.com"})  # v1: live rows only
        db.v2.deleteCustomers({"email": "c@example.com"})  # v2: soft-deleted ones too
        self.assertEqual(db.v2.listCustomers({}, {"select": ["id"], "withDeleted": True}),
                         [{"id": "cus_a"}, {"id": "cus_b"}])

    def test_unknown_select_and_relations_are_left_out(self) -> None:
        db = self.db
        db.v2.createCustomers({"id": "cus_a", "email": "a@example.com"})
        self.assertEqual(db.v2.retrieveCustomer("cus_a", {"select": ["email", "nickname"],
                                                          "relations": ["orders", "groups"]}),
                         {"id": "cus_a", "email": "a@example.com", "groups": []})
        with self.assertRaises(InvalidDataError) as caught:
            db.list({}, {"select": ["id", "nickname"]})
        self.assertEqual(caught.exception.message, 'Unknown field "nickname" for Customer')


class TransactionsTest(CustomerDbTestCase):
    def ids(self, context: object = None) -> list[str]:
        rows = self.db.v2.listCustomers({}, {"select": ["id"]}, context)  # type: ignore[arg-type]
        return [str(c["id"]) for c in rows]

    def test_v2_calls_in_a_transaction(self) -> None:
        db = self.db
        with db.transaction() as tx:
            db.v2.createCustomers({"id": "cus_ann", "email": "ann@example.com"}, tx)
            db.v2.createCustomerGroups({"id": "cusgroup_vip", "name": "VIP"}, context=tx)
            db.v2.addCustomerToGroup({"customer_id": "cus_ann",
                                      "customer_group_id": "cusgroup_vip"}, tx)
            db.v2.createCustomerAddresses({"id": "cuaddr_1", "customer_id": "cus_ann"}, tx)
            db.create({"id": "cus_bob"}, tx)  # v1 and v2 calls share the transaction
            self.assertEqual(self.ids(tx), ["cus_ann", "cus_bob"])
            self.assertEqual(self.ids(), [])
        self.assertEqual(self.ids(), ["cus_ann", "cus_bob"])
        self.assertEqual(db.v2.listCustomers({"groups": "cusgroup_vip"}, {"select": ["id"]}),
                         [{"id": "cus_ann"}])

        with self.assertRaises(RuntimeError):
            with db.transaction() as tx:
                db.v2.updateCustomers("cus_ann", {"first_name": "Ann"}, tx)
                db.v2.deleteCustomers("cus_bob", tx)
                raise RuntimeError("rolled back")
        self.assertEqual(db.v2.listCustomers({}, {"select": ["first_name"]}),
                         [{"id": "cus_ann", "first_name": None},
                          {"id": "cus_bob", "first_name": None}])

        first, second = db.transaction(), db.transaction()
        db.v2.updateCustomers("cus_ann", {"last_name": "First"}, first)
        db.v2.updateCustomers("cus_ann", {"last_name": "Second"}, second)
        first.commit()
        with self.assertRaises(ConflictError) as caught:
            second.commit()
        self.assertEqual(caught.exception.message, "Transaction conflict: Customer with id: "
                                                   "cus_ann was changed by another transaction")
        self.assertEqual(db.v2.retrieveCustomer("cus_ann")["last_name"], "First")
        with self.assertRaises(InvalidParamsError) as caught2:
            db.v2.listCustomers({}, None, {"timeoutMs": 0})
        self.assertEqual(caught2.exception.message,
                         "params[2].timeoutMs must be an integer from 1 to 600000")


if __name__ == "__main__":
    unittest.main()
