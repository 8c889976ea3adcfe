#include "daemon/ike/sa/proposal_select.h"

#include <algorithm>
#include <array>

namespace ikevpn::ike {

namespace {

constexpr std::array<TransformType, 5> kTypes = {TransformType::kEncr, TransformType::kPrf,
                                                 TransformType::kInteg, TransformType::kKe,
                                                 TransformType::kEsn};

bool HasType(const Proposal& p, TransformType t) {
  return std::any_of(p.transforms.begin(), p.transforms.end(),
                     [t](const Transform& x) { return x.type == t; });
}

bool Contains(const Proposal& p, const Transform& t) {
  return std::find(p.transforms.begin(), p.transforms.end(), t) != p.transforms.end();
}

bool IsNoneTransform(const Transform& t) {
  return (t.type == TransformType::kInteg && t.id == static_cast<uint16_t>(IntegId::kNone)) ||
         (t.type == TransformType::kKe && t.id == static_cast<uint16_t>(KeId::kNone));
}

// A type we do not configure is acceptable from the peer only as NONE (or
// when the peer omits it too). RFC 7296 §3.3.3 lists the mandatory types.
std::optional<Proposal> Match(const Proposal& ours, const Proposal& theirs) {
  if (ours.protocol != theirs.protocol) return std::nullopt;
  Proposal out;
  out.number = theirs.number;
  out.protocol = theirs.protocol;
  out.spi = theirs.spi;
  for (TransformType type : kTypes) {
    const bool we_have = HasType(ours, type);
    const bool they_have = HasType(theirs, type);
    if (!they_have) {
      // Omitted by the peer: fine if we could do without it, i.e. we do not
      // configure it, or we also allow NONE for it.
      if (!we_have) continue;
      bool none_ok = std::any_of(ours.transforms.begin(), ours.transforms.end(),
                                 [type](const Transform& t) { return t.type == type && IsNoneTransform(t); });
      if (!none_ok) return std::nullopt;
      continue;
    }
    std::optional<Transform> pick;
    for (const Transform& t : theirs.transforms) {
      if (t.type != type) continue;
      if (we_have ? Contains(ours, t) : IsNoneTransform(t)) {
        pick = t;
        break;
      }
    }
    if (!pick) return std::nullopt;
    out.transforms.push_back(*pick);
  }
  return out;
}

std::string_view EncrName(uint16_t id) {
  switch (static_cast<EncrId>(id)) {
    case EncrId::kAesCbc: return "AES_CBC";
    case EncrId::kAesCtr: return "AES_CTR";
    case EncrId::kAesGcm8: return "AES_GCM_8";
    case EncrId::kAesGcm12: return "AES_GCM_12";
    case EncrId::kAesGcm16: return "AES_GCM_16";
    case EncrId::kAesCcm8: return "AES_CCM_8";
    case EncrId::kAesCcm12: return "AES_CCM_12";
    case EncrId::kAesCcm16: return "AES_CCM_16";
    case EncrId::kChaCha20Poly1305: return "CHACHA20_POLY1305";
    case EncrId::kNull: return "NULL";
    case EncrId::kNullAuthAesGmac: return "NULL_AUTH_AES_GMAC";
    case EncrId::kDes: return "DES";
    case EncrId::k3Des: return "3DES";
  }
  return {};
}

std::string_view PrfName(uint16_t id) {
  switch (static_cast<PrfId>(id)) {
    case PrfId::kHmacMd5: return "PRF_HMAC_MD5";
    case PrfId::kHmacSha1: return "PRF_HMAC_SHA1";
    case PrfId::kAes128Xcbc: return "PRF_AES128_XCBC";
    case PrfId::kHmacSha2_256: return "PRF_HMAC_SHA2_256";
    case PrfId::kHmacSha2_384: return "PRF_HMAC_SHA2_384";
    case PrfId::kHmacSha2_512: return "PRF_HMAC_SHA2_512";
    case PrfId::kAes128Cmac: return "PRF_AES128_CMAC";
  }
  return {};
}

std::string_view IntegName(uint16_t id) {
  switch (static_cast<IntegId>(id)) {
    case IntegId::kNone: return "NONE";
    case IntegId::kHmacMd5_96: return "HMAC_MD5_96";
    case IntegId::kHmacSha1_96: return "HMAC_SHA1_96";
    case IntegId::kAesXcbc96: return "AES_XCBC_96";
    case IntegId::kAesCmac96: return "AES_CMAC_96";
    case IntegId::kHmacSha2_256_128: return "HMAC_SHA2_256_128";
    case IntegId::kHmacSha2_384_192: return "HMAC_SHA2_384_192";
    case IntegId::kHmacSha2_512_256: return "HMAC_SHA2_512_256";
  }
  return {};
}

std::string_view KeName(uint16_t id) {
  switch (static_cast<KeId>(id)) {
    case KeId::kNone: return "NONE";
    case KeId::kModp1024: return "MODP_1024";
    case KeId::kModp1536: return "MODP_1536";
    case KeId::kModp2048: return "MODP_2048";
    case KeId::kModp3072: return "MODP_3072";
    case KeId::kModp4096: return "MODP_4096";
    case KeId::kModp6144: return "MODP_6144";
    case KeId::kModp8192: return "MODP_8192";
    case KeId::kEcp256: return "ECP_256";
    case KeId::kEcp384: return "ECP_384";
    case KeId::kEcp521: return "ECP_521";
    case KeId::kCurve25519: return "CURVE_25519";
    case KeId::kCurve448: return "CURVE_448";
  }
  return {};
}

std::string Named(std::string_view name, uint16_t id) {
  return name.empty() ? "#" + std::to_string(id) : std::string(name);
}

}  // namespace

bool ChosenAlgorithms::aead() const {
  if (!encr) return false;
  switch (static_cast<EncrId>(encr->id)) {
    case EncrId::kAesGcm8:
    case EncrId::kAesGcm12:
    case EncrId::kAesGcm16:
    case EncrId::kAesCcm8:
    case EncrId::kAesCcm12:
    case EncrId::kAesCcm16:
    case EncrId::kChaCha20Poly1305:
    case EncrId::kNullAuthAesGmac:
      return true;
    case EncrId::kDes:
    case EncrId::k3Des:
    case EncrId::kNull:
    case EncrId::kAesCbc:
    case EncrId::kAesCtr:
      return false;
  }
  return false;
}

std::string ChosenAlgorithms::ToString() const {
  std::string s;
  auto add = [&s](std::string part) {
    if (!s.empty()) s += "/";
    s += part;
  };
  if (encr) {
    std::string e = Named(EncrName(encr->id), encr->id);
    if (encr->key_length) e += "_" + std::to_string(encr->key_length);
    add(e);
  }
  if (integ && integ->id != 0) add(Named(IntegName(integ->id), integ->id));
  if (prf) add(Named(PrfName(prf->id), prf->id));
  if (ke && ke->id != 0) add(Named(KeName(ke->id), ke->id));
  if (esn && esn->id == static_cast<uint16_t>(EsnId::kEsn)) add("ESN");
  return s;
}

Result<Proposal> SelectProposal(const Proposals& ours, const Proposals& theirs) {
  for (const Proposal& t : theirs) {
    for (const Proposal& o : ours) {
      if (auto m = Match(o, t)) return *m;
    }
  }
  return Status(Code::kNotFound, "no acceptable proposal");
}

Status CheckSelectedProposal(const Proposals& offered, const Proposal& chosen) {
  const Proposal* sent = nullptr;
  for (const Proposal& p : offered) {
    if (p.number == chosen.number) sent = &p;
  }
  if (!sent) return Status(Code::kDrop, "peer chose proposal #" + std::to_string(chosen.number) + " we did not offer");
  if (sent->protocol != chosen.protocol) return Status(Code::kDrop, "peer changed the protocol of the proposal");
  for (TransformType type : kTypes) {
    int n = 0;
    for (const Transform& t : chosen.transforms) {
      if (t.type != type) continue;
      ++n;
      if (!Contains(*sent, t)) return Status(Code::kDrop, "peer chose a transform we did not offer");
    }
    if (n > 1) return Status(Code::kDrop, "peer chose more than one transform of a type");
    if (n == 0 && HasType(*sent, type)) {
      bool none_ok = std::any_of(sent->transforms.begin(), sent->transforms.end(),
                                 [type](const Transform& t) { return t.type == type && IsNoneTransform(t); });
      if (!none_ok) return Status(Code::kDrop, "peer omitted a required transform type");
    }
  }
  return Status::Ok();
}

ChosenAlgorithms Chosen(const Proposal& selected) {
  ChosenAlgorithms c;
  for (const Transform& t : selected.transforms) {
    switch (t.type) {
      case TransformType::kEncr: c.encr = t; break;
      case TransformType::kPrf: c.prf = t; break;
      case TransformType::kInteg: c.integ = t; break;
      case TransformType::kKe: c.ke = t; break;
      case TransformType::kEsn: c.esn = t; break;
    }
  }
  return c;
}

std::vector<KeId> KeMethods(const Proposals& ours) {
  std::vector<KeId> out;
  for (const Proposal& p : ours) {
    for (const Transform& t : p.transforms) {
      if (t.type != TransformType::kKe || t.id == 0) continue;
      auto ke = static_cast<KeId>(t.id);
      if (std::find(out.begin(), out.end(), ke) == out.end()) out.push_back(ke);
    }
  }
  return out;
}

bool AcceptsKe(const Proposals& ours, KeId ke) {
  Transform t{TransformType::kKe, static_cast<uint16_t>(ke), 0};
  return std::any_of(ours.begin(), ours.end(), [&t](const Proposal& p) { return Contains(p, t); });
}

Proposals PreferKe(Proposals ours, KeId ke) {
  for (Proposal& p : ours) {
    std::stable_partition(p.transforms.begin(), p.transforms.end(), [ke](const Transform& t) {
      return !(t.type == TransformType::kKe && t.id != static_cast<uint16_t>(ke));
    });
  }
  return ours;
}

}  // namespace ikevpn::ike
