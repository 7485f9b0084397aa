#!/usr/bin/python3
"""tests/netns/vrrp_malformed.py - the malformed-advert matrix (scapy).

Run from the client namespace of tests/netns/50-malformed.sh against one vipd
node that runs these instances (all MASTER):
  v4   v3 IPv4, VRID 51, VIPs 198.18.0.100 198.18.0.101
  v6   v3 IPv6, VRID 52, VIPs fe80::52 fd00::152
  own  v3 IPv4, VRID 53, priority 255 (the address owner), VIP 198.18.0.153
  v2   v2,      VRID 54, VIP 198.18.0.154, Adver Int 1 s, no authentication

Each case sends COUNT copies of one bad packet (built byte by byte; scapy only
adds the Ethernet and IP headers) and then polls `vipctl --json status` until
the drop counters have grown by exactly what the case expects: per instance
("drops") or daemon-wide ("unmatched_drops", shown as instance "*"). It prints
one line per case:
  ok|CASE DESCRIPTION|DELTA       or       not ok|CASE DESCRIPTION|DELTA|EXPECTED

  vrrp_malformed.py --vipctl BIN --sock PATH --src6 LINKLOCAL [--count N]

With --seeds DIR it sends nothing: each frame's IP packet is written to
DIR/malformed-CASE-I, the form of the vrrp_pkt fuzzing corpus
(tests/fuzz/corpus/vrrp_pkt).
"""

import argparse
import ipaddress
import json
import os
import re
import struct
import subprocess
import sys
import time

from scapy.config import conf
from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vrrp_inject import csum, mcast_mac  # noqa: E402  (same directory)

SRC4 = "198.18.0.200"
GROUP4 = "224.0.0.18"
GROUP6 = "ff02::12"
V4 = ["198.18.0.100", "198.18.0.101"]
V6 = ["fe80::52", "fd00::152"]


def v3_msg(vrid, prio, addrs, src, dst, ver_type=0x31, count=None, interval_cs=10,
           csum_xor=0, pseudo=True):
    """A v3 advert: header + packed addresses (bytes or strings), checksum with the
    pseudo-header (IPv6 always, IPv4 when pseudo), XORed with csum_xor."""
    body = b"".join(a if isinstance(a, bytes) else ipaddress.ip_address(a).packed
                    for a in addrs)
    n = len(addrs) if count is None else count
    hdr = struct.pack("!BBBBHH", ver_type, vrid, prio, n, interval_cs & 0x0FFF, 0)
    msg = hdr + body
    s = ipaddress.ip_address(src).packed
    d = ipaddress.ip_address(dst).packed
    if len(s) == 16:
        ph = s + d + struct.pack("!IxxxB", len(msg), 112)
    elif pseudo:
        ph = s + d + struct.pack("!xBH", 112, len(msg))
    else:
        ph = b""
    c = csum(ph + msg) ^ csum_xor
    return msg[:6] + struct.pack("!H", c) + msg[8:]


def v2_msg(vrid, prio, addrs, interval_s=1, ver_type=0x21):
    """A v2 advert, no authentication, message-only checksum."""
    body = b"".join(ipaddress.ip_address(a).packed for a in addrs)
    msg = struct.pack("!BBBBBBH", ver_type, vrid, prio, len(addrs), 0, interval_s, 0)
    msg += body + b"\0" * 8
    return msg[:6] + struct.pack("!H", csum(msg)) + msg[8:]


def carp_msg(vhid, authlen):
    """A CARP advert (OpenBSD/FreeBSD, also IP protocol 112, version 2 type 1 like VRRPv2):
    vhid, advskew 0, authlen, demotion 0, advbase 1, checksum, 8-byte counter, 20-byte HMAC."""
    body = struct.pack("!BBBBBBH", 0x21, vhid, 0, authlen, 0, 1, 0)
    body += bytes(range(3, 3 + 28))
    return body[:6] + struct.pack("!H", csum(body)) + body[8:]


def both_forms_wrong(msg, src, dst):
    """True when the v3 IPv4 checksum verifies neither with nor without the pseudo-header."""
    s = ipaddress.ip_address(src).packed
    d = ipaddress.ip_address(dst).packed
    ph = s + d + struct.pack("!xBH", 112, len(msg))
    return csum(ph + msg) != 0 and csum(msg) != 0


class Matrix:
    def __init__(self, a):
        self.a = a
        if a.seeds:
            self.sock, self.smac = None, "02:00:00:00:00:c8"
        else:
            self.sock = conf.L2socket(iface=a.iface)
            self.smac = open("/sys/class/net/%s/address" % a.iface).read().strip()

    def status(self):
        out = subprocess.run([self.a.vipctl, "-S", self.a.sock, "--json", "status"],
                             capture_output=True, text=True, timeout=5).stdout
        d = json.loads(out)
        c = {}
        for i in d["instances"]:
            for k, v in (i.get("drops") or {}).items():
                c[(i["name"], k)] = v
        for k, v in (d.get("unmatched_drops") or {}).items():
            c[("*", k)] = v
        return c

    def frame(self, msg, six=False, ttl=255, src=None, dst=None):
        if six:
            l3 = IPv6(src=src or self.a.src6, dst=dst or GROUP6, hlim=ttl, nh=112)
        else:
            l3 = IP(src=src or SRC4, dst=dst or GROUP4, ttl=ttl, proto=112)
        return Ether(src=self.smac, dst=mcast_mac(dst or (GROUP6 if six else GROUP4))) / l3 / \
            Raw(msg)

    def case(self, name, frames, want):
        """Send frames (each COUNT times) and check the counters grew by want exactly:
        {(instance or "*", reason): n per copy}."""
        if self.a.seeds:
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
            for i, f in enumerate(frames):
                with open(os.path.join(self.a.seeds, "malformed-%s-%d" % (slug, i)), "wb") as o:
                    o.write(bytes(f.payload))
            return
        k = self.a.count
        want = {key: n * k for key, n in want.items()}
        before = self.status()
        for _ in range(k):
            for f in frames:
                self.sock.send(f)
        deadline = time.monotonic() + 3
        delta = {}
        while True:
            now = self.status()
            delta = {key: v - before.get(key, 0) for key, v in now.items()
                     if v != before.get(key, 0)}
            if delta == want or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if delta == want:
            time.sleep(0.1)  # nothing late may add to it
            now = self.status()
            delta = {key: v - before.get(key, 0) for key, v in now.items()
                     if v != before.get(key, 0)}
        def fmt(d):
            return " ".join("%s:%s+%d" % (i, r, n) for (i, r), n in sorted(d.items()))
        line = "%s|%s (%d frame%s x %d)|%s" % (
            "ok" if delta == want else "not ok", name, len(frames),
            "" if len(frames) == 1 else "s", k, fmt(delta) or "nothing")
        if delta != want:
            line += "|expected %s" % (fmt(want) or "nothing")
        print(line, flush=True)

    def truncations(self, label, full, six, inst):
        """The good message full cut at every length 0..len-1: below 2 bytes the VRID is not
        readable (daemon-wide "truncated"), below 8 the instance's "truncated", then "length"."""
        frames = [self.frame(full[:n], six=six) for n in range(len(full))]
        want = {}
        for n in range(len(full)):
            key = ("*", "truncated") if n < 2 else (inst, "truncated") if n < 8 else \
                (inst, "length")
            want[key] = want.get(key, 0) + 1
        self.case("%s advert truncated at every length 0..%d" % (label, len(full) - 1),
                  frames, want)

    def run(self):
        s6 = self.a.src6
        good4 = v3_msg(51, 200, V4, SRC4, GROUP4)
        good6 = v3_msg(52, 200, V6, s6, GROUP6)
        bad = v3_msg(51, 200, V4, SRC4, GROUP4, csum_xor=0x5A5A)
        assert both_forms_wrong(bad, SRC4, GROUP4)
        zero = good4[:6] + b"\0\0" + good4[8:]
        assert both_forms_wrong(zero, SRC4, GROUP4)

        self.case("TTL 254, 64 and 1", [self.frame(good4, ttl=t) for t in (254, 64, 1)],
                  {("v4", "ttl"): 3})
        self.case("IPv6 hop limit 254 and 1", [self.frame(good6, six=True, ttl=t)
                                               for t in (254, 1)], {("v6", "ttl"): 2})
        self.case("version 0, 1, 4 and 15",
                  [self.frame(v3_msg(51, 200, V4, SRC4, GROUP4, ver_type=v << 4 | 1))
                   for v in (0, 1, 4, 15)], {("v4", "version"): 4})
        self.case("a valid VRRPv2 advert at a version 3 instance",
                  [self.frame(v2_msg(51, 200, V4))], {("v4", "version"): 1})
        self.case("IPv6 advert of version 2", [self.frame(v3_msg(
            52, 200, V6, s6, GROUP6, ver_type=0x21), six=True)], {("v6", "version"): 1})
        self.case("type 0, 2 and 15",
                  [self.frame(v3_msg(51, 200, V4, SRC4, GROUP4, ver_type=0x30 | t))
                   for t in (0, 2, 15)], {("v4", "type"): 3})
        self.case("VRID 99 and VRID 0 (no such instance)",
                  [self.frame(v3_msg(v, 200, V4, SRC4, GROUP4)) for v in (99, 0)],
                  {("*", "vrid"): 2})
        self.case("IPv6 VRID 98 (no such instance)",
                  [self.frame(v3_msg(98, 200, V6, s6, GROUP6), six=True)], {("*", "vrid"): 1})
        self.case("checksum wrong in both forms (flipped bits, zero)",
                  [self.frame(bad), self.frame(zero)], {("v4", "checksum"): 2})
        self.case("IPv6 checksum wrong", [self.frame(v3_msg(
            52, 200, V6, s6, GROUP6, csum_xor=0x0101), six=True)], {("v6", "checksum"): 1})
        self.truncations("IPv4", good4, False, "v4")
        self.truncations("IPv6", good6, True, "v6")
        self.case("address count larger than the payload (3, 255)",
                  [self.frame(v3_msg(51, 200, V4, SRC4, GROUP4, count=c)) for c in (3, 255)],
                  {("v4", "length"): 2})
        self.case("address count smaller than the payload (1, 0)",
                  [self.frame(v3_msg(51, 200, V4, SRC4, GROUP4, count=c)) for c in (1, 0)],
                  {("v4", "length"): 2})
        self.case("IPv6 address count larger and smaller (3, 1)",
                  [self.frame(v3_msg(52, 200, V6, s6, GROUP6, count=c), six=True)
                   for c in (3, 1)], {("v6", "length"): 2})
        self.case("interval 0", [self.frame(v3_msg(51, 200, V4, SRC4, GROUP4, interval_cs=0))],
                  {("v4", "interval-zero"): 1})
        v4b = [ipaddress.ip_address(x).packed for x in V4]
        self.case("IPv6 advert carrying two 4-byte IPv4 addresses (count 2)",
                  [self.frame(v3_msg(52, 200, v4b, s6, GROUP6), six=True)],
                  {("v6", "length"): 1})
        self.case("IPv6 advert whose one 16-byte address is four IPv4 addresses",
                  [self.frame(v3_msg(52, 200, [b"".join(v4b * 2)], s6, GROUP6), six=True)],
                  {("v6", "no-linklocal"): 1})
        self.case("IPv6 advert with IPv4-mapped and IPv4-compatible addresses",
                  [self.frame(v3_msg(52, 200, [V6[0], a], s6, GROUP6), six=True)
                   for a in ("::ffff:198.18.0.100", "::198.18.0.100")],
                  {("v6", "bad-address"): 2})
        self.case("IPv4 advert with multicast, loopback and 0.0.0.0 addresses",
                  [self.frame(v3_msg(51, 200, [V4[0], a], SRC4, GROUP4))
                   for a in ("224.0.0.18", "127.0.0.1", "0.0.0.0")],
                  {("v4", "bad-address"): 3})
        self.case("priority 255 from 198.18.0.200, not the owner (we are)",
                  [self.frame(v3_msg(53, 255, ["198.18.0.153"], SRC4, GROUP4))],
                  {("own", "owner"): 1})
        self.case("CARP advert (vhid 54, authlen 7) on protocol 112",
                  [self.frame(carp_msg(54, 7))], {("v2", "length"): 1})
        self.case("CARP advert whose length fits a VRRPv2 one (authlen 5)",
                  [self.frame(carp_msg(54, 5))], {("v2", "addr-mismatch"): 1})
        self.case("CARP advert (vhid 51) at a version 3 instance",
                  [self.frame(carp_msg(51, 7))], {("v4", "length"): 1})
        # the controls: the same builders, made right, are accepted (no drop at all)
        self.case("control: good lower-priority adverts, IPv4, IPv6 and v2",
                  [self.frame(v3_msg(51, 50, V4, SRC4, GROUP4)),
                   self.frame(v3_msg(52, 50, V6, s6, GROUP6), six=True),
                   self.frame(v2_msg(54, 50, ["198.18.0.154"]))], {})
        if self.sock:
            self.sock.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iface", default="eth0")
    p.add_argument("--vipctl")
    p.add_argument("--sock")
    p.add_argument("--src6", default="fe80::c8", help="this namespace's eth0 link-local")
    p.add_argument("--seeds", metavar="DIR", help="write the packets as fuzzing seeds, send nothing")
    p.add_argument("--count", type=int, default=3, help="copies of each frame")
    Matrix(p.parse_args()).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
