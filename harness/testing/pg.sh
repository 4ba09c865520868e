# A PostgreSQL server of the test's own, for the end-to-end tests of the PostgreSQL store and
# the job queue. Sourced after lib.sh. pg_start makes one in a fresh directory with initdb and
# starts it with pg_ctl on a Unix socket only (no TCP port, no system service), and sets
# PGURI to its database; it stops (and its directory goes) when the test exits. Run as root,
# the server runs as an unprivileged user: postgres (Debian's package makes it), else nobody.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PG_BIN/initdb" ] || { echo "no PostgreSQL server binaries: run make deps"; exit 2; }
pg_dir=
pg_as=()
if [ "$(id -u)" -eq 0 ]; then
  if id postgres >/dev/null 2>&1; then pg_as=(runuser -u postgres --); else pg_as=(runuser -u nobody --); fi
fi

pg_ctl_() { "${pg_as[@]}" "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" "$@"; }

# pg_start: initdb, start, create the database "hakmem"; PGURI names it.
pg_start() {
  pg_dir=$(mktemp -d /tmp/hakbench-pg.XXXXXX)
  [ ${#pg_as[@]} -gt 0 ] && chown "${pg_as[2]}" "$pg_dir"
  trap 'pg_stop; rm -rf "$tmp"' EXIT
  "${pg_as[@]}" "$PG_BIN/initdb" -D "$pg_dir/data" -A trust -U hakbench --no-locale -E UTF8 \
    --no-sync >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log"; echo "initdb failed"; exit 2; }
  pg_ctl_ -w -t 60 -o "-k $pg_dir -c listen_addresses='' -c fsync=off ${PG_OPTIONS:-}" start \
    >/dev/null || { cat "$pg_dir/log"; echo "the PostgreSQL server did not start"; exit 2; }
  PGURI="postgresql://hakbench@/hakmem?host=$pg_dir"
  psql_ postgres -c 'CREATE DATABASE hakmem' >/dev/null || exit 2
}

# pg_restart: a fast shutdown (every connection is cut) and a start.
pg_restart() { pg_ctl_ -w -t 60 -m fast restart >/dev/null; }

pg_stop() {
  [ -n "$pg_dir" ] || return 0
  pg_ctl_ -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir"
  pg_dir=
}

# psql_ [DB] ARGS...: psql on the test's server (database hakmem unless the first argument
# names another), unaligned and quiet: `psql_ -c 'SELECT 1'` prints 1.
psql_() {
  local db=hakmem
  [[ ${1:-} != -* ]] && { db=$1; shift; }
  "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg_dir" -U hakbench -d "$db" "$@"
}

# pq SQL: one value from the test's database (as lib.sh's q for SQLite).
pq() { psql_ -c "$1"; }
