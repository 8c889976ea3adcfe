#!/bin/bash
# ikevpnctl against the real ControlService (hosted by ikevpn_fake_daemon
# over a scripted ControlApi) on private dbus-daemons that use the shipped
# bus policy. Needs root (users, setpriv); exits 77 (skipped) without it.
#
# usage: run_ikevpnctl_test.sh IKEVPNCTL FAKE_DAEMON POLICY READ_SNIPPET
set -u
CTL=$1 FAKE=$2 POLICY=$3 READ_SNIPPET=$4
. "$(dirname "$0")/../lib/busconf.sh"

if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
# Debian's python3 directly: a pyenv shim costs seconds per call.
PY=/usr/bin/python3
[ -x $PY ] || PY=python3
for tool in dbus-daemon dbus-send setpriv useradd groupadd $PY; do
  command -v $tool >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
done

TMP=$(mktemp -d /tmp/ikevpn-dbus-test.XXXXXX)
chmod 755 "$TMP"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

FAILS=0 CHECKS=0
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }

# --- users: not in the control group, and in it ---
NOBODY=ikevpn-test-nobody MEMBER=ikevpn-test-member GROUP=ikevpn-test-ctl
getent group $GROUP >/dev/null || groupadd --system $GROUP
id $NOBODY >/dev/null 2>&1 || useradd --system -M -s /usr/sbin/nologin $NOBODY
id $MEMBER >/dev/null 2>&1 || useradd --system -M -s /usr/sbin/nologin $MEMBER
id -nG $MEMBER | grep -qw $GROUP || usermod -aG $GROUP $MEMBER
as_nobody() { setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$@"; }
as_member() { setpriv --reuid=$MEMBER --regid=$MEMBER --init-groups "$@"; }

# --- a private system-like bus: Debian's default policy + ours ---
start_bus() {  # NAME [EXTRA_INCLUDE] -> sets ADDR
  local name=$1 extra=${2:-}
  system_bus_conf "$TMP/$name.sock" "$POLICY" "$extra" > "$TMP/$name.conf"
  dbus-daemon --config-file="$TMP/$name.conf" --nofork --print-address > "$TMP/$name.addr" 2> "$TMP/$name.log" &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$TMP/$name.addr" ] && break; sleep 0.05; done
  ADDR=$(head -n1 "$TMP/$name.addr")
  [ -n "$ADDR" ] || { echo "dbus-daemon did not start:"; cat "$TMP/$name.log"; exit 1; }
}

# How long the fake daemon takes to bring a connection up. The checks below
# tell "answered while Up was pending" from "answered after it" by this
# delay, so it is long enough for a slow call on a loaded machine.
DELAY_MS=3000

start_fake() {  # ADDR NAME -> sets FAKE_PID
  "$FAKE" --bus "$1" --delay-ms $DELAY_MS --reload-fail-file "$TMP/reload-fails" > "$TMP/$2.out" 2> "$TMP/$2.err" &
  FAKE_PID=$!
  PIDS+=($FAKE_PID)
  for _ in $(seq 100); do grep -q ready "$TMP/$2.out" 2>/dev/null && return; sleep 0.05; done
  echo "fake daemon did not start:"; cat "$TMP/$2.err"; exit 1
}

# run EXPECTED_RC ARGS... : runs ikevpnctl, output in $OUT / $ERR
run_as() {  # WRAPPER EXPECTED_RC ARGS...
  local wrapper=$1 want=$2; shift 2
  $wrapper "$CTL" --bus "$BUS" "$@" > "$TMP/out" 2> "$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out") ERR=$(cat "$TMP/err")
  if [ "$RC" = "$want" ]; then pass; else fail "ikevpnctl $* -> rc $RC, want $want; stdout: $OUT; stderr: $ERR"; fi
}
run() { run_as "" "$@"; }
has() {  # TEXT PATTERN WHAT
  if grep -qE -- "$2" <<< "$1"; then pass; else fail "$3: '$2' not in: $1"; fi
}
json() {  # TEXT [PYTHON_EXPR on d]
  if $PY -c "import json,sys; d=json.load(sys.stdin); assert ${2:-True}, d" <<< "$1" 2>"$TMP/pyerr"; then
    pass; else fail "json check '${2:-parse}' on: $1 ($(cat "$TMP/pyerr" | tail -1))"; fi
}
now() { date +%s%N; }
elapsed_ms() { echo $(( ($(now) - $1) / 1000000 )); }

start_bus main
BUS=$ADDR
# Only root may own the name.
as_nobody "$FAKE" --bus "$BUS" > "$TMP/own.out" 2> "$TMP/own.err"
[ $? = 1 ] && grep -q "cannot own net.ikevpn.Daemon1" "$TMP/own.err" && pass || fail "non-root owned the name: $(cat "$TMP/own.err")"
start_fake "$BUS" fake
MAIN_FAKE=$FAKE_PID

# --- usage errors (exit 2) ---
run 2 up;            has "$ERR" "usage: ikevpnctl up NAME" "up without name"
run 2 --bogus list
run 2 frobnicate;    has "$ERR" "unknown command 'frobnicate'" "unknown command"
run 2 list --wait
run 2 --bus none list
run 0 --help;        has "$OUT" "Exit codes" "help"

# --- read ---
run 0 list;          has "$OUT" "^NAME +STATE +INTERFACE" "list header"
has "$OUT" "^office +down +ipsec0 +1 " "list row"
run 0 --json list;   json "$OUT" 'len(d["connections"]) == 4 and d["connections"][0]["if_id"] >= 1'
run 0 status office; has "$OUT" "^office: down" "status"; has "$OUT" "traffic +10.0.1.0/24 === 10.1.1.0/24" "status ts"
run 0 --json status office; json "$OUT" 'd["connection"]["name"] == "office" and d["ike_sas"] == []'
run 0 --json status; json "$OUT" 'len(d["connections"]) == 4'
run 3 status nosuch; has "$ERR" "no connection named 'nosuch'" "not found"; has "$ERR" "hint: .*ikevpnctl list" "hint"
run 3 --json status nosuch; json "$OUT" 'd["error"]["exit_code"] == 3 and d["error"]["name"] == "net.ikevpn.Error.NotFound"'
run 0 sas;           has "$OUT" "no SAs" "sas empty"

# --- monitor in the background, then up --wait (reply after the delayed done) ---
"$CTL" --bus "$BUS" monitor > "$TMP/mon.out" 2> "$TMP/mon.err" & MON=$!; PIDS+=($MON)
"$CTL" --bus "$BUS" --json monitor --count 4 > "$TMP/monj.out" 2> "$TMP/monj.err" & MONJ=$!; PIDS+=($MONJ)
for _ in $(seq 100); do grep -q monitoring "$TMP/mon.err" && grep -q monitoring "$TMP/monj.err" && break; sleep 0.05; done
has "$(cat "$TMP/mon.err")" "monitoring ikevpnd" "monitor ready"

T0=$(now)
"$CTL" --bus "$BUS" up office --wait > "$TMP/up.out" 2> "$TMP/up.err" & UP=$!
sleep 0.3
# The loop is not blocked while Up waits: another call answers at once.
# A blocked loop would answer only after the Up is done (state "up", up
# --wait gone); the time is printed, not held to a tight bound.
T1=$(now)
run 0 list;          has "$OUT" "^office +connecting" "list during up"
MS=$(elapsed_ms "$T1")
echo "list during up --wait answered in $MS ms (the Up takes $DELAY_MS ms)"
kill -0 $UP 2>/dev/null && pass || fail "list answered only after up --wait returned ($MS ms)"
wait $UP; RC=$?
[ $RC = 0 ] && pass || fail "up --wait rc $RC: $(cat "$TMP/up.err")"
has "$(cat "$TMP/up.out")" "^office: up$" "up output"
MS=$(elapsed_ms "$T0")
echo "up --wait returned after $MS ms"
[ "$MS" -ge $((DELAY_MS - 100)) ] && pass || fail "up --wait returned before done ($MS ms)"

run 0 status office; has "$OUT" "^office: up" "status up"; has "$OUT" "IKE_SA 1: ESTABLISHED" "status ike"
run 0 sas;           has "$OUT" "ESTABLISHED" "sas ike"; has "$OUT" "INSTALLED +tunnel +c0000002" "sas child"
run 0 --json sas;    json "$OUT" 'len(d["ike_sas"]) == 1 and d["child_sas"][0]["ike_sa_id"] == 1 and d["child_sas"][0]["spi_in"] == 0xc0000002'
run 0 --json list;   json "$OUT" '[c for c in d["connections"] if c["name"] == "office"][0]["state"] == "up"'

# --- the objects (ObjectManager, properties) ---
OBJS=$(dbus-send --bus="$BUS" --print-reply --dest=net.ikevpn.Daemon1 /net/ikevpn/Daemon1 \
  org.freedesktop.DBus.ObjectManager.GetManagedObjects 2>&1)
has "$OBJS" "/net/ikevpn/Daemon1/connection/home_2dlab" "escaped connection path"
has "$OBJS" "/net/ikevpn/Daemon1/ike_sa/1" "IKE_SA object"
has "$OBJS" "/net/ikevpn/Daemon1/child_sa/2" "CHILD_SA object"
PROP=$(dbus-send --bus="$BUS" --print-reply --dest=net.ikevpn.Daemon1 /net/ikevpn/Daemon1/connection/office \
  org.freedesktop.DBus.Properties.Get string:net.ikevpn.Connection1 string:State 2>&1)
has "$PROP" 'string "up"' "State property"
PROP=$(dbus-send --bus="$BUS" --print-reply --dest=net.ikevpn.Daemon1 /net/ikevpn/Daemon1/child_sa/2 \
  org.freedesktop.DBus.Properties.Get string:net.ikevpn.ChildSa1 string:IfId 2>&1)
has "$PROP" 'uint32 1' "IfId property"

# --- monitor saw the events as they happened ---
wait $MONJ; RC=$?
[ $RC = 0 ] && pass || fail "monitor --count 4 rc $RC: $(cat "$TMP/monj.err")"
[ "$(wc -l < "$TMP/monj.out")" = 4 ] && pass || fail "monitor --count 4 printed: $(cat "$TMP/monj.out")"
while read -r line; do json "$line" '"kind" in d and d["connection"] == "office"'; done < "$TMP/monj.out"
MONTXT=$(cat "$TMP/mon.out")
has "$MONTXT" "connection_state +office +state=connecting" "monitor connecting"
has "$MONTXT" "ike_sa_up +office +ike_sa_id=1" "monitor ike up"
has "$MONTXT" "child_sa_up +office +child_sa_id=2 +ike_sa_id=1" "monitor child up"
has "$MONTXT" "connection_state +office +state=up" "monitor up"

# --- failures ---
run 1 up badauth --wait; has "$ERR" "AUTHENTICATION_FAILED" "auth failed"; has "$ERR" "hint: check the credentials" "auth hint"
run 1 --json up badauth --wait; json "$OUT" 'd["error"]["name"] == "net.ikevpn.Error.AuthFailed" and d["error"]["exit_code"] == 1'
has "$(cat "$TMP/mon.out")" "failed +badauth +auth_failure=true +cause=auth-failed +reason=AUTHENTICATION_FAILED" "monitor failed"
run 3 up nosuch --wait
run 5 up slow --wait --timeout 1; has "$ERR" "hint: .*--timeout" "timeout hint"
T0=$(now)
run 0 up home-lab;   has "$OUT" "home-lab: starting" "up without wait"
MS=$(elapsed_ms "$T0")
echo "up without --wait returned after $MS ms"
[ "$MS" -lt $((DELAY_MS - 500)) ] && pass || fail "up without --wait waited ($MS ms)"

# --- down ---
run 0 down office;   has "$OUT" "office: down" "down"
run 0 status office; has "$OUT" "^office: down" "status after down"
run 3 down nosuch
run 0 --json down office; json "$OUT" 'd == {"connection": "office", "result": "down"}'
OBJS=$(dbus-send --bus="$BUS" --print-reply --dest=net.ikevpn.Daemon1 /net/ikevpn/Daemon1 \
  org.freedesktop.DBus.ObjectManager.GetManagedObjects 2>&1)
grep -q "/net/ikevpn/Daemon1/ike_sa/1\"" <<< "$OBJS" && fail "IKE_SA object left after down" || pass

# --- reload ---
touch "$TMP/reload-fails"
run 1 reload;        has "$ERR" "reload: /etc/ikevpn.conf:12: unknown key 'pfs'" "reload error"
has "$ERR" "hint: fix the configuration" "reload hint"
run 1 --json reload; json "$OUT" 'd["error"]["name"] == "net.ikevpn.Error.InvalidConfig"'
rm "$TMP/reload-fails"
run 0 reload;        has "$OUT" "configuration reloaded" "reload ok"
run 0 list;          has "$OUT" "^added " "reload added a connection"
run 0 --json reload; json "$OUT" 'd == {"result": "reloaded"}'
has "$(cat "$TMP/mon.out")" "reloaded" "monitor reload"

# --- access control ---
run_as as_nobody 4 list;   has "$ERR" "access denied" "denied list"; has "$ERR" "member of group" "denied hint"
run_as as_nobody 4 up office --wait
run_as as_nobody 4 --json sas; json "$OUT" 'd["error"]["exit_code"] == 4'
run_as as_nobody 4 monitor --count 1
run_as as_member 0 list
run_as as_member 0 up home-lab --wait
run_as as_member 0 down home-lab

# --- read access opened by the snippet: reads work, control stays denied ---
start_bus open "$READ_SNIPPET"
MAIN_BUS=$BUS BUS=$ADDR
start_fake "$BUS" fake-open
run_as as_nobody 0 list;   has "$OUT" "office" "opened list"
run_as as_nobody 0 sas
run_as as_nobody 0 status office
run_as as_nobody 4 up office; has "$ERR" "access denied" "opened up denied"
run_as as_nobody 4 reload
BUS=$MAIN_BUS

# --- daemon gone: a running monitor exits 4, calls say what to do ---
kill "$MAIN_FAKE"; wait "$MAIN_FAKE" 2>/dev/null
wait $MON; RC=$?
[ $RC = 4 ] && pass || fail "monitor rc $RC after the daemon left: $(cat "$TMP/mon.err")"
run 4 list;          has "$ERR" "is ikevpnd running\? try: systemctl status ikevpnd" "not running hint"
BUS=unix:path=$TMP/nonexistent.sock
run 4 list;          has "$ERR" "cannot connect" "no bus"

echo "$CHECKS checks passed, $FAILS failed"
[ $FAILS = 0 ]
