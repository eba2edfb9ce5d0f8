#!/usr/bin/env bash
# Installs the Debian packages the project needs (only those missing), then
# configures and builds (everything, or the targets given as arguments).
# Idempotent; run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  cmake ninja-build g++ ccache pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libboost-dev libsfml-dev libsqlite3-dev libssl-dev
  python3-grpcio python3-grpc-tools
  libgtest-dev libgmock-dev libbenchmark-dev zlib1g-dev
  xvfb xauth fonts-dejavu-core
  libqrencode-dev  # the browser link's QR code in forum-client's lobby (client/qr.h)
  zbar-tools  # the client tests read that QR code back from the picture (zbarimg)
  libcli11-dev  # forumctl's command line (tools/cli.h)
  libcairo2-dev  # the charts and printed matter (tools/draw.h), in fonts-dejavu-core
  poppler-utils  # the teacher's package test renders its PDFs (pdfinfo, pdftotext, pdftoppm)
  clang libclang-rt-14-dev
  chromium  # the debrief test renders the HTML report headless
  openssl sqlite3  # the security test makes a TLS certificate; tools/soak.sh reads the store
  # The Debian packages (cmake/Packaging.cmake, tests/package_test.sh): CPack's
  # dpkg-shlibdeps and file, help2man for the man pages, lintian, the unit's
  # check (systemd-analyze), and what the packages depend on beyond libraries.
  dpkg-dev file help2man lintian systemd adduser desktop-file-utils
  # forumd on many machines: libpq for the PostgreSQL store; PostgreSQL,
  # HAProxy and nginx started by tests/cluster_test.cc; YAML and JSON Schema
  # for the offline check of the Agones manifests (deploy/agones).
  libpq-dev postgresql haproxy nginx python3-yaml python3-jsonschema
  # Cluster sweeps: a real single-node Slurm started by tests/slurm_test.sh
  # (tests/slurm_cluster.sh: munged, slurmctld, slurmd in a temporary folder).
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The web client's build (web/, cmake/Web.cmake): node and npm, Debian's
# nodejs and npm unless a node with its npm is already there (e.g. another
# nodejs build, which conflicts with Debian's npm).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
# Build everything, or only the targets named on the command line.
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j "$(nproc)" "${targets[@]}"
