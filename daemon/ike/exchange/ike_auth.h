// IKE_AUTH (RFC 7296 §1.2, §2.15, §2.16; RFC 7427): authenticates the IKE
// SA and creates its first CHILD_SA.
#pragma once

#include <memory>

namespace ikevpn::ike {

class Exchange;

std::unique_ptr<Exchange> MakeIkeAuth();

}  // namespace ikevpn::ike
