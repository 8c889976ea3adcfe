#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds, and runs
#   1. every ctest test (unit, integration in namespaces, interop, VM) in a
#      normal build,
#   2. the unit tests again under AddressSanitizer + UBSan,
#   3. each libFuzzer target for IKEVPN_FUZZ_SECONDS (default 60) seconds.
# Any failure fails the script. Stages can be picked: scripts/test.sh [main] [asan] [fuzz]
set -euo pipefail
cd "$(dirname "$0")/.."
IKEVPN_DEPS="${IKEVPN_DEPS:-interop nm vm}" scripts/install-deps.sh

stages=("$@")
((${#stages[@]})) || stages=(main asan fuzz)
jobs=$(nproc)
start=$(date +%s)

for stage in "${stages[@]}"; do
  echo "=== stage: $stage"
  case "$stage" in
    main)
      cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
      cmake --build build -j "$jobs"
      ctest --test-dir build --output-on-failure -j "$jobs" --timeout 900
      ;;
    asan)
      cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIKEVPN_SANITIZE=ON \
        -DIKEVPN_BENCH=OFF >/dev/null
      cmake --build build-asan -j "$jobs"
      ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit
      ;;
    fuzz)
      cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKEVPN_FUZZ=ON \
        -DIKEVPN_TESTS=OFF -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
      cmake --build build-fuzz -j "$jobs"
      scripts/run-fuzzers.sh build-fuzz "${IKEVPN_FUZZ_SECONDS:-60}"
      ;;
    *)
      echo "unknown stage '$stage' (main, asan, fuzz)" >&2
      exit 2
      ;;
  esac
done
echo "=== all stages passed in $(( $(date +%s) - start )) s"
