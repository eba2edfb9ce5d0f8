#!/usr/bin/env bash
# The whole test suite, in stages; each prints
#   "stage NAME: N passed, N failed, N skipped (S s)[; note]"
# and the script ends with the stages again and their sum. A stage fails when
# any of its tests failed or was skipped, or when its script or ctest exited
# non-zero; the script exits 1 when any stage failed. Nothing in this suite
# may skip: a skipped test is a claimed feature left unchecked, so it fails
# its stage (and is reported as a skip, never as a pass).
#
#   normal  tools/setup.sh (packages, build in build/) and every ctest test. First,
#           and a failure here stops the run (fail fast). Among them the labels
#           sweep and slurm: a real single-node Slurm (tests/slurm_cluster.sh), ~40 s.
#   asan    the whole suite again, built with AddressSanitizer + UndefinedBehaviorSanitizer
#           (gcc, build-asan/), heavy suites scaled down with MF_TEST_SCALE=0.25 (they
#           read it: fewer games, the same statistical tests). The client's tests run with
#           dlclose() a no-op (tests/keep_loaded.cc) so that LeakSanitizer can see Mesa's driver.
#   tsan    forumd's concurrency tests (labels server, fault, security) and the Python
#           bot under ThreadSanitizer (gcc, build-tsan/), MF_TEST_SCALE=0.25; the
#           suppressions (tests/tsan.supp) name only gRPC's own functions.
#   fuzz    tools/fuzz.sh: every libFuzzer target for FUZZ_SECONDS (clang + ASan/UBSan,
#           build-fuzz/), then its corpus replayed; its exit status decides.
#   soak    tools/soak.sh SOAK_SECONDS: forumd under `forumctl load`, RSS flat, every
#           session played to the end and replayed after a SIGKILL and a restart, every
#           acknowledged action stored; its exit status decides.
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
TOTAL_SKIPPED=0
STAGES_FAILED=0
SUMMARY=()

log() { echo "test.sh: $*" >&2; }
now() { date +%s; }

# Records a stage's result: NAME PASSED FAILED SKIPPED SECONDS OK [NOTE]
# (OK: 1 when the stage's scripts and ctest all exited 0).
stage_done() {
  local name=$1 p=$2 f=$3 s=$4 secs=$5 ok=$6 note=${7:-}
  local verdict=passed
  if [ "$f" -gt 0 ] || [ "$s" -gt 0 ] || [ "$ok" -ne 1 ]; then
    verdict=FAILED
    STAGES_FAILED=$((STAGES_FAILED + 1))
  fi
  local line="stage $name: $p passed, $f failed, $s skipped ($secs s)${note:+; $note}"
  [ "$verdict" = FAILED ] && line="$line; stage FAILED"
  echo "$line"
  SUMMARY+=("$line")
  TOTAL_PASSED=$((TOTAL_PASSED + p))
  TOTAL_FAILED=$((TOTAL_FAILED + f))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + s))
}

finish() {
  echo
  for l in "${SUMMARY[@]}"; do echo "$l"; done
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped;" \
    "$STAGES_FAILED stage(s) failed"
  [ "$STAGES_FAILED" -eq 0 ] && exit 0
  exit 1
}

# Counts a ctest JUnit file: prints "PASSED FAILED SKIPPED". A test ctest did
# not run or marked skipped (gtest's "[  SKIPPED ]" in a discovered test) is a
# skip; so is every "[  SKIPPED ] Suite.Test" of a whole gtest program run as
# one ctest test (the client's), which ctest itself counts as passed.
junit_counts() {
  python3 - "$1" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
p = f = s = 0
for tc in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    status = tc.get("status", "")
    out = "".join(e.text or "" for e in tc.iter("system-out"))
    inner = set(re.findall(r"^\[  SKIPPED \] ([A-Za-z_]\w*\.\w+)", out, re.M))
    if status == "fail" or tc.find("failure") is not None:
        f += 1
    elif status in ("notrun", "disabled") or tc.find("skipped") is not None:
        s += 1
        print("test.sh: skipped: " + tc.get("name", "?"), file=sys.stderr)
    else:
        p += 1
        for name in sorted(inner):
            s += 1
            print("test.sh: skipped: %s (in %s)" % (name, tc.get("name", "?")), file=sys.stderr)
print(p, f, s)
EOF
}

# Runs ctest in DIR with ARGS; sets PASSED, FAILED, SKIPPED and CTEST_OK
# (1 when ctest exited 0) from its JUnit report.
run_ctest() {
  local dir=$1 junit rc
  shift
  junit=$(mktemp --suffix=.xml)
  (cd "$dir" && ctest --output-on-failure --output-junit "$junit" \
    --test-output-size-passed 65536 --test-output-truncation tail "$@") 2>&1
  rc=$?
  CTEST_OK=$((rc == 0 ? 1 : 0))
  if [ -s "$junit" ] && read -r PASSED FAILED SKIPPED < <(junit_counts "$junit"); then
    :
  else  # ctest itself failed (no report): count it as one failure.
    PASSED=0 FAILED=1 SKIPPED=0
  fi
  if [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ] && [ "$SKIPPED" -eq 0 ]; then
    log "ctest exited $rc with no failed test: counted as a failure"
    FAILED=1
  fi
  rm -f "$junit"
}

# Runs one GoogleTest program; sets PASSED, FAILED and SKIPPED from its
# summary (a crash or a sanitizer's exit code without a failed test counts as one).
run_gtest() {
  local out rc
  out=$(mktemp)
  "$1" 2>&1 | tee "$out" | grep -E '^\[  (FAILED|PASSED|SKIPPED) |^\[       OK' >&2
  rc=${PIPESTATUS[0]}
  PASSED=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\..*/\1/p' "$out" | tail -1)
  FAILED=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) tests\{0,1\}, listed below.*/\1/p' "$out" | tail -1)
  SKIPPED=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) tests\{0,1\}, listed below.*/\1/p' "$out" | tail -1)
  PASSED=${PASSED:-0}
  FAILED=${FAILED:-0}
  SKIPPED=${SKIPPED:-0}
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
    # -O1 -g1 (line tables: stacks keep their functions, files and lines)
    # compiles in about half the time of -O2 -g (server/service.cc under
    # ASan: 19 s against 34 s), which is most of these stages' time.
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMF_SANITIZE="$sanitize" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
      -DMF_BUILD_BENCHMARKS=OFF >/dev/null || return 1
  fi
  if [ $# -gt 0 ]; then
    cmake --build "$dir" -j "$JOBS" --target "$@"
  else
    cmake --build "$dir" -j "$JOBS"
  fi
}

# A fresh folder for sanitizer reports, writable by the tests' processes that
# drop to "nobody" (the read-only data folder test).
reports_dir() {
  rm -rf "$1" && mkdir -p "$1" && chmod 1777 "$1"
}

for stage in $STAGES; do
  t0=$(now)
  case $stage in
    normal)
      log "stage normal: setup, build, ctest"
      if ! BUILD_DIR=$BUILD_DIR bash tools/setup.sh; then
        stage_done normal 0 1 0 $(($(now) - t0)) 0 "setup or build failed"
        finish
      fi
      run_ctest "$BUILD_DIR" -j "$JOBS" "$@"
      stage_done normal "$PASSED" "$FAILED" "$SKIPPED" $(($(now) - t0)) "$CTEST_OK"
      # Fail fast: no sanitizer stages on a broken tree.
      [ "$FAILED" -eq 0 ] && [ "$SKIPPED" -eq 0 ] && [ "$CTEST_OK" -eq 1 ] || finish
      ;;
    asan)
      log "stage asan: AddressSanitizer + UBSan build (build-asan) and ctest"
      if ! build_sanitized build-asan address,undefined; then
        stage_done asan 0 1 0 $(($(now) - t0)) 0 "build failed"
        continue
      fi
      reports=build-asan/sanitizer-reports
      reports_dir "$reports"
      # Reports go to files too, so that those of child processes (forumd,
      # forumctl, forum-client) are counted even when a test ignores them.
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$PWD/$reports/ubsan"
      export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
      export MF_TEST_SCALE=0.25
      ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$PWD/$reports/asan" \
        run_ctest build-asan -j "$JOBS" -LE "client|build"
      p=$PASSED f=$FAILED s=$SKIPPED ok=$CTEST_OK
      # The client under Xvfb, leak checking on. Mesa's llvmpipe driver is
      # dlclose'd before LeakSanitizer runs at exit, which would turn what its
      # globals hold into leaks of an "<unknown module>"; tests/keep_loaded.cc
      # (LD_PRELOAD: dlclose does nothing) keeps it mapped. A preloaded library
      # comes before libasan in the list, hence verify_asan_link_order=0.
      # LeakSanitizer's scan of thread-local storage crashes its tracer
      # ("Tracer caught signal 11", the test itself passed) in some client
      # processes on this glibc once Mesa is loaded; use_tls=0 skips that
      # scan. It can only add reports (what only a thread-local points to
      # would be reported), never hide one; the one glibc adds is suppressed
      # in tests/lsan.supp.
      g++ -shared -fPIC -O2 -o build-asan/keep_loaded.so tests/keep_loaded.cc || ok=0
      LSAN_OPTIONS="$LSAN_OPTIONS:use_tls=0" LD_PRELOAD=$PWD/build-asan/keep_loaded.so \
        ASAN_OPTIONS="detect_leaks=1:verify_asan_link_order=0:halt_on_error=1:log_path=$PWD/$reports/asan" \
        run_ctest build-asan -j "$JOBS" -L client
      p=$((p + PASSED)) f=$((f + FAILED)) s=$((s + SKIPPED)) ok=$((ok & CTEST_OK))
      n=$(find "$reports" -type f | wc -l)
      if [ "$n" -gt 0 ]; then
        log "stage asan: $n sanitizer report(s):"
        for r in "$reports"/*; do head -40 "$r" >&2; done
        f=$((f + n))
      fi
      stage_done asan "$p" "$f" "$s" $(($(now) - t0)) "$ok" "MF_TEST_SCALE=0.25, $n sanitizer reports"
      unset UBSAN_OPTIONS LSAN_OPTIONS MF_TEST_SCALE
      ;;
    tsan)
      log "stage tsan: ThreadSanitizer build (build-tsan) of forumd and its concurrency tests"
      tsan_tests=(fault_concurrency_test server_test server_process_test server_records_test
        fault_test fault_stream_test security_test serial_test)
      if ! build_sanitized build-tsan thread forumd forumctl "${tsan_tests[@]}"; then
        stage_done tsan 0 1 0 $(($(now) - t0)) 0 "build failed"
        continue
      fi
      reports=build-tsan/sanitizer-reports
      reports_dir "$reports"
      # gRPC, abseil, protobuf and OpenSSL come uninstrumented from Debian:
      # TSan ignores their memory accesses (ignore_noninstrumented_modules) and
      # tests/tsan.supp names the frames inside them that remain; README.md
      # ("What ThreadSanitizer sees") says what that leaves unchecked.
      # history_size=7: the longest access history, so that a report's earlier
      # access keeps its stack (a suppression needs the frames).
      export TSAN_OPTIONS="halt_on_error=1:history_size=7:second_deadlock_stack=1:log_path=$PWD/$reports/tsan"
      TSAN_OPTIONS="$TSAN_OPTIONS:ignore_noninstrumented_modules=1"
      TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$PWD/tests/tsan.supp"
      # Only these test programs are built here, so they run directly (ctest
      # would want every suite's binary to list its tests).
      p=0 f=0 s=0
      for t in "${tsan_tests[@]}"; do
        MF_TEST_SCALE=0.25 run_gtest "build-tsan/tests/$t"
        p=$((p + PASSED)) f=$((f + FAILED)) s=$((s + SKIPPED))
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
      stage_done tsan "$p" "$f" "$s" $(($(now) - t0)) 1 \
        "labels server, fault, security; $n sanitizer reports"
      unset TSAN_OPTIONS
      ;;
    fuzz)
      log "stage fuzz: every target of tools/fuzz.sh for ${FUZZ_SECONDS}s (build-fuzz)"
      out=$(mktemp)
      FUZZ_SKIP_SETUP=1 bash tools/fuzz.sh "$FUZZ_SECONDS" 2>&1 | tee "$out"
      rc=${PIPESTATUS[0]}
      expected=$(bash tools/fuzz.sh --list | wc -l)
      ok_n=$(grep -c '^fuzz: [a-z_]*: [0-9]* executions' "$out")
      bad=$(grep -c '^fuzz: [a-z_]*: FAILED' "$out")
      # A target that printed neither line did not run: a failure too.
      missing=$((expected - ok_n - bad))
      [ "$missing" -gt 0 ] && bad=$((bad + missing))
      [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
      execs=$(sed -n 's/^fuzz: \([a-z_]*\): \([0-9]*\) executions.*/\1 \2/p' "$out" | paste -sd, -)
      stage_done fuzz "$ok_n" "$bad" 0 $(($(now) - t0)) $((rc == 0 ? 1 : 0)) \
        "$expected targets; executions: ${execs:-none}; tools/fuzz.sh exit $rc"
      rm -f "$out"
      ;;
    soak)
      log "stage soak: tools/soak.sh ${SOAK_SECONDS}"
      out=$(mktemp)
      BUILD_DIR=$BUILD_DIR bash tools/soak.sh "$SOAK_SECONDS" 2>&1 | tee "$out"
      rc=${PIPESTATUS[0]}
      if [ "$rc" -eq 0 ] && grep -q '^soak: PASS' "$out"; then
        stage_done soak 1 0 0 $(($(now) - t0)) 1 "$(grep '^soak: PASS' "$out" | cut -c7-)"
      else
        stage_done soak 0 1 0 $(($(now) - t0)) 0 \
          "tools/soak.sh exit $rc: $(grep '^soak: FAIL' "$out" | cut -c7-)"
      fi
      rm -f "$out"
      ;;
    *)
      log "unknown stage $stage (normal, asan, tsan, fuzz, soak)"
      stage_done "$stage" 0 1 0 0 0 "unknown stage"
      ;;
  esac
done
finish
