#!/usr/bin/env bash
# The Python bot and forumctl bots play a whole session against a real forumd:
# forumd on port 0, a classroom-8 session created with forumctl (server bots in
# seats 4-7), the Python bot in seat 0 and forumctl bots in seats 1-3; every
# client must see the end of the game, and forumd must stop cleanly on SIGTERM.
# usage: server_python_test.sh FORUMD FORUMCTL SOURCE_DIR
set -euo pipefail
FORUMD=$1 FORUMCTL=$2 SRC=$3
PY=/usr/bin/python3
DIR=$(mktemp -d /tmp/forumd_py_XXXXXX)
PID=
cleanup() {
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"$PY" -c 'import grpc, grpc_tools.protoc' ||
  { echo "python3-grpcio / python3-grpc-tools are missing (tools/setup.sh installs them)"; exit 1; }

"$FORUMD" --listen 127.0.0.1:0 --data "$DIR/data" --sync normal --rate 1000 --burst 1000 \
  >"$DIR/forumd.out" 2>"$DIR/forumd.err" &
PID=$!
for _ in $(seq 1 200); do
  grep -q '^forumd listening on ' "$DIR/forumd.out" && break
  sleep 0.05
done
ADDR=$(sed -n 's/^forumd listening on //p' "$DIR/forumd.out")
[ -n "$ADDR" ] || { echo "forumd did not start"; cat "$DIR/forumd.err"; exit 1; }

"$FORUMCTL" session create --server "$ADDR" --scenario classroom-8 --bots 4-7:normal \
  --pace 5 --seed 3 >"$DIR/session.json"
field() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$DIR/session.json" "$1"; }
CODE=$(field join_code)
SESSION=$(field session)
TOKEN=$(field facilitator_token)

pids=()
"$PY" "$SRC/examples/python_bot/bot.py" --server "$ADDR" --join "$CODE" --seat 0 \
  >"$DIR/python.json" 2>"$DIR/python.err" &
pids+=($!)
for seat in 1 2 3; do
  "$FORUMCTL" bot --server "$ADDR" --join "$CODE" --seat "$seat" >"$DIR/bot$seat.json" &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
cat "$DIR/python.json" "$DIR"/bot*.json
[ "$status" -eq 0 ] || { echo "a client did not finish"; cat "$DIR/python.err"; exit 1; }
grep -q '"finished": true' "$DIR/python.json" || { echo "the Python bot did not see the end"; exit 1; }

"$FORUMCTL" record --server "$ADDR" --session "$SESSION" --token "$TOKEN" >"$DIR/record.json"
grep -q '"finished": true' "$DIR/record.json" || { echo "the record is not finished"; exit 1; }

kill -TERM "$PID"
wait "$PID" || { echo "forumd did not exit 0 on SIGTERM"; exit 1; }
PID=
echo "ok: the Python bot and three forumctl bots played classroom-8 to the end"
