#!/bin/bash
# xfrm_ip_batch.sh N: the anchor for xfrm_install_bench, run in the same VM:
# the same N CHILD_SAs (2 ESP SAs AES-GCM/ESN/1024 + in/out/fwd policies,
# if_id 0x10000) installed by iproute2 from one `ip -batch` file, i.e. the
# kernel's cost plus iproute2's, without the daemon. Then flushes them.
set -euo pipefail
n=${1:-2000}
batch=$(mktemp)
awk -v n="$n" 'BEGIN {
  key = "0x"; for (k = 0; k < 36; k++) key = key "ab"
  for (i = 0; i < n; i++) {
    c = 1 + i; client = sprintf("198.51.%d.%d", int(c / 256), c % 256)
    remote = sprintf("10.%d.%d.%d/32", 128 + int(i / 65536), int(i / 256) % 256, i % 256)
    spi = 268435456 + 2 * i; r = i + 1
    common = sprintf("proto esp reqid %d mode tunnel flag af-unspec flag esn replay-window 1024 " \
                     "aead rfc4106(gcm(aes)) %s 128 if_id 0x10000 limit time-soft 3000 limit time-hard 3600", r, key)
    printf "xfrm state add src %s dst 192.0.2.1 spi %d %s\n", client, spi, common
    printf "xfrm state add src 192.0.2.1 dst %s spi %d %s\n", client, spi + 1, common
    printf "xfrm policy add src 10.0.0.0/16 dst %s dir out priority 1000 if_id 0x10000 tmpl src 192.0.2.1 dst %s proto esp reqid %d mode tunnel\n", remote, client, r
    printf "xfrm policy add src %s dst 10.0.0.0/16 dir in priority 1000 if_id 0x10000 tmpl src %s dst 192.0.2.1 proto esp reqid %d mode tunnel\n", remote, client, r
    printf "xfrm policy add src %s dst 10.0.0.0/16 dir fwd priority 1000 if_id 0x10000 tmpl src %s dst 192.0.2.1 proto esp reqid %d mode tunnel\n", remote, client, r
  }
}' >"$batch"
t0=$(date +%s%N)
ip -batch "$batch"
t1=$(date +%s%N)
echo "ip_batch_child_sas: $n"
echo "ip_batch_install_s: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
echo "ip_batch_per_child_sa_ms: $(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.3f", (b - a) / 1e6 / n }')"
echo "ip_batch_states: $(ip xfrm state | grep -c '^src')  policies: $(ip xfrm policy | grep -c '^src')"
ip xfrm state flush
ip xfrm policy flush
rm -f "$batch"
