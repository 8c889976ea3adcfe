#!/bin/bash
# The inertia state file survives kill -9 in the middle of a write: a
# writer updates its 300 peers in a loop (PeerStore: one journal batch per
# generation, appended + fdatasync; every third or so a compaction:
# temp file + fsync + rename + directory fsync; in even rounds on a worker
# thread, as in the daemon, while batches go on) and is killed at random
# moments, 30 times. After each kill the file must load and hold the last
# completed generation or the one that was being written, never a mix.
#
# usage: inertia_crash_test.sh INERTIA_WRITE_LOOP
set -u
TOOL=$1
DIR=$(mktemp -d /tmp/inertia-crash.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
STATE=$DIR/inertia
fail=0
prev=none  # the file's generation before this round's writer started
for round in $(seq 30); do
  mode=write
  [ $((round % 2)) = 0 ] && mode=write-offloop
  "$TOOL" $mode "$STATE" >"$DIR/out" 2>"$DIR/err" &
  pid=$!
  # Let it write a few generations, then kill it somewhere in a write.
  sleep "0.0$((RANDOM % 9 + 1))$((RANDOM % 10))"
  kill -KILL $pid
  wait $pid 2>/dev/null
  last=$(tail -n1 "$DIR/out" | awk '$1 == "done" { print $2 }')
  last=${last:-0}
  if ! got=$("$TOOL" check "$STATE"); then
    [ "$prev" = none ] && [ ! -e "$STATE" ] && continue  # killed before the first write ever
    echo "FAIL round $round: the file does not parse after kill -9 (last completed $last): $got"
    fail=1
    continue
  fi
  # Killed before its first completed write: the previous round's state or
  # this writer's first generation.
  old=$last
  [ "$last" = 0 ] && old=$prev
  if [ "$got" != "$old" ] && [ "$got" != $((last + 1)) ]; then
    echo "FAIL round $round: file holds generation $got, last completed $last"
    fail=1
  else
    echo "ok   round $round ($mode): generation $got (last completed $last)"
  fi
  prev=$got
done
[ -e "$STATE.tmp" ] && echo "note: a temp file from the last kill is left (ignored by readers)"
exit $fail
