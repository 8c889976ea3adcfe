#!/bin/bash
# xfrm_vm.sh [BUILD_DIR] [N]: boots the test VM (tests/vm/run.sh, Debian's
# kernel under qemu TCG, 1 vCPU) and runs xfrm_install_bench N (default
# 10000) in it, 3 times in one boot. Figures: docs/BENCHMARKS.md, "xfrm
# backend in the VM".
#   cmake --build build --target xfrm_install_bench && bench/xfrm_vm.sh build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
n=${2:-10000}
bin=$build/bench/xfrm_install_bench
[ -x "$bin" ] || { echo "$bin missing: cmake --build $build --target xfrm_install_bench" >&2; exit 1; }
export IKEVPN_VM_CACHE=${IKEVPN_VM_CACHE:-$build/vm-cache}
exec "$here/../tests/vm/run.sh" --timeout 900 --memory 512 --bin "$bin=/usr/bin/xfrm_install_bench" -- \
  bash -c "for i in 1 2 3; do echo \"== run \$i\"; xfrm_install_bench $n || exit 1; done"
