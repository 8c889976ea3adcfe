// AddressMonitor: tells the daemon when its addresses or routes change
// (rtnetlink RTMGRP_IPV4/IPV6_IFADDR and _ROUTE, and links), so MOBIKE can
// move IKE SAs to the source address that now reaches their peers.
//
// Changes come in bursts (an address goes, its prefix route goes, a new
// address and routes come): they are coalesced, and the callback runs once
// on the event loop `settle` after the last message of a burst.
#pragma once

#include <functional>

#include "daemon/base/bytes.h"
#include "daemon/base/event_loop.h"
#include "daemon/base/status.h"

namespace ikevpn::net {

// Whether a buffer of rtnetlink messages (as read from the socket) holds
// an address, route or link change. Pure; truncated messages end the scan.
bool HasAddressOrRouteChange(ByteSpan buffer);

class AddressMonitor {
 public:
  AddressMonitor(EventLoop& loop, std::function<void()> on_change,
                 Duration settle = std::chrono::milliseconds(50));
  ~AddressMonitor();
  AddressMonitor(const AddressMonitor&) = delete;
  AddressMonitor& operator=(const AddressMonitor&) = delete;

  // Opens the rtnetlink socket, joins the groups and watches it on the loop.
  Status Start();
  void Stop();

 private:
  void ReadReady();
  void Changed();

  EventLoop& loop_;
  std::function<void()> on_change_;
  Duration settle_;
  int fd_ = -1;
  TimerId timer_ = kNoTimer;
  Bytes buffer_;
};

}  // namespace ikevpn::net
