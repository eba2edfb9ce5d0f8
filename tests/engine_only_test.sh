#!/usr/bin/env bash
# The pure engine builds and passes its tests with protobuf and GoogleTest
# alone (issue: rules/ and bots/ must not need gRPC, SFML, SQLite or
# OpenSSL): configures the project with -DMF_ENGINE_ONLY=ON in a scratch
# folder, checks that CMake never looked for the other packages, builds the
# engine's suites, checks that no program links those libraries, and runs
# the rules suite.
#
# usage: tests/engine_only_test.sh SOURCE_DIR SCRATCH_DIR
set -euo pipefail
src=$1
dir=$2
rm -rf "$dir"
mkdir -p "$dir"
cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMF_ENGINE_ONLY=ON \
  -DMF_BUILD_BENCHMARKS=OFF >"$dir/configure.log"
for var in gRPC_DIR SFML_DIR SQLite3_INCLUDE_DIR OPENSSL_INCLUDE_DIR Boost_INCLUDE_DIR; do
  if grep -q "^$var:" "$dir/CMakeCache.txt"; then
    echo "engine-only: CMake looked for a package the engine must not need ($var)" >&2
    exit 1
  fi
done
cmake --build "$dir" -j "$(nproc)" --target rules_test bots_test catalogue_test >"$dir/build.log" \
  || { tail -30 "$dir/build.log" >&2; exit 1; }
for t in rules_test bots_test catalogue_test; do
  bin="$dir/tests/$t"
  [ -x "$bin" ] || { echo "engine-only: $t was not built" >&2; exit 1; }
  if ldd "$bin" | grep -Ei 'grpc|sfml|sqlite|libssl|libcrypto|absl'; then
    echo "engine-only: $t links a library the engine must not need" >&2
    exit 1
  fi
done
# The targets of the rest are absent in this configuration.
if cmake --build "$dir" --target forumd >/dev/null 2>&1; then
  echo "engine-only: forumd was built, so the configuration is not the engine's alone" >&2
  exit 1
fi
"$dir/tests/rules_test" --gtest_brief=1
echo "engine-only: rules, bots and their suites build and link with protobuf alone"
