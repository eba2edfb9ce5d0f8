#!/usr/bin/env bash
# The figures of README "forumd on many machines", measured on this machine
# with real engines on loopback: a PostgreSQL server (initdb + pg_ctl in a
# temporary folder, as the user postgres when run as root), NODES forumd
# processes on it and HAProxy with deploy/haproxy/haproxy.cfg (its bind and
# server lines replaced) in front; the load is `forumctl load` through the
# router.
#
#   bash tests/bench/cluster_bench.sh load NODES SESSIONS SEATS RATE SECONDS
#       forumctl load through HAProxy to NODES forumd on PostgreSQL
#   bash tests/bench/cluster_bench.sh load-sqlite SESSIONS SEATS RATE SECONDS
#       the same load straight to one forumd on SQLite (the default store)
#   bash tests/bench/cluster_bench.sh load-pg1 SESSIONS SEATS RATE SECONDS
#       the same load straight to one forumd on PostgreSQL
#   bash tests/bench/cluster_bench.sh takeover [RUNS]
#       two forumd (--lease-ttl 2) behind HAProxy: a session is created and
#       played, its owner SIGKILLed, and the time until the session answers
#       again through the router (on the other node, by replay) is printed
#
# BUILD (default build) names the build folder.
set -euo pipefail
B=${BUILD:-build}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
FORUMD=$B/server/forumd
FORUMCTL=$B/tools/forumctl
T=$(mktemp -d /tmp/cluster_bench_XXXXXX)
PIDS=()
AS=()
cleanup() {
  for p in "${PIDS[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
  [ -n "${PG_CTL:-}" ] && "${AS[@]}" "$PG_CTL" -D "$T/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() {
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.02
  done
  echo "nothing listens on $1" >&2
  return 1
}

start_pg() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  PG_CTL=$bin/pg_ctl
  PG_PORT=$(free_port)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$T"
    AS=(runuser -u postgres --)
  fi
  "${AS[@]}" "$bin/initdb" -D "$T/pg" -U forum --auth=trust -E UTF8 --no-locale >/dev/null
  "${AS[@]}" "$PG_CTL" -D "$T/pg" -w -l "$T/pg.log" \
    -o "-p $PG_PORT -k $T -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  STORE=postgres://forum@127.0.0.1:$PG_PORT/postgres
}

# start_node NAME STORE [PORT]: a forumd; sets NODE_ADDR and NODE_PID.
start_node() {
  local port=${3:-}
  [ -n "$port" ] || port=$(free_port)
  mkdir -p "$T/$1"
  "$FORUMD" --listen "127.0.0.1:$port" --data "$T/$1" --store "$2" --node-id "$1" \
    --lease-ttl "${LEASE_TTL:-2}" --rate 100000 --burst 100000 --peer-burst 0 --create-burst 0 \
    >"$T/$1.out" 2>"$T/$1.err" &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  NODE_ADDR=127.0.0.1:$port
  wait_port "$port"
}

# start_haproxy ADDR...: the shipped configuration in front of ADDR...
start_haproxy() {
  local port i=0 servers=""
  port=$(free_port)
  for a in "$@"; do
    i=$((i + 1))
    servers+="    server node$i $a proto h2 check inter 1s fall 2 rise 2\n"
  done
  awk -v bind="    bind 127.0.0.1:$port proto h2" -v servers="$servers" '
    /^ *bind 0.0.0.0:50051/ { print bind; next }
    /^ *server node/ { if (!done) { printf "%s", servers; done = 1 } next }
    { print }' "$SRC/deploy/haproxy/haproxy.cfg" >"$T/haproxy.cfg"
  /usr/sbin/haproxy -db -f "$T/haproxy.cfg" >"$T/haproxy.log" 2>&1 &
  PIDS+=($!)
  ROUTER=127.0.0.1:$port
  wait_port "$port"
}

mode=${1:-}
shift || true
case "$mode" in
  load)
    nodes=$1
    shift
    start_pg
    addrs=()
    for i in $(seq "$nodes"); do
      start_node "n$i" "$STORE"
      addrs+=("$NODE_ADDR")
    done
    start_haproxy "${addrs[@]}"
    "$FORUMCTL" load --server "$ROUTER" --sessions "$1" --seats "$2" --rate "$3" --duration "$4" \
      --scenario "${SCENARIO:-puebla-process}"
    ;;
  load-sqlite | load-pg1)
    if [ "$mode" = load-pg1 ]; then start_pg; else STORE=sqlite:$T/sqlite; fi
    start_node n1 "$STORE"
    "$FORUMCTL" load --server "$NODE_ADDR" --sessions "$1" --seats "$2" --rate "$3" \
      --duration "$4" --scenario "${SCENARIO:-puebla-process}" --server-pid "$NODE_PID"
    ;;
  takeover)
    runs=${1:-5}
    start_pg
    start_node n1 "$STORE"
    a1=$NODE_ADDR p1=$NODE_PID
    start_node n2 "$STORE"
    a2=$NODE_ADDR p2=$NODE_PID
    start_haproxy "$a1" "$a2"
    for r in $(seq "$runs"); do
      out=$("$FORUMCTL" session create --server "$ROUTER" --scenario classroom-8 --bots 0-7:normal \
        --pace 50)
      s=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["session"])')
      tok=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["facilitator_token"])')
      sleep 1
      owner=$("${AS[@]}" psql -h "$T" -p "$PG_PORT" -U forum -d postgres -Atc \
        "SELECT owner FROM leases WHERE session = '$s'")
      if [ "$owner" = n1 ]; then victim=$p1; else victim=$p2; fi
      start=$(date +%s%N)
      kill -9 "$victim"
      wait "$victim" 2>/dev/null || true
      until "$FORUMCTL" session roster --server "$ROUTER" --session "$s" --token "$tok" \
        >/dev/null 2>&1; do sleep 0.01; done
      end=$(date +%s%N)
      now=$("${AS[@]}" psql -h "$T" -p "$PG_PORT" -U forum -d postgres -Atc \
        "SELECT owner || ' epoch ' || epoch FROM leases WHERE session = '$s'")
      echo "run $r: owner $owner SIGKILLed; answering again on $now after $(((end - start) / 1000000)) ms"
      # The victim comes back (same node id: it takes back nothing that moved).
      if [ "$owner" = n1 ]; then
        start_node n1 "$STORE" "${a1##*:}"
        p1=$NODE_PID
      else
        start_node n2 "$STORE" "${a2##*:}"
        p2=$NODE_PID
      fi
      sleep 3  # HAProxy's health check sees it up again (rise 2, inter 1s).
    done
    ;;
  *)
    sed -n '2,21p' "$0"
    exit 2
    ;;
esac
