#!/usr/bin/env bash
# Soak test of forumd: runs `forumctl load` against one forumd for DURATION
# seconds (in rounds: each round creates new sessions and plays them to the
# end), samples forumd's RSS every few seconds, then kills forumd with SIGKILL,
# restarts it on the same data folder, stops it, and checks
#   - memory stays flat: the mean RSS of the last third of the run is within
#     SOAK_TOLERANCE (default 10%) of the mean of the second third;
#   - the restart: forumd starts on the data folder and serves every session
#     (none "cannot be served" on its stderr), and stops cleanly (exit 0);
#   - restart memory: tools/restart_memory.sh 2000 (RSS after a restart of
#     forumd with 2,000 idle sessions within 1.5x of RSS before it);
#   - per session (`forumctl verify` on the data folder): every session was
#     played to the end, its record replays to the state hash forumd stored
#     when it finished, and every action `forumctl load` was answered OK for
#     is stored at the version it was answered with, by its seat, the same
#     action (one by one: extra stored rows cannot hide a missing one);
#   - no round of `forumctl load` failed or counted errors.
# Its exit status is the verdict (0: PASS).
#
# usage: tools/soak.sh [DURATION_SECONDS]   (default: $SOAK_SECONDS, else 120)
# environment (all optional):
#   BUILD_DIR        build folder with server/forumd and tools/forumctl (default build)
#   SOAK_SESSIONS    sessions per round (default 40)
#   SOAK_SEATS       network seats per session; the others are server bots (default 6)
#   SOAK_SCENARIO    scenario (default classroom-8)
#   SOAK_RATE        actions/s asked of the network seats (default 500)
#   SOAK_ROUND       seconds per round (default 30)
#   SOAK_INTERVAL    seconds between RSS samples (default 3)
#   SOAK_ARCHIVE     forumd --archive-after: seconds a finished session stays in memory (default 5)
#   SOAK_DIR         keep the results here (default: a fresh folder under /tmp)
# Prints one line per round and a final "soak: PASS|FAIL ..." line.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-${SOAK_SECONDS:-120}}
BUILD_DIR=${BUILD_DIR:-build}
SESSIONS=${SOAK_SESSIONS:-40}
SEATS=${SOAK_SEATS:-6}
SCENARIO=${SOAK_SCENARIO:-classroom-8}
RATE=${SOAK_RATE:-500}
ROUND=${SOAK_ROUND:-30}
INTERVAL=${SOAK_INTERVAL:-3}
ARCHIVE=${SOAK_ARCHIVE:-5}
TOLERANCE=${SOAK_TOLERANCE:-10}

for b in server/forumd tools/forumctl; do
  if [ ! -x "$BUILD_DIR/$b" ]; then
    cmake --build "$BUILD_DIR" --target forumd forumctl >/dev/null
    break
  fi
done
command -v sqlite3 >/dev/null || {
  echo "soak: the sqlite3 command is missing (tools/setup.sh installs it)" >&2
  exit 1
}

W=${SOAK_DIR:-$(mktemp -d /tmp/mf_soak.XXXXXX)}
mkdir -p "$W"
rm -rf "$W/data" "$W"/round_*.json "$W"/round_*.acks "$W/rss.txt"
# Private copies: a rebuild of the shared build folder must not change them mid-run.
cp "$BUILD_DIR/server/forumd" "$BUILD_DIR/tools/forumctl" "$W/"

ARCHIVE_ARGS=()
# The help is read whole first: `forumd --help | grep -q` fails under
# pipefail whenever grep stops reading before forumd has written it all.
if [ -n "$ARCHIVE" ] && grep -q -- --archive-after <<<"$("$W/forumd" --help)"; then
  ARCHIVE_ARGS=(--archive-after "$ARCHIVE")
fi

PID=""
SAMPLER=""
cleanup() {
  [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
  [ -n "$PID" ] && kill -KILL "$PID" 2>/dev/null || true
}
trap cleanup EXIT

# Starts forumd on $W/data; sets PID and ADDR.
start_forumd() {
  local out="$W/forumd.$1.out"
  # Created before forumd starts, so that reading it cannot race the
  # background job's redirection (set -e would end the soak on sed's error).
  : >"$out"
  "$W/forumd" --listen 127.0.0.1:0 --data "$W/data" --rate 100000 --burst 100000 \
    "${ARCHIVE_ARGS[@]}" >"$out" 2>"$W/forumd.$1.err" &
  PID=$!
  ADDR=""
  for _ in $(seq 1 300); do
    ADDR=$(sed -n 's/^forumd listening on //p' "$out")
    [ -n "$ADDR" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "soak: forumd did not start:" >&2
  cat "$W/forumd.$1.err" >&2
  return 1
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

start_forumd first
echo "soak: forumd pid $PID on $ADDR, ${DURATION}s, rounds of ${ROUND}s x $SESSIONS sessions" \
  "($SCENARIO, $SEATS network seats each), $RATE actions/s; results in $W" >&2

T0=$(date +%s)
(
  while kill -0 "$PID" 2>/dev/null; do
    echo "$(($(date +%s) - T0)) $(rss_kb "$PID")" >>"$W/rss.txt"
    sleep "$INTERVAL"
  done
) &
SAMPLER=$!

# Whole rounds of about ROUND seconds each, so that every round's games end.
ROUNDS=$(((DURATION + ROUND / 2) / ROUND))
[ "$ROUNDS" -ge 1 ] || ROUNDS=1
acked=0
errors=0
unfinished=0
round=0
rss_rounds=()
while [ "$round" -lt "$ROUNDS" ]; do
  d=$(((DURATION - ($(date +%s) - T0)) / (ROUNDS - round)))
  [ "$d" -ge 5 ] || d=5
  round=$((round + 1))
  json="$W/round_$round.json"
  rc=0
  "$W/forumctl" load --server "$ADDR" --sessions "$SESSIONS" --seats "$SEATS" \
    --scenario "$SCENARIO" --rate "$RATE" --duration "$d" --bot-pace 10 \
    --server-pid "$PID" --acks "$W/round_$round.acks" >"$json" 2>"$W/round_$round.err" || rc=$?
  field() { grep -o "\"$1\":[0-9.]*" "$json" | head -1 | cut -d: -f2; }
  ok=$(field actions_ok)
  err=$(field errors)
  over=$(field seats_at_game_over)
  streams=$(field streams)
  if [ -z "$ok" ] || [ ! -f "$W/round_$round.acks" ]; then
    echo "soak: round $round: forumctl load failed (exit $rc):" >&2
    cat "$W/round_$round.err" >&2
    errors=$((errors + 1))
    break
  fi
  [ "$rc" -eq 0 ] || echo "soak: round $round: forumctl load exited $rc" >&2
  rss_rounds+=("$(rss_kb "$PID")")
  acked=$((acked + ok))
  errors=$((errors + ${err:-0}))
  unfinished=$((unfinished + ${streams:-0} - ${over:-0}))
  echo "soak: round $round (${d}s): actions_ok $ok, errors ${err:-?}," \
    "seats at game over ${over:-?}/${streams:-?}, RSS $(rss_kb "$PID") kB" >&2
done
ELAPSED=$(($(date +%s) - T0))
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""

# The harshest stop, then a restart on the same data folder: forumd must
# rebuild every unfinished session (a session it cannot replay is refused
# with "cannot be served" on its stderr, while forumd itself starts).
{
  kill -KILL "$PID"
  wait "$PID"
} 2>/dev/null || true  # (no "Killed" notice from the shell)
PID=""
restart=ok
if start_forumd second; then
  kill -TERM "$PID"
  wait "$PID" || restart="exit $?"
  if grep -q "cannot be served" "$W/forumd.second.err"; then
    restart="sessions not served: $(grep -c "cannot be served" "$W/forumd.second.err")"
    grep "cannot be served" "$W/forumd.second.err" | head -5 >&2
  fi
else
  restart="failed"
fi
PID=""

# Session by session: played to the end, replayed to its stored final hash,
# every acknowledged action stored as acknowledged.
cat "$W"/round_*.acks >"$W/acks.txt" 2>/dev/null || : >"$W/acks.txt"
verify_rc=0
"$W/forumctl" verify --data "$W/data" --acks "$W/acks.txt" --finished \
  >"$W/verify.json" 2>"$W/verify.err" || verify_rc=$?
vfield() { grep -o "\"$1\":[0-9]*" "$W/verify.json" | head -1 | cut -d: -f2; }
sessions=$(vfield sessions)
finished=$(vfield finished)
replayed=$(vfield replayed)
stored=$(vfield acknowledged_stored)
problems=$(vfield problems)
[ -n "$problems" ] || problems=unknown
if [ "$verify_rc" -ne 0 ]; then
  echo "soak: forumctl verify found problems (exit $verify_rc):" >&2
  head -20 "$W/verify.err" >&2
fi
lost=$((acked - ${stored:-0}))

# Memory: mean RSS per third of the samples.
read -r n m2 m3 first last <<<"$(awk '{r[NR]=$2} END {
  n=NR; a=int(n/3); b=int(2*n/3); s2=0; s3=0;
  for (i=a+1;i<=b;i++) s2+=r[i]; for (i=b+1;i<=n;i++) s3+=r[i];
  printf "%d %.0f %.0f %d %d\n", n, (b>a?s2/(b-a):0), (n>b?s3/(n-b):0), r[1], r[n] }' "$W/rss.txt")"
growth=$(awk -v a="$m2" -v b="$m3" 'BEGIN { printf "%.1f", (a > 0) ? 100 * (b - a) / a : 0 }')
flat=$(awk -v g="$growth" -v t="$TOLERANCE" 'BEGIN { print ((g + 0 <= t + 0) ? "yes" : "no") }')

# RSS growth per finished session: from the end of the first round to the
# end of the last (a figure, not a verdict: finished sessions stay in memory
# as small summaries).
per_session="n/a"
if [ "${#rss_rounds[@]}" -ge 2 ]; then
  per_session=$(awk -v a="${rss_rounds[0]}" -v b="${rss_rounds[-1]}" \
    -v n="$((SESSIONS * (${#rss_rounds[@]} - 1)))" 'BEGIN { printf "%.1f", (b - a) / n }')
fi

# A restart must not multiply memory: 2,000 idle sessions, RSS after a
# restart within 1.5x of RSS before (tools/restart_memory.sh, about 10 s).
restart_memory=$(BUILD_DIR=$BUILD_DIR bash tools/restart_memory.sh 2000 2>&1 | tail -1) ||
  restart_memory_failed=1

verdict=PASS
why=()
[ -z "${restart_memory_failed:-}" ] || why+=("$restart_memory")
[ "$verify_rc" -eq 0 ] && [ "$problems" = 0 ] || why+=("forumctl verify: $problems problems")
[ "${sessions:-0}" -eq $((SESSIONS * round)) ] || why+=("${sessions:-0} sessions stored of $((SESSIONS * round))")
[ "$lost" -eq 0 ] || why+=("$lost acknowledged actions not stored")
[ "$flat" = yes ] || why+=("RSS grew ${growth}%")
[ "$errors" -eq 0 ] || why+=("$errors load errors")
[ "$restart" = ok ] || why+=("restart: $restart")
[ "$n" -ge 6 ] || why+=("only $n RSS samples")
[ "${#why[@]}" -eq 0 ] || verdict=FAIL
{
  echo "rounds=$round elapsed_s=$ELAPSED sessions=$sessions finished=$finished replayed=$replayed unfinished_seats_at_round_end=$unfinished"
  echo "acked=$acked stored=$stored lost=$lost errors=$errors restart=$restart verify_problems=$problems"
  echo "rss_samples=$n first_kb=$first second_third_mean_kb=$m2 last_third_mean_kb=$m3 last_kb=$last growth_pct=$growth"
  echo "rss_after_rounds_kb=${rss_rounds[*]} rss_growth_per_finished_session_kb=$per_session"
} >"$W/summary.txt"
cat "$W/summary.txt" >&2
echo "soak: $verdict ${ELAPSED}s, $round rounds, $sessions sessions ($finished finished, $replayed" \
  "replayed to their hash after the restart), acknowledged $acked, stored as acknowledged $stored," \
  "errors $errors, restart $restart, RSS second third ${m2} kB, last third ${m3} kB" \
  "(${growth}%, limit ${TOLERANCE}%), ${per_session} kB per finished session; $restart_memory" \
  "${why[*]:+— ${why[*]}}"
[ "$verdict" = PASS ]
