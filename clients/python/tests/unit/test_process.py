"""Starting and stopping the program: where it is found, start-up failures, close and the
context manager, a data directory, the program dying with a call pending, concurrent callers."""

from __future__ import annotations

import array
import fcntl
import io
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest
from collections.abc import Callable

from customerdb import (ClientClosedError, CustomerDb, CustomerDbError, InvalidRequestError,
                        ProcessError, ProgramNotFoundError, find_program)

PROGRAM = find_program()  # $CUSTOMERDB, else PATH


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Polls ``condition`` until it holds; fails after ``timeout`` seconds (a bound on a broken
    test, not a guess at how fast anything is)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


def process_state(pid: int) -> str:
    """The state letter of /proc/PID/stat (R, S, T for stopped, ...)."""
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2]


def queued_input(pid: int) -> int:
    """Bytes written to the process's standard input (a pipe) that it has not read yet."""
    fd = os.open(f"/proc/{pid}/fd/0", os.O_RDONLY | os.O_NONBLOCK)
    try:
        count = array.array("i", [0])
        fcntl.ioctl(fd, termios.FIONREAD, count)
        return count[0]
    finally:
        os.close(fd)


class FindProgramTest(unittest.TestCase):
    def setUp(self) -> None:
        self.empty = tempfile.TemporaryDirectory()
        self.addCleanup(self.empty.cleanup)
        self.on_path = tempfile.TemporaryDirectory()
        self.addCleanup(self.on_path.cleanup)
        os.symlink(PROGRAM, os.path.join(self.on_path.name, "customerdb"))

    def test_the_argument_comes_first(self) -> None:
        self.assertEqual(find_program(PROGRAM, {"CUSTOMERDB": "/nowhere/customerdb",
                                                "PATH": self.empty.name}), PROGRAM)

    def test_then_the_environment_variable(self) -> None:
        self.assertEqual(find_program(None, {"CUSTOMERDB": PROGRAM, "PATH": self.on_path.name}),
                         PROGRAM)

    def test_then_path(self) -> None:
        self.assertEqual(find_program(None, {"PATH": self.on_path.name}),
                         os.path.join(self.on_path.name, "customerdb"))
        # An empty CUSTOMERDB counts as unset.
        self.assertEqual(find_program(None, {"CUSTOMERDB": "", "PATH": self.on_path.name}),
                         os.path.join(self.on_path.name, "customerdb"))

    def test_nowhere_names_all_three(self) -> None:
        with self.assertRaises(ProgramNotFoundError) as caught:
            find_program(None, {"PATH": self.empty.name})
        self.assertEqual(
            str(caught.exception),
            "The customerdb program was not found: pass program= to CustomerDb.start(), set "
            "the CUSTOMERDB environment variable to its path, or put customerdb on PATH")
        self.assertIsInstance(caught.exception, FileNotFoundError)
        self.assertIsInstance(caught.exception, CustomerDbError)

    def test_a_wrong_path_is_not_passed_over(self) -> None:
        with self.assertRaises(ProgramNotFoundError) as caught:
            find_program(None, {"CUSTOMERDB": "/nowhere/customerdb", "PATH": self.on_path.name})
        self.assertEqual(str(caught.exception), "'/nowhere/customerdb' (from the CUSTOMERDB "
                                                "environment variable) is not an executable file")
        with self.assertRaises(ProgramNotFoundError) as caught:
            find_program("/nowhere/customerdb", {"PATH": self.on_path.name})
        self.assertEqual(str(caught.exception),
                         "'/nowhere/customerdb' (from the program argument) is not an "
                         "executable file")
        with self.assertRaises(ProgramNotFoundError) as caught:
            find_program("no-such-customerdb", {"PATH": self.on_path.name})
        self.assertEqual(str(caught.exception),
                         "'no-such-customerdb' (from the program argument) was not found on PATH")

    def test_start_uses_the_environment_it_is_given(self) -> None:
        with CustomerDb.start(env={"PATH": self.on_path.name}) as db:
            self.assertEqual(db.argv, [os.path.join(self.on_path.name, "customerdb"), "rpc"])
            self.assertEqual(db.ping(), "pong")
        with self.assertRaises(ProgramNotFoundError):
            CustomerDb.start(env={"PATH": self.empty.name})


class StartStopTest(unittest.TestCase):
    def test_start_call_close(self) -> None:
        db = CustomerDb.start(PROGRAM)
        self.assertEqual(db.argv, [PROGRAM, "rpc"])
        self.assertFalse(db.closed)
        self.assertEqual(db.ping(), "pong")
        self.assertEqual(db.close(), 0)
        self.assertTrue(db.closed)
        self.assertEqual(db.returncode, 0)
        with self.assertRaises(ClientClosedError) as caught:
            db.ping()
        self.assertEqual(str(caught.exception), "ping: the client is closed")
        self.assertEqual(db.close(), 0)  # again: nothing more

    def test_context_manager_closes(self) -> None:
        with CustomerDb.start() as db:
            db.create({"email": "ann@example.com"})
        self.assertTrue(db.closed)
        self.assertEqual(db.returncode, 0)

    def test_context_manager_closes_when_the_block_raises(self) -> None:
        with self.assertRaises(KeyError):
            with CustomerDb.start() as db:
                raise KeyError("in the block")
        self.assertEqual(db.returncode, 0)

    def test_options_reach_the_program(self) -> None:
        with CustomerDb.start(args=["--max-request-bytes", "200"]) as db:
            self.assertEqual(db.argv, [PROGRAM, "rpc", "--max-request-bytes", "200"])
            # Too large: the answer has no id, and goes to the call that is waiting for it.
            with self.assertRaises(InvalidRequestError) as caught:
                db.create({"email": "ann@example.com", "first_name": "x" * 200})
            self.assertEqual(caught.exception.message, "Invalid request: larger than 200 bytes")
            self.assertEqual(caught.exception.code, -32600)
            self.assertEqual(db.ping(), "pong")

    def test_bad_options_fail_start(self) -> None:
        with self.assertRaises(ProcessError) as caught:
            CustomerDb.start(args=["--no-such-option"])
        e = caught.exception
        self.assertEqual(e.returncode, 2)
        self.assertEqual(e.stderr, "customerdb: unrecognised option '--no-such-option'\n"
                                   "Usage: customerdb rpc [options]\n"
                                   "(run with --help for the options)\n")
        self.assertEqual(str(e), f"customerdb did not start: {PROGRAM} rpc --no-such-option "
                                 "ended with exit status 2; its standard error ended with:\n"
                                 + e.stderr.rstrip())

    def test_a_data_directory_that_cannot_be_loaded_fails_start(self) -> None:
        with tempfile.NamedTemporaryFile() as file:
            with self.assertRaises(ProcessError) as caught:
                CustomerDb.start(data=file.name)
        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(caught.exception.stderr,
                         f"customerdb: Cannot create directory {file.name}: Not a directory\n")

    def test_data_directory_persists(self) -> None:
        with tempfile.TemporaryDirectory() as data:
            with CustomerDb.start(data=data) as db:
                self.assertEqual(db.argv, [PROGRAM, "rpc", "--data", data])
                db.create({"id": "cus_ann", "email": "ann@example.com"})
                self.assertEqual(db.snapshot(), {
                    "path": f"{data}/snapshot-00000000000000000001.snap",
                    "bytes": db.snapshot()["bytes"], "sequence": 1})
                db.create({"id": "cus_bob", "email": "bob@example.com"})
            with CustomerDb.start(data=pathlib.Path(data)) as db:
                self.assertEqual([c["id"] for c in db.list({}, {"select": ["id"]})],
                                 ["cus_ann", "cus_bob"])
                stats = db.stats()
                self.assertEqual((stats["customers"], stats["sequence"],
                                  stats["lastSnapshotSequence"]), (2, 2, 1))

    def test_standard_error_is_kept_and_copied(self) -> None:
        copy = io.StringIO()
        db = CustomerDb.start(stderr=copy)
        self.assertEqual(db.ping(), "pong")
        # SIGTERM stops the program cleanly (docs/protocol.md, "Stopping"), with exit status 0.
        os.kill(db.pid, signal.SIGTERM)
        with self.assertRaises(ProcessError) as caught:
            while True:
                db.ping()
        expected = ("customerdb: signal 15: answering the lines already read, then stopping\n"
                    "customerdb: stopped\n")
        self.assertEqual(caught.exception.returncode, 0)
        self.assertEqual(caught.exception.stderr, expected)
        self.assertRegex(str(caught.exception),
                         r"^ping: customerdb ended (while the call was pending|before the call) "
                         r"\(exit status 0\); its standard error ended with:\n"
                         + re.escape(expected.rstrip()) + "$")
        self.assertEqual(db.stderr_tail(), expected)
        self.assertEqual(copy.getvalue(), expected)
        self.assertEqual(db.close(), 0)

    def test_values_json_cannot_hold_are_refused_before_sending(self) -> None:
        with CustomerDb.start() as db:
            with self.assertRaises(ValueError):
                db.create({"email": "ann@example.com", "metadata": {"x": float("nan")}})
            with self.assertRaises(TypeError):
                db.create({"email": "ann@example.com", "metadata": {"x": {1, 2}}})
            self.assertEqual(db.listAndCount(), ([], 0))

    def test_importing_the_package_does_not_import_pytest(self) -> None:
        code = ("import sys, customerdb, customerdb.testing; "
                "assert 'pytest' not in sys.modules, 'pytest imported'")
        subprocess.run([sys.executable, "-c", code], check=True)


class ProcessDeathTest(unittest.TestCase):
    def test_a_pending_call_fails_when_the_program_is_killed(self) -> None:
        db = CustomerDb.start()
        db.create({"email": "ann@example.com"})
        # Stop the program, send a call, see its request waiting in the pipe, then kill it:
        # the call is pending when the program dies, whatever the machine's speed.
        os.kill(db.pid, signal.SIGSTOP)
        wait_for(lambda: process_state(db.pid) == "T", "the program to stop")
        outcome: list[BaseException | object] = []

        def call() -> None:
            try:
                outcome.append(db.list())
            except BaseException as e:  # noqa: BLE001 - handed to the test thread
                outcome.append(e)

        caller = threading.Thread(target=call)
        caller.start()
        wait_for(lambda: queued_input(db.pid) > 0, "the request to be written")
        self.assertEqual(outcome, [])
        os.kill(db.pid, signal.SIGKILL)
        caller.join()
        self.assertEqual(len(outcome), 1)
        error = outcome[0]
        self.assertIsInstance(error, ProcessError)
        assert isinstance(error, ProcessError)
        self.assertEqual(str(error), "list: customerdb ended while the call was pending "
                                     "(killed by signal 9 (SIGKILL))")
        self.assertEqual(error.returncode, -9)
        # Later calls fail the same way; close reaps it without raising again.
        with self.assertRaises(ProcessError) as caught:
            db.ping()
        self.assertEqual(str(caught.exception), "ping: customerdb ended before the call "
                                                "(killed by signal 9 (SIGKILL))")
        self.assertEqual(db.close(), -9)

    def test_close_reports_a_death_no_call_saw(self) -> None:
        db = CustomerDb.start()
        db.kill()
        with self.assertRaises(ProcessError) as caught:
            db.close()
        self.assertEqual(str(caught.exception),
                         "customerdb ended with killed by signal 9 (SIGKILL)")
        self.assertEqual(caught.exception.returncode, -9)
        self.assertEqual(db.close(), -9)  # reported once

    def test_the_context_manager_keeps_the_block_s_exception(self) -> None:
        with self.assertRaises(ZeroDivisionError) as caught:
            with CustomerDb.start() as db:
                db.kill()
                1 / 0
        self.assertEqual(caught.exception.__notes__,
                         ["and closing customerdb failed: customerdb ended with killed by "
                          "signal 9 (SIGKILL)"])


class ConcurrencyTest(unittest.TestCase):
    def test_threads_share_one_client(self) -> None:
        threads, calls = 8, 25
        with CustomerDb.start() as db:
            results: dict[int, list[str | None]] = {}
            errors: list[BaseException] = []
            start = threading.Barrier(threads)

            def work(t: int) -> None:
                try:
                    start.wait()
                    emails: list[str | None] = []
                    for i in range(calls):
                        created = db.create({"email": f"t{t}-{i}@example.com"})
                        emails.append(created["email"])
                        self.assertEqual(db.retrieve(created["id"], {"select": ["email"]}),
                                         {"id": created["id"], "email": created["email"]})
                    results[t] = emails
                except BaseException as e:  # noqa: BLE001 - checked below
                    errors.append(e)

            workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            self.assertEqual(errors, [])
            for t in range(threads):
                self.assertEqual(results[t], [f"t{t}-{i}@example.com" for i in range(calls)])
            rows, count = db.listAndCount({}, {"select": ["email"], "take": None})
            self.assertEqual(count, threads * calls)
            self.assertEqual(sorted(r["email"] for r in rows),
                             sorted(f"t{t}-{i}@example.com"
                                    for t in range(threads) for i in range(calls)))


if __name__ == "__main__":
    unittest.main()
