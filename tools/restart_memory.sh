#!/usr/bin/env bash
# Restart memory of forumd: a server that runs fine must not run out of memory
# when it restarts. Creates SESSIONS idle sessions (no bots, no clocks) on a
# fresh forumd, reads its RSS, stops it (SIGTERM), starts it again on the same
# data folder (every session is restored from the store), reads its RSS once
# it serves again, and checks
#     RSS after the restart <= RATIO x RSS before it.
#
# usage: tools/restart_memory.sh [SESSIONS]   (default 2000)
# environment (all optional):
#   BUILD_DIR                 build folder with server/forumd and tools/forumctl (default build)
#   RESTART_MEMORY_RATIO      the bound (default 1.5)
#   RESTART_MEMORY_SCENARIO   scenario of the sessions (default classroom-8)
#   RESTART_MEMORY_DIR        keep the data and logs here (default: a fresh folder, removed)
# Prints "restart-memory: PASS|FAIL sessions=N before=X KiB after=Y KiB ratio=R
# (bound B)" and exits 0 on PASS, 1 on FAIL, 2 when it could not measure.
set -euo pipefail
cd "$(dirname "$0")/.."
SESSIONS=${1:-2000}
BUILD_DIR=${BUILD_DIR:-build}
RATIO=${RESTART_MEMORY_RATIO:-1.5}
SCENARIO=${RESTART_MEMORY_SCENARIO:-classroom-8}

for b in server/forumd tools/forumctl; do
  if [ ! -x "$BUILD_DIR/$b" ]; then
    cmake --build "$BUILD_DIR" --target forumd forumctl >/dev/null
    break
  fi
done

KEEP=${RESTART_MEMORY_DIR:-}
W=${KEEP:-$(mktemp -d "${TMPDIR:-/tmp}/forumd_restart_memory.XXXXXX")}
mkdir -p "$W"
rm -rf "$W/data"
PID=""
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  [ -n "$KEEP" ] || rm -rf "$W"
}
trap cleanup EXIT

# One client creates every session: the per-address limits on calls without
# a token would (rightly) stop it, so they are off here (when forumd has them).
LIMIT_ARGS=()
# The help is read whole first (`| grep -q` fails under pipefail when grep
# stops reading early).
if grep -q -- --create-burst <<<"$("$BUILD_DIR/server/forumd" --help)"; then
  LIMIT_ARGS=(--peer-burst 0 --create-burst 0 --max-sessions 0)
fi

start() {
  : >"$W/forumd_$1.out"  # Exists before forumd starts: reading it cannot race the redirection.
  "$BUILD_DIR/server/forumd" --listen 127.0.0.1:0 --data "$W/data" "${LIMIT_ARGS[@]}" \
    >"$W/forumd_$1.out" 2>"$W/forumd_$1.err" &
  PID=$!
  for _ in $(seq 1 600); do
    ADDR=$(sed -n 's/^forumd listening on //p' "$W/forumd_$1.out")
    [ -n "$ADDR" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "restart-memory: forumd did not start ($1); see $W/forumd_$1.err" >&2
  exit 2
}
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$PID/status"; }
# RSS once it has settled: the largest of a few readings a moment apart.
settled_rss() {
  local max=0 r
  for _ in 1 2 3 4 5; do
    sleep 0.4
    r=$(rss_kib)
    [ "$r" -gt "$max" ] && max=$r
  done
  echo "$max"
}

start before
"$BUILD_DIR/tools/forumctl" session create --server "$ADDR" --scenario "$SCENARIO" \
  --timers none --count "$SESSIONS" >"$W/sessions.jsonl"
created=$(grep -c '"session"' "$W/sessions.jsonl" || true)
if [ "$created" -ne "$SESSIONS" ]; then
  echo "restart-memory: created $created of $SESSIONS sessions" >&2
  exit 2
fi
before=$(settled_rss)
kill -TERM "$PID"
wait "$PID" || true
PID=""

start after
after=$(settled_rss)
restored=$(grep -c "cannot be served" "$W/forumd_after.err" || true)
kill -TERM "$PID"
wait "$PID" || true
PID=""
if [ "$restored" -ne 0 ]; then
  echo "restart-memory: $restored sessions were not restored; see $W/forumd_after.err" >&2
  exit 2
fi

verdict=$(awk -v a="$after" -v b="$before" -v r="$RATIO" 'BEGIN {
  printf "%s %.2f", (a <= r * b ? "PASS" : "FAIL"), a / b }')
echo "restart-memory: ${verdict% *} sessions=$SESSIONS scenario=$SCENARIO" \
  "before=$before KiB after=$after KiB ratio=${verdict#* } (bound $RATIO)"
[ "${verdict% *}" = PASS ]
