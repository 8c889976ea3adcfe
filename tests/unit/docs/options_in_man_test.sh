#!/bin/bash
# Every long option that "ikevpnd --help" and "ikevpnctl --help" print, and
# every ikevpnctl command, appears in the matching man page as a term
# (.TP followed by a line naming it). usage: options_in_man_test.sh IKEVPND IKEVPNCTL MANDIR
set -u
ikevpnd=$1 ikevpnctl=$2 dir=$3
fail=0

# The terms of a man page: the line after each .TP, roff escapes for "-"
# removed and fonts dropped.
terms() {
  awk 'prev == ".TP" { print } { prev = $0 }' "$1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}

check() {  # PAGE WHAT WORD...
  local page=$1 what=$2 word
  shift 2
  local t
  t=$(terms "$dir/$page")
  [ $# -gt 0 ] || { echo "FAIL: no ${what}s found (did --help change its format?)"; fail=1; return; }
  for word in "$@"; do
    if grep -qE -- "(^|[ \"])${word}([ \",]|\$)" <<<"$t"; then
      echo "ok   $page documents $what $word"
    else
      echo "FAIL $page does not document $what $word (add a .TP entry)"
      fail=1
    fi
  done
}

mapfile -t d_opts < <("$ikevpnd" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
check ikevpnd.8 option "${d_opts[@]}"

help=$("$ikevpnctl" --help)
mapfile -t c_opts < <(grep -oE -- '--[a-z][a-z-]*' <<<"$help" | sort -u)
check ikevpnctl.8 option "${c_opts[@]}"
mapfile -t c_cmds < <(awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }' <<<"$help")
check ikevpnctl.8 command "${c_cmds[@]}"

# Self-check: the matcher rejects a word that is not there.
if grep -qE -- "(^|[ \"])--no-such-option([ \",]|\$)" <<<"$(terms "$dir/ikevpnd.8")"; then
  echo "FAIL: the matcher accepts anything"; fail=1
fi
exit $fail
