// Traffic selector narrowing (RFC 7296 §2.9).
//
// The responder answers with the part of the initiator's TSi/TSr that its
// own policy allows: every non-empty intersection of a proposed selector
// with a configured one. The initiator then checks that what came back is
// within what it proposed. Pure functions.
#pragma once

#include "daemon/base/status.h"
#include "daemon/base/traffic_selector.h"

namespace ikevpn::ike {

struct TsPair {
  TrafficSelectors initiator;  // TSi
  TrafficSelectors responder;  // TSr
};

// Responder: `proposed` is what the peer sent (TSi: its side, TSr: ours);
// `local`/`remote` are our configured selectors for our side and its side.
// The first selector of each proposed list may be the specific packet that
// triggered the request (§2.9); it is treated like any other.
// Code::kNotFound if either side narrows to nothing (TS_UNACCEPTABLE).
Result<TsPair> NarrowResponder(const TsPair& proposed, const TrafficSelectors& local,
                               const TrafficSelectors& remote);

// Initiator: the responder's answer must lie within what was proposed.
// Code::kDrop if it does not, or is empty.
Status CheckNarrowed(const TsPair& proposed, const TsPair& answered);

// Replaces every selector of a family with a single host selector for
// `address` (used for virtual IPs: "dynamic" selectors).
TrafficSelectors ForAddress(const IpAddress& address);

}  // namespace ikevpn::ike
