#!/bin/bash
# Address inertia: an ikevpnd gateway (remote = %any, inertia = yes) and
# three ikevpnd road warriors, one behind an nftables NAT (userspace
# backend, configured inner addresses). The gateway is killed with SIGKILL
# (no Delete: the clients keep stale IKE_SAs) and restarted: it initiates to
# each remembered client at its last address (through the NAT for c3) and
# every client's ping resumes. Prints the time from the restart to each
# client's first ping reply; the check allows 10 s (target 2 s, measured
# numbers in docs/BENCHMARKS.md). The clients' DPD (30 s) cannot be what
# brings them back within that time.
#
# usage: inertia_test.sh IKEVPND IKEVPNCTL
set -u
IKEVPND=$1
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../lib/roadwarriors.sh"
NT_TIMEOUT=75 nt_init inertia nft
RW_DPD=30s
LIMIT_MS=10000

rw_start_all || nt_finish
for i in 1 2 3; do nt_wait 15 "c$i: tunnel up, ping reaches the gateway" rw_ping_ok $i; done
STATE=$NT_DIR/state-gw/inertia
nt_wait 10 "gateway remembered the three clients" eval "[ \$(grep -c '^peer ' '$STATE' 2>/dev/null) = 3 ]"
nt_check "c3 is remembered behind the NAT (192.0.2.13, NAT flag)" grep -qE '^peer [0-9a-f]+ 2 [0-9a-f]+ [0-9a-f]+ 192\.0\.2\.13 [0-9]+ 1 10\.99\.0\.13 ' "$STATE"
nt_check "c1 is remembered on port 4500 without the NAT flag (forced encapsulation is no NAT)" grep -qE '^peer [0-9a-f]+ 2 [0-9a-f]+ [0-9a-f]+ 192\.0\.2\.11 4500 0 ' "$STATE"
# The clients' stale SAs must be older (whole seconds) than the new ones.
sleep 1.2

echo "-- kill -9 the gateway, restart it"
rw_pingers_start
nt_stop gw KILL 5
sleep 0.5
rw_restart_gateway
rw_check_resumed $LIMIT_MS
nt_check "gateway initiated to the remembered clients" nt_log_has gw 'inertia: 3 remembered peer'
nt_check "c3 was initiated to at its NAT's address" nt_log_has gw 'initiating IKE_SA rw\[[0-9]+\] to @c3 at 192\.0\.2\.13:[0-9]+ \(address inertia\)'
nt_check "... from the NAT-T port" nt_log_has gw 'established between 192\.0\.2\.1:4500 \[@gw\] and 192\.0\.2\.13:'
for i in 1 2 3; do
  nt_check "c$i: the stale IKE_SA was replaced" nt_log_has c$i 'replaced by \[[0-9]+\]: @gw sent INITIAL_CONTACT'
  nt_check_not "c$i: ipsec0 did not flap" nt_log_has c$i 'ipsec0 down'
done
nt_finish
