// The exported D-Bus objects (private to dbus/: only control_bus.cc and
// bus_objects.cc include this). Each reads its values from ControlCore when
// asked; an object whose SA vanished between two events answers NotFound.
// Constructors register the object and emit InterfacesAdded, destructors
// emit InterfacesRemoved and unregister; both may throw sdbus::Error
// (construction) or log (destruction).
#pragma once

#include <ikevpn_dbus_gen/childsa1_adaptor.h>
#include <ikevpn_dbus_gen/connection1_adaptor.h>
#include <ikevpn_dbus_gen/daemon1_adaptor.h>
#include <ikevpn_dbus_gen/ikesa1_adaptor.h>

#include <functional>
#include <string>

#include "dbus/control_core.h"
#include "dbus/dicts.h"
#include "dbus/errors.h"

namespace ikevpn::dbus {

// Throws the sdbus::Error for a non-OK status (only inside method handlers).
void ThrowIfError(const Status& status, ErrorContext context = ErrorContext::kCall);
sdbus::Error ToSdbusError(const Status& status, ErrorContext context = ErrorContext::kCall);

// Runs glue code that talks to sd-bus; a failure is logged once, here (the
// connection is failing as a whole, BusLoop reports that).
void LogSdbusErrors(const char* what, const std::function<void()>& fn);

// Registers a child object and announces it (InterfacesAdded reads its
// properties, so call this from the most-derived constructor) ...
template <typename Object>
void Publish(Object& object) {
  object.registerAdaptor();
  object.emitInterfacesAddedSignal();
}
// ... and the reverse, from its destructor.
template <typename Object>
void Withdraw(Object& object) {
  LogSdbusErrors("remove object", [&object] {
    object.emitInterfacesRemovedSignal();
    object.unregisterAdaptor();
  });
}

class DaemonObject final
    : public sdbus::AdaptorInterfaces<net::ikevpn::Daemon1_adaptor, sdbus::ObjectManager_adaptor> {
 public:
  DaemonObject(sdbus::IConnection& bus, ControlCore& core, std::function<void()> after_send);
  ~DaemonObject();

 private:
  void Up(sdbus::Result<>&& result, std::string name, bool wait) override;
  void Down(const std::string& name) override;
  void Terminate(const uint64_t& ike_sa_id) override;
  void Reload() override;
  void AddConnection(const std::string& name,
                     const std::map<std::string, std::string>& settings) override;
  void RemoveConnection(const std::string& name) override;
  std::vector<Dict> ListConnections() override;
  std::tuple<std::vector<Dict>, std::vector<Dict>> ListSas() override;
  sdbus::ObjectPath GetConnection(const std::string& name) override;
  std::string Version() override;

  ControlCore& core_;
  std::function<void()> after_send_;
};

class ConnectionObject final
    : public sdbus::AdaptorInterfaces<net::ikevpn::Connection1_adaptor, sdbus::ManagedObject_adaptor,
                                      sdbus::Properties_adaptor> {
 public:
  ConnectionObject(sdbus::IConnection& bus, ControlCore& core, std::string name);
  ~ConnectionObject();

 private:
  const api::ConnectionInfo& Info();
  std::string Name() override { return name_; }
  std::string State() override;
  std::vector<std::string> LocalAddrs() override { return Info().local_addrs; }
  std::vector<std::string> RemoteAddrs() override { return Info().remote_addrs; }
  std::string LocalId() override { return Info().local_id; }
  std::string RemoteId() override { return Info().remote_id; }
  std::string Auth() override { return Info().auth; }
  std::string Interface() override { return Info().interface; }
  uint32_t IfId() override { return Info().if_id; }
  std::string StartAction() override { return Info().start_action; }
  std::string IkeProposals() override { return Info().ike_proposals; }
  std::string EspProposals() override { return Info().esp_proposals; }
  std::vector<std::string> LocalTs() override { return Info().local_ts; }
  std::vector<std::string> RemoteTs() override { return Info().remote_ts; }
  uint32_t IkeSas() override { return Info().ike_sas; }
  uint32_t ChildSas() override { return Info().child_sas; }

  ControlCore& core_;
  std::string name_;
};

class IkeSaObject final
    : public sdbus::AdaptorInterfaces<net::ikevpn::IkeSa1_adaptor, sdbus::ManagedObject_adaptor> {
 public:
  IkeSaObject(sdbus::IConnection& bus, ControlCore& core, uint64_t id);
  ~IkeSaObject();

 private:
  const api::IkeSaInfo& Info();
  uint64_t Id() override { return id_; }
  std::string Connection() override { return Info().connection; }
  std::string State() override { return Info().state; }
  bool Initiator() override { return Info().initiator; }
  std::string LocalAddress() override { return Info().local.ToString(); }
  std::string RemoteAddress() override { return Info().remote.ToString(); }
  std::string LocalId() override { return Info().local_id; }
  std::string RemoteId() override { return Info().remote_id; }
  uint64_t SpiI() override { return Info().spi_i; }
  uint64_t SpiR() override { return Info().spi_r; }
  std::string Algorithms() override { return Info().algorithms; }
  bool NatLocal() override { return Info().nat_local; }
  bool NatRemote() override { return Info().nat_remote; }
  bool UdpEncap() override { return Info().udp_encap; }
  int64_t Established() override { return Info().established; }
  int64_t RekeyTime() override { return Info().rekey_at; }
  std::vector<std::string> VirtualIps() override { return ToStrings(Info().virtual_ips); }
  std::vector<std::string> Dns() override { return ToStrings(Info().dns); }

  ControlCore& core_;
  uint64_t id_;
};

class ChildSaObject final
    : public sdbus::AdaptorInterfaces<net::ikevpn::ChildSa1_adaptor, sdbus::ManagedObject_adaptor> {
 public:
  ChildSaObject(sdbus::IConnection& bus, ControlCore& core, uint64_t id);
  ~ChildSaObject();

 private:
  const api::ChildSaInfo& Info();
  uint64_t Id() override { return id_; }
  uint64_t IkeSaId() override { return Info().ike_sa_id; }
  std::string Connection() override { return Info().connection; }
  std::string State() override { return Info().state; }
  uint32_t SpiIn() override { return Info().spi_in; }
  uint32_t SpiOut() override { return Info().spi_out; }
  std::string Mode() override { return Info().mode; }
  std::vector<std::string> LocalTs() override { return Info().local_ts; }
  std::vector<std::string> RemoteTs() override { return Info().remote_ts; }
  std::string Algorithms() override { return Info().algorithms; }
  std::string Interface() override { return Info().interface; }
  uint32_t IfId() override { return Info().if_id; }
  // Read from the kernel only when asked (cached briefly by ControlCore).
  api::SaCounters Counters();
  uint64_t BytesIn() override { return Counters().bytes_in; }
  uint64_t BytesOut() override { return Counters().bytes_out; }
  uint64_t PacketsIn() override { return Counters().packets_in; }
  uint64_t PacketsOut() override { return Counters().packets_out; }
  int64_t Established() override { return Info().established; }
  int64_t RekeyTime() override { return Info().rekey_at; }

  ControlCore& core_;
  uint64_t id_;
};

}  // namespace ikevpn::dbus
