// ControlCore without a bus: a fake ControlApi whose events the test injects
// and whose Up completions it releases, and an observer that records calls.
#include "dbus/control_core.h"

#include <gtest/gtest.h>

#include <optional>

namespace ikevpn::dbus {
namespace {

using api::ConnectionState;
using api::Event;
using api::EventKind;

class FakeApi final : public api::ControlApi {
 public:
  std::vector<api::ConnectionInfo> ListConnections() const override { ++list_calls; return conns; }
  std::vector<api::IkeSaInfo> ListIkeSas() const override { return ikes; }
  std::vector<api::ChildSaInfo> ListChildSas() const override { return children; }
  Result<api::SaCounters> ChildSaCounters(uint64_t id) const override {
    ++counter_calls;
    for (const auto& c : children) {
      if (c.id == id) return counters;
    }
    return Status(Code::kNotFound, "no CHILD_SA " + std::to_string(id));
  }
  void Up(const std::string& name, std::function<void(Status)> done) override {
    up_names.push_back(name);
    if (up_result) return done(*up_result);
    pending_done.push_back(std::move(done));
  }
  Status Down(const std::string& name) override { down_names.push_back(name); return Status::Ok(); }
  Status Terminate(uint64_t id) override { terminated.push_back(id); return Status::Ok(); }
  Status Reload() override { return reload_result; }
  uint64_t Subscribe(std::function<void(const Event&)> fn) override { subscriber = std::move(fn); return 42; }
  void Unsubscribe(uint64_t token) override {
    EXPECT_EQ(token, 42u);
    subscriber = nullptr;
  }

  Status AddConnection(const std::string& name,
                       const std::map<std::string, std::string>& settings) override {
    added_settings = settings;
    if (!add_result.ok()) return add_result;
    AddConnection(name);
    return Status::Ok();
  }
  Status RemoveConnection(const std::string& name) override {
    std::erase_if(conns, [&](const api::ConnectionInfo& c) { return c.name == name; });
    return Status::Ok();
  }

  void Emit(const Event& e) { subscriber(e); }
  void AddConnection(const std::string& name) {
    api::ConnectionInfo c;
    c.name = name;
    conns.push_back(c);
  }

  std::vector<api::ConnectionInfo> conns;
  std::vector<api::IkeSaInfo> ikes;
  std::vector<api::ChildSaInfo> children;
  std::optional<Status> up_result;  // answer Up at once with this
  std::vector<std::function<void(Status)>> pending_done;
  std::vector<std::string> up_names, down_names;
  std::vector<uint64_t> terminated;
  Status reload_result;
  Status add_result;
  std::map<std::string, std::string> added_settings;
  std::function<void(const Event&)> subscriber;
  mutable int list_calls = 0;
  api::SaCounters counters;
  mutable int counter_calls = 0;
};

class Recorder final : public ControlObserver {
 public:
  void ConnectionAdded(const std::string& n) override { log.push_back("+conn " + n); }
  void ConnectionRemoved(const std::string& n) override { log.push_back("-conn " + n); }
  void ConnectionConfigChanged(const std::string& n) override { log.push_back("config " + n); }
  void ConnectionStateChanged(const std::string& n, ConnectionState s, const std::string& r) override {
    log.push_back("state " + n + " " + std::to_string(static_cast<int>(s)) + " " + r);
  }
  void ConnectionSasChanged(const std::string& n) override { log.push_back("sas " + n); }
  void IkeSaAdded(uint64_t id) override { log.push_back("+ike " + std::to_string(id)); }
  void IkeSaRemoved(uint64_t id) override { log.push_back("-ike " + std::to_string(id)); }
  void ChildSaAdded(uint64_t id) override { log.push_back("+child " + std::to_string(id)); }
  void ChildSaRemoved(uint64_t id) override { log.push_back("-child " + std::to_string(id)); }
  void EventRaised(const Event& e) override { log.push_back("event " + std::to_string(static_cast<int>(e.kind))); }

  std::vector<std::string> Take() { return std::exchange(log, {}); }
  std::vector<std::string> log;
};

class ControlCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api.AddConnection("office");
    api.AddConnection("home");
    api::IkeSaInfo ike;
    ike.id = 1;
    ike.connection = "office";
    api.ikes.push_back(ike);
    api::ChildSaInfo child;
    child.id = 2;
    child.ike_sa_id = 1;
    child.connection = "office";
    api.children.push_back(child);
    core.Start(rec);
  }

  std::function<void(Status)> Capture(std::optional<Status>* out) {
    return [out](Status s) {
      ASSERT_FALSE(out->has_value()) << "replied twice";
      *out = s;
    };
  }

  FakeApi api;
  Recorder rec;
  std::chrono::steady_clock::time_point now{};
  ControlCore core{api, [this] { return now; }};
};

TEST_F(ControlCoreTest, StartReportsExistingObjects) {
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+conn home", "+conn office", "+ike 1", "sas office",
                                                  "+child 2", "sas office"}));
  EXPECT_TRUE(api.subscriber);
}

TEST_F(ControlCoreTest, UpWithWaitRepliesWhenDoneRuns) {
  std::optional<Status> reply;
  core.Up("office", /*wait=*/true, Capture(&reply));
  EXPECT_FALSE(reply.has_value());
  EXPECT_EQ(core.pending_ups(), 1u);
  ASSERT_EQ(api.pending_done.size(), 1u);
  api.pending_done[0](Status(Code::kAuthFailed, "AUTHENTICATION_FAILED"));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->code(), Code::kAuthFailed);
  EXPECT_EQ(core.pending_ups(), 0u);
}

TEST_F(ControlCoreTest, UpWithoutWaitRepliesAtOnceAndIgnoresTheLaterDone) {
  std::optional<Status> reply;
  core.Up("office", /*wait=*/false, Capture(&reply));
  ASSERT_TRUE(reply.has_value());
  EXPECT_TRUE(reply->ok());
  api.pending_done[0](Status(Code::kRetry, "timeout"));  // reported by the kFailed event instead
  EXPECT_EQ(core.pending_ups(), 0u);
}

TEST_F(ControlCoreTest, UpThatFailsAtOnceRepliesWithTheError) {
  api.up_result = Status(Code::kUnsupported, "NO_PROPOSAL_CHOSEN");
  std::optional<Status> reply;
  core.Up("office", /*wait=*/false, Capture(&reply));
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->code(), Code::kUnsupported);
}

TEST_F(ControlCoreTest, UpValidatesTheNameBeforeActing) {
  std::optional<Status> unknown, empty;
  core.Up("nosuch", true, Capture(&unknown));
  core.Up("", true, Capture(&empty));
  EXPECT_EQ(unknown->code(), Code::kNotFound);
  EXPECT_EQ(unknown->message(), "no connection named 'nosuch'");
  EXPECT_EQ(empty->code(), Code::kInvalidArgument);
  EXPECT_TRUE(api.up_names.empty());
  EXPECT_EQ(core.Down(std::string(300, 'x')).code(), Code::kInvalidArgument);
  EXPECT_TRUE(api.down_names.empty());
}

TEST_F(ControlCoreTest, StopAnswersPendingUpsAndDropsLateDones) {
  std::optional<Status> reply;
  core.Up("office", true, Capture(&reply));
  core.Stop();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->code(), Code::kIoError);
  EXPECT_FALSE(api.subscriber);
  api.pending_done[0](Status::Ok());  // must not reach the stopped core
  std::optional<Status> after;
  core.Up("office", true, Capture(&after));
  EXPECT_EQ(after->code(), Code::kIoError);
}

TEST_F(ControlCoreTest, DoneAfterDestructionIsHarmless) {
  std::function<void(Status)> done;
  {
    std::optional<Status> reply;  // outlives core2, whose Stop() answers
    FakeApi api2;
    api2.AddConnection("a");
    Recorder rec2;
    ControlCore core2(api2);
    core2.Start(rec2);
    core2.Up("a", true, Capture(&reply));
    done = api2.pending_done[0];
  }
  done(Status::Ok());
}

TEST_F(ControlCoreTest, SaEventsAddAndRemoveObjects) {
  rec.Take();
  api.Emit({.kind = EventKind::kIkeSaUp, .connection = "home", .ike_sa_id = 5});
  api.Emit({.kind = EventKind::kChildSaUp, .connection = "home", .ike_sa_id = 5, .child_sa_id = 6});
  api.Emit({.kind = EventKind::kIkeSaDown, .connection = "home", .ike_sa_id = 5});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{
                            "+ike 5", "sas home", "event 1",                   //
                            "+child 6", "sas home", "event 4",                 //
                            "-child 6", "sas home", "-ike 5", "sas home", "event 2"}));
  // A late CHILD_SA down for an object already gone changes nothing.
  api.Emit({.kind = EventKind::kChildSaDown, .connection = "home", .ike_sa_id = 5, .child_sa_id = 6});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"event 5"}));
}

TEST_F(ControlCoreTest, IkeRekeyMovesChildrenToTheSuccessor) {
  rec.Take();
  api.Emit({.kind = EventKind::kIkeSaRekeyed, .connection = "office", .ike_sa_id = 1, .new_sa_id = 9});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+ike 9", "sas office", "-ike 1", "sas office", "event 3"}));
  // CHILD_SA 2 now belongs to 9: deleting 9 removes it.
  api.Emit({.kind = EventKind::kIkeSaDown, .connection = "office", .ike_sa_id = 9});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-child 2", "sas office", "-ike 9", "sas office", "event 2"}));
}

TEST_F(ControlCoreTest, ChildRekeyReplacesTheObject) {
  rec.Take();
  api.Emit({.kind = EventKind::kChildSaRekeyed, .connection = "office", .ike_sa_id = 1, .child_sa_id = 2,
            .new_sa_id = 3});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+child 3", "sas office", "-child 2", "sas office", "event 6"}));
}

TEST_F(ControlCoreTest, StateEventsReachTheConnection) {
  rec.Take();
  api.Emit({.kind = EventKind::kConnectionState, .connection = "office", .state = ConnectionState::kUp});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"state office 2 ", "event 0"}));
  // A connection the core has not seen yet is picked up first.
  api.AddConnection("new");
  api.Emit({.kind = EventKind::kConnectionState, .connection = "new", .state = ConnectionState::kConnecting,
            .reason = "trap"});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+conn new", "state new 1 trap", "event 0"}));
}

TEST_F(ControlCoreTest, ReloadSyncsConnections) {
  rec.Take();
  api.conns.erase(api.conns.begin());  // office goes
  api.AddConnection("added");
  ASSERT_TRUE(core.Reload().ok());
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"config home", "-conn office", "+conn added"}));

  api.reload_result = Status(Code::kInvalidArgument, "/etc/ikevpn.conf:3: bad");
  Status s = core.Reload();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "/etc/ikevpn.conf:3: bad");
  EXPECT_TRUE(rec.Take().empty());
}

TEST_F(ControlCoreTest, TerminateChecksTheId) {
  EXPECT_EQ(core.Terminate(0).code(), Code::kInvalidArgument);
  EXPECT_EQ(core.Terminate(77).code(), Code::kNotFound);
  EXPECT_TRUE(core.Terminate(1).ok());
  EXPECT_EQ(api.terminated, std::vector<uint64_t>{1});
}

TEST_F(ControlCoreTest, SnapshotIsReusedUntilInvalidated) {
  core.InvalidateSnapshot();
  int before = api.list_calls;
  for (int i = 0; i < 10; ++i) ASSERT_NE(core.FindConnection("office"), nullptr);
  EXPECT_EQ(api.list_calls, before + 1);
  core.InvalidateSnapshot();
  EXPECT_EQ(core.FindConnection("nosuch"), nullptr);
  EXPECT_EQ(api.list_calls, before + 2);
}

TEST_F(ControlCoreTest, AddConnectionPublishesTheObjectBeforeReturning) {
  rec.Take();
  ASSERT_TRUE(core.AddConnection("nm-1", {{"remote", "192.0.2.1"}}).ok());
  EXPECT_EQ(api.added_settings.at("remote"), "192.0.2.1");
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"+conn nm-1"}));
  EXPECT_NE(core.FindConnection("nm-1"), nullptr);
  // The event that follows finds nothing new to publish.
  api.Emit({.kind = EventKind::kConnectionAdded, .connection = "nm-1"});
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"event " + std::to_string(static_cast<int>(EventKind::kConnectionAdded))}));

  ASSERT_TRUE(core.RemoveConnection("nm-1").ok());
  EXPECT_EQ(rec.Take(), (std::vector<std::string>{"-conn nm-1"}));
  EXPECT_EQ(core.RemoveConnection("nm-1").code(), Code::kNotFound);
}

TEST_F(ControlCoreTest, AddConnectionErrorsPassThroughAndChangeNothing) {
  rec.Take();
  EXPECT_EQ(core.AddConnection("", {}).code(), Code::kInvalidArgument);
  api.add_result = Status(Code::kInvalidArgument, "AddConnection 'x': auth: unknown value");
  Status s = core.AddConnection("x", {{"auth", "foo"}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "AddConnection 'x': auth: unknown value");
  EXPECT_TRUE(rec.Take().empty());
  EXPECT_EQ(core.FindConnection("x"), nullptr);
}

// Keeping objects in sync must not query the kernel: events, object
// additions and property reads other than counters never ask for counters.
TEST_F(ControlCoreTest, EventsNeverQueryCounters) {
  for (uint64_t id = 10; id < 110; ++id) {
    api::ChildSaInfo child;
    child.id = id;
    child.ike_sa_id = 1;
    child.connection = "office";
    api.children.push_back(child);
    api.Emit({EventKind::kChildSaUp, "office", ConnectionState::kUp, 1, id});
    ASSERT_NE(core.FindChildSa(id), nullptr);
  }
  EXPECT_EQ(api.counter_calls, 0);
}

TEST_F(ControlCoreTest, CountersAreCachedForTheirMaxAge) {
  api.counters.bytes_in = 100;
  ASSERT_TRUE(core.Counters(2).ok());
  EXPECT_EQ(core.Counters(2)->bytes_in, 100u);
  EXPECT_EQ(api.counter_calls, 1);  // the second read came from the cache

  api.counters.bytes_in = 200;
  now += ControlCore::kCounterMaxAge - std::chrono::milliseconds(1);
  EXPECT_EQ(core.Counters(2)->bytes_in, 100u);
  now += std::chrono::milliseconds(1);
  EXPECT_EQ(core.Counters(2)->bytes_in, 200u);
  EXPECT_EQ(api.counter_calls, 2);
}

// ListSas is an explicit request ("how much went through just now?"): it
// reads each CHILD_SA's counters once, fresh, and refreshes the cache.
TEST_F(ControlCoreTest, ListWithCountersReadsFreshCountersOncePerSa) {
  api.counters.packets_out = 7;
  ASSERT_EQ(core.Counters(2)->packets_out, 7u);  // cached now
  api.counters.packets_out = 9;
  auto list = core.ChildSasWithCounters();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].packets_out, 9u);
  EXPECT_EQ(core.ChildSas()[0].packets_out, 0u);  // the plain snapshot has none
  EXPECT_EQ(api.counter_calls, 2);
  EXPECT_EQ(core.Counters(2)->packets_out, 9u);  // from the refreshed cache
  EXPECT_EQ(api.counter_calls, 2);
}

TEST_F(ControlCoreTest, CountersOfARemovedSaAreNotServedFromTheCache) {
  ASSERT_TRUE(core.Counters(2).ok());
  api.children.clear();
  api.Emit({EventKind::kChildSaDown, "office", ConnectionState::kUp, 1, 2});
  EXPECT_EQ(core.Counters(2).status().code(), Code::kNotFound);
  EXPECT_EQ(api.counter_calls, 2);
}

}  // namespace
}  // namespace ikevpn::dbus
