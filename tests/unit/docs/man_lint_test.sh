#!/bin/bash
# Every man page under man/ is clean under "mandoc -Tlint": no style hint,
# warning or error. usage: man_lint_test.sh MANDIR
set -u
dir=$1
command -v mandoc >/dev/null || { echo "SKIP: mandoc missing (scripts/install-deps.sh installs it)"; exit 77; }
shopt -s nullglob
pages=("$dir"/*.[1-8])
[ ${#pages[@]} -gt 0 ] || { echo "FAIL: no man pages in $dir"; exit 1; }
fail=0
for page in "${pages[@]}"; do
  out=$(mandoc -Tlint "$page" 2>&1)
  rc=$?
  if [ $rc != 0 ] || [ -n "$out" ]; then
    echo "FAIL $(basename "$page") (mandoc rc $rc):"
    echo "$out"
    fail=1
  else
    echo "ok   $(basename "$page")"
  fi
done
exit $fail
