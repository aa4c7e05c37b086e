#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster owned by this run:
# initdb in a temporary directory, serve on 127.0.0.1 at a free port, export
# DATABASE_URL, run the command, and always stop the cluster and delete it.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 2; }
DIR=$(mktemp -d /tmp/groundswell-pg.XXXXXX)
PORT=${PGPORT_TEST:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
RUNAS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DIR"
  RUNAS=(su postgres -s /bin/sh -c)
else
  RUNAS=(sh -c)
fi
cleanup() {
  "${RUNAS[@]}" "$PGBIN/pg_ctl -D $DIR/data -m fast stop" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
"${RUNAS[@]}" "$PGBIN/initdb -D $DIR/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
"${RUNAS[@]}" "$PGBIN/pg_ctl -D $DIR/data -o '-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200' -l $DIR/log -w start" >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres groundswell
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/groundswell"
# the fault suite restarts the server under load with this script
RESTART="$PGBIN/pg_ctl -D $DIR/data -m fast -w -l $DIR/log restart"
if [ "$(id -u)" -eq 0 ]; then
  printf '#!/bin/sh\nsu postgres -s /bin/sh -c "%s" >/dev/null\n' "$RESTART" > "$DIR/restart.sh"
else
  printf '#!/bin/sh\n%s >/dev/null\n' "$RESTART" > "$DIR/restart.sh"
fi
chmod +x "$DIR/restart.sh"
export GROUNDSWELL_PG_RESTART="$DIR/restart.sh"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"
"$@"
