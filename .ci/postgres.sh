# A throw-away PostgreSQL server for tests. initdb refuses to run as root, so the cluster belongs
# to an unprivileged user; it listens on loopback only and trusts local connections.
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_PORT=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

start_postgres() {
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local runner=""
  if [ "$(id -u)" = 0 ]; then
    id survey-ci >/dev/null 2>&1 || useradd --system --no-create-home survey-ci
    runner="runuser -u survey-ci --"
  fi
  PG_DIR=$(mktemp -d /tmp/survey-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ -z "$runner" ] || chown survey-ci "$PG_DIR"
  $runner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  $runner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  # start|stop for tests that take the server down mid-run (tests/test_faults.py)
  cat > "$PG_DIR/ctl" <<CTL
#!/usr/bin/env bash
if [ "\$1" = stop ]; then exec $runner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop; fi
exec $runner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR -c fsync=off -c max_connections=200" start
CTL
  chmod +x "$PG_DIR/ctl"
  SURVEY_TEST_PG_CTL="$PG_DIR/ctl"
  export PG_URL PG_DIR PG_BIN SURVEY_TEST_PG_CTL
  PG_RUNNER=$runner
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  $PG_RUNNER "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
