#!/usr/bin/env bash
# Act-to-view latency through forumd's web port with the Node load client
# spread over several processes (one Node process tops out near 200 actions/s
# of decoding views): P processes, each with SESSIONS/P sessions and RATE/P
# actions a second, all starting to send at the same moment; then their
# latencies merged. Not a test: a measurement. From the repository, with a
# forumd on the web port given:
#   build/server/forumd --listen 127.0.0.1:0 --web-listen 127.0.0.1:8090 --data /tmp/webload \
#     --rate 1000 --burst 1000 --peer-burst 0 --create-burst 0 &
#   bash web/bench/multi.sh --web http://127.0.0.1:8090 --processes 4 --sessions 50 --rate 500 --seconds 15
set -euo pipefail
cd "$(dirname "$0")/../.."
WEB=http://127.0.0.1:8090 P=4 SESSIONS=50 RATE=500 SECONDS_=15 SCENARIO=puebla-process
while [ $# -gt 0 ]; do
  case "$1" in
    --web) WEB=$2; shift 2 ;;
    --processes) P=$2; shift 2 ;;
    --sessions) SESSIONS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    *) echo "multi.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
dir=$(mktemp -d)
# Time enough for every process to open its streams first.
start_at=$(( $(date +%s%3N) + 5000 + 400 * SESSIONS / P ))
pids=()
for i in $(seq 1 "$P"); do
  # The sessions split as evenly as they go (50 over 4: 13, 13, 12, 12).
  n=$(( SESSIONS / P + (i <= SESSIONS % P ? 1 : 0) ))
  node web/bench/load.mjs --web "$WEB" --scenario "$SCENARIO" --sessions "$n" \
    --rate "$(awk -v r="$RATE" -v n="$n" -v s="$SESSIONS" 'BEGIN { printf "%.3f", r * n / s }')" \
    --seconds "$SECONDS_" --start-at "$start_at" --samples "$dir/$i.json" >"$dir/$i.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
for i in $(seq 1 "$P"); do sed "s/^/[$i] /" "$dir/$i.log"; done
node web/bench/merge.mjs "$dir"/*.json
rm -rf "$dir"
