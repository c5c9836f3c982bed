"""A pytest plugin: one customerdb per test session (per worker with pytest-xdist), loaded
once, rewound after each test.

Enable it in the top-level ``conftest.py`` (or with ``-p customerdb.pytest_plugin``)::

    pytest_plugins = ["customerdb.pytest_plugin"]

    def pytest_customerdb_setup(db):
        db.createCustomerGroup({"id": "cusgroup_vip", "name": "VIP"})

The session starts ``customerdb rpc`` (the program from ``--customerdb PATH``, else the
``CUSTOMERDB`` environment variable, else ``PATH``; more options of ``customerdb rpc`` from the
``customerdb_args`` ini option), loads the ``customerdb_fixture`` ini option's file or data
directory when it is set (``loadFixture``), calls every ``pytest_customerdb_setup(db, config)`` hook, then
``mark`` s the store. A test that asks for the ``customerdb`` fixture gets the client; after the
test the store is ``rewind`` ed to the mark, so every test starts from the same data, whatever
the tests before it wrote. ``customerdb_session`` is the same client without the rewind.

pytest is not a dependency of the package: only this module and ``customerdb._pytest_hooks``
import it, and ``import customerdb`` imports neither.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .client import CustomerDb


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    from . import _pytest_hooks

    pluginmanager.add_hookspecs(_pytest_hooks)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("customerdb", "customerdb test fixture")
    group.addoption("--customerdb", dest="customerdb_program", metavar="PATH", default=None,
                    help="the customerdb program (default: $CUSTOMERDB, then customerdb on "
                         "PATH)")
    parser.addini("customerdb_args", type="args", default=[],
                  help="more options of `customerdb rpc` for the session's store")
    parser.addini("customerdb_fixture", type="string", default="",
                  help="a JSON Lines file, snapshot file or data directory loaded into the "
                       "session's store before the setup hooks (loadFixture; relative to the "
                       "rootdir)")


@pytest.fixture(scope="session")
def customerdb_session(request: pytest.FixtureRequest) -> Iterator[CustomerDb]:
    """The session's customerdb, loaded by the ``pytest_customerdb_setup`` hooks and marked;
    not rewound after each test (use ``customerdb`` for that)."""
    config = request.config
    db = CustomerDb.start(config.getoption("customerdb_program"),
                          args=config.getini("customerdb_args"))
    with db:
        fixture = config.getini("customerdb_fixture")
        if fixture:
            db.loadFixture(config.rootpath / fixture)
        config.hook.pytest_customerdb_setup(db=db, config=config)
        db.mark()
        yield db


@pytest.fixture
def customerdb(customerdb_session: CustomerDb) -> Iterator[CustomerDb]:
    """The session's customerdb; after the test it is rewound to the state the setup hooks
    left (``rewind``)."""
    yield customerdb_session
    customerdb_session.rewind()
