#!/usr/bin/env bash
# The whole test suite, in stages; each prints "stage NAME: N passed, N failed"
# and the script ends with the sum over the stages: "N passed, N failed".
#
#   normal  tools/setup.sh (packages, build in build/) and every ctest test. First,
#           and a failure here stops the run (fail fast).
#   asan    the whole suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
#           (gcc, build-asan/), heavy suites scaled down with MF_TEST_SCALE=0.25 (they
#           read it: fewer games, the same statistical tests). The client's tests run with
#           dlclose() a no-op (tests/keep_loaded.cc) so that LeakSanitizer can see Mesa's driver.
#   tsan    forumd's concurrency tests (labels server, fault, security) under
#           ThreadSanitizer (gcc, build-tsan/), MF_TEST_SCALE=0.25.
#   fuzz    every libFuzzer target for FUZZ_SECONDS each (clang + ASan/UBSan, build-fuzz/;
#           tools/fuzz.sh), then its corpus replayed.
#   soak    tools/soak.sh SOAK_SECONDS: forumd under `forumctl load`, RSS flat, nothing
#           acknowledged lost.
# Sanitizer reports (of child processes too) are collected from files and
# each counts as a failure of its stage.
#
# usage: tools/test.sh [CTEST_ARGS...]   (the arguments go to the normal stage's ctest)
# environment:
#   MF_STAGES      the stages to run (default "normal asan tsan fuzz soak", all)
#   FUZZ_SECONDS   seconds per fuzz target (default 20)
#   SOAK_SECONDS   length of the soak (default 120)
#   BUILD_DIR      the normal build folder (default build)
set -uo pipefail
cd "$(dirname "$0")/.."
STAGES=${MF_STAGES:-normal asan tsan fuzz soak}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
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

# Runs one GoogleTest program; sets PASSED and FAILED from its summary (a
# crash or a sanitizer's exit code without a failed test counts as one).
run_gtest() {
  local out rc
  out=$(mktemp)
  "$1" 2>&1 | tee "$out" | grep -E '^\[  (FAILED|PASSED) |^\[       OK|^\[  FAILED' >&2
  rc=${PIPESTATUS[0]}
  PASSED=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$out" | tail -1)
  FAILED=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\}, listed below.*/\1/p' "$out" | tail -1)
  PASSED=${PASSED:-0}
  FAILED=${FAILED:-0}
  if [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
    FAILED=1
    tail -30 "$out" >&2
  fi
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
      if ! build_sanitized build-asan address,undefined; then
        stage_done asan 0 1 $(($(now) - t0)) "build failed"
        continue
      fi
      reports=build-asan/sanitizer-reports
      rm -rf "$reports" && mkdir -p "$reports"
      # Reports go to files too, so that those of child processes (forumd,
      # forumctl, forum-client) are counted even when a test ignores them.
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PWD/$reports/ubsan"
      export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
      export MF_TEST_SCALE=0.25
      ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$PWD/$reports/asan" \
        run_ctest build-asan -j "$JOBS" -LE client
      p=$PASSED f=$FAILED
      # The client under Xvfb, leak checking on. Mesa's llvmpipe driver is
      # dlclose'd before LeakSanitizer runs at exit, which would turn what its
      # globals hold into leaks of an "<unknown module>"; tests/keep_loaded.cc
      # (LD_PRELOAD: dlclose does nothing) keeps it mapped. A preloaded library
      # comes before libasan in the list, hence verify_asan_link_order=0.
      g++ -shared -fPIC -O2 -o build-asan/keep_loaded.so tests/keep_loaded.cc
      LD_PRELOAD=$PWD/build-asan/keep_loaded.so \
        ASAN_OPTIONS="detect_leaks=1:verify_asan_link_order=0:halt_on_error=1:log_path=$PWD/$reports/asan" \
        run_ctest build-asan -j "$JOBS" -L client
      p=$((p + PASSED)) f=$((f + FAILED))
      n=$(find "$reports" -type f | wc -l)
      if [ "$n" -gt 0 ]; then
        log "stage asan: $n sanitizer report(s):"
        for r in "$reports"/*; do head -40 "$r" >&2; done
        f=$((f + n))
      fi
      stage_done asan "$p" "$f" $(($(now) - t0)) "MF_TEST_SCALE=0.25, $n sanitizer reports"
      unset UBSAN_OPTIONS LSAN_OPTIONS MF_TEST_SCALE
      ;;
    tsan)
      log "stage tsan: ThreadSanitizer build (build-tsan) of forumd and its concurrency tests"
      if ! build_sanitized build-tsan thread forumd forumctl server_test server_process_test \
        server_records_test fault_test fault_stream_test fault_concurrency_test security_test; then
        stage_done tsan 0 1 $(($(now) - t0)) "build failed"
        continue
      fi
      reports=build-tsan/sanitizer-reports
      rm -rf "$reports" && mkdir -p "$reports"
      # gRPC, abseil and protobuf come uninstrumented from Debian: reports
      # through them are suppressed (tests/tsan.supp says why);
      # fault_concurrency_test drives the server's own threads without gRPC.
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$PWD/$reports/tsan"
      TSAN_OPTIONS="$TSAN_OPTIONS:ignore_noninstrumented_modules=1"
      TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$PWD/tests/tsan.supp"
      # Only these test programs are built here, so they run directly (ctest
      # would want every suite's binary to list its tests).
      p=0 f=0
      for t in fault_concurrency_test server_test server_process_test server_records_test \
        fault_test fault_stream_test security_test; do
        MF_TEST_SCALE=0.25 run_gtest "build-tsan/tests/$t"
        p=$((p + PASSED)) f=$((f + FAILED))
      done
      if bash tests/server_python_test.sh build-tsan/server/forumd build-tsan/tools/forumctl \
        "$PWD" >build-tsan/server_python_bot.log 2>&1; then
        p=$((p + 1))
      else
        f=$((f + 1))
        tail -20 build-tsan/server_python_bot.log >&2
      fi
      n=$(find "$reports" -type f | wc -l)
      if [ "$n" -gt 0 ]; then
        log "stage tsan: $n sanitizer report(s):"
        for r in "$reports"/*; do head -60 "$r" >&2; done
        f=$((f + n))
      fi
      stage_done tsan "$p" "$f" $(($(now) - t0)) "labels server, fault, security; $n sanitizer reports"
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
