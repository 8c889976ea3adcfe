#!/bin/bash
# xfrm_vm.sh [BUILD_DIR] [N] [RUNS] [ANCHOR_N]: boots the test VM
# (tests/vm/run.sh: Debian's kernel under qemu TCG, 1 vCPU, 512 MB) and runs
# xfrm_install_bench N (default 10000) RUNS times (default 3) in one boot,
# then the anchor, bench/xfrm_ip_batch.sh ANCHOR_N (default 2000: the same
# CHILD_SAs through `ip -batch`; 0 skips it). Figures: docs/BENCHMARKS.md,
# "xfrm backend in the VM".
#   cmake --build build --target xfrm_install_bench && bench/xfrm_vm.sh build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
n=${2:-10000} runs=${3:-3} anchor=${4:-2000}
bin=$build/bench/xfrm_install_bench
[ -x "$bin" ] || { echo "$bin missing: cmake --build $build --target xfrm_install_bench" >&2; exit 1; }
export IKEVPN_VM_CACHE=${IKEVPN_VM_CACHE:-$build/vm-cache}
exec "$here/../tests/vm/run.sh" --timeout 3000 --memory 512 \
  --bin "$bin=/usr/bin/xfrm_install_bench" --file "$here/xfrm_ip_batch.sh=/usr/bin/xfrm_ip_batch.sh" -- \
  bash -c "for i in \$(seq $runs); do echo \"== run \$i\"; xfrm_install_bench $n || exit 1; done
           if [ $anchor -gt 0 ]; then echo '== anchor: ip -batch'; xfrm_ip_batch.sh $anchor; fi"
