#include "ctl/exit_codes.h"

#include <gtest/gtest.h>

#include "dbus/errors.h"

namespace ikevpn::ctl {
namespace {

TEST(ExitCodeTest, DaemonErrors) {
  EXPECT_EQ(ExitCodeForError(dbus::kErrorNotFound), kExitNotFound);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorInvalidArgument), kExitUsage);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorTimeout), kExitTimeout);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorAccessDenied), kExitUnreachable);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorAuthFailed), kExitFailed);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorInvalidConfig), kExitFailed);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorUnsupported), kExitFailed);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorExists), kExitFailed);
  EXPECT_EQ(ExitCodeForError(dbus::kErrorFailed), kExitFailed);
}

TEST(ExitCodeTest, BusErrors) {
  EXPECT_EQ(ExitCodeForError("org.freedesktop.DBus.Error.AccessDenied"), kExitUnreachable);
  EXPECT_EQ(ExitCodeForError("org.freedesktop.DBus.Error.ServiceUnknown"), kExitUnreachable);
  EXPECT_EQ(ExitCodeForError("org.freedesktop.DBus.Error.NameHasNoOwner"), kExitUnreachable);
  EXPECT_EQ(ExitCodeForError(kErrorNoBus), kExitUnreachable);
  EXPECT_EQ(ExitCodeForError("org.freedesktop.DBus.Error.NoReply"), kExitTimeout);
  EXPECT_EQ(ExitCodeForError("org.freedesktop.DBus.Error.Timeout"), kExitTimeout);
  EXPECT_EQ(ExitCodeForError("org.freedesktop.DBus.Error.UnknownMethod"), kExitFailed);
  EXPECT_EQ(ExitCodeForError("something.else"), kExitFailed);
}

TEST(HintTest, SaysWhatToDo) {
  EXPECT_NE(HintForError("org.freedesktop.DBus.Error.ServiceUnknown", "ikevpn")
                .find("is ikevpnd running? try: systemctl status ikevpnd"),
            std::string::npos);
  std::string denied = HintForError("org.freedesktop.DBus.Error.AccessDenied", "vpnadmins");
  EXPECT_NE(denied.find("root or as a member of group 'vpnadmins'"), std::string::npos);
  EXPECT_NE(HintForError(dbus::kErrorInvalidConfig, "g").find("ikevpnctl reload"), std::string::npos);
  EXPECT_NE(HintForError(dbus::kErrorTimeout, "g").find("--timeout"), std::string::npos);
  EXPECT_NE(HintForError(dbus::kErrorNotFound, "g").find("ikevpnctl list"), std::string::npos);
  EXPECT_NE(HintForError(kErrorNoBus, "g").find("--bus"), std::string::npos);
  EXPECT_FALSE(HintForError(dbus::kErrorFailed, "g").empty());
}

}  // namespace
}  // namespace ikevpn::ctl
