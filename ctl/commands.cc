#include "ctl/commands.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <utility>

#include "ctl/client.h"
#include "ctl/render.h"
#include "dbus/errors.h"

#ifndef IKEVPN_CONTROL_GROUP
#define IKEVPN_CONTROL_GROUP "ikevpn"
#endif

namespace ikevpn::ctl {
namespace {

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string ClockNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

class Command {
 public:
  Command(const Options& options, std::ostream& out, std::ostream& err)
      : opts_(options), out_(out), err_(err) {}

  int Run();

 private:
  int List();
  int Status();
  int Up();
  int Down();
  int Sas();
  int Reload();
  int Monitor();

  // Prints the failure of `what` and returns its exit code.
  int Fail(const std::string& what, const Failure& failure);
  int Done(JsonWriter& w);

  const Options& opts_;
  std::ostream& out_;
  std::ostream& err_;
  dbus::BusSpec bus_;
  std::unique_ptr<Client> client_;
};

int Command::Fail(const std::string& what, const Failure& f) {
  std::string message = f.message;
  if (f.error_name == "org.freedesktop.DBus.Error.AccessDenied") {
    message = "access denied by the D-Bus policy of net.ikevpn.Daemon1";
  } else if (f.error_name == "org.freedesktop.DBus.Error.ServiceUnknown" ||
             f.error_name == "org.freedesktop.DBus.Error.NameHasNoOwner") {
    message = "ikevpnd is not running on the " + bus_.Describe();
  }
  ExitCode code = f.exit_code();
  if (code == kExitTimeout && f.error_name.rfind("org.freedesktop.DBus.", 0) == 0) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", opts_.timeout_seconds);
    message = std::string("no answer from ikevpnd within ") + seconds + " s";
  }
  err_ << "ikevpnctl: " << what << ": " << message << "\n";
  if (std::string hint = HintForError(f.error_name, IKEVPN_CONTROL_GROUP); !hint.empty()) {
    err_ << "hint: " << hint << "\n";
  }
  if (opts_.json) {
    JsonWriter w;
    w.BeginObject().Key("error").BeginObject();
    w.Key("name").String(f.error_name).Key("message").String(message);
    w.Key("exit_code").Int(code).EndObject().EndObject();
    out_ << w.str() << "\n";
  }
  return code;
}

int Command::Done(JsonWriter& w) {
  out_ << w.str() << "\n";
  return kExitOk;
}

int Command::Run() {
  auto spec = dbus::BusSpec::Parse(opts_.bus);
  if (!spec.ok() || spec->kind == dbus::BusSpec::Kind::kNone) {
    err_ << "ikevpnctl: " << (spec.ok() ? "--bus none has no daemon to talk to" : spec.status().message())
         << "\n";
    return kExitUsage;
  }
  bus_ = *spec;
  auto timeout = std::chrono::microseconds(static_cast<int64_t>(opts_.timeout_seconds * 1e6));
  if (auto f = Client::Connect(bus_, timeout, &client_)) return Fail("connect", *f);

  const std::string& c = opts_.command;
  if (c == "list") return List();
  if (c == "status") return Status();
  if (c == "up") return Up();
  if (c == "down") return Down();
  if (c == "sas") return Sas();
  if (c == "reload") return Reload();
  if (c == "monitor") return Monitor();
  err_ << "ikevpnctl: unknown command '" << c << "'\n";
  return kExitUsage;
}

int Command::List() {
  std::vector<Dict> conns;
  if (auto f = client_->ListConnections(&conns)) return Fail("list", *f);
  if (!opts_.json) {
    out_ << RenderConnections(conns);
    return kExitOk;
  }
  JsonWriter w;
  w.BeginObject().Key("connections");
  WriteJson(w, conns);
  w.EndObject();
  return Done(w);
}

int Command::Status() {
  std::vector<Dict> conns, ike, child;
  if (auto f = client_->ListConnections(&conns)) return Fail("status", *f);
  if (auto f = client_->ListSas(&ike, &child)) return Fail("status", *f);
  const bool one = !opts_.args.empty();
  if (one) {
    std::erase_if(conns, [&](const Dict& d) { return GetString(d, "name") != opts_.args[0]; });
    if (conns.empty()) {
      return Fail("status", {dbus::kErrorNotFound, "no connection named '" + opts_.args[0] + "'"});
    }
  }
  JsonWriter w;
  if (opts_.json && !one) w.BeginObject().Key("connections").BeginArray();
  bool first = true;
  for (const auto& conn : conns) {
    const std::string name = GetString(conn, "name");
    if (!opts_.json && !std::exchange(first, false)) out_ << "\n";
    auto conn_ike = ForConnection(ike, name);
    auto conn_child = ForConnection(child, name);
    if (!opts_.json) {
      out_ << RenderStatus(conn, conn_ike, conn_child, Now());
      continue;
    }
    w.BeginObject().Key("connection");
    WriteJson(w, conn);
    w.Key("ike_sas");
    WriteJson(w, conn_ike);
    w.Key("child_sas");
    WriteJson(w, conn_child);
    w.EndObject();
  }
  if (!opts_.json) {
    if (conns.empty()) out_ << "no connections configured\n";
    return kExitOk;
  }
  if (!one) w.EndArray().EndObject();
  return Done(w);
}

int Command::Up() {
  const std::string& name = opts_.args[0];
  if (auto f = client_->Up(name, opts_.wait)) return Fail("up " + name, *f);
  const char* result = opts_.wait ? "up" : "starting";
  if (!opts_.json) {
    out_ << name << ": " << result << (opts_.wait ? "" : " (follow with: ikevpnctl monitor)") << "\n";
    return kExitOk;
  }
  JsonWriter w;
  w.BeginObject().Key("connection").String(name).Key("result").String(result).EndObject();
  return Done(w);
}

int Command::Down() {
  const std::string& name = opts_.args[0];
  if (auto f = client_->Down(name)) return Fail("down " + name, *f);
  if (!opts_.json) {
    out_ << name << ": down\n";
    return kExitOk;
  }
  JsonWriter w;
  w.BeginObject().Key("connection").String(name).Key("result").String("down").EndObject();
  return Done(w);
}

int Command::Sas() {
  std::vector<Dict> ike, child;
  if (auto f = client_->ListSas(&ike, &child)) return Fail("sas", *f);
  if (!opts_.json) {
    out_ << RenderSas(ike, child, Now());
    return kExitOk;
  }
  JsonWriter w;
  w.BeginObject().Key("ike_sas");
  WriteJson(w, ike);
  w.Key("child_sas");
  WriteJson(w, child);
  w.EndObject();
  return Done(w);
}

int Command::Reload() {
  if (auto f = client_->Reload()) return Fail("reload", *f);
  if (!opts_.json) {
    out_ << "configuration reloaded\n";
    return kExitOk;
  }
  JsonWriter w;
  w.BeginObject().Key("result").String("reloaded").EndObject();
  return Done(w);
}

int Command::Monitor() {
  auto on_event = [this](const std::string& kind, const std::string& conn, const Dict& details) {
    if (!opts_.json) {
      out_ << RenderEvent(ClockNow(), kind, conn, details) << std::flush;
      return;
    }
    JsonWriter w;
    w.BeginObject().Key("time").Int(Now()).Key("kind").String(kind).Key("connection").String(conn);
    for (const auto& [key, value] : details) {
      w.Key(key);
      WriteJson(w, value);
    }
    w.EndObject();
    out_ << w.str() << "\n" << std::flush;
  };
  auto ready = [this] { err_ << "monitoring ikevpnd on the " << bus_.Describe() << " (Ctrl-C to stop)\n" << std::flush; };
  if (auto f = client_->Monitor(on_event, opts_.count, ready)) return Fail("monitor", *f);
  return kExitOk;
}

}  // namespace

int RunCommand(const Options& options, std::ostream& out, std::ostream& err) {
  return Command(options, out, err).Run();
}

}  // namespace ikevpn::ctl
