"""customerdb.pytest_plugin, run by pytester in pytest sessions of its own: the setup hook runs
once, and every test starts from the state at the mark, whatever the tests before it did."""

from __future__ import annotations

import os
import pathlib

import pytest

import customerdb


@pytest.fixture(autouse=True)
def same_package(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sessions run in other directories: they import the package this test imported."""
    source = str(pathlib.Path(customerdb.__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [source, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]))

CONFTEST = '''
pytest_plugins = ["customerdb.pytest_plugin"]

SETUPS = []
MARKED = []


def state(db):
    """Every row of every table, deleted ones included, timestamps and all."""
    everything = {"take": None, "withDeleted": True}
    return [db.list({}, everything), db.listCustomerGroups({}, everything),
            db.listAddresses({}, everything), db.listCustomerGroupCustomers({}, everything)]


def pytest_customerdb_setup(db, config):
    SETUPS.append(db.pid)
    db.createCustomerGroup([{"id": "cusgroup_vip", "name": "VIP"},
                            {"id": "cusgroup_old", "name": "Old"}])
    db.create({"id": "cus_ann", "email": "ann@example.com", "metadata": {"tier": "gold"},
               "addresses": [{"id": "cuaddr_ann", "city": "Oslo", "is_default_billing": True}]})
    db.create({"id": "cus_bob", "email": "bob@example.com"})
    db.addCustomerToGroup([{"customer_id": "cus_ann", "customer_group_id": "cusgroup_vip"},
                           {"customer_id": "cus_bob", "customer_group_id": "cusgroup_old"}])
    db.softDeleteCustomerGroups("cusgroup_old")
    MARKED.append(state(db))  # the state the plugin marks right after this hook
'''

TESTS = '''
import pytest
from conftest import MARKED, SETUPS, state


@pytest.fixture(autouse=True)
def starts_from_the_mark(customerdb):
    assert state(customerdb) == MARKED[0]


def test_creates_and_updates(customerdb):
    customerdb.create([{"email": "new@example.com"}, {"email": "other@example.com"}])
    customerdb.update("cus_ann", {"first_name": "Ann", "metadata": None})
    customerdb.updateAddresses("cuaddr_ann", {"city": "Bergen"})
    customerdb.addAddresses({"customer_id": "cus_bob", "city": "Paris",
                             "is_default_billing": True})


def test_deletes(customerdb):
    customerdb.delete("cus_ann")
    customerdb.deleteCustomerGroups({"name": "VIP"})
    customerdb.softDelete("cus_bob")
    customerdb.restoreCustomerGroups("cusgroup_old")


def test_clears(customerdb):
    assert customerdb.clear() == {"erased": 7}


def test_commits_a_transaction(customerdb):
    with customerdb.transaction() as tx:
        customerdb.removeCustomerFromGroup({"customer_id": "cus_ann",
                                            "customer_group_id": "cusgroup_vip"}, tx)
        customerdb.createCustomerGroup({"name": "New"}, tx)


def test_fails_after_writing(customerdb):
    customerdb.update({}, {"company_name": "Acme"})
    pytest.fail("on purpose")


def test_session_client_is_the_same(customerdb, customerdb_session):
    assert customerdb is customerdb_session


def test_setup_ran_once(customerdb):
    assert SETUPS == [customerdb.pid]
'''


def test_rewind_restores_the_marked_state(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_state=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=6, failed=1)
    result.stdout.fnmatch_lines(["*test_fails_after_writing FAILED*"])


def test_a_failing_setup_fails_every_test_that_uses_the_store(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('''
pytest_plugins = ["customerdb.pytest_plugin"]

def pytest_customerdb_setup(db):
    db.create({"email": "ann@example.com"})
    db.create({"email": "ann@example.com"})
''')
    pytester.makepyfile(test_x='''
def test_one(customerdb):
    pass

def test_two(customerdb_session):
    pass

def test_without_the_store():
    pass
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines([
        "*customerdb.errors.InvalidDataError: invalid_data: Customer with email: "
        "ann@example.com, has_account: false, already exists."])


def test_the_fixture_ini_option_loads_a_file_before_the_setup_hooks(
        pytester: pytest.Pytester) -> None:
    pytester.makeconftest('''
pytest_plugins = ["customerdb.pytest_plugin"]

def pytest_customerdb_setup(db):
    assert [c["id"] for c in db.list()] == ["cus_file"]
    db.create({"id": "cus_setup"})
''')
    pytester.makefile(".jsonl", rows='{"type": "customer", "id": "cus_file", '
                      '"created_at": "2024-05-24T10:00:00.000Z", '
                      '"updated_at": "2024-05-24T10:00:00.000Z"}\n')
    pytester.makeini("[pytest]\ncustomerdb_fixture = rows.jsonl\n")
    pytester.makepyfile(test_x='''
def test_deletes(customerdb):
    customerdb.delete("cus_file")

def test_sees_both(customerdb):
    assert [c["id"] for c in customerdb.list()] == ["cus_file", "cus_setup"]
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_program_and_its_options(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["customerdb.pytest_plugin"]\n')
    pytester.makeini("[pytest]\ncustomerdb_args = --max-answer-rows 1\n")
    pytester.makepyfile(test_x='''
from customerdb import InvalidDataError

def test_options_reach_the_program(customerdb):
    customerdb.create([{"email": "a@example.com"}, {"email": "b@example.com"}])
    assert customerdb.argv[1:] == ["rpc", "--max-answer-rows", "1"]
    try:
        customerdb.list()
    except InvalidDataError as e:
        assert e.message.startswith("The answer has more than 1 rows")
    else:
        raise AssertionError("no cap")
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider",
                                           "--customerdb", "/nowhere/customerdb")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*'/nowhere/customerdb' (from the program argument) is not an "
                                 "executable file*"])
