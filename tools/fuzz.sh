#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + AddressSanitizer + UBSan and runs
# each for a bounded time on its seed corpus (tests/fuzz/corpus/TARGET).
# usage: tools/fuzz.sh [SECONDS_PER_TARGET]   (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${1:-30}
bash tools/setup.sh >/dev/null
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
if [ ! -f "$BUILD/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMF_BUILD_TESTS=OFF -DMF_BUILD_BENCHMARKS=OFF -DMF_FUZZ=ON \
    -DMF_SANITIZE=address,undefined >/dev/null
fi
targets=(engine scenario)
cmake --build "$BUILD" --target "${targets[@]/#/fuzz_}"
for t in "${targets[@]}"; do
  work="$BUILD/corpus/$t"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s" >&2
  "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_PER_TARGET" -max_len=20000 \
    -print_final_stats=1 "$work" 2>"$BUILD/fuzz_$t.log" || {
    echo "fuzz: $t found a crash; see $BUILD/fuzz_$t.log and the crash-* file" >&2
    tail -30 "$BUILD/fuzz_$t.log" >&2
    exit 1
  }
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$BUILD/fuzz_$t.log" | sed "s/^/fuzz: $t /" >&2
done
