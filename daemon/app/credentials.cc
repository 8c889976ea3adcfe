#include "daemon/app/credentials.h"

#include <memory>

#include "daemon/base/log.h"

namespace ikevpn::app {

namespace {

// One load: every file read at most once, its outcome remembered.
class FileCache {
 public:
  Result<std::vector<crypto::Certificate>> Certs(const std::string& path) {
    auto it = certs_.find(path);
    if (it == certs_.end()) it = certs_.emplace(path, crypto::Certificate::LoadFile(path)).first;
    return it->second;
  }
  Result<std::shared_ptr<const crypto::PrivateKey>> Key(const std::string& path) {
    auto it = keys_.find(path);
    if (it == keys_.end()) {
      auto key = crypto::PrivateKey::LoadPemFile(path);
      if (key.ok()) {
        it = keys_.emplace(path, std::make_shared<const crypto::PrivateKey>(std::move(key).value())).first;
      } else {
        it = keys_.emplace(path, key.status()).first;
      }
    }
    return it->second;
  }
  Result<std::shared_ptr<const crypto::CertValidator>> Validator(const std::string& path) {
    auto it = validators_.find(path);
    if (it == validators_.end()) it = validators_.emplace(path, MakeValidator(path)).first;
    return it->second;
  }

 private:
  Result<std::shared_ptr<const crypto::CertValidator>> MakeValidator(const std::string& path) {
    IKEVPN_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> cas, Certs(path));
    IKEVPN_ASSIGN_OR_RETURN(crypto::CertValidator v, crypto::CertValidator::Create());
    for (const crypto::Certificate& ca : cas) {
      if (Status s = v.AddCa(ca); !s.ok()) return s.Annotate("CA " + path);
    }
    return std::make_shared<const crypto::CertValidator>(std::move(v));
  }

  std::map<std::string, Result<std::vector<crypto::Certificate>>> certs_;
  std::map<std::string, Result<std::shared_ptr<const crypto::PrivateKey>>> keys_;
  std::map<std::string, Result<std::shared_ptr<const crypto::CertValidator>>> validators_;
};

// True if `key` is the private half of the certificate's public key.
bool KeyFits(const crypto::PrivateKey& key, const crypto::Certificate& cert) {
  auto cert_key = cert.GetPublicKey();
  if (!cert_key.ok()) return false;
  auto a = key.public_key().SpkiDer();
  auto b = cert_key->SpkiDer();
  return a.ok() && b.ok() && *a == *b;
}

}  // namespace

std::vector<config::ConnectionError> FileCredentialStore::Load(const std::vector<config::Connection>& connections) {
  FileCache cache;
  std::map<std::string, ike::ConnectionCredentials> loaded;
  std::vector<config::ConnectionError> errors;
  for (const config::Connection& c : connections) {
    // The crypto layer's messages name the file.
    auto fail = [&](const Status& s) {
      IKEVPN_LOG(kCfg, kError) << "connection " << c.name << ": " << s.message();
      errors.push_back({c.name, s.message()});
    };
    ike::ConnectionCredentials& cred = loaded[c.name];
    if (!c.cert.empty()) {
      if (auto chain = cache.Certs(c.cert); chain.ok()) {
        cred.chain = std::move(chain).value();
      } else {
        fail(chain.status());
      }
    }
    if (!c.key.empty()) {
      if (auto key = cache.Key(c.key); !key.ok()) {
        fail(key.status());
      } else if (!cred.chain.empty() && !KeyFits(**key, cred.chain.front())) {
        fail(Status(Code::kInvalidArgument, "private key " + c.key + " does not belong to the certificate " + c.cert));
      } else {
        cred.key = std::move(key).value();
      }
    }
    if (!c.ca.empty()) {
      if (auto v = cache.Validator(c.ca); v.ok()) {
        cred.validator = std::move(v).value();
      } else {
        fail(v.status());
      }
    }
  }
  by_name_ = std::move(loaded);
  return errors;
}

const ike::ConnectionCredentials* FileCredentialStore::Find(const config::Connection& conn) const {
  auto it = by_name_.find(conn.name);
  return it == by_name_.end() ? nullptr : &it->second;
}

}  // namespace ikevpn::app
