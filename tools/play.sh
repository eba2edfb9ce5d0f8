#!/usr/bin/env bash
# The main job: a local forum session on the embedded defaults.
#
# Installs what is missing, builds, starts forumd (data in
# ~/.local/share/migration-forum unless MF_DATA is set), creates a classroom-8
# session with bots in seats 2-8, prints the join code so others on the
# network can take a bot's seat, with the browser link that does the same
# (forumd's web port, --web-port, default 8080: http://HOST:8080/#join=CODE)...
# and opens the SFML client in seat 1. With
# no display (a terminal or CI), a bot plays seat 1 and the session's public
# record is printed as it ends.
#
#   bash tools/play.sh [--scenario NAME] [--port N] [--web-port N] [--name NAME]
#                      [--timers fast|classroom|none] [--press-desks N]
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIO=classroom-8
PORT=${MF_PORT:-50051}
WEB_PORT=${MF_WEB_PORT:-8080}
NAME=${USER:-player}
TIMERS=classroom
PRESS_DESKS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --scenario) SCENARIO=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --web-port) WEB_PORT=$2; shift 2 ;;
    --name) NAME=$2; shift 2 ;;
    --timers) TIMERS=$2; shift 2 ;;
    --press-desks) PRESS_DESKS=$2; shift 2 ;;
    -h|--help) sed -n 2,14p "$0"; exit 0 ;;
    *) echo "play: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

bash tools/setup.sh forumd forumctl forum-client web >&2
B=${BUILD_DIR:-build}
DATA=${MF_DATA:-$HOME/.local/share/migration-forum}
mkdir -p "$DATA"

"$B/server/forumd" --listen "0.0.0.0:$PORT" --web-listen "0.0.0.0:$WEB_PORT" --data "$DATA" \
  >"$DATA/forumd.out" 2>"$DATA/forumd.log" &
FORUMD=$!
trap 'kill $FORUMD 2>/dev/null; wait $FORUMD 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "gRPC-Web on" "$DATA/forumd.out" 2>/dev/null && break
  if ! kill -0 $FORUMD 2>/dev/null; then
    echo "play: forumd did not start:" >&2
    cat "$DATA/forumd.log" >&2
    exit 1
  fi
  sleep 0.1
done
LOCAL="127.0.0.1:$PORT"
# The web port as bound (the real one when --web-port 0 was asked).
WEB_BOUND=$(sed -n 's|^forumd gRPC-Web on https\{0,1\}://[^ ]*:\([0-9]*\)/$|\1|p' "$DATA/forumd.out" | head -1)

SEATS=$("$B/tools/forumctl" scenarios | awk -v s="$SCENARIO" '$1 == s { print $2 }')
if [ -z "$SEATS" ]; then
  echo "play: no scenario '$SCENARIO'; built in:" >&2
  "$B/tools/forumctl" scenarios >&2
  exit 2
fi
SESSION_JSON=$("$B/tools/forumctl" session create --server "$LOCAL" --scenario "$SCENARIO" \
  --bots "1-$((SEATS - 1)):normal" --timers "$TIMERS" --press-desks "$PRESS_DESKS")
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$SESSION_JSON"; }
CODE=$(field join_code)
SESSION=$(field session)
FACILITATOR=$(field facilitator_token)
HOST=$(hostname -I 2>/dev/null | awk '{print $1}')
echo "$SESSION_JSON" >"$DATA/last-session.json"

cat <<EOF
Migration Forum: $SCENARIO, session $SESSION
  Join code:   $CODE
  Browser:     http://${HOST:-localhost}:${WEB_BOUND:-$WEB_PORT}/#join=$CODE
               (any browser on the network takes a bot's seat by this link)
  Others join: forum-client --server ${HOST:-this-machine}:$PORT --join $CODE --name NAME
               (they take a bot's seat; the bots fill the rest)
  Facilitate:  forum-client --server $LOCAL --facilitate $FACILITATOR --session $SESSION
               or in a browser here: http://localhost:${WEB_BOUND:-$WEB_PORT}/#facilitate=$FACILITATOR&session=$SESSION
  Projector:   http://${HOST:-localhost}:${WEB_BOUND:-$WEB_PORT}/#spectate=$CODE
  Press desk:  http://${HOST:-localhost}:${WEB_BOUND:-$WEB_PORT}/#press=$CODE
               ($PRESS_DESKS desks: reporters read the public view and publish reports)
  Debrief:     forumctl report --data $DATA --session $SESSION --out debrief/
EOF

if [ -n "${DISPLAY:-}" ] && [ -x "$B/client/forum-client" ]; then
  "$B/client/forum-client" --server "$LOCAL" --join "$CODE" --name "$NAME" --seat 0
else
  echo "(no display: a bot plays seat 1; set DISPLAY to open the client)"
  "$B/tools/forumctl" bot --server "$LOCAL" --join "$CODE" --name "$NAME" --seat 0 >/dev/null
  "$B/tools/forumctl" report --server "$LOCAL" --session "$SESSION" --token "$FACILITATOR" \
    --out "$DATA/debrief-$SESSION" >/dev/null
  echo "Final ranking:"
  python3 - "$DATA/debrief-$SESSION/scores.csv" <<'PY'
import csv, sys
rows = sorted(csv.DictReader(open(sys.argv[1])), key=lambda r: int(r["rank"]))
for r in rows:
    print(f"  {r['rank']:>2}. {r['seat_name']:<32} {r['role']:<12} {float(r['total']):5.1f}")
PY
  echo "Debrief written to $DATA/debrief-$SESSION/index.html"
fi
