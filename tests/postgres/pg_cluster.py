"""What the Python suites of tests/postgres share: the throwaway cluster that with_cluster.sh
started for them (its connection string in CUSTOMERDB_TEST_PG), psql, and new databases in it."""
import itertools
import os
import subprocess

CLUSTER = os.environ.get("CUSTOMERDB_TEST_PG", "")
_names = itertools.count()


def unique_name() -> str:
    """A name no other database, slot or directory of this run has: t<pid>_<n>."""
    return f"t{os.getpid()}_{next(_names)}"


def psql(url: str, sql: str) -> str:
    """Runs `sql` on `url`; its output, unaligned, tuples only. Fails the test on an error."""
    done = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"psql failed: {done.stderr}\n{sql}")
    return done.stdout


def new_database() -> str:
    """A new, empty database of the cluster; its connection string."""
    name = unique_name()
    psql(CLUSTER, f"CREATE DATABASE {name}")
    return CLUSTER.replace("dbname=postgres", f"dbname={name}")
