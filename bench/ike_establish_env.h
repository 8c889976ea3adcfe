// The environment ike_establish_bench gives its two engines: a kernel
// backend and an interface manager that accept everything and keep nothing
// (the bench measures the IKE daemon, not a kernel), the connection's inline
// PSK, and no certificates.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/ike/engine_env.h"

namespace ikevpn::ike::bench {

class NullKernel final : public kernel::KernelIpsec {
 public:
  std::string_view name() const override { return "null"; }
  void SetListener(kernel::KernelListener*) override {}
  Result<uint32_t> AllocateSpi(const IpAddress&, const IpAddress&, ProtocolId) override { return next_spi_++; }
  Status AddSa(const kernel::SaId&, const kernel::SaData&) override { return Status::Ok(); }
  Status UpdateSa(const kernel::SaId&, const IpAddress&, const IpAddress&,
                  const std::optional<kernel::UdpEncap>&) override {
    return Status::Ok();
  }
  Status DeleteSa(const kernel::SaId&) override { return Status::Ok(); }
  Result<kernel::SaStats> QuerySa(const kernel::SaId&) override { return kernel::SaStats{}; }
  Status AddPolicy(const kernel::PolicyId&, const kernel::PolicyData&) override { return Status::Ok(); }
  Status DeletePolicy(const kernel::PolicyId&) override { return Status::Ok(); }
  Status AttachIkeSocket(int, uint16_t, kernel::IkeDatagramHandler) override { return Status::Ok(); }
  Status FlushOwned() override { return Status::Ok(); }

 private:
  uint32_t next_spi_ = 0xc0000001;
};

class NullInterfaces final : public ifmgr::InterfaceManager {
 public:
  Status Acquire(const ifmgr::InterfaceSpec&) override { return Status::Ok(); }
  void Release(const std::string&) override {}
  Status ChildSaInstalled(uint32_t) override { return Status::Ok(); }
  Status ChildSaRemoved(uint32_t) override { return Status::Ok(); }
  Status AddAddress(uint32_t, const Prefix&) override { return Status::Ok(); }
  Status RemoveAddress(uint32_t, const Prefix&) override { return Status::Ok(); }
  Status AddRoute(uint32_t, const ifmgr::Route&) override { return Status::Ok(); }
  Status RemoveRoute(uint32_t, const ifmgr::Route&) override { return Status::Ok(); }
  std::vector<ifmgr::InterfaceInfo> List() const override { return {}; }
  Status CleanupLeftovers() override { return Status::Ok(); }
  void ReleaseAll() override {}
};

class InlinePskStore final : public SecretStore {
 public:
  std::optional<SecretBytes> FindPsk(const config::Connection& conn, const config::Identity*,
                                     const config::Identity*) const override {
    if (conn.psk) return conn.psk->value;
    return std::nullopt;
  }
};

class NoCredentials final : public CredentialStore {
 public:
  const ConnectionCredentials* Find(const config::Connection&) const override { return nullptr; }
};

}  // namespace ikevpn::ike::bench
