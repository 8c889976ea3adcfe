#!/usr/bin/env bash
# Runs every fuzz target built in BUILD_DIR for SECONDS each, in parallel up
# to the number of cores, from its seed corpus. Fails on any crash.
set -euo pipefail
build=${1:?build dir}
seconds=${2:-60}
cd "$(dirname "$0")/.."
targets=$(find "$build/tests/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' 2>/dev/null | sort)
if [ -z "$targets" ]; then
  echo "run-fuzzers: no fuzz targets in $build/tests/fuzz" >&2
  exit 1
fi
fail=0
pids=()
for t in $targets; do
  name=$(basename "$t")
  corpus="$build/fuzz-corpus/$name"
  mkdir -p "$corpus"
  seeds="tests/fuzz/seeds/${name#fuzz_}"
  args=("$corpus")
  [ -d "$seeds" ] && args+=("$seeds")
  echo "fuzz: $name for ${seconds}s"
  "$t" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$build/fuzz-$name-" \
    "${args[@]}" >"$build/fuzz-$name.log" 2>&1 &
  pids+=("$!:$name")
done
for p in "${pids[@]}"; do
  if ! wait "${p%%:*}"; then
    echo "fuzz: ${p#*:} FAILED; tail of its log:" >&2
    tail -40 "$build/fuzz-${p#*:}.log" >&2
    fail=1
  else
    echo "fuzz: ${p#*:} ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$build/fuzz-${p#*:}.log" | awk '{print $2}') runs)"
  fi
done
exit $fail
