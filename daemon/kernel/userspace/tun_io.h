// TUN device I/O for the datapath. The devices are IFF_TUN | IFF_NO_PI (each
// read gives one IP packet, each write takes one). The interface manager
// creates them; tests create them with OpenTun().
#pragma once

#include <cstddef>
#include <string>

#include "daemon/base/status.h"
#include "daemon/kernel/userspace/packet_buffer.h"

namespace ikevpn::kernel::userspace {

// Makes reads and writes on `fd` non-blocking (the open file is shared with
// the interface manager, which does not read it).
Status SetNonBlocking(int fd);

// Reads up to `count` packets into `packets` (each Reset() on its slot by
// the caller). Returns how many were read; stops at the first EAGAIN.
size_t ReadTunBatch(int fd, PacketBuffer* packets, size_t count);

// Writes one packet; false if the device refused it (dropped).
bool WriteTun(int fd, const PacketBuffer& pkt);

// Opens /dev/net/tun and attaches to (or creates) the TUN device `name`
// with IFF_TUN | IFF_NO_PI. For tests and tools; the daemon gets its fds
// from the interface manager.
Result<int> OpenTun(const std::string& name);

}  // namespace ikevpn::kernel::userspace
