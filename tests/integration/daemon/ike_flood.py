#!/usr/bin/env python3
"""IKE_SA_INIT flood and malformed-datagram generator for flood_test.sh.

  ike_flood.py init TARGET [--rate N] [--duration S] [--port P] [--source A]
      Well-formed IKE_SA_INIT requests (AES-GCM-256/PRF-SHA384/X25519, KE,
      nonce) with a random SPIi each, at N per second for S seconds. Replies
      are read and counted: COOKIE notifies, SA responses (state created),
      other notifies. Prints one JSON line with the counts.

  ike_flood.py malformed TARGET [--port P] [--count N]
      Broken datagrams: truncated headers, lying length fields, zero-length
      and overlong payloads, bad versions, unknown SPIs, random bytes, a huge
      datagram; to the IKE port, and (with a non-ESP marker, and without one)
      to the NAT-T port. Prints one JSON line with what was sent.
"""
import argparse
import json
import os
import random
import select
import socket
import struct
import sys
import time

EXCH_IKE_SA_INIT = 34
EXCH_IKE_AUTH = 35
EXCH_INFORMATIONAL = 37
FLAG_INITIATOR = 0x08
PL_SA, PL_KE, PL_NONCE, PL_NOTIFY, PL_SK = 33, 34, 40, 41, 46
NOTIFY_COOKIE = 16390


def header(spi_i, spi_r, next_payload, exchange, flags, msg_id, length, version=0x20):
    return struct.pack("!QQBBBBII", spi_i, spi_r, next_payload, version, exchange, flags, msg_id, length)


def transform(last, ttype, tid, attrs=b""):
    return struct.pack("!BBHBBH", 0 if last else 3, 0, 8 + len(attrs), ttype, 0, tid) + attrs


def ike_sa_init_body():
    """SA, KE, Ni payloads (the header is added per packet)."""
    ts = (transform(False, 1, 20, struct.pack("!HH", 0x800E, 256))  # ENCR_AES_GCM_16, 256-bit key
          + transform(False, 2, 6)                                 # PRF_HMAC_SHA2_384
          + transform(True, 4, 31))                                # Curve25519
    proposal = struct.pack("!BBHBBBB", 0, 0, 8 + len(ts), 1, 1, 0, 3) + ts
    sa = struct.pack("!BBH", PL_KE, 0, 4 + len(proposal)) + proposal
    ke = struct.pack("!BBHHH", PL_NONCE, 0, 8 + 32, 31, 0) + os.urandom(32)
    nonce = struct.pack("!BBH", 0, 0, 4 + 32) + os.urandom(32)
    return sa + ke + nonce


def classify(reply, counts):
    if len(reply) < 28:
        counts["short_replies"] += 1
        return
    first = reply[16]
    if first == PL_NOTIFY and len(reply) >= 36:
        ntype = struct.unpack("!H", reply[34:36])[0]
        if ntype == NOTIFY_COOKIE:
            counts["cookies"] += 1
        else:
            counts["other_notifies"] += 1
            counts.setdefault("notify_types", {}).setdefault(str(ntype), 0)
            counts["notify_types"][str(ntype)] += 1
    elif first == PL_SA:
        counts["sa_responses"] += 1
    else:
        counts["other_replies"] += 1


def drain(sock, counts, timeout):
    while True:
        r, _, _ = select.select([sock], [], [], timeout)
        if not r:
            return
        try:
            data = sock.recv(65535)
        except (BlockingIOError, ConnectionRefusedError):
            return
        counts["replies"] += 1
        classify(data, counts)
        timeout = 0


def flood_init(args):
    sock = socket.socket(socket.AF_INET6 if ":" in args.target else socket.AF_INET, socket.SOCK_DGRAM)
    if args.source:
        sock.bind((args.source, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    sock.setblocking(False)
    body = ike_sa_init_body()
    total = 28 + len(body)
    counts = {"sent": 0, "send_errors": 0, "replies": 0, "cookies": 0, "sa_responses": 0,
              "other_notifies": 0, "other_replies": 0, "short_replies": 0}
    dest = (args.target, args.port)
    start = time.monotonic()
    end = start + args.duration
    rnd = random.Random()
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - start) * args.rate)
        while counts["sent"] < due:
            pkt = header(rnd.getrandbits(64) or 1, 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, total) + body
            try:
                sock.sendto(pkt, dest)
            except OSError:
                counts["send_errors"] += 1
            counts["sent"] += 1
        drain(sock, counts, 0.002)
    drain(sock, counts, 0.5)
    counts["seconds"] = round(time.monotonic() - start, 2)
    counts["rate"] = round(counts["sent"] / counts["seconds"])
    print(json.dumps(counts), flush=True)


def malformed_datagrams():
    """(name, bytes) pairs; all addressed to the IKE port."""
    rnd = random.Random(7)
    body = ike_sa_init_body()
    ok_len = 28 + len(body)
    spi = lambda: rnd.getrandbits(64) or 1
    out = [
        ("empty", b""),
        ("1 byte", b"\x00"),
        ("truncated header", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len)[:20]),
        ("header only, length 28", header(spi(), 0, 0, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28)),
        ("length below the header", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 12) + body),
        ("length beyond the datagram", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len + 500) + body),
        ("length 0xffffffff", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 0xFFFFFFFF) + body),
        ("truncated body", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len) + body[:30]),
        ("version 1.0", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len, version=0x10) + body),
        ("version 3.0", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len, version=0x30) + body),
        ("zero SPIi", header(0, 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len) + body),
        ("non-zero SPIr in IKE_SA_INIT", header(spi(), spi(), PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, ok_len) + body),
        ("message id 5 in IKE_SA_INIT", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 5, ok_len) + body),
        ("response flag, unknown SPIs", header(spi(), spi(), PL_SA, EXCH_IKE_SA_INIT, 0x20, 0, ok_len) + body),
        ("unknown exchange type 99", header(spi(), 0, PL_SA, 99, FLAG_INITIATOR, 0, ok_len) + body),
    ]
    # Payload chains that lie.
    zero_len = struct.pack("!BBH", PL_KE, 0, 0) + b"\x00" * 40
    out.append(("payload length 0", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(zero_len)) + zero_len))
    short_len = struct.pack("!BBH", PL_KE, 0, 3) + b"\x00" * 40
    out.append(("payload length 3", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(short_len)) + short_len))
    over = struct.pack("!BBH", 0, 0, 0xFFFF) + b"\x00" * 40
    out.append(("payload length 65535", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(over)) + over))
    loop = b"".join(struct.pack("!BBH", PL_NOTIFY, 0, 4) for _ in range(2000))
    out.append(("2000 empty payloads", header(spi(), 0, PL_NOTIFY, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(loop)) + loop))
    crit = struct.pack("!BBH", 0, 0x80, 8) + b"\x00" * 4
    out.append(("unknown critical payload", header(spi(), 0, 200, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(crit)) + crit))
    # Proposal substructures that lie.
    bad_prop = struct.pack("!BBHBBBB", 0, 0, 0xFFF0, 1, 1, 0, 200)
    sa = struct.pack("!BBH", 0, 0, 4 + len(bad_prop)) + bad_prop
    out.append(("proposal length too big", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(sa)) + sa))
    bad_prop = struct.pack("!BBHBBBB", 0, 0, 8, 1, 1, 8, 1)  # SPI size 8, no room
    sa = struct.pack("!BBH", 0, 0, 4 + len(bad_prop)) + bad_prop
    out.append(("proposal SPI size beyond its length", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(sa)) + sa))
    bad_tr = struct.pack("!BBHBBH", 0, 0, 2, 1, 0, 20)
    prop = struct.pack("!BBHBBBB", 0, 0, 8 + len(bad_tr), 1, 1, 0, 1) + bad_tr
    sa = struct.pack("!BBH", 0, 0, 4 + len(prop)) + prop
    out.append(("transform length 2", header(spi(), 0, PL_SA, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 28 + len(sa)) + sa))
    # Encrypted exchanges for SAs that do not exist, and a broken SK payload.
    sk = struct.pack("!BBH", 0, 0, 4 + 64) + os.urandom(64)
    out.append(("IKE_AUTH, unknown SPIs", header(spi(), spi(), PL_SK, EXCH_IKE_AUTH, FLAG_INITIATOR, 1, 28 + len(sk)) + sk))
    out.append(("INFORMATIONAL, unknown SPIs", header(spi(), spi(), PL_SK, EXCH_INFORMATIONAL, FLAG_INITIATOR, 7, 28 + len(sk)) + sk))
    sk = struct.pack("!BBH", 0, 0, 4)
    out.append(("empty SK payload", header(spi(), spi(), PL_SK, EXCH_IKE_AUTH, FLAG_INITIATOR, 1, 28 + len(sk)) + sk))
    # Random bytes of many sizes, and one huge datagram.
    for n in (2, 27, 28, 29, 64, 100, 300, 1000, 1500, 4000, 9000):
        for _ in range(5):
            out.append(("random %d bytes" % n, bytes(rnd.getrandbits(8) for _ in range(n))))
    big = header(spi(), 0, PL_NOTIFY, EXCH_IKE_SA_INIT, FLAG_INITIATOR, 0, 60000) + b"\x00" * (60000 - 28)
    out.append(("60000-byte datagram", big))
    return out


def send_malformed(args):
    fam = socket.AF_INET6 if ":" in args.target else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_DGRAM)
    if args.source:
        sock.bind((args.source, 0))
    sock.setblocking(False)
    sent = {"ike": 0, "nat_t_marker": 0, "nat_t_esp": 0, "errors": 0, "replies": 0}
    dgrams = malformed_datagrams()
    for _ in range(args.count):
        for name, d in dgrams:
            for port, key, prefix in ((args.port, "ike", b""), (args.nat_port, "nat_t_marker", b"\x00\x00\x00\x00"),
                                      (args.nat_port, "nat_t_esp", b"")):
                if key == "nat_t_esp" and len(d) < 1:
                    continue
                try:
                    sock.sendto(prefix + d, (args.target, port))
                    sent[key] += 1
                except OSError:
                    sent["errors"] += 1
            time.sleep(0.0005)
    counts = {"replies": 0, "cookies": 0, "sa_responses": 0, "other_notifies": 0, "other_replies": 0,
              "short_replies": 0}
    drain(sock, counts, 0.5)
    sent["kinds"] = len(dgrams)
    sent["replies"] = counts["replies"]
    print(json.dumps(sent), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["init", "malformed"])
    p.add_argument("target")
    p.add_argument("--source", help="local address to send from")
    p.add_argument("--port", type=int, default=500)
    p.add_argument("--nat-port", type=int, default=4500)
    p.add_argument("--rate", type=float, default=3000)
    p.add_argument("--duration", type=float, default=10)
    p.add_argument("--count", type=int, default=3, help="rounds of malformed datagrams")
    args = p.parse_args()
    if args.mode == "init":
        flood_init(args)
    else:
        send_malformed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
