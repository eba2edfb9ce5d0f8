#!/usr/bin/env bash
# The whole test suite, in stages; each prints "stage NAME: N passed, N failed"
# and the script ends with the sum over the stages: "N passed, N failed".
#
#   normal  tools/setup.sh (packages, build in build/) and every ctest test. First,
#           and a failure here stops the run (fail fast).
#   asan    the whole suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
#           (gcc, build-asan/), heavy suites scaled down with MF_TEST_SCALE=0.25 (they
#           read it: fewer games, the same statistical tests).
#   tsan    forumd's concurrency tests (labels server, fault) under ThreadSanitizer
#           (gcc, build-tsan/), MF_TEST_SCALE=0.25.
#   fuzz    every libFuzzer target for FUZZ_SECONDS each (clang + ASan/UBSan, build-fuzz/;
#           tools/fuzz.sh), then its corpus replayed.
#   soak    tools/soak.sh SOAK_SECONDS: forumd under `forumctl load`, RSS flat, nothing
#           acknowledged lost.
#
# usage: tools/test.sh [CTEST_ARGS...]   (the arguments go to the normal stage's ctest)
# environment:
#   MF_STAGES      the stages to run (default "normal asan tsan fuzz soak")
#   FUZZ_SECONDS   seconds per fuzz target (default 30)
#   SOAK_SECONDS   length of the soak (default 120)
#   BUILD_DIR      the normal build folder (default build)
set -uo pipefail
cd "$(dirname "$0")/.."
STAGES=${MF_STAGES:-normal asan tsan fuzz soak}
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
SOAK_SECONDS=${SOAK_SECONDS:-120}
BUILD_DIR=${BUILD_DIR:-build}
JOBS=$(nproc)
TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()

log() { echo "test.sh: $*" >&2; }
now() { date +%s; }

# Records a stage's result: NAME PASSED FAILED SECONDS [NOTE].
stage_done() {
  local line="stage $1: $2 passed, $3 failed ($4 s)${5:+; $5}"
  echo "$line"
  SUMMARY+=("$line")
  TOTAL_PASSED=$((TOTAL_PASSED + $2))
  TOTAL_FAILED=$((TOTAL_FAILED + $3))
}

finish() {
  echo
  for l in "${SUMMARY[@]}"; do echo "$l"; done
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
  [ "$TOTAL_FAILED" -eq 0 ] && exit 0
  exit 1
}

# Runs ctest in DIR with ARGS; sets PASSED and FAILED from its report.
run_ctest() {
  local dir=$1 out
  shift
  out=$(mktemp)
  (cd "$dir" && ctest --output-on-failure "$@") 2>&1 | tee "$out"
  local total failed
  total=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\2/p' "$out" | tail -1)
  failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of \([0-9]*\).*/\1/p' "$out" | tail -1)
  if [ -z "$total" ]; then  # ctest itself failed (no report): count it as one failure.
    total=1
    failed=1
  fi
  PASSED=$((total - failed))
  FAILED=$failed
  rm -f "$out"
}

# Configures DIR (once) with the sanitizers in $2 and builds the targets given (all when none).
build_sanitized() {
  local dir=$1 sanitize=$2
  shift 2
  if [ ! -f "$dir/build.ninja" ]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMF_SANITIZE="$sanitize" \
      -DMF_BUILD_BENCHMARKS=OFF >/dev/null || return 1
  fi
  if [ $# -gt 0 ]; then
    cmake --build "$dir" -j "$JOBS" --target "$@"
  else
    cmake --build "$dir" -j "$JOBS"
  fi
}

for stage in $STAGES; do
  t0=$(now)
  case $stage in
    normal)
      log "stage normal: setup, build, ctest"
      if ! BUILD_DIR=$BUILD_DIR bash tools/setup.sh; then
        stage_done normal 0 1 $(($(now) - t0)) "setup or build failed"
        finish
      fi
      run_ctest "$BUILD_DIR" -j "$JOBS" "$@"
      stage_done normal "$PASSED" "$FAILED" $(($(now) - t0))
      [ "$FAILED" -eq 0 ] || finish  # Fail fast: no sanitizer stages on a broken tree.
      ;;
    asan)
      log "stage asan: AddressSanitizer + UBSan build (build-asan) and ctest"
      # The client's tests run too; LSan's reports from the graphics stack
      # (Mesa/llvmpipe, X11, fontconfig under Xvfb) are suppressed by library.
      export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=0"
      export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
      if ! build_sanitized build-asan address,undefined; then
        stage_done asan 0 1 $(($(now) - t0)) "build failed"
        continue
      fi
      MF_TEST_SCALE=0.25 run_ctest build-asan -j "$JOBS"
      stage_done asan "$PASSED" "$FAILED" $(($(now) - t0)) "MF_TEST_SCALE=0.25"
      unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
      ;;
    tsan)
      log "stage tsan: ThreadSanitizer build (build-tsan) of forumd and its concurrency tests"
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp"
      if ! build_sanitized build-tsan thread forumd forumctl server_test server_process_test \
        server_records_test fault_test fault_stream_test security_test; then
        stage_done tsan 0 1 $(($(now) - t0)) "build failed"
        continue
      fi
      MF_TEST_SCALE=0.25 run_ctest build-tsan -j "$JOBS" -L "server|fault|security"
      stage_done tsan "$PASSED" "$FAILED" $(($(now) - t0)) "labels server, fault, security"
      unset TSAN_OPTIONS
      ;;
    fuzz)
      log "stage fuzz: every target for ${FUZZ_SECONDS}s (build-fuzz)"
      out=$(mktemp)
      FUZZ_SKIP_SETUP=1 bash tools/fuzz.sh "$FUZZ_SECONDS" 2>&1 | tee "$out"
      ok=$(grep -c '^fuzz: [a-z]*: [0-9]* executions' "$out")
      bad=$((3 - ok))
      execs=$(sed -n 's/^fuzz: \([a-z]*\): \([0-9]*\) executions.*/\1 \2/p' "$out" | paste -sd, -)
      stage_done fuzz "$ok" "$bad" $(($(now) - t0)) "executions: ${execs:-none}"
      rm -f "$out"
      ;;
    soak)
      log "stage soak: tools/soak.sh ${SOAK_SECONDS}"
      out=$(mktemp)
      if BUILD_DIR=$BUILD_DIR bash tools/soak.sh "$SOAK_SECONDS" 2>&1 | tee "$out"; then
        stage_done soak 1 0 $(($(now) - t0)) "$(grep '^soak: PASS' "$out" | cut -c7-)"
      else
        stage_done soak 0 1 $(($(now) - t0)) "$(grep '^soak: FAIL' "$out" | cut -c7-)"
      fi
      rm -f "$out"
      ;;
    *)
      log "unknown stage $stage (normal, asan, tsan, fuzz, soak)"
      stage_done "$stage" 0 1 0 "unknown stage"
      ;;
  esac
done
finish
