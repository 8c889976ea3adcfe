#!/usr/bin/env bash
# Installs, from Debian's archive, whatever ikevpn needs to build, test and
# run its demo that is not on this machine yet. Safe to run again.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config ccache
  libssl-dev libnl-3-dev libnl-route-3-dev libnl-xfrm-3-dev
  libsdbus-c++-dev libsdbus-c++-bin libsystemd-dev libboost-program-options-dev
  libgtest-dev libgmock-dev libbenchmark-dev clang-14 libclang-rt-14-dev
  # run and test
  iproute2 iputils-ping nftables tcpdump iperf3 dbus mandoc procps psmisc jq util-linux
)
if [[ "${IKEVPN_DEPS:-}" == *interop* ]]; then
  packages+=(strongswan-charon strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins)
fi
if [[ "${IKEVPN_DEPS:-}" == *nm* ]]; then
  packages+=(network-manager network-manager-dev libnm-dev)
fi
if [[ "${IKEVPN_DEPS:-}" == *vm* ]]; then
  packages+=(qemu-system-x86 busybox-static xz-utils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
