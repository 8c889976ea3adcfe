// TUN device I/O for the datapath. The devices are IFF_TUN | IFF_NO_PI (each
// read gives one IP packet, each write takes one), usually with
// IFF_VNET_HDR: then each read and write starts with a struct
// virtio_net_hdr and TCP may come as 64 KB super-packets (tun_segment.h,
// tun_coalesce.h). The interface manager creates them; tests and tools
// create them with OpenTun().
#pragma once

#include <cstddef>
#include <string>

#include "daemon/base/status.h"
#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace {

// Makes reads and writes on `fd` non-blocking (the open file is shared with
// the interface manager, which does not read it).
Status SetNonBlocking(int fd);

// If the device behind `fd` has IFF_VNET_HDR, enables checksum and TCP
// segmentation offload (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) and returns
// true; false for a plain device.
Result<bool> SetupTunOffload(int fd);

// Reads up to `count` packets into `packets` (each Reset() on its slot by
// the caller). Returns how many were read; stops at the first EAGAIN.
size_t ReadTunBatch(int fd, PacketBuffer* packets, size_t count);

// Writes one packet; false if the device refused it (dropped).
bool WriteTun(int fd, const PacketBuffer& pkt);

// Opens /dev/net/tun and attaches to (or creates) the TUN device `name`
// with IFF_TUN | IFF_NO_PI (| IFF_VNET_HDR). For tests and tools; the
// daemon gets its fds from the interface manager.
Result<int> OpenTun(const std::string& name, bool vnet_hdr = false);

}  // namespace ikevpn::kernel::userspace
