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

# Paths relative to the build dir, so a fresh clone elsewhere reuses the cache.
export CCACHE_BASEDIR=/
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
      IKEVPN_INTEROP_REQUIRED=1 ctest --test-dir build --output-on-failure -j "$jobs" --timeout 900
      ;;
    asan)
      cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DIKEVPN_SANITIZE=ON \
        -DIKEVPN_BENCH=OFF -DIKEVPN_TEST_KINDS=unit \
        -DIKEVPN_TEST_AREAS="${IKEVPN_ASAN_AREAS:-base;crypto;message;config;ike;net;userspace;ifmgr;xfrm;dbus}" >/dev/null
      # Only the unit tests (and what they link), not the daemon and tools.
      cmake --build build-asan -j "$jobs" --target \
        $(ninja -C build-asan -t targets all | sed -n 's/^\([a-z_]*_test\): phony$/\1/p' | grep -v '^cmake_' | sort -u)
      ctest --test-dir build-asan --output-on-failure -j "$jobs" -L unit
      ;;
    fuzz)
      cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIKEVPN_FUZZ=ON \
        -DIKEVPN_TESTS=OFF -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
      cmake --build build-fuzz -j "$jobs" --target \
        $(ninja -C build-fuzz -t targets all | sed -n 's/^\(fuzz_[a-z_]*\): phony$/\1/p' | sort -u)
      scripts/run-fuzzers.sh build-fuzz "${IKEVPN_FUZZ_SECONDS:-60}"
      ;;
    *)
      echo "unknown stage '$stage' (main, asan, fuzz)" >&2
      exit 2
      ;;
  esac
done
echo "=== all stages passed in $(( $(date +%s) - start )) s"
