"""Transactions (Medusa's sharedContext): commit on success, rollback on exception, conflicts,
and the raw protocol methods."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from customerdb import (ConflictError, CustomerDb, InvalidDataError, InvalidParamsError,
                        Transaction)
from customerdb.testing import CustomerDbTestCase

ABSENT = "tx_00000000000000000000000000000000"


class TransactionTest(CustomerDbTestCase):
    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        db.create({"id": "cus_ann", "email": "ann@example.com"})

    def emails(self, context: Mapping[str, Any] | None = None) -> list[str]:
        """The customers' e-mails, in order, as ``context`` sees them."""
        rows = self.db.list({}, {"select": ["email"], "order": {"email": "ASC"}}, context)
        return [str(c["email"]) for c in rows]

    def test_commit_when_the_block_ends(self) -> None:
        db = self.db
        with db.transaction() as tx:
            self.assertIsInstance(tx, Transaction)
            self.assertRegex(tx.id, r"^tx_[0-9a-f]{32}$")
            self.assertEqual(dict(tx), {"transactionId": tx.id})
            bob = db.create({"id": "cus_bob", "email": "bob@example.com"}, tx)
            db.addAddresses({"customer_id": bob["id"], "city": "Oslo"}, context=tx)
            db.update("cus_ann", {"first_name": "Ann"}, tx)
            # Only the transaction sees its writes before the commit.
            self.assertEqual(self.emails(tx), ["ann@example.com", "bob@example.com"])
            self.assertEqual(self.emails(), ["ann@example.com"])
            self.assertEqual(db.retrieve("cus_ann", {"select": ["first_name"]}),
                             {"id": "cus_ann", "first_name": None})
            self.assertEqual(tx.state, "active")
        self.assertEqual(tx.state, "committed")
        self.assertEqual(self.emails(), ["ann@example.com", "bob@example.com"])
        self.assertEqual(db.listAndCountAddresses({"customer_id": "cus_bob"},
                                                  {"select": ["city"]})[1], 1)
        self.assertEqual(db.retrieve("cus_ann", {"select": ["first_name"]}),
                         {"id": "cus_ann", "first_name": "Ann"})
        # Used after its end: the protocol's conflict.
        with self.assertRaises(ConflictError) as caught:
            db.list({}, None, tx)
        self.assertEqual(caught.exception.message, "Transaction is no longer active")

    def test_rollback_when_the_block_raises(self) -> None:
        db = self.db
        with self.assertRaises(RuntimeError):
            with db.transaction() as tx:
                db.create({"email": "bob@example.com"}, tx)
                db.delete("cus_ann", tx)
                raise RuntimeError("a step of the workflow failed")
        self.assertEqual(tx.state, "rolled back")
        self.assertEqual(self.emails(), ["ann@example.com"])
        with self.assertRaises(ConflictError):
            db.commitTransaction(tx)

    def test_a_failed_call_inside_leaves_the_transaction_usable(self) -> None:
        db = self.db
        with db.transaction() as tx:
            db.create({"email": "bob@example.com"}, tx)
            with self.assertRaises(InvalidDataError) as caught:
                db.create({"email": "bob@example.com"}, tx)
            self.assertEqual(caught.exception.message, "Customer with email: bob@example.com, "
                                                       "has_account: false, already exists.")
        self.assertEqual(self.emails(), ["ann@example.com", "bob@example.com"])

    def test_conflicting_commits(self) -> None:
        db = self.db
        first = db.transaction()
        with self.assertRaises(ConflictError) as caught:
            with db.transaction() as second:
                db.update("cus_ann", {"first_name": "Second"}, second)
                db.update("cus_ann", {"first_name": "First"}, first)
                first.commit()
        self.assertEqual(caught.exception.message, "Transaction conflict: Customer with id: "
                                                   "cus_ann was changed by another transaction")
        self.assertEqual((first.state, second.state), ("committed", "committed"))
        self.assertEqual(db.retrieve("cus_ann", {"select": ["first_name"]}),
                         {"id": "cus_ann", "first_name": "First"})

    def test_the_block_may_end_it_itself(self) -> None:
        db = self.db
        with db.transaction() as tx:
            db.create({"email": "bob@example.com"}, tx)
            tx.rollback()
        self.assertEqual(tx.state, "rolled back")
        with db.transaction() as tx:
            db.create({"email": "bob@example.com"}, tx)
            tx.commit()
        self.assertEqual(self.emails(), ["ann@example.com", "bob@example.com"])

    def test_a_failed_rollback_is_a_note_on_the_exception(self) -> None:
        db = self.db
        with self.assertRaises(KeyError) as caught:
            with db.transaction() as tx:
                db.rollbackTransaction(tx)  # ended behind the Transaction's back
                raise KeyError("original")
        self.assertEqual(caught.exception.__notes__, [
            f"and rolling back transaction {tx.id} failed: conflict: Transaction is no longer "
            "active"])

    def test_time_budgets_and_options(self) -> None:
        db = self.db
        with db.transaction(timeout_ms=60_000) as tx:
            self.assertEqual(self.emails({**tx, "timeoutMs": 5000}), ["ann@example.com"])
        self.assertEqual(self.emails({"timeoutMs": 5000}), ["ann@example.com"])
        self.assertEqual(self.emails({}), ["ann@example.com"])
        with self.assertRaises(InvalidParamsError) as caught:
            db.transaction(timeout_ms=0)
        self.assertEqual(caught.exception.message,
                         "params[0].timeoutMs must be an integer from 1 to 600000")

    def test_raw_protocol_methods(self) -> None:
        db = self.db
        opened = db.beginTransaction()
        self.assertEqual(list(opened), ["transactionId"])
        self.assertTrue(re.fullmatch(r"tx_[0-9a-f]{32}", opened["transactionId"]))
        db.create({"email": "bob@example.com"}, opened)
        self.assertIsNone(db.commitTransaction(opened))  # type: ignore[func-returns-value]
        self.assertEqual(self.emails(), ["ann@example.com", "bob@example.com"])
        with self.assertRaises(ConflictError) as caught:
            db.rollbackTransaction({"transactionId": ABSENT})
        self.assertEqual(caught.exception.message, f"Transaction {ABSENT} was not found")
        with self.assertRaises(InvalidParamsError) as caught2:
            db.commitTransaction({})
        self.assertEqual(caught2.exception.message, "params[0].transactionId must be a string")
