# shellcheck shell=bash
# netns.sh — helpers for integration tests that run real daemons in network
# namespaces. Source it, then call nt_init NAME first:
#
#   . "$(dirname "$0")/../lib/netns.sh"
#   nt_init establish            # root or exit 77, unique prefix, temp dir, cleanup trap
#   A=$(nt_ns a); B=$(nt_ns b)   # namespaces itd-establish-PID-a, …, lo up
#   nt_veth "$A" vA 192.0.2.1/24 "$B" vB 192.0.2.2/24
#   nt_daemon a "$A" "$NT_DIR/a.conf" --bus none     # log in $NT_DIR/a.log, pid in NT_PID[a]
#   nt_wait 10 "CHILD_SA up on a" nt_log_has a "CHILD_SA .* established"
#   nt_check "ping a->b" nt_exec "$A" ping -c 2 -W 1 10.2.0.1
#   nt_summary                   # prints "N passed, M failed", returns 1 on failures
#
# Everything started through the library (daemons, background jobs, the
# private D-Bus daemon) is killed and every namespace deleted on exit, also
# when the script fails or is interrupted. NT_KEEP=1 keeps the temp dir.
# Daemon logs are printed (tail) when a check failed.

. "$(dirname "${BASH_SOURCE[0]}")/busconf.sh"
. "$(dirname "${BASH_SOURCE[0]}")/conf.sh"

NT_PASS=0
NT_FAIL=0
NT_NAMESPACES=()
NT_BG_PIDS=()
declare -A NT_PID=()   # daemon label -> pid
declare -A NT_NSOF=()  # daemon label -> namespace
NT_DIR=""
NT_PREFIX=""
NT_BUS=""
NT_BUS_PID=""
# Debian's python3 directly: a pyenv shim costs seconds per call.
NT_PY=/usr/bin/python3
[ -x "$NT_PY" ] || NT_PY=python3

# nt_init NAME [TOOL...]: root check (exit 77), required tools (exit 77),
# prefix itd-NAME-$$, temp dir, cleanup trap.
nt_init() {
  local name=$1 tool
  shift
  if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root"; exit 77; fi
  for tool in ip ping "$@"; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool missing"; exit 77; }
  done
  NT_PREFIX="itd-$name-$$"
  # Namespaces of earlier runs whose script is gone (killed by a timeout).
  local ns pid
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^itd-[A-Za-z0-9_]+-[0-9]+-'); do
    pid=$(sed -E 's/^itd-[A-Za-z0-9_]+-([0-9]+)-.*/\1/' <<<"$ns")
    kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
  done
  NT_DIR=$(mktemp -d "/tmp/$NT_PREFIX.XXXXXX")
  chmod 700 "$NT_DIR"
  trap nt_cleanup EXIT
  trap 'echo "interrupted"; exit 130' INT
  trap 'echo "terminated (time limit?)"; exit 143' TERM
  # Our own time limit, below ctest's TIMEOUT, so that the cleanup runs
  # (ctest kills hard). NT_TIMEOUT seconds, default 80.
  local limit=${NT_TIMEOUT:-80} self=$$
  ( for ((i = 0; i < limit; i++)); do sleep 1; done; echo "time limit ${limit}s reached" >&2; kill -TERM $self ) \
    2>"$NT_DIR/watchdog.log" >/dev/null </dev/null &
  NT_WATCHDOG=$!
  echo "== $name: namespaces $NT_PREFIX-*, files in $NT_DIR"
}

nt_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Added to a bound that the protocol sets (DPD delay + retransmissions) when
# a check compares a measured time with it: on a loaded 2-core machine the
# daemons' timers, the test's clock reads and the kernel's route changes may
# each be late by a good part of a second. The measured time is printed;
# the benchmarks own the number.
NT_SLACK_MS=${NT_SLACK_MS:-3000}

# --- namespaces and links -------------------------------------------------

# nt_ns SHORT: creates namespace $NT_PREFIX-SHORT with lo up, prints its name
# (use as A=$(nt_ns a); the cleanup finds the namespaces by their prefix).
nt_ns() {
  local ns="$NT_PREFIX-$1"
  ip netns add "$ns" || return 1
  NT_NAMESPACES+=("$ns")
  ip -n "$ns" link set lo up
  # No DAD delay: IPv6 addresses are usable at once.
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  echo "$ns"
}

# nt_exec NS CMD...: runs CMD inside NS.
nt_exec() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# nt_veth NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair between two namespaces,
# addresses (comma-separated lists allowed, "-" for none), links up.
nt_veth() {
  local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6 a
  ip -n "$ns1" link add "$if1" type veth peer name "$if2" netns "$ns2" || return 1
  local IFS=,
  for a in $a1; do [ "$a" = - ] || ip -n "$ns1" addr add "$a" dev "$if1" nodad 2>/dev/null || ip -n "$ns1" addr add "$a" dev "$if1"; done
  for a in $a2; do [ "$a" = - ] || ip -n "$ns2" addr add "$a" dev "$if2" nodad 2>/dev/null || ip -n "$ns2" addr add "$a" dev "$if2"; done
  unset IFS
  ip -n "$ns1" link set "$if1" up && ip -n "$ns2" link set "$if2" up
}

# nt_link_up NS IF: true if IF exists in NS and its link is up (LOWER_UP or UP flag).
nt_link_up() { ip -n "$1" -o link show dev "$2" 2>/dev/null | grep -q '[<,]UP[,>]'; }
# nt_link_exists NS IF
nt_link_exists() { ip -n "$1" link show dev "$2" >/dev/null 2>&1; }
# nt_route_via NS PREFIX DEV: true if a route to PREFIX through DEV exists.
nt_route_via() {
  local fam=-4
  case $2 in *:*) fam=-6 ;; esac
  ip -n "$1" $fam route show "$2" 2>/dev/null | grep -q "dev $3\b"
}
# nt_blackhole NS PREFIX: true if a blackhole route to PREFIX exists.
nt_blackhole() {
  local fam=-4
  case $2 in *:*) fam=-6 ;; esac
  ip -n "$1" $fam route show type blackhole 2>/dev/null | grep -q "^blackhole $2\b"
}

# --- processes ------------------------------------------------------------

# nt_bg NS LOGFILE CMD...: starts CMD in NS in the background, output to
# LOGFILE; the pid is in NT_LAST_PID and killed at cleanup.
nt_bg() {
  local ns=$1 log=$2
  shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  NT_LAST_PID=$!
  NT_BG_PIDS+=("$NT_LAST_PID")
}

# nt_daemon LABEL NS CONF [ARGS...]: starts "$IKEVPND -f -c CONF ARGS" in NS,
# log in $NT_DIR/LABEL.log (appended), state dir $NT_DIR/state-LABEL. Waits
# up to 10 s for "ready" (or the process to die). Pid in NT_PID[LABEL].
nt_daemon() {
  local label=$1 ns=$2 conf=$3
  shift 3
  mkdir -p "$NT_DIR/state-$label"
  local log="$NT_DIR/$label.log"
  local skip=0
  [ -f "$log" ] && skip=$(wc -l <"$log")
  ip netns exec "$ns" "$IKEVPND" -f -c "$conf" --state-dir "$NT_DIR/state-$label" "$@" >>"$log" 2>&1 &
  NT_PID[$label]=$!
  NT_NSOF[$label]=$ns
  local deadline=$(( $(nt_now_ms) + 10000 ))
  while [ "$(nt_now_ms)" -lt $deadline ]; do
    if tail -n +$((skip + 1)) "$log" | grep -q "ready:"; then return 0; fi
    if ! kill -0 "${NT_PID[$label]}" 2>/dev/null; then
      echo "daemon $label exited during start:"; tail -n 20 "$log"; return 1
    fi
    sleep 0.05
  done
  echo "daemon $label not ready after 10 s:"; tail -n 20 "$log"
  return 1
}

# nt_alive LABEL: the daemon is still running.
nt_alive() { [ -n "${NT_PID[$1]:-}" ] && kill -0 "${NT_PID[$1]}" 2>/dev/null; }

# nt_stop LABEL [SIGNAL [TIMEOUT_S]]: sends SIGNAL (TERM) and waits for the
# process to exit (KILL after TIMEOUT_S, default 10). Returns the exit status
# (or 124 when it had to be killed).
nt_stop() {
  local label=$1 sig=${2:-TERM} timeout=${3:-10} pid=${NT_PID[$1]:-}
  [ -n "$pid" ] || return 0
  kill -"$sig" "$pid" 2>/dev/null
  local deadline=$(( $(nt_now_ms) + timeout * 1000 )) rc
  while kill -0 "$pid" 2>/dev/null && [ "$(nt_now_ms)" -lt $deadline ]; do sleep 0.05; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    unset "NT_PID[$label]"
    return 124
  fi
  wait "$pid" 2>/dev/null
  rc=$?
  unset "NT_PID[$label]"
  return $rc
}

# nt_rss_kb PID: VmRSS in kB.
nt_rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }

# --- logs -----------------------------------------------------------------

# nt_log_has LABEL REGEX: the daemon's log has a matching line.
nt_log_has() { grep -qE -- "$2" "$NT_DIR/$1.log"; }
# nt_log_count LABEL REGEX
nt_log_count() { grep -cE -- "$2" "$NT_DIR/$1.log"; }
# nt_log_mark LABEL: prints the current line count, for nt_log_since.
nt_log_mark() { wc -l <"$NT_DIR/$1.log"; }
# nt_log_since LABEL MARK REGEX: a matching line after MARK.
nt_log_since() { tail -n +$(($2 + 1)) "$NT_DIR/$1.log" | grep -qE -- "$3"; }

# nt_log_ms LABEL REGEX [MARK]: the time of day (ms) of the first matching
# line after MARK, from the daemon's "HH:MM:SS.mmm" prefix; empty if none.
nt_log_ms() {
  tail -n +$((${3:-0} + 1)) "$NT_DIR/$1.log" | grep -E -- "$2" | head -n1 |
    awk '{ split($1, t, /[:.]/); if (t[4] != "") print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4] }'
}
# nt_ms_of_day: the current time of day in ms (local time, as in the logs).
nt_ms_of_day() { date +%H:%M:%S.%N | awk '{ split($1, t, /[:.]/); print ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + int(substr(t[4], 1, 3)) }'; }
# nt_ms_between T0 T1: T1 - T0 for times of day (wraps at midnight).
nt_ms_between() { echo $(( ($2 - $1 + 86400000) % 86400000 )); }

# --- waiting and checking -------------------------------------------------

# nt_wait TIMEOUT_S DESCRIPTION CMD...: polls CMD every 0.1 s until it
# succeeds; counts as a check. Sets NT_WAITED_MS.
nt_wait() {
  local timeout=$1 what=$2
  shift 2
  local t0 deadline
  t0=$(nt_now_ms)
  deadline=$((t0 + ${timeout%.*} * 1000))
  while :; do
    if "$@" >/dev/null 2>&1; then
      NT_WAITED_MS=$(( $(nt_now_ms) - t0 ))
      nt_pass "$what (${NT_WAITED_MS} ms)"
      return 0
    fi
    [ "$(nt_now_ms)" -ge $deadline ] && break
    sleep 0.1
  done
  NT_WAITED_MS=$(( $(nt_now_ms) - t0 ))
  nt_fail "$what: not within ${timeout} s"
  return 1
}

# nt_until TIMEOUT_S CMD...: like nt_wait but silent and not a check.
nt_until() {
  local deadline=$(( $(nt_now_ms) + ${1%.*} * 1000 ))
  shift
  while :; do
    "$@" >/dev/null 2>&1 && return 0
    [ "$(nt_now_ms)" -ge $deadline ] && return 1
    sleep 0.1
  done
}

nt_pass() { NT_PASS=$((NT_PASS + 1)); echo "ok   $*"; }
nt_fail() { NT_FAIL=$((NT_FAIL + 1)); echo "FAIL $*"; }

# nt_check DESCRIPTION CMD...: runs CMD once; output shown on failure.
nt_check() {
  local what=$1
  shift
  if "$@" >"$NT_DIR/.check.out" 2>&1; then
    nt_pass "$what"
  else
    nt_fail "$what"
    sed 's/^/     | /' "$NT_DIR/.check.out" | tail -n 15
  fi
}

# nt_check_not DESCRIPTION CMD...: passes when CMD fails.
nt_check_not() {
  local what=$1
  shift
  if "$@" >"$NT_DIR/.check.out" 2>&1; then
    nt_fail "$what"
    sed 's/^/     | /' "$NT_DIR/.check.out" | tail -n 15
  else
    nt_pass "$what"
  fi
}

# nt_summary: prints "N passed, M failed"; returns 1 on any failure.
nt_summary() {
  echo "$NT_PASS passed, $NT_FAIL failed"
  [ "$NT_FAIL" = 0 ]
}

# nt_finish: nt_summary and exit with its status.
nt_finish() {
  nt_summary
  exit $?
}

# --- D-Bus ----------------------------------------------------------------

# nt_bus: starts a private dbus-daemon (anyone may own any name) listening on
# a socket in NT_DIR; its address is in NT_BUS. Works across namespaces.
nt_bus() {
  command -v dbus-daemon >/dev/null || { echo "dbus-daemon missing"; return 1; }
  cat >"$NT_DIR/bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$NT_DIR/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
XML
  nt_start_bus
}

# nt_policy_bus POLICY...: starts a private system-type dbus-daemon that
# denies method calls by default (as Debian's system bus does) and includes
# the given policy files; its address is in NT_BUS. The socket is in
# $NT_DIR/pub (NT_DIR becomes 711) so that other users can reach it.
nt_policy_bus() {
  command -v dbus-daemon >/dev/null || { echo "dbus-daemon missing"; return 1; }
  chmod 711 "$NT_DIR"
  mkdir -p -m 755 "$NT_DIR/pub"
  system_bus_conf "$NT_DIR/pub/bus.sock" "$@" >"$NT_DIR/bus.conf"
  nt_start_bus
}

# nt_start_bus: runs dbus-daemon with $NT_DIR/bus.conf, sets NT_BUS.
nt_start_bus() {
  dbus-daemon --config-file="$NT_DIR/bus.conf" --nofork --print-address >"$NT_DIR/bus.addr" 2>"$NT_DIR/bus.log" &
  NT_BUS_PID=$!
  local _
  for _ in $(seq 100); do [ -s "$NT_DIR/bus.addr" ] && break; sleep 0.05; done
  NT_BUS=$(head -n1 "$NT_DIR/bus.addr")
  [ -n "$NT_BUS" ] || { echo "dbus-daemon did not start:"; cat "$NT_DIR/bus.log"; return 1; }
}

# --- cleanup --------------------------------------------------------------

nt_cleanup() {
  local rc=$? label pid ns
  trap - EXIT
  for label in "${!NT_PID[@]}"; do kill -TERM "${NT_PID[$label]}" 2>/dev/null; done
  for pid in "${NT_BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  [ -n "${NT_WATCHDOG:-}" ] && kill "$NT_WATCHDOG" 2>/dev/null
  # Give the daemons a moment to remove their interfaces, then insist.
  local deadline=$(( $(nt_now_ms) + 3000 ))
  for label in "${!NT_PID[@]}"; do
    while kill -0 "${NT_PID[$label]}" 2>/dev/null && [ "$(nt_now_ms)" -lt $deadline ]; do sleep 0.05; done
    kill -KILL "${NT_PID[$label]}" 2>/dev/null
  done
  for pid in "${NT_BG_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  [ -n "$NT_BUS_PID" ] && kill "$NT_BUS_PID" 2>/dev/null
  wait 2>/dev/null
  # "ip netns del" fails (EBUSY) while a process that another test started
  # with "ip netns exec" still holds a copy of the mount: retry for a while;
  # what is left is removed by the next run's nt_init.
  # By prefix: nt_ns usually runs in a command substitution (a subshell), so
  # NT_NAMESPACES of this shell may not know them all.
  local left=() try
  [ -n "$NT_PREFIX" ] && mapfile -t left < <(ip netns list 2>/dev/null | awk '{print $1}' | grep -F -- "$NT_PREFIX-")
  for try in $(seq 25); do
    local again=()
    for ns in "${left[@]}"; do ip netns del "$ns" 2>/dev/null || { ip netns list | grep -q "^$ns\b" && again+=("$ns"); }; done
    left=("${again[@]}")
    [ ${#left[@]} = 0 ] && break
    sleep 0.2
  done
  [ ${#left[@]} = 0 ] || echo "note: namespaces ${left[*]} could not be deleted yet (busy); the next run removes them"
  if [ -n "$NT_DIR" ] && [ -d "$NT_DIR" ]; then
    if [ "$NT_FAIL" != 0 ] || [ "$rc" != 0 ]; then
      local f
      for f in "$NT_DIR"/*.log; do
        [ -s "$f" ] || continue
        echo "---- last lines of $(basename "$f")"
        tail -n 40 "$f"
      done
    fi
    if [ "${NT_KEEP:-0}" = 1 ]; then echo "kept $NT_DIR"; else rm -rf "$NT_DIR"; fi
  fi
  exit "$rc"
}
