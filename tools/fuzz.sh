#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + AddressSanitizer + UBSan and runs
# each for a bounded time on its seed corpus (tests/fuzz/corpus/TARGET). The
# targets are the files tests/fuzz/fuzz_TARGET.cc, e.g.
#   engine    the rules engine fed arbitrary action sequences (invariants after every step)
#   scenario  the scenario parser and validator on arbitrary text
#   server    forumd's request handling in-process (Join, Act, Facilitate, SendMessage and
#             the queries with arbitrary payloads and tokens; records checked after every call)
# Then replays each target's checked-in corpus once (-runs=0) in the fuzz
# build. Per target it prints one line, "fuzz: TARGET: N executions ..." when
# both the run and the replay passed, else "fuzz: TARGET: FAILED (...)"; then
# "fuzz: N targets, P passed, F failed". Exit status 0 only when every target
# passed. A crash found by the run is copied into tests/fuzz/corpus/TARGET/,
# so that the normal test run replays it from then on (ctest -L fuzz).
# Everything libFuzzer writes (crash-*, leak-*, timeout-* files) goes under
# the build folder (-artifact_prefix), never into the checkout.
#
# usage: tools/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 30, every target)
#        tools/fuzz.sh --list                             (the targets, one a line)
# environment: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_SKIP_SETUP=1 (packages are there)
set -uo pipefail
cd "$(dirname "$0")/.."
all_targets=()
for f in tests/fuzz/fuzz_*.cc; do
  t=$(basename "$f" .cc)
  all_targets+=("${t#fuzz_}")
done
if [ "${1:-}" = --list ]; then
  printf '%s\n' "${all_targets[@]}"
  exit 0
fi
SECONDS_PER_TARGET=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
if [ "${FUZZ_SKIP_SETUP:-0}" != 1 ]; then
  bash tools/setup.sh >/dev/null || exit 1
fi
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMF_BUILD_TESTS=OFF -DMF_BUILD_BENCHMARKS=OFF -DMF_FUZZ=ON \
    -DMF_SANITIZE=address,undefined >/dev/null || exit 1
fi
if ! cmake --build "$BUILD" --target "${targets[@]/#/fuzz_}"; then
  echo "fuzz: the fuzz targets did not build" >&2
  for t in "${targets[@]}"; do echo "fuzz: $t: FAILED (build)"; done
  echo "fuzz: ${#targets[@]} targets, 0 passed, ${#targets[@]} failed"
  exit 1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# The same LeakSanitizer suppressions as the asan stage (OpenSSL's per-thread
# error state; tests/lsan.supp says why): the replay ends with a leak check.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
summary="$BUILD/fuzz_summary.txt"
: >"$summary"
passed=0
failed=0
for t in "${targets[@]}"; do
  case $t in
    engine | scenario) extra=(-max_len=20000) ;;
    # forumd in-process: a whole server per input, its threads' allocations
    # still live at exit (the replay's leak check covers them instead).
    *) extra=(-max_len=4096 -rss_limit_mb=4096 -timeout=60 -detect_leaks=0) ;;
  esac
  work="$BUILD/corpus/$t"
  crashes="$BUILD/crashes/$t"
  rm -rf "$crashes"
  mkdir -p "$work" "$crashes"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s" >&2
  if ! "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" "${extra[@]}" \
    -print_final_stats=1 -artifact_prefix="$crashes/" "$work" \
    >"$BUILD/fuzz_$t.out" 2>"$BUILD/fuzz_$t.log"; then
    echo "fuzz: $t found a crash; see $BUILD/fuzz_$t.log" >&2
    tail -40 "$BUILD/fuzz_$t.log" >&2
    for f in "$crashes"/*; do
      [ -f "$f" ] || continue
      mkdir -p "tests/fuzz/corpus/$t"
      cp "$f" "tests/fuzz/corpus/$t/$(basename "$f")"
      echo "fuzz: kept $(basename "$f") in tests/fuzz/corpus/$t/ (a regression input from now on)" >&2
    done
    echo "fuzz: $t: FAILED (a crash; $BUILD/fuzz_$t.log)"
    failed=$((failed + 1))
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$BUILD/fuzz_$t.log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$BUILD/fuzz_$t.log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$BUILD/fuzz_$t.log" | tail -1 | cut -d' ' -f2)
  # The checked-in regression inputs once more, as the normal build replays
  # them (its artifacts, if any, under the build folder too).
  if [ ! -d "tests/fuzz/corpus/$t" ]; then
    echo "fuzz: $t: FAILED (no corpus tests/fuzz/corpus/$t to replay)"
    failed=$((failed + 1))
    continue
  fi
  if ! "$BUILD/tests/fuzz/fuzz_$t" -runs=0 "${extra[@]}" -artifact_prefix="$crashes/replay-" \
    "tests/fuzz/corpus/$t" >/dev/null 2>"$BUILD/fuzz_${t}_replay.log"; then
    echo "fuzz: replaying tests/fuzz/corpus/$t failed; see $BUILD/fuzz_${t}_replay.log" >&2
    tail -30 "$BUILD/fuzz_${t}_replay.log" >&2
    echo "fuzz: $t: FAILED (the corpus replay; $BUILD/fuzz_${t}_replay.log)"
    failed=$((failed + 1))
    continue
  fi
  echo "fuzz: $t: ${runs:-0} executions in ${SECONDS_PER_TARGET}s, coverage ${cov:-?} edges," \
    "peak RSS ${rss:-?} MB, corpus $(ls "$work" | wc -l) inputs, no crash; corpus replayed" |
    tee -a "$summary"
  passed=$((passed + 1))
done
echo "fuzz: ${#targets[@]} targets, $passed passed, $failed failed"
[ "$failed" -eq 0 ]
