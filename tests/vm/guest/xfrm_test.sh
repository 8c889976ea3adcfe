#!/usr/bin/bash
# The xfrm backend end to end on a real kernel (runs inside the VM, see
# tests/vm/run.sh). Client c has two tunnels to the same remote subnets:
#
#   c ipsec0 (made by ikevpnd, metric 100) ── v1 192.0.2.0/24 ──── g1
#   c ipsec1 (adopted: made before ikevpnd starts, metric 200,
#             ESP in UDP) ── v2 198.51.100.0/24 ── g2
#
# g1 and g2 both hold 10.9.0.1 and fd09::1; c pings them from 10.1.0.1 and
# fd01::1. c's default routes go through g1 in the clear, so traffic that
# escapes the tunnels would reach g1 unencrypted: the leak checks count the
# ICMP echo requests g1 and g2 receive.
#
#   1. establish: SAs and policies (in/out/fwd, v4 and v6) carry the if_id,
#      ikevpnd creates ipsec0 and adopts ipsec1, routes with metrics,
#      IPv4 and IPv6 through ipsec0
#   2. c rekeys the g1 CHILD_SA (short lifetime) under a 5/s ping: new SPIs,
#      no lost ping, ipsec0 never goes down
#   3. kill -9 g1: c's ipsec0 goes down, its routes leave, traffic fails
#      over to ipsec1 (worse metric)
#   4. g1 restarts (cleans its crashed run's leftovers) and initiates: c's
#      ipsec0 comes back up with its IPv6 address and routes re-added
#   5. kill -9 g1 and g2: both links down, blackhole leak guards in place,
#      pings fail and nothing reaches g1/g2 in the clear (and without the
#      guard it would: checked by removing it for a moment)
#   6. SIGTERM c: every SA, policy, route and interface it made is gone;
#      the adopted ipsec1 stays
#   7. start-action = trap (new pair t, r): an out trap policy and no SA;
#      a ping raises ACQUIRE, t initiates, the SAs take the trap's reqid
#      and later pings pass
#   8. r goes: the SAs go, the trap policy stays; traffic starts it again
#
# usage (in the guest): xfrm_test.sh IKEVPND
set -u
IKEVPND=$1
. /test/lib/netns.sh
NT_TIMEOUT=${IKEVPN_VM_TEST_TIMEOUT:-300} nt_init xfrm

IFID0=$((0x10000))   # ipsec0 (see docs/config-keys.md, if-id)
IFID1=$((0x10001))   # ipsec1

C=$(nt_ns c) G1=$(nt_ns g1) G2=$(nt_ns g2)
nt_veth "$C" v1 192.0.2.1/24,2001:db8:1::1/64 "$G1" v0 192.0.2.2/24,2001:db8:1::2/64
nt_veth "$C" v2 198.51.100.1/24 "$G2" v0 198.51.100.2/24
ip -n "$C" addr add 10.1.0.1/32 dev lo
ip -n "$C" addr add fd01::1/128 dev lo
for ns in "$G1" "$G2"; do
  ip -n "$ns" addr add 10.9.0.1/32 dev lo
  ip -n "$ns" addr add fd09::1/128 dev lo
done
# What a leak would use: c's default routes point at g1 in the clear.
ip -n "$C" route add default via 192.0.2.2
ip -n "$C" -6 route add default via 2001:db8:1::2
# ipsec1 exists before ikevpnd starts: it must adopt it, not delete it.
ip -n "$C" link add ipsec1 type xfrm if_id $IFID1

globals() { nt_global log-level=info,knl=debug,if=debug retransmit-tries=2; }
conn() {  # NAME LOCAL REMOTE LID RID LTS RTS IFACE START [KEY=VALUE...]
  nt_psk_section "${@:1:7}" "" interface="$8" start-action="$9" dpd-delay=1s dpd-action=clear "${@:10}"
}
C_TS="10.1.0.0/24, fd01::/64" G_TS="10.9.0.0/24, fd09::/64"
# c rekeys the g1 CHILD_SA 8 s after it is made (lifetime 40 s, margin
# 32 s); g1's own timer (margin 5 s) never fires first.
{ globals
  conn g1 192.0.2.1 192.0.2.2 c g1 "$C_TS" "$G_TS" ipsec0 start \
    metric=100 leak-guard=yes "interface-address=10.1.0.10/32, fd01::10/128" \
    child-lifetime=40s child-rekey-margin=32s child-rekey-jitter=0 esp=aes256gcm16-esn
  conn g2 198.51.100.1 198.51.100.2 c g2 "$C_TS" "$G_TS" ipsec1 start metric=200 leak-guard=yes \
    encap=force esp=chacha20poly1305
} | nt_conf "$NT_DIR/c.conf"
g1_conf() {  # START
  { globals
    conn c 192.0.2.2 192.0.2.1 g1 c "$G_TS" "$C_TS" ipsec0 "$1" \
      child-lifetime=40s child-rekey-margin=5s child-rekey-jitter=0 esp=aes256gcm16-esn
  } | nt_conf "$NT_DIR/g1-$1.conf"
}
g1_conf none
g1_conf start
{ globals; conn c 198.51.100.2 198.51.100.1 g2 c "$G_TS" "$C_TS" ipsec0 none esp=chacha20poly1305; } | nt_conf "$NT_DIR/g2.conf"

DAEMON_ARGS=(--backend xfrm --bus none)
nt_check "g1 starts" nt_daemon g1 "$G1" "$NT_DIR/g1-none.conf" "${DAEMON_ARGS[@]}"
nt_check "g2 starts" nt_daemon g2 "$G2" "$NT_DIR/g2.conf" "${DAEMON_ARGS[@]}"
nt_check "c starts" nt_daemon c "$C" "$NT_DIR/c.conf" "${DAEMON_ARGS[@]}"
nt_alive c && nt_alive g1 && nt_alive g2 || nt_finish
ip -n "$C" monitor link >"$NT_DIR/c-links.log" 2>&1 &
NT_BG_PIDS+=($!)

# --- helpers ---------------------------------------------------------------
xs() { ip -n "$1" xfrm state; }
xp() { ip -n "$1" xfrm policy; }
# ICMP echo requests received (v4 + v6) in NS: what a leak would raise.
echos_in() {
  ip netns exec "$1" awk '
    $1 == "Icmp:" { if (!h4) { for (i = 1; i <= NF; i++) c4[$i] = i; h4 = 1 } else v4 = $(c4["InEchos"]) }
    $1 == "Icmp6InEchos" { v6 = $2 }
    END { print v4 + v6 }' /proc/net/snmp /proc/net/snmp6
}
ping4() { nt_exec "$C" ping -c "${2:-3}" -i 0.2 -W 3 -I 10.1.0.1 10.9.0.1 >/dev/null; }
ping6() { nt_exec "$C" ping -6 -c "${2:-3}" -i 0.2 -W 3 -I fd01::1 fd09::1 >/dev/null; }
# policies NS [IF_ID]: how many policies (not counting socket policies) of
# each if_id and direction, "0x10000 fwd 2 0x10000 in 2 ..." (if_id "none"
# for policies without one); only those of IF_ID if given.
policies() {
  xp "$1" | awk -v want="${2:-}" '
    function flush() {
      if (dir != "" && !sock && (want == "" || ifid == want)) print (ifid == "" ? "none" : ifid), dir
      dir = ""; ifid = ""; sock = 0
    }
    /^src/ { flush(); next }
    $1 == "dir" { dir = $2 }
    /socket/ { sock = 1 }
    $1 == "if_id" { ifid = $2 }
    END { flush() }' | sort | uniq -c | awk '{ print $2, $3, $1 }' | tr '\n' ' '
}
spis() { xs "$1" | awk '/^src/ { getline; print $4 }' | sort | tr '\n' ' '; }
dev_of() { ip -n "$C" "$1" route get "$2" from "$3" 2>&1; }

echo "-- 1. establish"
nt_wait 40 "c: both CHILD_SAs established" eval '[ "$(nt_log_count c "CHILD_SA g[12]\{[0-9]+\} established")" -ge 2 ]'
nt_wait 10 "c: ipsec0 up" nt_link_up "$C" ipsec0
nt_wait 10 "c: ipsec1 up" nt_link_up "$C" ipsec1
nt_check "c: ikevpnd made ipsec0 as an xfrm link with if_id 0x10000" \
  eval 'ip -n "$C" -d link show ipsec0 | grep -q "xfrm if_id 0x10000"'
nt_check "c: it adopted ipsec1 (log)" nt_log_has c 'ipsec1.*adopt|adopt.*ipsec1'
for ns in c:"$C" g1:"$G1"; do
  IFS=: read -r l n <<<"$ns"
  nt_check "$l: 2 SAs for ipsec0, both with if_id 0x10000" \
    eval '[ "$(xs "$n" | grep -c "^src 192.0.2")" = 2 ] && [ "$(xs "$n" | grep -c "if_id 0x10000")" = 2 ]'
  nt_check "$l: ipsec0's SAs: AES-GCM, ESN with a 1024-packet replay window, soft and hard lifetimes" \
    eval '[ "$(xs "$n" | grep -c "aead rfc4106(gcm(aes))")" = 2 ] && [ "$(xs "$n" | grep -c "flag af-unspec esn")" = 2 ] &&
          [ "$(ip -n "$n" -s xfrm state | grep -c "replay_window 1024")" -ge 2 ] &&
          ip -n "$n" -s xfrm state | grep -qE "expire add: soft [1-9][0-9]*\(sec\), hard [1-9][0-9]*\(sec\)"'
  nt_check "$l: in, out and fwd policies for v4 and v6 with if_id 0x10000 ($(policies "$n" 0x10000))" \
    test "$(policies "$n" 0x10000)" = "0x10000 fwd 2 0x10000 in 2 0x10000 out 2 "
done
nt_check "c: ipsec1's SAs use ChaCha20-Poly1305" eval '[ "$(xs "$C" | grep -c "aead rfc7539esp(chacha20,poly1305)")" = 2 ]'
nt_check "c: ipsec1's SAs are UDP-encapsulated (encap = force)" \
  eval '[ "$(xs "$C" | grep -c "encap type espinudp sport 4500 dport 4500")" = 2 ]'
echo "     c's SAs:"; xs "$C" | grep -vE "^\s+(auth|enc|aead) " | sed 's/^/     | /'
nt_check "c: ipsec1's SAs carry if_id 0x10001" eval '[ "$(xs "$C" | grep -c "if_id 0x10001")" = 2 ]'
nt_check "c: 12 policies, each with its tunnel's if_id ($(policies "$C"))" \
  test "$(policies "$C")" = "0x10000 fwd 2 0x10000 in 2 0x10000 out 2 0x10001 fwd 2 0x10001 in 2 0x10001 out 2 "
nt_check "c: socket bypass policies for the IKE sockets" eval 'ip -n "$C" xfrm policy | grep -q "socket in"'
nt_wait 10 "c: route 10.9.0.0/24 dev ipsec0 metric 100" eval 'ip -n "$C" route show 10.9.0.0/24 | grep -q "dev ipsec0.*metric 100"'
nt_wait 10 "c: route fd09::/64 dev ipsec0 metric 100" eval 'ip -n "$C" -6 route show fd09::/64 | grep -q "dev ipsec0.*metric 100"'
nt_wait 10 "c: route 10.9.0.0/24 dev ipsec1 metric 200" eval 'ip -n "$C" route show 10.9.0.0/24 | grep -q "dev ipsec1.*metric 200"'
nt_check "c: interface addresses on ipsec0" eval 'ip -n "$C" addr show dev ipsec0 | grep -q "10.1.0.10/32" && ip -n "$C" addr show dev ipsec0 | grep -q "fd01::10/128"'
nt_check "c: 10.9.0.1 goes through ipsec0" eval 'dev_of -4 10.9.0.1 10.1.0.1 | grep -q "dev ipsec0"'
nt_check "IPv4 c -> g1 through ipsec0" ping4
nt_check "IPv6 c -> g1 through ipsec0" ping6
nt_check "g1 received them on its ipsec0" eval '[ "$(ip -n "$G1" -s link show ipsec0 | awk "/RX:/ { getline; print \$2 }")" -ge 6 ]'
nt_check "c: the ESP SAs counted the traffic" eval 'ip -n "$C" -s xfrm state | grep -qE "[1-9][0-9]*\(bytes\)"'

echo "-- 2. rekey under traffic"
SPIS0=$(spis "$C")
MARK=$(nt_log_mark c)
nt_bg "$C" "$NT_DIR/rekey-ping.out" ping -i 0.2 -W 3 -I 10.1.0.1 10.9.0.1
PING=$NT_LAST_PID
nt_wait 40 "c: CHILD_SA g1 rekeyed" nt_log_since c "$MARK" 'CHILD_SA g1\{[0-9]+\} rekeyed'
nt_wait 10 "c: the old SA pair is gone (2 SAs for ipsec0 again)" eval '[ "$(xs "$C" | grep -c "^src 192.0.2")" = 2 ]'
sleep 2
kill -INT "$PING" 2>/dev/null; wait "$PING" 2>/dev/null
SPIS1=$(spis "$C")
nt_check "c: new SPIs after the rekey ($SPIS1; were $SPIS0)" test "$SPIS0" != "$SPIS1"
SENT=$(grep -oE '^[0-9]+ packets transmitted' "$NT_DIR/rekey-ping.out" | grep -oE '^[0-9]+')
RECV=$(grep -c "bytes from" "$NT_DIR/rekey-ping.out")
# The last request may still have been in flight when ping was stopped:
# every earlier one must have had its answer.
LOST=$(for ((s = 1; s < ${SENT:-0}; s++)); do
  grep -q "icmp_seq=$s " "$NT_DIR/rekey-ping.out" || printf '%s ' "$s"; done)
echo "     rekey: ${RECV} of ${SENT:-?} pings answered; unanswered before the last: ${LOST:-none}"
nt_check "no ping lost across the rekey (${RECV}/${SENT:-?})" test "${SENT:-0}" -ge 10 -a -z "$LOST"
# ip monitor prints the link whenever it changes; without UP it was down.
nt_check "c: ipsec0 never went down during the rekey" eval '! grep -E "ipsec0[@:]" "$NT_DIR/c-links.log" | grep -v "<[^>]*UP"'

echo "-- 3. kill -9 g1: failover to ipsec1"
nt_stop g1 KILL 5
nt_wait 20 "c: ipsec0 down" eval '! nt_link_up "$C" ipsec0'
nt_wait 5 "c: IPv4 route via ipsec0 gone" eval '! nt_route_via "$C" 10.9.0.0/24 ipsec0'
nt_wait 5 "c: IPv6 route via ipsec0 gone" eval '! nt_route_via "$C" fd09::/64 ipsec0'
nt_check "c: its SAs are gone" eval '! xs "$C" | grep -q "if_id 0x10000"'
nt_check "c: 10.9.0.1 now goes through ipsec1" eval 'dev_of -4 10.9.0.1 10.1.0.1 | grep -q "dev ipsec1"'
nt_check "IPv4 c -> g2 through ipsec1" ping4
nt_check "IPv6 c -> g2 through ipsec1" ping6

echo "-- 4. g1 comes back: ipsec0 up again with its IPv6 address and routes"
nt_check "g1 left SAs behind when killed" eval '[ "$(xs "$G1" | grep -c "if_id 0x10000")" -ge 2 ]'
nt_check "g1 restarts (initiating)" nt_daemon g1 "$G1" "$NT_DIR/g1-start.conf" "${DAEMON_ARGS[@]}"
nt_wait 40 "c: CHILD_SA g1 established again" eval '[ "$(nt_log_count c "CHILD_SA g1\{[0-9]+\} established")" -ge 2 ]'
nt_wait 10 "c: ipsec0 up again" nt_link_up "$C" ipsec0
nt_wait 10 "c: fd01::10 back on ipsec0" eval 'ip -n "$C" addr show dev ipsec0 | grep -q "fd01::10/128"'
nt_wait 10 "c: IPv6 route via ipsec0 back" nt_route_via "$C" fd09::/64 ipsec0
nt_wait 10 "c: IPv4 route via ipsec0 back" nt_route_via "$C" 10.9.0.0/24 ipsec0
nt_check "g1: only the new SA pair (the crashed run's were flushed)" \
  eval '[ "$(xs "$G1" | grep -c "if_id 0x10000")" = 2 ]'
nt_check "IPv6 c -> g1 through ipsec0 again" eval 'ping6 && dev_of -6 fd09::1 fd01::1 | grep -q "dev ipsec0"'

echo "-- 5. both gateways killed: no clear-text leak"
nt_stop g1 KILL 5
nt_stop g2 KILL 5
nt_wait 20 "c: ipsec0 down" eval '! nt_link_up "$C" ipsec0'
nt_wait 20 "c: ipsec1 down" eval '! nt_link_up "$C" ipsec1'
nt_wait 5 "c: no route via ipsec0/ipsec1 left" eval '! ip -n "$C" route | grep -q ipsec; ! ip -n "$C" -6 route | grep -q ipsec'
nt_check "c: blackhole leak guards for 10.9.0.0/24 and fd09::/64" \
  eval 'nt_blackhole "$C" 10.9.0.0/24 && nt_blackhole "$C" fd09::/64'
E0=$(( $(echos_in "$G1") + $(echos_in "$G2") ))
nt_check_not "IPv4 c -> 10.9.0.1 fails" ping4 2
nt_check_not "IPv6 c -> fd09::1 fails" ping6 2
E1=$(( $(echos_in "$G1") + $(echos_in "$G2") ))
nt_check "no echo request reached g1/g2 in the clear ($((E1 - E0)))" test "$E1" = "$E0"
# Control: without the guard the same ping does leak (so the counter works).
GUARD=$(ip -n "$C" route show type blackhole 10.9.0.0/24 | head -n1)
ip -n "$C" route del $GUARD
nt_exec "$C" ping -c 1 -W 2 -I 10.1.0.1 10.9.0.1 >/dev/null 2>&1
E2=$(( $(echos_in "$G1") + $(echos_in "$G2") ))
ip -n "$C" route add $GUARD
nt_check "control: without the guard the echo request does reach g1 in the clear" test "$E2" -gt "$E1"

echo "-- 6. SIGTERM c: everything it made is removed"
nt_check "c exits with status 0" nt_stop c TERM 20
nt_check "c: no SA left" eval '[ -z "$(xs "$C")" ]'
nt_check "c: no policy left" eval '[ -z "$(policies "$C")" ]'
nt_check "c: ipsec0 (its own) is deleted" eval '! nt_link_exists "$C" ipsec0'
nt_check "c: ipsec1 (adopted) is kept" nt_link_exists "$C" ipsec1
nt_check "c: no blackhole route left" eval '[ -z "$(ip -n "$C" route show type blackhole; ip -n "$C" -6 route show type blackhole)" ]'
nt_check "c: no route through ipsec1 left" eval '! ip -n "$C" route | grep -q ipsec1'

echo "-- 7. start-action = trap: the first packet starts the tunnel"
# t traps (ipsec5), r waits. Inner 10.2.0.1 (t) <-> 10.8.0.1 (r).
T=$(nt_ns t) R=$(nt_ns r)
nt_veth "$T" v0 203.0.113.1/24 "$R" v0 203.0.113.2/24
ip -n "$T" addr add 10.2.0.1/32 dev lo
ip -n "$R" addr add 10.8.0.1/32 dev lo
{ globals; conn r 203.0.113.1 203.0.113.2 t r "10.2.0.0/24" "10.8.0.0/24" ipsec5 trap; } | nt_conf "$NT_DIR/t.conf"
{ globals; conn t 203.0.113.2 203.0.113.1 r t "10.8.0.0/24" "10.2.0.0/24" ipsec5 none; } | nt_conf "$NT_DIR/r.conf"
nt_check "r starts" nt_daemon r "$R" "$NT_DIR/r.conf" "${DAEMON_ARGS[@]}"
nt_check "t starts" nt_daemon t "$T" "$NT_DIR/t.conf" "${DAEMON_ARGS[@]}"
IFID5=$((0x10005))
nt_wait 10 "t: trap armed" nt_log_has t 'connection r: trap armed'
nt_wait 10 "t: ipsec5 up while the trap is armed" nt_link_up "$T" ipsec5
nt_wait 10 "t: route 10.8.0.0/24 dev ipsec5" nt_route_via "$T" 10.8.0.0/24 ipsec5
nt_check "t: no SA before traffic" eval '[ -z "$(xs "$T")" ]'
nt_check "t: one out trap policy with if_id 0x10005 ($(policies "$T"))" test "$(policies "$T")" = "0x10005 out 1 "
# 5 * (24 + 24) below the base 200000 (daemon/kernel/policy_priority.h).
nt_check "t: the trap policy has priority 199760, reqid and tunnel template" \
  eval 'xp "$T" | grep -q "priority 199760" && xp "$T" | grep -qE "tmpl src 203.0.113.1 dst 203.0.113.2" &&
        xp "$T" | grep -qE "reqid [1-9]"'
nt_exec "$T" ping -c 3 -i 0.5 -W 2 -I 10.2.0.1 10.8.0.1 >/dev/null 2>&1
nt_wait 30 "t: the ping hit the trap (acquire) and initiated" nt_log_has t 'connection r: traffic .* hit its trap, initiating'
nt_wait 30 "t: CHILD_SA established" nt_log_has t 'CHILD_SA r\{[0-9]+\} established'
nt_wait 10 "t: 2 SAs with if_id 0x10005" eval '[ "$(xs "$T" | grep -c "if_id 0x10005")" = 2 ]'
nt_check "t: the SAs took the trap's reqid" \
  eval '[ "$(xs "$T" | grep -oE "reqid [0-9]+" | sort -u)" = "$(xp "$T" | grep -oE "reqid [0-9]+" | sort -u)" ]'
nt_check "t: out, in, fwd policies now ($(policies "$T"))" test "$(policies "$T")" = "0x10005 fwd 1 0x10005 in 1 0x10005 out 1 "
nt_check "IPv4 t -> r through the trapped tunnel" nt_exec "$T" ping -c 3 -i 0.2 -W 3 -I 10.2.0.1 10.8.0.1
nt_check "t: one IKE_SA only (repeated acquires joined the attempt)" \
  test "$(nt_log_count t 'initiating IKE_SA')" = 1
echo "-- 8. the SA goes, the trap stays"
nt_check "r stops" nt_stop r TERM 20
nt_wait 20 "t: SAs gone after r's delete" eval '[ -z "$(xs "$T")" ]'
nt_wait 10 "t: the trap policy is back alone ($(policies "$T"))" eval '[ "$(policies "$T")" = "0x10005 out 1 " ]'
nt_check "r restarts" nt_daemon r "$R" "$NT_DIR/r.conf" "${DAEMON_ARGS[@]}"
MARK=$(nt_log_mark t)
nt_exec "$T" ping -c 3 -i 0.5 -W 2 -I 10.2.0.1 10.8.0.1 >/dev/null 2>&1
nt_wait 30 "t: traffic re-initiated through the trap" nt_log_since t "$MARK" 'CHILD_SA r\{[0-9]+\} established'
nt_check "IPv4 t -> r again" nt_exec "$T" ping -c 3 -i 0.2 -W 3 -I 10.2.0.1 10.8.0.1
nt_check "t exits with status 0" nt_stop t TERM 20
nt_check "t: no policy left" eval '[ -z "$(policies "$T")" ]'
nt_finish
