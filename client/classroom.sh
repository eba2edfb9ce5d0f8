#!/usr/bin/env bash
# One command for a classroom session: builds if needed (tools/setup.sh),
# starts forumd on port 50051 with a classroom-8 session, bots in the seats
# nobody takes, opens forum-client in seat 0 and prints the join code so that
# others on the network can join or put the roundtable on a projector.
#
#   bash client/classroom.sh                 # you in seat 0, bots in seats 1-7
#   BOTS=4-7 bash client/classroom.sh        # seats 1-3 open for classmates
#   SCENARIO=hld-2006 BOTS=1-13 NAME=Ana bash client/classroom.sh
#
# Environment: SCENARIO (classroom-8), BOTS (1-7; forumctl's --bots spec),
# TIMERS (classroom: 3-8 minute phases; fast; none), NAME (Host), PORT (50051),
# DATA (the forumd data folder), BUILD_DIR (build).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh >&2
B=${BUILD_DIR:-build}
PORT=${PORT:-50051}
DATA=${DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/migration-forum/classroom}
mkdir -p "$DATA"

"$B/server/forumd" --listen "0.0.0.0:$PORT" --data "$DATA" > "$DATA/forumd.log" 2>&1 &
FORUMD=$!
trap 'kill $FORUMD 2>/dev/null; wait $FORUMD 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "listening" "$DATA/forumd.log" 2>/dev/null && break
  sleep 0.1
done
if ! grep -q "listening" "$DATA/forumd.log"; then
  echo "forumd did not start:" >&2
  cat "$DATA/forumd.log" >&2
  exit 1
fi

JSON=$("$B/tools/forumctl" session create --server "127.0.0.1:$PORT" \
  --scenario "${SCENARIO:-classroom-8}" --bots "${BOTS:-1-7}" --timers "${TIMERS:-classroom}")
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<< "$JSON"; }
CODE=$(field join_code)
SESSION=$(field session)
TOKEN=$(field facilitator_token)
HOST=$(hostname -I 2>/dev/null | awk '{print $1}')
HOST=${HOST:-$(hostname)}

cat <<EOF
Migration Forum is running on $HOST:$PORT (log: $DATA/forumd.log)

  Join code:   $CODE
  Players:     forum-client --server $HOST:$PORT --join $CODE --name NAME
  Projector:   forum-client --server $HOST:$PORT --spectate $CODE --session $SESSION
  Facilitator: forum-client --server $HOST:$PORT --facilitate $TOKEN --session $SESSION

Close the window to stop the session.
EOF

"$B/client/forum-client" --server "127.0.0.1:$PORT" --join "$CODE" --name "${NAME:-Host}" --seat 0
