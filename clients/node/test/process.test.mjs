// Starting and stopping the program: finding it, start-up failures, close(), signals, and a
// process that dies while a call is in flight.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";

import { CustomerDb, CustomerDbProcessError, ProgramNotFoundError, findProgram } from "customerdb";

const PROGRAM = process.env.CUSTOMERDB ?? findProgram();
let dir;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "customerdb-node-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A shell script standing in for the program: answers the first request (ping), then `rest`. */
async function fakeProgram(name, rest) {
  const path = join(dir, name);
  await writeFile(
    path,
    '#!/bin/sh\nread -r line\nprintf \'{"jsonrpc":"2.0","id":1,"result":"pong"}\\n\'\n' + rest + "\n",
  );
  await chmod(path, 0o755);
  return path;
}

/** Resolves once the process is stopped (state T in /proc), asking the kernel, not the clock. */
async function stopped(pid) {
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("T")) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("start() runs `customerdb rpc`, close() ends it with status 0", async () => {
  const db = await CustomerDb.start({ program: PROGRAM });
  assert.equal(db.program, PROGRAM);
  assert.deepEqual(db.args, ["rpc"]);
  assert.equal(typeof db.pid, "number");
  assert.equal(await db.ping(), "pong");
  assert.deepEqual(await db.close(), { code: 0, signal: null });
  assert.deepEqual(await db.exited, { code: 0, signal: null });
  // close() again answers the same; calls after it are refused.
  assert.deepEqual(await db.close(), { code: 0, signal: null });
  await assert.rejects(db.ping(), {
    name: "CustomerDbProcessError",
    message: "customerdb is closed: cannot call ping",
  });
});

test("calls made before close() are answered", async () => {
  const db = await CustomerDb.start({ program: PROGRAM });
  const created = db.create({ id: "cus_last", email: "last@example.com" });
  const listed = db.list({}, { select: ["email"] });
  await db.close();
  assert.equal((await created).email, "last@example.com");
  assert.deepEqual(await listed, [{ id: "cus_last", email: "last@example.com" }]);
});

test("options: data and args reach the program", async () => {
  const db = await CustomerDb.start({
    program: PROGRAM,
    data: join(dir, "data"),
    args: ["--fsync", "always", "--max-answer-rows", "1"],
  });
  assert.deepEqual(db.args, ["rpc", "--data", join(dir, "data"), "--fsync", "always", "--max-answer-rows", "1"]);
  await db.create([{ id: "cus_1" }, { id: "cus_2" }]);
  await assert.rejects(db.list(), (error) => error.type === "invalid_data" && /more than 1 rows/.test(error.message));
  await db.close();
});

test("the program is found through the option, then CUSTOMERDB, then PATH", async () => {
  const onPath = join(dir, "path");
  await mkdir(onPath);
  await symlink(PROGRAM, join(onPath, "customerdb"));
  const other = join(dir, "other-customerdb");
  await symlink(PROGRAM, other);

  assert.equal(findProgram({ env: { PATH: onPath } }), join(onPath, "customerdb"));
  assert.equal(findProgram({ env: { PATH: onPath, CUSTOMERDB: other } }), other);
  assert.equal(findProgram({ program: PROGRAM, env: { PATH: onPath, CUSTOMERDB: other } }), PROGRAM);
  assert.equal(findProgram({ program: "customerdb", env: { PATH: `/nonexistent:${onPath}` } }), join(onPath, "customerdb"));

  const db = await CustomerDb.start({ env: { PATH: onPath } });
  assert.equal(db.program, join(onPath, "customerdb"));
  assert.equal(await db.ping(), "pong");
  await db.close();
});

test("a program that cannot be found is a ProgramNotFoundError naming where it looked", async () => {
  const empty = await mkdtemp(join(dir, "empty-"));
  await assert.rejects(CustomerDb.start({ env: { PATH: empty } }), {
    name: "ProgramNotFoundError",
    message:
      "customerdb program not found: no program option, no CUSTOMERDB environment variable, and no " +
      'customerdb on PATH; pass { program: "/path/to/customerdb" } to CustomerDb.start(), set the ' +
      "CUSTOMERDB environment variable to the program's path, or add the directory holding " +
      "customerdb to PATH",
  });
  await assert.rejects(CustomerDb.start({ program: join(empty, "customerdb"), env: { PATH: empty } }), {
    name: "ProgramNotFoundError",
    message: `customerdb program not found: ${join(empty, "customerdb")} (from the program option) is not an executable file`,
  });
  const notExecutable = join(empty, "customerdb.txt");
  await writeFile(notExecutable, "not a program\n");
  await assert.rejects(CustomerDb.start({ env: { PATH: empty, CUSTOMERDB: notExecutable } }), {
    name: "ProgramNotFoundError",
    message: `customerdb program not found: ${notExecutable} (from the CUSTOMERDB environment variable) is not an executable file`,
  });
  await assert.rejects(CustomerDb.start({ program: "customerdb", env: { PATH: empty } }), {
    name: "ProgramNotFoundError",
    message: "customerdb program not found: customerdb (from the program option) is not on PATH",
  });
  assert.throws(() => findProgram({ env: {} }), ProgramNotFoundError);
});

test("a program that exits at start-up rejects start() with its standard error", async () => {
  const file = join(dir, "a-file");
  await writeFile(file, "");
  await assert.rejects(CustomerDb.start({ program: PROGRAM, data: file }), (error) => {
    assert.equal(error instanceof CustomerDbProcessError, true);
    assert.deepEqual(
      { message: error.message, exitCode: error.exitCode, signal: error.signal },
      {
        message: `customerdb did not start: it exited with status 1: customerdb: Cannot create directory ${file}: Not a directory`,
        exitCode: 1,
        signal: null,
      },
    );
    return true;
  });
  await assert.rejects(CustomerDb.start({ program: PROGRAM, args: ["--bogus"] }), {
    name: "CustomerDbProcessError",
    message:
      "customerdb did not start: it exited with status 2: customerdb: unrecognised option '--bogus'\n" +
      "Usage: customerdb rpc [options]\n(run with --help for the options)",
    exitCode: 2,
  });
});

test("a program that cannot be run rejects start() with the system's error", async () => {
  const program = join(dir, "no-interpreter");
  await writeFile(program, "#!/nonexistent/interpreter\n");
  await chmod(program, 0o755);
  await assert.rejects(CustomerDb.start({ program }), {
    name: "CustomerDbProcessError",
    message: `customerdb did not start: ${program}: spawn ${program} ENOENT`,
  });
});

test("a process killed while a call is in flight rejects the call, and later calls", async () => {
  const db = await CustomerDb.start({ program: PROGRAM });
  await db.create({ id: "cus_1" });
  // Stop the program so that it cannot answer, make the call, then kill it.
  db.kill("SIGSTOP");
  await stopped(db.pid);
  const inFlight = db.list();
  db.kill("SIGKILL");
  await assert.rejects(inFlight, {
    name: "CustomerDbProcessError",
    message: "customerdb was killed by SIGKILL before answering list",
    exitCode: null,
    signal: "SIGKILL",
  });
  await assert.rejects(db.retrieve("cus_1"), {
    name: "CustomerDbProcessError",
    message: "customerdb was killed by SIGKILL: cannot call retrieve",
  });
  // The process had already ended: close() tells how, without throwing.
  assert.deepEqual(await db.close(), { code: null, signal: "SIGKILL" });
});

test("a process that exits while calls are in flight rejects them with its status and standard error", async () => {
  const program = await fakeProgram("exits", 'read -r line\necho "fake customerdb: giving up" >&2\nexit 3');
  const db = await CustomerDb.start({ program });
  const calls = [db.list(), db.stats()];
  await assert.rejects(calls[0], {
    name: "CustomerDbProcessError",
    message: "customerdb exited with status 3 before answering list; standard error: fake customerdb: giving up",
    exitCode: 3,
    stderr: "fake customerdb: giving up\n",
  });
  await assert.rejects(calls[1], {
    message: "customerdb exited with status 3 before answering stats; standard error: fake customerdb: giving up",
  });
  assert.deepEqual(await db.exited, { code: 3, signal: null });
});

test("SIGTERM stops the program cleanly", async () => {
  const db = await CustomerDb.start({ program: PROGRAM });
  db.kill("SIGTERM");
  assert.deepEqual(await db.exited, { code: 0, signal: null });
  assert.equal(db.stderr, "customerdb: signal 15: answering the lines already read, then stopping\ncustomerdb: stopped\n");
});

test("close() sends SIGTERM to a program that does not stop at the end of its input", async () => {
  const program = await fakeProgram("lingers", "exec sleep 600");
  const db = await CustomerDb.start({ program, closeTimeoutMs: 100 });
  await assert.rejects(db.close(), {
    name: "CustomerDbProcessError",
    message: "customerdb was killed by SIGTERM while stopping",
    signal: "SIGTERM",
  });
});

test("a program that is never closed does not keep Node running", async () => {
  const index = fileURLToPath(new URL("../dist/index.js", import.meta.url));
  const script = `
    const { CustomerDb } = await import(${JSON.stringify(index)});
    const db = await CustomerDb.start({ program: ${JSON.stringify(PROGRAM)} });
    await db.create({ email: "left@example.com" });
    console.log(db.pid);`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
  assert.match(stdout, /^\d+\n$/);
});
