#!/usr/bin/env bash
# The local PostgreSQL server for the store tests (Debian's postgresql package, see bootstrap.sh).
#
#   scripts/pgtest.sh start   start the cluster unless it runs, make a role for this user and the
#                             test database; print the URL for PAPERSURVEY_TEST_PG_URL on stdout
#   scripts/pgtest.sh stop    stop the cluster, only if `start` started it (with the same
#                             PAPERSURVEY_PGTEST_MARK, so a server someone else started stays up)
#
# Idempotent. Prints nothing on stdout when no server can be had (the PostgreSQL tests then
# skip and say why). Runs as root too: the server itself runs as the `postgres` OS user.
set -euo pipefail

DB=${PAPERSURVEY_TEST_PG_DB:-papersurvey_test}
ME=$(id -un)
MARK=${PAPERSURVEY_PGTEST_MARK:-${TMPDIR:-/tmp}/papersurvey-pgtest-started}  # "start started it"

say() { echo "pgtest: $*" >&2; }
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else sudo -n -u postgres -- "$@"; fi
}
as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n -- "$@"; fi
}
cluster() {  # "<version> <name> <status> <socket dir>" of the first cluster
  pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1, $2, $4 }'
}

start() {
  if ! command -v pg_lsclusters >/dev/null; then
    say "PostgreSQL is not installed (run scripts/bootstrap.sh); its tests will skip"
    return 0
  fi
  read -r ver name status < <(cluster) || true
  if [[ -z ${ver:-} ]]; then
    ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
    name=main
    say "creating cluster $ver/$name"
    as_root pg_createcluster "$ver" "$name" >/dev/null || { say "cannot create a cluster"; return 0; }
    status=down
  fi
  if [[ $status != online ]]; then
    say "starting PostgreSQL $ver/$name"
    # pg_ctlcluster talks on stdout ("Removed stale pid file."): only the URL may go there.
    as_root pg_ctlcluster "$ver" "$name" start >&2 || { say "cannot start PostgreSQL"; return 0; }
    touch "$MARK"
  fi
  port=$(pg_conftool -s "$ver" "$name" show port 2>/dev/null || echo 5432)
  psql_pg=(as_postgres psql -X -q -p "$port" -d postgres -tA -v ON_ERROR_STOP=1)
  if [[ -z $("${psql_pg[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$ME'") ]]; then
    "${psql_pg[@]}" -c "CREATE ROLE \"$ME\" LOGIN CREATEDB" >&2 || { say "cannot create role $ME"; return 0; }
  fi
  if [[ -z $("${psql_pg[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
    "${psql_pg[@]}" -c "CREATE DATABASE \"$DB\" OWNER \"$ME\"" >&2 || { say "cannot create $DB"; return 0; }
  fi
  echo "postgresql:///$DB?host=/var/run/postgresql&port=$port"
}

stop() {
  [[ -f $MARK ]] || return 0
  read -r ver name status < <(cluster) || true
  if [[ ${status:-} == online ]]; then
    say "stopping PostgreSQL $ver/$name"
    as_root pg_ctlcluster "$ver" "$name" stop >&2 || true
  fi
  rm -f "$MARK"
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
