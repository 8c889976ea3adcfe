#include "daemon/api/control.h"

namespace ikevpn::api {

std::string_view ToString(ConnectionState s) {
  switch (s) {
    case ConnectionState::kDown: return "down";
    case ConnectionState::kConnecting: return "connecting";
    case ConnectionState::kUp: return "up";
    case ConnectionState::kClosing: return "closing";
  }
  return "?";
}

std::string_view ToString(EventKind k) {
  switch (k) {
    case EventKind::kConnectionState: return "connection-state";
    case EventKind::kIkeSaUp: return "ike-sa-up";
    case EventKind::kIkeSaDown: return "ike-sa-down";
    case EventKind::kIkeSaRekeyed: return "ike-sa-rekeyed";
    case EventKind::kChildSaUp: return "child-sa-up";
    case EventKind::kChildSaDown: return "child-sa-down";
    case EventKind::kChildSaRekeyed: return "child-sa-rekeyed";
    case EventKind::kFailed: return "failed";
    case EventKind::kReloaded: return "reloaded";
    case EventKind::kConnectionAdded: return "connection-added";
    case EventKind::kConnectionRemoved: return "connection-removed";
  }
  return "?";
}

std::string_view ToString(DownCause c) {
  switch (c) {
    case DownCause::kNone: return "none";
    case DownCause::kPeerDeleted: return "peer-deleted";
    case DownCause::kDeleted: return "deleted";
    case DownCause::kConfigChanged: return "config-changed";
    case DownCause::kShutdown: return "shutdown";
    case DownCause::kPeerDead: return "peer-dead";
    case DownCause::kAuthFailed: return "auth-failed";
    case DownCause::kReplaced: return "replaced";
    case DownCause::kRekeyed: return "rekeyed";
    case DownCause::kExpired: return "expired";
    case DownCause::kFailed: return "failed";
  }
  return "?";
}

}  // namespace ikevpn::api
