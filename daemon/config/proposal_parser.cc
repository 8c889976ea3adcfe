#include "daemon/config/proposal_parser.h"

#include <array>
#include <cassert>
#include <cctype>

namespace ikevpn::config {
namespace {

using ike::EncrId;
using ike::EsnId;
using ike::IntegId;
using ike::KeId;
using ike::PrfId;
using ike::ProtocolId;
using ike::Transform;
using ike::TransformType;

constexpr size_t kMaxProposals = 32;

struct Algorithm {
  std::string_view name;
  TransformType type;
  uint16_t id;
  uint16_t key_length;  // bits, 0: no Key Length attribute
  bool aead;
};

template <typename E>
constexpr uint16_t Id(E e) {
  return static_cast<uint16_t>(e);
}

// Every algorithm name. The first name of a transform is the one printed;
// later ones are aliases.
constexpr Algorithm kAlgorithms[] = {
    {"aes128gcm16", TransformType::kEncr, Id(EncrId::kAesGcm16), 128, true},
    {"aes192gcm16", TransformType::kEncr, Id(EncrId::kAesGcm16), 192, true},
    {"aes256gcm16", TransformType::kEncr, Id(EncrId::kAesGcm16), 256, true},
    {"chacha20poly1305", TransformType::kEncr, Id(EncrId::kChaCha20Poly1305), 0, true},
    {"aes128", TransformType::kEncr, Id(EncrId::kAesCbc), 128, false},
    {"aes192", TransformType::kEncr, Id(EncrId::kAesCbc), 192, false},
    {"aes256", TransformType::kEncr, Id(EncrId::kAesCbc), 256, false},
    {"sha256", TransformType::kInteg, Id(IntegId::kHmacSha2_256_128), 0, false},
    {"sha384", TransformType::kInteg, Id(IntegId::kHmacSha2_384_192), 0, false},
    {"sha512", TransformType::kInteg, Id(IntegId::kHmacSha2_512_256), 0, false},
    {"sha1", TransformType::kInteg, Id(IntegId::kHmacSha1_96), 0, false},
    {"prfsha256", TransformType::kPrf, Id(PrfId::kHmacSha2_256), 0, false},
    {"prfsha384", TransformType::kPrf, Id(PrfId::kHmacSha2_384), 0, false},
    {"prfsha512", TransformType::kPrf, Id(PrfId::kHmacSha2_512), 0, false},
    {"prfsha1", TransformType::kPrf, Id(PrfId::kHmacSha1), 0, false},
    {"x25519", TransformType::kKe, Id(KeId::kCurve25519), 0, false},
    {"x448", TransformType::kKe, Id(KeId::kCurve448), 0, false},
    {"ecp256", TransformType::kKe, Id(KeId::kEcp256), 0, false},
    {"ecp384", TransformType::kKe, Id(KeId::kEcp384), 0, false},
    {"ecp521", TransformType::kKe, Id(KeId::kEcp521), 0, false},
    {"modp2048", TransformType::kKe, Id(KeId::kModp2048), 0, false},
    {"modp3072", TransformType::kKe, Id(KeId::kModp3072), 0, false},
    {"modp4096", TransformType::kKe, Id(KeId::kModp4096), 0, false},
    {"esn", TransformType::kEsn, Id(EsnId::kEsn), 0, false},
    {"noesn", TransformType::kEsn, Id(EsnId::kNoEsn), 0, false},
    {"curve25519", TransformType::kKe, Id(KeId::kCurve25519), 0, false},
    {"curve448", TransformType::kKe, Id(KeId::kCurve448), 0, false},
};

// The PRF an integrity algorithm implies when an IKE proposal names none.
constexpr std::pair<IntegId, PrfId> kPrfForInteg[] = {
    {IntegId::kHmacSha2_256_128, PrfId::kHmacSha2_256},
    {IntegId::kHmacSha2_384_192, PrfId::kHmacSha2_384},
    {IntegId::kHmacSha2_512_256, PrfId::kHmacSha2_512},
    {IntegId::kHmacSha1_96, PrfId::kHmacSha1},
};

// Order of the transform types in a parsed proposal; also the bucket index.
constexpr std::array<TransformType, 5> kTypeOrder = {TransformType::kEncr, TransformType::kInteg,
                                                     TransformType::kPrf, TransformType::kKe,
                                                     TransformType::kEsn};

size_t Bucket(TransformType t) {
  for (size_t i = 0; i < kTypeOrder.size(); ++i) {
    if (kTypeOrder[i] == t) return i;
  }
  return 0;
}

bool AllowedIn(const Algorithm& a, ProtocolId protocol) {
  if (protocol == ProtocolId::kIke) return a.type != TransformType::kEsn;
  return a.type != TransformType::kPrf;
}

const Algorithm* FindByName(std::string_view name) {
  for (const Algorithm& a : kAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const Algorithm* FindByTransform(const Transform& t) {
  for (const Algorithm& a : kAlgorithms) {
    if (a.type == t.type && a.id == t.id && a.key_length == t.key_length) return &a;
  }
  return nullptr;
}

std::string_view ProtocolName(ProtocolId p) { return p == ProtocolId::kIke ? "ike" : "esp"; }

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

std::string ValidNames(ProtocolId protocol) {
  std::string out;
  for (const Algorithm& a : kAlgorithms) {
    if (!AllowedIn(a, protocol)) continue;
    out += out.empty() ? "" : " ";
    out += a.name;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

Result<ike::Proposal> ParseOne(std::string_view text, ProtocolId protocol, uint8_t number) {
  std::array<std::vector<const Algorithm*>, kTypeOrder.size()> buckets;
  std::string_view rest = text;
  while (true) {
    size_t dash = rest.find('-');
    std::string token(Trim(rest.substr(0, dash)));
    for (char& c : token) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (token.empty()) return Invalid("empty algorithm in proposal '" + std::string(text) + "'");
    const Algorithm* a = FindByName(token);
    if (a == nullptr || !AllowedIn(*a, protocol)) {
      std::string why = a == nullptr ? "unknown algorithm '" + token + "'"
                                     : "'" + token + "' is not allowed in " +
                                           std::string(ProtocolName(protocol)) + " proposals";
      return Invalid(why + " (valid: " + ValidNames(protocol) + ")");
    }
    auto& bucket = buckets[Bucket(a->type)];
    for (const Algorithm* b : bucket) {
      if (b->id == a->id && b->key_length == a->key_length) {
        return Invalid("'" + token + "' appears twice in proposal '" + std::string(text) + "'");
      }
    }
    bucket.push_back(a);
    if (dash == std::string_view::npos) break;
    rest = rest.substr(dash + 1);
  }

  const std::string in = " in proposal '" + std::string(text) + "'";
  auto& encr = buckets[Bucket(TransformType::kEncr)];
  auto& integ = buckets[Bucket(TransformType::kInteg)];
  auto& prf = buckets[Bucket(TransformType::kPrf)];
  if (encr.empty()) return Invalid("no encryption algorithm" + in);
  const Algorithm* aead = nullptr;
  const Algorithm* cbc = nullptr;
  for (const Algorithm* a : encr) (a->aead ? aead : cbc) = a;
  if (aead && cbc) {
    return Invalid("AEAD " + std::string(aead->name) + " and " + std::string(cbc->name) +
                   " cannot share a proposal" + in + "; separate them with ','");
  }
  if (aead && !integ.empty()) {
    return Invalid("AEAD " + std::string(aead->name) + " takes no integrity algorithm (" +
                   std::string(integ.front()->name) + ")" + in);
  }
  if (cbc && integ.empty()) {
    return Invalid(std::string(cbc->name) + " needs an integrity algorithm such as sha256" + in);
  }
  if (protocol == ProtocolId::kIke) {
    if (buckets[Bucket(TransformType::kKe)].empty()) {
      return Invalid("no key exchange group such as x25519" + in);
    }
    if (prf.empty()) {
      for (const Algorithm* i : integ) {
        for (auto [integ_id, prf_id] : kPrfForInteg) {
          if (Id(integ_id) == i->id)
            prf.push_back(FindByTransform({TransformType::kPrf, Id(prf_id), 0}));
        }
      }
      if (prf.empty()) prf.push_back(FindByName("prfsha256"));
    }
  } else if (buckets[Bucket(TransformType::kEsn)].empty()) {
    buckets[Bucket(TransformType::kEsn)].push_back(FindByName("noesn"));
  }

  ike::Proposal p;
  p.number = number;
  p.protocol = protocol;
  for (const auto& bucket : buckets) {
    for (const Algorithm* a : bucket) p.transforms.push_back({a->type, a->id, a->key_length});
  }
  return p;
}

ike::Proposals MustParse(std::string_view text, ProtocolId protocol) {
  auto r = ParseProposals(text, protocol);
  assert(r.ok());
  return r.ok() ? std::move(r).value() : ike::Proposals();
}

}  // namespace

Result<ike::Proposals> ParseProposals(std::string_view text, ProtocolId protocol) {
  ike::Proposals out;
  while (true) {
    size_t comma = text.find(',');
    if (out.size() == kMaxProposals) {
      return Invalid("more than " + std::to_string(kMaxProposals) + " proposals");
    }
    std::string_view one = Trim(text.substr(0, comma));
    if (one.empty()) return Invalid("empty proposal (stray ',')");
    auto p = ParseOne(one, protocol, static_cast<uint8_t>(out.size() + 1));
    if (!p.ok()) return p.status();
    out.push_back(std::move(p).value());
    if (comma == std::string_view::npos) return out;
    text = text.substr(comma + 1);
  }
}

ike::Proposals DefaultIkeProposals() { return MustParse(kDefaultIkeProposals, ProtocolId::kIke); }
ike::Proposals DefaultEspProposals() { return MustParse(kDefaultEspProposals, ProtocolId::kEsp); }

std::string ToString(const ike::Proposal& proposal) {
  size_t esn_count = 0;
  for (const Transform& t : proposal.transforms) esn_count += t.type == TransformType::kEsn;
  std::string out;
  for (const Transform& t : proposal.transforms) {
    if (t.type == TransformType::kEsn && esn_count == 1 && t.id == Id(EsnId::kNoEsn)) continue;
    out += out.empty() ? "" : "-";
    if (const Algorithm* a = FindByTransform(t)) {
      out += a->name;
      continue;
    }
    static constexpr std::string_view kTypeNames[] = {"type0", "encr", "prf", "integ", "ke", "esn"};
    auto ti = static_cast<size_t>(t.type);
    out += ti < std::size(kTypeNames) ? std::string(kTypeNames[ti]) : "type" + std::to_string(ti);
    out += std::to_string(t.id);
    if (t.key_length) out += "/" + std::to_string(t.key_length);
  }
  return out;
}

std::string ToString(const ike::Proposals& proposals) {
  std::string out;
  for (const ike::Proposal& p : proposals) {
    out += out.empty() ? "" : ", ";
    out += ToString(p);
  }
  return out;
}

}  // namespace ikevpn::config
