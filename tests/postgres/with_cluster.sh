#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL 15 cluster, for the suites of tests/postgres:
#   tests/postgres/with_cluster.sh COMMAND [ARG...]
# The cluster is made in a temporary folder, listens only on a unix socket there, has
# wal_level=logical (for the replica's tests) and trusts local connections; the command gets its
# libpq connection string in CUSTOMERDB_TEST_PG ("host=<folder> port=5432 dbname=postgres
# user=postgres") and its server programs' folder in CUSTOMERDB_TEST_PG_BIN (the tests restart
# the server with `pg_ctl -D $CUSTOMERDB_TEST_PG_DATA`, run as CUSTOMERDB_TEST_PG_RUN_AS when
# set). The cluster is stopped and removed on exit, failures included.
#
# PostgreSQL refuses to run as root: under root, the cluster runs as the system user
# `customerdb-test` (created when absent). Without PostgreSQL 15's server programs (Debian's
# postgresql-15, which scripts/setup installs) the script exits 77, which ctest reports as
# skipped, unless CUSTOMERDB_REQUIRE_POSTGRES=1 (as in scripts/test), which makes it a failure.
set -euo pipefail

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
if [[ ! -x $pg_bin/initdb ]]; then
  echo "with_cluster.sh: no PostgreSQL 15 server programs in $pg_bin (apt-get install postgresql-15)" >&2
  if [[ ${CUSTOMERDB_REQUIRE_POSTGRES:-0} == 1 ]]; then exit 1; fi
  exit 77
fi

run_as=()
pg_user=""
if [[ $(id -u) -eq 0 ]]; then
  pg_user=customerdb-test
  if ! id "$pg_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user" 2>/dev/null ||
      id "$pg_user" >/dev/null  # another suite may have created it meanwhile
  fi
  run_as=(runuser -u "$pg_user" --)
fi
pg_dir=$(mktemp -d /tmp/customerdb-test-pg.XXXXXX)
chmod 755 "$pg_dir"
if [[ -n $pg_user ]]; then chown "$pg_user" "$pg_dir"; fi
stop_cluster() {
  local rc=$?
  if [[ -f $pg_dir/data/postmaster.pid ]]; then
    "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pg_dir"
  exit "$rc"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

"${run_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" --no-locale --encoding=UTF8 --auth=trust \
  -U postgres >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; exit 1; }
cat >>"$pg_dir/data/postgresql.conf" <<CONF
listen_addresses = ''
port = 5432
unix_socket_directories = '$pg_dir'
wal_level = logical
max_replication_slots = 10
max_wal_senders = 10
logical_decoding_work_mem = 64kB
fsync = off
CONF
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w start >/dev/null ||
  { cat "$pg_dir/server.log" >&2; exit 1; }

export CUSTOMERDB_TEST_PG="host=$pg_dir port=5432 dbname=postgres user=postgres"
export CUSTOMERDB_TEST_PG_BIN=$pg_bin
export CUSTOMERDB_TEST_PG_DATA=$pg_dir/data
export CUSTOMERDB_TEST_PG_RUN_AS=$pg_user
status=0
"$@" || status=$?
if [[ $status -ne 0 ]]; then
  echo "with_cluster.sh: the command failed ($status); the server's log:" >&2
  tail -n 40 "$pg_dir/server.log" >&2 || true
fi
exit "$status"
