# shellcheck shell=bash
# Shared by scripts/medusa-oracle and scripts/medusa-diff (sourced, not run): installs a pinned
# set of Medusa's published npm packages into a folder OUTSIDE this repository, and starts a
# throwaway PostgreSQL 15 cluster as an unprivileged user, listening only on a unix socket in a
# temporary folder. Everything is removed on exit (also on failure), except an install folder
# the caller asked to keep.
#
#   medusa_env_init NAME            work folder /tmp/NAME-run.XXXXXX in $medusa_work; cleanup trap
#   medusa_env_install DIR PKG...   npm install PKG... into DIR unless DIR already holds exactly
#                                   that list (a stamp file records it); extra npm options in
#                                   the array medusa_npm_flags
#   medusa_env_start_pg             start the cluster; its socket folder is $medusa_pg_socket
#
# Environment: MEDUSA_ORACLE_PG_BIN (default /usr/lib/postgresql/15/bin).

medusa_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
medusa_pg_bin="${MEDUSA_ORACLE_PG_BIN:-/usr/lib/postgresql/15/bin}"
medusa_pg_started=0
medusa_pg_user=postgres
medusa_work=""
medusa_log_name="medusa"
medusa_npm_flags=()

medusa_log() { echo "$medusa_log_name: $*" >&2; }

medusa_cleanup() {
    local rc=$?
    if [ "$medusa_pg_started" = 1 ]; then
        medusa_run_as_pg "$medusa_pg_bin/pg_ctl" -D "$medusa_work/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    [ -n "$medusa_work" ] && rm -rf "$medusa_work"
    exit "$rc"
}

medusa_run_as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$medusa_pg_user" -- "$@"
    else
        "$@"
    fi
}

medusa_env_init() {
    medusa_log_name="$1"
    medusa_work="$(mktemp -d "/tmp/$1-run.XXXXXX")"
    trap medusa_cleanup EXIT
    trap 'exit 130' INT TERM
}

# medusa_env_install DIR PKG...: npm install into DIR (outside the repository), once.
medusa_env_install() {
    local dir="$1"
    shift
    case "$(realpath -m "$dir")/" in
        "$(realpath "$medusa_here/..")"/*)
            medusa_log "refusing to install Medusa's code inside this repository ($dir)"
            exit 1 ;;
    esac
    mkdir -p "$dir"
    local want="$*"
    if [ -f "$dir/.medusa-packages" ] && [ "$(cat "$dir/.medusa-packages")" = "$want" ] &&
        [ -d "$dir/node_modules/@medusajs" ]; then
        return 0
    fi
    medusa_log "installing $want into $dir"
    local started=$SECONDS
    (cd "$dir" && { [ -f package.json ] || echo '{"name":"medusa-oracle-run","private":true}' >package.json; } &&
        npm install --no-audit --no-fund --loglevel=error ${medusa_npm_flags[@]+"${medusa_npm_flags[@]}"} "$@" >"$medusa_work/npm.log" 2>&1) ||
        { cat "$medusa_work/npm.log" >&2; exit 1; }
    echo "$want" >"$dir/.medusa-packages"
    medusa_log "installed in $((SECONDS - started)) s"
}

medusa_env_start_pg() {
    if [ ! -x "$medusa_pg_bin/initdb" ]; then
        medusa_log "no PostgreSQL binaries in $medusa_pg_bin (apt-get install -y postgresql-15)"
        exit 1
    fi
    # PostgreSQL refuses to run as root: as root, run it as the postgres user (or a system
    # user made for it).
    if [ "$(id -u)" = 0 ]; then
        if ! id "$medusa_pg_user" >/dev/null 2>&1; then
            medusa_pg_user=medusaoracle
            id "$medusa_pg_user" >/dev/null 2>&1 || useradd --system --no-create-home "$medusa_pg_user"
        fi
        chown "$medusa_pg_user" "$medusa_work"
        chmod 755 "$medusa_work"
    else
        medusa_pg_user="$(id -un)"
    fi
    medusa_pg_socket="$medusa_work/sock"
    mkdir -p "$medusa_pg_socket"
    [ "$(id -u)" = 0 ] && chown "$medusa_pg_user" "$medusa_pg_socket"
    medusa_run_as_pg "$medusa_pg_bin/initdb" -D "$medusa_work/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$medusa_work/initdb.log" 2>&1 || { cat "$medusa_work/initdb.log" >&2; exit 1; }
    medusa_run_as_pg "$medusa_pg_bin/pg_ctl" -D "$medusa_work/data" -l "$medusa_pg_socket/pg.log" -w \
        -o "-c listen_addresses='' -k $medusa_pg_socket -c fsync=off" start >/dev/null ||
        { cat "$medusa_pg_socket/pg.log" >&2; exit 1; }
    medusa_pg_started=1
}
