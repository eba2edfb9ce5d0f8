#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + AddressSanitizer + UBSan and runs
# each for a bounded time on its seed corpus (tests/fuzz/corpus/TARGET):
#   engine    the rules engine fed arbitrary action sequences (invariants after every step)
#   scenario  the scenario parser and validator on arbitrary text
#   server    forumd's request handling in-process (Join, Act, Facilitate, SendMessage and
#             the queries with arbitrary payloads and tokens; records checked after every call)
# Then replays each corpus once (-runs=0) in the fuzz build, and prints the
# executions per target. A crash is copied into tests/fuzz/corpus/TARGET/, so
# that the normal test run replays it from then on (ctest -L fuzz), and the
# script fails.
# usage: tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 30, every target)
# environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_SKIP_SETUP=1 (packages are there)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(engine scenario server)
[ "${FUZZ_SKIP_SETUP:-0}" = 1 ] || bash tools/setup.sh >/dev/null
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMF_BUILD_TESTS=OFF -DMF_BUILD_BENCHMARKS=OFF -DMF_FUZZ=ON \
    -DMF_SANITIZE=address,undefined >/dev/null
fi
cmake --build "$BUILD" --target "${targets[@]/#/fuzz_}"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
summary="$BUILD/fuzz_summary.txt"
: >"$summary"
for t in "${targets[@]}"; do
  work="$BUILD/corpus/$t"
  mkdir -p "$work" "$BUILD/crashes/$t"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  if [ "$t" = server ]; then
    extra=(-max_len=4096 -rss_limit_mb=4096 -timeout=60 -detect_leaks=0)
  else
    extra=(-max_len=20000)
  fi
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s" >&2
  if ! "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" "${extra[@]}" \
    -print_final_stats=1 -artifact_prefix="$BUILD/crashes/$t/" "$work" \
    >"$BUILD/fuzz_$t.out" 2>"$BUILD/fuzz_$t.log"; then
    echo "fuzz: $t found a crash; see $BUILD/fuzz_$t.log" >&2
    tail -40 "$BUILD/fuzz_$t.log" >&2
    for f in "$BUILD/crashes/$t"/*; do
      [ -f "$f" ] || continue
      cp "$f" "tests/fuzz/corpus/$t/$(basename "$f")"
      echo "fuzz: kept $(basename "$f") in tests/fuzz/corpus/$t/ (a regression input from now on)" >&2
    done
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/fuzz_$t.log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$BUILD/fuzz_$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$BUILD/fuzz_$t.log" | tail -1 | cut -d' ' -f2)
  echo "fuzz: $t: ${runs:-0} executions in ${SECONDS_PER_TARGET}s, coverage ${cov:-?} edges," \
    "peak RSS ${rss:-?} MB, corpus $(ls "$work" | wc -l) inputs, no crash" | tee -a "$summary" >&2
  # The regression inputs once more, as the normal build replays them.
  "$BUILD/tests/fuzz/fuzz_$t" -runs=0 "${extra[@]}" "tests/fuzz/corpus/$t" \
    >/dev/null 2>"$BUILD/fuzz_${t}_replay.log" || {
    echo "fuzz: replaying tests/fuzz/corpus/$t failed; see $BUILD/fuzz_${t}_replay.log" >&2
    exit 1
  }
done
