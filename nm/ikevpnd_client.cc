#include "nm/ikevpnd_client.h"

#include <sdbus-c++/sdbus-c++.h>

#include "daemon/base/traffic_selector.h"

namespace ikevpn::nm {
namespace {

constexpr char kPath[] = "/net/ikevpn/Daemon1";
constexpr char kInterface[] = "net.ikevpn.Daemon1";
constexpr char kBusService[] = "org.freedesktop.DBus";
constexpr char kBusPath[] = "/org/freedesktop/DBus";
using Dict = std::map<std::string, sdbus::Variant>;

Status FromError(const sdbus::Error& e) {
  const std::string& name = e.getName();
  Code code = Code::kIoError;
  if (name == "net.ikevpn.Error.AuthFailed") code = Code::kAuthFailed;
  if (name == "net.ikevpn.Error.Exists") code = Code::kExists;
  if (name == "net.ikevpn.Error.NotFound") code = Code::kNotFound;
  if (name == "net.ikevpn.Error.InvalidConfig" || name == "net.ikevpn.Error.InvalidArgument")
    code = Code::kInvalidArgument;
  return Status(code, e.getMessage() + " (" + name + ")");
}

template <typename Fn>
Status Call(Fn&& fn) {
  try {
    fn();
    return Status::Ok();
  } catch (const sdbus::Error& e) {
    return FromError(e);
  }
}

template <typename T>
T Get(const Dict& d, const char* key, T fallback = T()) {
  auto it = d.find(key);
  if (it == d.end()) return fallback;
  try {
    return it->second.get<T>();
  } catch (const sdbus::Error&) {
    return fallback;
  }
}

}  // namespace

IkevpndClient::IkevpndClient(sdbus::IConnection& bus, EventFn on_event, OwnerFn on_owner)
    : proxy_(sdbus::createProxy(bus, kIkevpndService, kPath)),
      bus_proxy_(sdbus::createProxy(bus, kBusService, kBusPath)) {
  proxy_->uponSignal("Event").onInterface(kInterface).call(
      [fn = std::move(on_event)](const std::string& kind, const std::string& conn, const Dict& details) {
        fn(kind, conn, details);
      });
  proxy_->finishRegistration();
  // arg0 keeps the bus from sending us every other name's changes.
  owner_match_ = bus.addMatch(
      std::string("type='signal',sender='") + kBusService + "',path='" + kBusPath + "',interface='" +
          kBusService + "',member='NameOwnerChanged',arg0='" + kIkevpndService + "'",
      [fn = std::move(on_owner)](sdbus::Message& msg) {
        std::string name, old_owner, new_owner;
        try {
          msg >> name >> old_owner >> new_owner;
        } catch (const sdbus::Error&) {
          return;  // not from the bus daemon's signature; nothing to act on
        }
        fn(name, new_owner);
      });
}

IkevpndClient::~IkevpndClient() = default;

Result<std::string> IkevpndClient::Owner() {
  std::string owner;
  try {
    bus_proxy_->callMethod("GetNameOwner").onInterface(kBusService).withArguments(
        std::string(kIkevpndService)).storeResultsTo(owner);
  } catch (const sdbus::Error& e) {
    if (e.getName() == "org.freedesktop.DBus.Error.NameHasNoOwner")
      return Status(Code::kNotFound, std::string(kIkevpndService) + " has no owner: ikevpnd is not running");
    return FromError(e);
  }
  return owner;
}

Status IkevpndClient::AddConnection(const std::string& name, const StringMap& settings) {
  return Call([&] {
    proxy_->callMethod("AddConnection").onInterface(kInterface).withArguments(name, settings);
  });
}

Status IkevpndClient::RemoveConnection(const std::string& name) {
  return Call([&] { proxy_->callMethod("RemoveConnection").onInterface(kInterface).withArguments(name); });
}

Status IkevpndClient::Down(const std::string& name) {
  return Call([&] { proxy_->callMethod("Down").onInterface(kInterface).withArguments(name); });
}

Result<std::vector<std::string>> IkevpndClient::Interfaces() {
  std::vector<Dict> conns;
  Status s = Call([&] {
    proxy_->callMethod("ListConnections").onInterface(kInterface).storeResultsTo(conns);
  });
  if (!s.ok()) return s;
  std::vector<std::string> out;
  for (const Dict& c : conns) out.push_back(Get<std::string>(c, "interface"));
  return out;
}

void IkevpndClient::Up(const std::string& name, std::chrono::seconds timeout,
                       std::function<void(Status)> done) {
  try {
    proxy_->callMethodAsync("Up")
        .onInterface(kInterface)
        .withTimeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout))
        .withArguments(name, true)
        .uponReplyInvoke([done](const sdbus::Error* e) { done(e ? FromError(*e) : Status::Ok()); });
  } catch (const sdbus::Error& e) {
    done(FromError(e));
  }
}

Result<TunnelInfo> IkevpndClient::Tunnel(const std::string& name, std::vector<Prefix>* virtual_ips) {
  std::vector<Dict> ike_sas, child_sas;
  Status s = Call([&] {
    proxy_->callMethod("ListSas").onInterface(kInterface).storeResultsTo(ike_sas, child_sas);
  });
  if (!s.ok()) return s;
  TunnelInfo t;
  uint64_t ike_id = 0;
  for (const Dict& c : child_sas) {
    if (Get<std::string>(c, "connection") != name) continue;
    ike_id = Get<uint64_t>(c, "ike_sa_id");
    if (t.tundev.empty()) t.tundev = Get<std::string>(c, "interface");
    for (const std::string& ts : Get<std::vector<std::string>>(c, "remote_ts")) {
      if (auto parsed = TrafficSelector::Parse(ts)) {
        Prefix p = parsed->CoveringPrefix();
        if (std::find(t.routes.begin(), t.routes.end(), p) == t.routes.end()) t.routes.push_back(p);
      }
    }
  }
  if (ike_id == 0) return Status(Code::kNotFound, "ikevpnd reports no CHILD_SA for " + name);
  for (const Dict& sa : ike_sas) {
    if (Get<uint64_t>(sa, "id") != ike_id) continue;
    std::string remote = Get<std::string>(sa, "remote_address");  // "192.0.2.1:4500", "[::1]:500"
    size_t colon = remote.rfind(':');
    std::string host = remote.substr(0, colon == std::string::npos ? remote.size() : colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (auto a = IpAddress::Parse(host)) t.gateway = *a;
    // Present once ikevpnd supports the configuration payload; absent keys read as empty.
    for (const std::string& v : Get<std::vector<std::string>>(sa, "virtual_ips")) {
      if (auto p = Prefix::Parse(v)) virtual_ips->push_back(*p);
    }
    for (const std::string& d : Get<std::vector<std::string>>(sa, "dns")) {
      if (auto a = IpAddress::Parse(d)) t.dns.push_back(*a);
    }
  }
  if (t.gateway.is_none()) return Status(Code::kNotFound, "ikevpnd reports no IKE_SA for " + name);
  return t;
}

}  // namespace ikevpn::nm
