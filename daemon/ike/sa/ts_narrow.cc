#include "daemon/ike/sa/ts_narrow.h"

#include <algorithm>

namespace ikevpn::ike {

namespace {

TrafficSelectors IntersectAll(const TrafficSelectors& proposed, const TrafficSelectors& allowed) {
  TrafficSelectors out;
  for (const TrafficSelector& p : proposed) {
    for (const TrafficSelector& a : allowed) {
      auto i = p.Intersect(a);
      if (i && std::find(out.begin(), out.end(), *i) == out.end()) out.push_back(*i);
    }
  }
  return out;
}

bool AllCovered(const TrafficSelectors& outer, const TrafficSelectors& inner) {
  return std::all_of(inner.begin(), inner.end(), [&outer](const TrafficSelector& t) {
    return std::any_of(outer.begin(), outer.end(), [&t](const TrafficSelector& o) { return o.Covers(t); });
  });
}

}  // namespace

Result<TsPair> NarrowResponder(const TsPair& proposed, const TrafficSelectors& local,
                               const TrafficSelectors& remote) {
  TsPair out;
  out.initiator = IntersectAll(proposed.initiator, remote);
  out.responder = IntersectAll(proposed.responder, local);
  if (out.initiator.empty() || out.responder.empty())
    return Status(Code::kNotFound, "traffic selectors unacceptable");
  return out;
}

Status CheckNarrowed(const TsPair& proposed, const TsPair& answered) {
  if (answered.initiator.empty() || answered.responder.empty())
    return Status(Code::kDrop, "responder sent empty traffic selectors");
  if (!AllCovered(proposed.initiator, answered.initiator) ||
      !AllCovered(proposed.responder, answered.responder))
    return Status(Code::kDrop, "responder widened the traffic selectors");
  return Status::Ok();
}

TrafficSelectors ForAddress(const IpAddress& address) {
  return {TrafficSelector::FromPrefix(Prefix{address, static_cast<uint8_t>(address.size() * 8)})};
}

}  // namespace ikevpn::ike
