#!/usr/bin/env bash
# forumd under `forumctl load` on this machine, one command (README
# "Measured load"): starts a server on a fresh data folder (one client makes
# every call, so the per-token and per-peer limits are opened up), runs
# `forumctl load` with the arguments given (--server and --server-pid are
# added), prints its JSON report on stdout and stops the server.
#
#   bash tools/load_bench.sh --sessions 200 --seats 10 --scenario puebla-process \
#       --rate 1000 --duration 15
#   bash tools/load_bench.sh --sessions 200 --seats 10 --scenario puebla-process \
#       --rate 500 --duration 8 --find-knee --chart docs/load-knee.svg
#
# Environment:
#   BUILD_DIR  the build folder (default build)
#   SERVER     "forumd" (default) or "floor": the minimal gRPC fan-out server
#              of the benchmarks (tests/bench/fanout_floor.cc), which pushes a
#              fixed view of a real view's size to the session's streams on
#              every Act, with no game and no store: the stack's own cost.
#   PERF       a file: records the server's stacks over the run
#              (perf record --call-graph dwarf, linux-perf: -O2 -g builds keep
#              no frame pointers); `perf report -i FILE` reads it, and
#              `perf script -i FILE | python3 tools/perf_breakdown.py` sorts it.
#              PERF_DELAY seconds after the server started (default 5: past
#              the setup of 200 sessions), for PERF_SECONDS (default 10).
#   DATA_ROOT  where the scratch folder (and forumd's data) goes (default /tmp).
#   SERVER_ARGS more arguments for the server.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SERVER=${SERVER:-forumd}
W=$(mktemp -d "${DATA_ROOT:-/tmp}/load_bench.XXXXXX")
PID=""
PERF_PID=""
cleanup() {
  [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null && wait "$PERF_PID" 2>/dev/null || true
  [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT

: >"$W/server.out"
case "$SERVER" in
  forumd)
    # shellcheck disable=SC2086
    "$BUILD_DIR/server/forumd" --listen 127.0.0.1:0 --data "$W/data" --rate 1000000 \
      --burst 1000000 --peer-burst 0 --create-burst 0 ${SERVER_ARGS:-} \
      >"$W/server.out" 2>"$W/server.err" &
    ;;
  floor)
    # shellcheck disable=SC2086
    "$BUILD_DIR/tests/bench/fanout_floor" --listen 127.0.0.1:0 ${SERVER_ARGS:-} \
      >"$W/server.out" 2>"$W/server.err" &
    ;;
  *)
    echo "load_bench: SERVER is forumd or floor, not '$SERVER'" >&2
    exit 2
    ;;
esac
PID=$!
ADDR=""
for _ in $(seq 1 300); do
  ADDR=$(sed -n 's/^.* listening on //p' "$W/server.out")
  [ -n "$ADDR" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$ADDR" ]; then
  echo "load_bench: the server did not start:" >&2
  cat "$W/server.err" >&2
  exit 1
fi
if [ -n "${PERF:-}" ]; then
  (sleep "${PERF_DELAY:-5}" && exec perf record -F 999 --call-graph dwarf,8192 -p "$PID" \
    -o "$PERF" -- sleep "${PERF_SECONDS:-10}") >"$W/perf.out" 2>&1 &
  PERF_PID=$!
fi
echo "load_bench: $SERVER pid $PID on $ADDR; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$BUILD_DIR/tools/forumctl" load --server "$ADDR" --server-pid "$PID" "$@"
