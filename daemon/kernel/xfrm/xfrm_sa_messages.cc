#include "daemon/kernel/xfrm/xfrm_sa_messages.h"

#include <arpa/inet.h>
#include <linux/xfrm.h>

#include <string>
#include <vector>

#include "daemon/kernel/xfrm/xfrm_algorithms.h"
#include "daemon/kernel/xfrm/xfrm_types.h"

namespace ikevpn::kernel::xfrm {

namespace {

Status Invalid(const SaId& id, std::string why) {
  return Status(Code::kInvalidArgument, "SA " + id.ToString() + ": " + std::move(why));
}

Status CheckId(const SaId& id) {
  if (id.src.is_none() || id.src.family() != id.dst.family()) {
    return Invalid(id, "outer addresses must be one family");
  }
  if (ToIpProto(id.proto) == 0) return Invalid(id, "protocol must be ESP or AH");
  if (id.spi < 256) return Invalid(id, "SPI below 256 is reserved (RFC 4303 §2.1)");
  return Status::Ok();
}

void PutMarkAndIfId(NlBuilder& b, uint32_t mark, uint32_t mask, uint32_t if_id) {
  if (mask != 0) b.AttrStruct(XFRMA_MARK, xfrm_mark{mark, mask});
  if (if_id != 0) b.AttrU32(XFRMA_IF_ID, if_id);
}

xfrm_usersa_id ToUsersaId(const SaId& id) {
  xfrm_usersa_id u{};
  u.daddr = ToXfrmAddress(id.dst);
  u.spi = htonl(id.spi);
  u.family = static_cast<uint16_t>(id.dst.af());
  u.proto = ToIpProto(id.proto);
  return u;
}

// The SA's own selector (inner traffic it may carry). Route-based SAs are
// usually dual-family and leave it empty; policies do the selecting.
xfrm_selector SaSelector(const SaId& id, const SaData& d) {
  xfrm_selector empty{};
  if (d.dual_family) return empty;
  const TrafficSelectors& src = d.inbound ? d.remote_ts : d.local_ts;
  const TrafficSelectors& dst = d.inbound ? d.local_ts : d.remote_ts;
  if (src.size() == 1 && dst.size() == 1) {
    auto sel = ToSelector(src[0], dst[0]);
    if (sel.ok()) return *sel;
  }
  bool one_family = !src.empty();
  for (const auto& ts : src) one_family = one_family && ts.family() == src[0].family();
  for (const auto& ts : dst) one_family = one_family && ts.family() == src[0].family();
  empty.family = static_cast<uint16_t>(one_family ? src[0].start.af() : id.dst.af());
  return empty;
}

Status PutAlgorithms(NlBuilder& b, const SaId& id, const SaData& d) {
  auto encr = FindEncr(d.encr);
  if (!encr) return Invalid(id, "no kernel algorithm for encryption " + std::to_string(int(d.encr)));
  if (encr->fixed_key_bits != 0 && d.encr_key_bits != encr->fixed_key_bits) {
    return Invalid(id, std::string(encr->kernel_name) + " takes a " +
                           std::to_string(encr->fixed_key_bits) + "-bit key");
  }
  size_t want = d.encr_key_bits / 8 + encr->salt_bytes;
  if (d.encr_key_bits % 8 != 0 || d.encr_key.size() != want) {
    return Invalid(id, "encryption key is " + std::to_string(d.encr_key.size()) + " bytes, " +
                           std::string(encr->kernel_name) + " needs " + std::to_string(want));
  }
  uint32_t key_bits = static_cast<uint32_t>(d.encr_key.size() * 8);
  if (encr->kind == EncrKind::kAead) {
    if (d.integ != ike::IntegId::kNone) return Invalid(id, "AEAD takes no integrity algorithm");
    xfrm_algo_aead a{};
    encr->kernel_name.copy(a.alg_name, sizeof a.alg_name - 1);
    a.alg_key_len = key_bits;
    a.alg_icv_len = encr->icv_bits;
    b.AttrStruct(XFRMA_ALG_AEAD, a, d.encr_key.span());
    return Status::Ok();
  }
  auto integ = FindInteg(d.integ);
  if (!integ) return Invalid(id, "ESP without integrity is not allowed (RFC 8221 §5)");
  if (d.integ_key.size() * 8 != integ->key_bits) {
    return Invalid(id, "integrity key is " + std::to_string(d.integ_key.size()) + " bytes, " +
                           std::string(integ->kernel_name) + " needs " +
                           std::to_string(integ->key_bits / 8));
  }
  xfrm_algo c{};
  encr->kernel_name.copy(c.alg_name, sizeof c.alg_name - 1);
  c.alg_key_len = key_bits;
  b.AttrStruct(XFRMA_ALG_CRYPT, c, d.encr_key.span());
  xfrm_algo_auth a{};
  integ->kernel_name.copy(a.alg_name, sizeof a.alg_name - 1);
  a.alg_key_len = integ->key_bits;
  a.alg_trunc_len = integ->trunc_bits;
  b.AttrStruct(XFRMA_ALG_AUTH_TRUNC, a, d.integ_key.span());
  return Status::Ok();
}

}  // namespace

NlMessage BuildAllocSpi(const IpAddress& src, const IpAddress& dst, ike::ProtocolId proto,
                        uint32_t spi_min, uint32_t spi_max) {
  xfrm_userspi_info u{};
  u.info.saddr = ToXfrmAddress(src);
  u.info.id.daddr = ToXfrmAddress(dst);
  u.info.id.proto = ToIpProto(proto);
  u.info.family = static_cast<uint16_t>(dst.af());
  u.min = spi_min;
  u.max = spi_max;
  NlBuilder b(XFRM_MSG_ALLOCSPI, NLM_F_REQUEST);
  b.Struct(u);
  return std::move(b).Finish();
}

Result<NlMessage> BuildAddSa(const SaId& id, const SaData& d, bool update) {
  IKEVPN_RETURN_IF_ERROR(CheckId(id));
  if (d.replay_window > kMaxReplayWindow) {
    return Invalid(id, "replay window " + std::to_string(d.replay_window) + " exceeds " +
                           std::to_string(kMaxReplayWindow));
  }
  if (d.esn && d.replay_window == 0) return Invalid(id, "ESN needs a replay window");
  xfrm_usersa_info p{};
  p.id.daddr = ToXfrmAddress(id.dst);
  p.id.spi = htonl(id.spi);
  p.id.proto = ToIpProto(id.proto);
  p.saddr = ToXfrmAddress(id.src);
  p.family = static_cast<uint16_t>(id.dst.af());
  p.mode = d.mode == IpsecMode::kTunnel ? XFRM_MODE_TUNNEL : XFRM_MODE_TRANSPORT;
  p.reqid = d.reqid;
  p.lft = ToLifetimeCfg(d.soft, d.hard);
  p.sel = SaSelector(id, d);
  bool esn_attr = d.esn || d.replay_window > 32;
  p.replay_window = esn_attr ? 0 : static_cast<uint8_t>(d.replay_window);
  p.flags = static_cast<uint8_t>((d.esn ? XFRM_STATE_ESN : 0) |
                                 (d.dual_family ? XFRM_STATE_AF_UNSPEC : 0));

  NlBuilder b(update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, NLM_F_REQUEST | NLM_F_ACK);
  b.Struct(p);
  IKEVPN_RETURN_IF_ERROR(PutAlgorithms(b, id, d));
  if (esn_attr) {
    xfrm_replay_state_esn r{};
    r.bmp_len = (d.replay_window + 31) / 32;
    r.oseq = static_cast<uint32_t>(d.initial_seq);
    r.oseq_hi = static_cast<uint32_t>(d.initial_seq >> 32);
    r.replay_window = d.replay_window;
    std::vector<uint8_t> bitmap(r.bmp_len * sizeof(uint32_t), 0);
    b.AttrStruct(XFRMA_REPLAY_ESN_VAL, r, bitmap);
  } else if (d.initial_seq != 0) {
    xfrm_replay_state r{};
    r.oseq = static_cast<uint32_t>(d.initial_seq);
    b.AttrStruct(XFRMA_REPLAY_VAL, r);
  }
  if (d.encap) {
    b.AttrStruct(XFRMA_ENCAP, ToEncapTmpl(*d.encap));
  }
  PutMarkAndIfId(b, id.mark, id.mark_mask, id.if_id);
  return std::move(b).Finish();
}

namespace {

NlMessage BuildSaById(uint16_t type, uint16_t flags, const SaId& id) {
  NlBuilder b(type, flags);
  b.Struct(ToUsersaId(id));
  b.AttrStruct(XFRMA_SRCADDR, ToXfrmAddress(id.src));
  PutMarkAndIfId(b, id.mark, id.mark_mask, 0);
  return std::move(b).Finish();
}

}  // namespace

NlMessage BuildDeleteSa(const SaId& id) {
  return BuildSaById(XFRM_MSG_DELSA, NLM_F_REQUEST | NLM_F_ACK, id);
}

NlMessage BuildGetSa(const SaId& id) { return BuildSaById(XFRM_MSG_GETSA, NLM_F_REQUEST, id); }

NlMessage BuildSaDump() {
  NlBuilder b(XFRM_MSG_GETSA, NLM_F_REQUEST | NLM_F_DUMP);
  b.Struct(xfrm_usersa_id{});
  return std::move(b).Finish();
}

}  // namespace ikevpn::kernel::xfrm
