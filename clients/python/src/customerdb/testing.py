"""A unittest base class: one customerdb per test class, loaded once, rewound after each test.

    from customerdb.testing import CustomerDbTestCase

    class GroupsTest(CustomerDbTestCase):
        @classmethod
        def setUpCustomerDb(cls, db):
            db.createCustomerGroup({"id": "cusgroup_vip", "name": "VIP"})

        def test_rename(self):
            self.db.updateCustomerGroups("cusgroup_vip", {"name": "Gold"})  # undone after

The program is ``customerdb_program`` (default: the ``CUSTOMERDB`` environment variable, then
``PATH``), started with ``customerdb_args``; ``customerdb_fixture`` (a JSON Lines file, snapshot
file or data directory) is loaded before ``setUpCustomerDb``.
"""

from __future__ import annotations

import os
import unittest
from collections.abc import Sequence
from typing import ClassVar

from .client import CustomerDb

__all__ = ["CustomerDbTestCase"]


class CustomerDbTestCase(unittest.TestCase):
    """Starts ``customerdb rpc`` in ``setUpClass``, calls :meth:`setUpCustomerDb`, marks the
    store; after each test rewinds it to the mark; stops it in the class cleanup."""

    customerdb_program: ClassVar[str | os.PathLike[str] | None] = None
    customerdb_args: ClassVar[Sequence[str]] = ()
    #: A JSON Lines file, snapshot file or data directory loaded before setUpCustomerDb.
    customerdb_fixture: ClassVar[str | os.PathLike[str] | None] = None
    db: ClassVar[CustomerDb]

    @classmethod
    def setUpCustomerDb(cls, db: CustomerDb) -> None:
        """Loads the data every test of the class starts from. Does nothing unless overridden."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        db = CustomerDb.start(cls.customerdb_program, args=cls.customerdb_args)
        cls.addClassCleanup(db.close)
        cls.db = db
        if cls.customerdb_fixture is not None:
            db.loadFixture(cls.customerdb_fixture)
        cls.setUpCustomerDb(db)
        db.mark()

    def setUp(self) -> None:
        super().setUp()
        self.addCleanup(self.db.rewind)
