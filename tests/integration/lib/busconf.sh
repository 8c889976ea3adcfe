# shellcheck shell=bash
# busconf.sh — the configuration of a private system-type dbus-daemon, for
# tests that check the shipped bus policy. Source it, then:
#
#   system_bus_conf SOCKET [POLICY_FILE...] >bus.conf
#
# The default policy is Debian's system bus (method calls denied unless a
# policy file allows them); the policy files are included after it.
system_bus_conf() {
  local socket=$1 f
  shift
  cat <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
XML
  for f in "$@"; do [ -n "$f" ] && echo "  <include>$f</include>"; done
  echo "</busconfig>"
}
