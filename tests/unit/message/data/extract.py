#!/usr/bin/env python3
"""Extracts IKE messages from a pcap and IKE keys from a charon log.

Usage: extract.py CAPTURE.pcap CHARON.log OUTDIR

Writes OUTDIR/<suite>_<nn>_<exchange>_<req|resp>.bin (non-ESP marker
stripped) and OUTDIR/<suite>_keys.txt. IKE SAs are named by the order in
which they appear: the first is "gcm", the second "cbc" (capture.sh
initiates them in that order).
"""
import re
import struct
import sys

SUITES = ["gcm", "cbc"]
EXCHANGES = {34: "ike_sa_init", 35: "ike_auth", 36: "create_child_sa", 37: "informational"}


def udp_payloads(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if linktype == 1:  # Ethernet
            if struct.unpack(">H", pkt[12:14])[0] != 0x0800:
                continue
            ip = pkt[14:]
        elif linktype == 113:  # Linux cooked
            ip = pkt[16:]
        else:
            raise SystemExit(f"unsupported linktype {linktype}")
        if ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        sport, dport, ulen = struct.unpack(">HHH", ip[ihl:ihl + 6])
        payload = ip[ihl + 8:ihl + ulen]
        if 4500 in (sport, dport):
            if payload[:4] != b"\0\0\0\0":
                continue  # ESP in UDP
            payload = payload[4:]
        yield payload


def keys_from_log(path):
    """Returns one dict per IKE SA, in order: name -> hex of SK_e/SK_a keys."""
    sas = []
    current = None
    want = None
    lines = open(path, errors="replace").read().splitlines()
    for line in lines:
        m = re.search(r"Sk_(ei|er|ai|ar|d|pi|pr) secret => (\d+) bytes", line)
        if m:
            if m.group(1) == "d":
                current = {}
                sas.append(current)
            want = ("sk_" + m.group(1), int(m.group(2)))
            current[want[0]] = ""
            continue
        if want:
            h = re.search(r"\s\d+: ((?:[0-9A-F]{2} ){1,16})", line + " ")
            if h:
                current[want[0]] += h.group(1).replace(" ", "").lower()
                if len(current[want[0]]) >= 2 * want[1]:
                    want = None
            else:
                want = None
    return sas


def main():
    pcap, log, outdir = sys.argv[1:4]
    order = []
    counters = {}
    for msg in udp_payloads(pcap):
        if len(msg) < 28:
            continue
        spi_i = msg[:8]
        if spi_i not in order:
            order.append(spi_i)
        suite = SUITES[order.index(spi_i)]
        exch = EXCHANGES.get(msg[18], str(msg[18]))
        kind = "resp" if msg[19] & 0x20 else "req"
        counters[suite] = counters.get(suite, 0) + 1
        name = f"{outdir}/{suite}_{counters[suite]:02d}_{exch}_{kind}.bin"
        open(name, "wb").write(msg)
    for suite, keys in zip(SUITES, keys_from_log(log)):
        with open(f"{outdir}/{suite}_keys.txt", "w") as f:
            for k in ("sk_ei", "sk_er", "sk_ai", "sk_ar"):
                f.write(f"{k}={keys.get(k, '')}\n")


if __name__ == "__main__":
    main()
