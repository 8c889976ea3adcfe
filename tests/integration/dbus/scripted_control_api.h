// ScriptedControlApi: an in-memory ControlApi with a fixed script, for the
// D-Bus tests (test-only; the real daemon replaces it in later integration
// tests). Connections:
//   office    Up: connecting, then after `delay` IKE_SA + CHILD_SA up, state
//             up, done(OK). Down: SAs deleted, state down.
//   home-lab  like office (a name that needs escaping in object paths)
//   badauth   Up: connecting, after `delay` kFailed (cause kAuthFailed), state
//             down, done(kAuthFailed)
//   slow      Up: connecting, never finishes (for client timeouts)
// Reload fails with "file:line: what" while reload_error is set; otherwise
// it adds connection "added" and emits kReloaded. AddConnection accepts
// settings with a "remote" key (else kInvalidArgument "AddConnection 'NAME':
// remote is required"), RemoveConnection removes only such connections.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/api/control.h"
#include "daemon/base/clock.h"
#include "daemon/base/timers.h"

namespace ikevpn::testing {

class ScriptedControlApi final : public api::ControlApi {
 public:
  ScriptedControlApi(Timers& timers, const Clock& clock, Duration delay);

  std::vector<api::ConnectionInfo> ListConnections() const override;
  std::vector<api::IkeSaInfo> ListIkeSas() const override;
  std::vector<api::ChildSaInfo> ListChildSas() const override;
  Result<api::SaCounters> ChildSaCounters(uint64_t child_sa_id) const override;
  void Up(const std::string& name, std::function<void(Status)> done) override;
  Status Down(const std::string& name) override;
  Status Terminate(uint64_t ike_sa_id) override;
  Status Reload() override;
  Status AddConnection(const std::string& name,
                       const std::map<std::string, std::string>& settings) override;
  Status RemoveConnection(const std::string& name) override;
  uint64_t Subscribe(std::function<void(const api::Event&)> fn) override;
  void Unsubscribe(uint64_t token) override;

  // Reload fails with this status while it is set.
  std::optional<Status> reload_error;
  // Checked by Reload() when set: the failure is scripted from outside (the
  // fake daemon makes it depend on a file's existence).
  std::function<std::optional<Status>()> reload_check;
  size_t subscribers() const { return subscribers_.size(); }

 private:
  void Emit(api::Event e);
  void SetState(const std::string& name, api::ConnectionState state, const std::string& reason = "");
  void Establish(const std::string& name);
  void DeleteSas(const std::string& name);

  Timers& timers_;
  const Clock& clock_;
  Duration delay_;
  std::map<std::string, api::ConnectionInfo> connections_;
  std::map<uint64_t, api::IkeSaInfo> ike_sas_;
  std::map<uint64_t, api::ChildSaInfo> child_sas_;
  uint64_t next_sa_id_ = 1;
  std::vector<std::string> runtime_;
  uint64_t next_token_ = 1;
  std::map<uint64_t, std::function<void(const api::Event&)>> subscribers_;
};

}  // namespace ikevpn::testing
