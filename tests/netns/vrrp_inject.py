#!/usr/bin/python3
"""tests/netns/vrrp_inject.py - send hand-made VRRP advertisements (scapy).

Used by the netns scenarios from a third namespace, to show what a receiver
accepts and what it drops. The VRRP message is built byte by byte here (not
by scapy's VRRP layers) so every field, the checksum form included, is exactly
what the test asks for; scapy builds the Ethernet and IP headers and sends.

  vrrp_inject.py --iface eth0 --src 198.18.0.200 --dst 224.0.0.18 \
      --vrid 51 --prio 200 --interval 0.05 --addr 198.18.0.100 \
      --phase rfc5798:40 --phase rfc9568:40 [--every 0.05] [--ttl 255] \
      [--version 2 --auth s3cret] [--dmac MAC] [--mark FILE]

Each --phase FORM:COUNT sends COUNT adverts with that checksum: rfc5798 (v3
IPv4 with the pseudo-header; v3 IPv6 always has it), rfc9568 (message only),
v2 (message only, the v2 rule) or bad (wrong on purpose). Before each phase
the phase name is written to --mark FILE (and "done" at the end), so the
caller knows what is on the wire.
"""

import argparse
import ipaddress
import socket
import struct
import sys
import time

from scapy.config import conf
from scapy.layers.inet import IP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Raw


def csum(data):
    """RFC 1071 Internet checksum of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def message(a, form):
    """The VRRP message (header + addresses [+ v2 auth data]) with its checksum."""
    addrs = [ipaddress.ip_address(x) for x in a.addr]
    if a.version == 2:
        auth_type = 1 if a.auth is not None else 0
        hdr = struct.pack("!BBBBBBH", 0x21, a.vrid, a.prio, len(addrs), auth_type,
                          int(a.interval), 0)
        tail = (a.auth or "").encode()[:8].ljust(8, b"\0")
    else:
        cs = int(round(a.interval * 100)) & 0x0FFF
        hdr = struct.pack("!BBBBHH", 0x31, a.vrid, a.prio, len(addrs), cs, 0)
        tail = b""
    body = hdr + b"".join(x.packed for x in addrs) + tail
    src = ipaddress.ip_address(a.src)
    dst = ipaddress.ip_address(a.dst)
    if a.version == 3 and src.version == 6:
        pseudo = src.packed + dst.packed + struct.pack("!IxxxB", len(body), 112)
    elif a.version == 3 and form == "rfc5798":
        pseudo = src.packed + dst.packed + struct.pack("!xBH", 112, len(body))
    else:
        pseudo = b""
    c = csum(pseudo + body)
    if form == "bad":
        c ^= 0x5A5A
    return body[:6] + struct.pack("!H", c) + body[8:]


def mcast_mac(dst):
    """The Ethernet group address of an IPv4 or IPv6 multicast address."""
    d = ipaddress.ip_address(dst)
    if d.version == 4:
        b = d.packed
        return "01:00:5e:%02x:%02x:%02x" % (b[1] & 0x7F, b[2], b[3])
    b = d.packed
    return "33:33:%02x:%02x:%02x:%02x" % tuple(b[12:16])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--iface", default="eth0")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dmac", help="Ethernet destination (default: the group's)")
    p.add_argument("--smac", help="Ethernet source (default: the interface's)")
    p.add_argument("--ttl", type=int, default=255, help="TTL / hop limit")
    p.add_argument("--version", type=int, default=3, choices=(2, 3))
    p.add_argument("--vrid", type=int, required=True)
    p.add_argument("--prio", type=int, required=True)
    p.add_argument("--interval", type=float, required=True,
                   help="seconds (v2: whole seconds)")
    p.add_argument("--addr", action="append", required=True)
    p.add_argument("--auth", help="v2 simple password (Auth Type 1)")
    p.add_argument("--phase", action="append", required=True, metavar="FORM:COUNT")
    p.add_argument("--every", type=float, help="seconds between adverts (default --interval)")
    p.add_argument("--mark", help="file that names the phase on the wire")
    a = p.parse_args()

    six = ipaddress.ip_address(a.src).version == 6
    dmac = a.dmac or mcast_mac(a.dst)
    every = a.every if a.every is not None else a.interval
    sock = conf.L2socket(iface=a.iface)
    smac = a.smac or open("/sys/class/net/%s/address" % a.iface).read().strip()
    for ph in a.phase:
        form, count = ph.split(":")
        if a.mark:
            with open(a.mark, "w") as f:
                f.write(form + "\n")
        msg = message(a, form)
        if six:
            l3 = IPv6(src=a.src, dst=a.dst, hlim=a.ttl, nh=112)
        else:
            l3 = IP(src=a.src, dst=a.dst, ttl=a.ttl, proto=112)
        frame = bytes(Ether(src=smac, dst=dmac) / l3 / Raw(msg))
        nxt = time.monotonic()
        for _ in range(int(count)):
            sock.send(Ether(frame))
            nxt += every
            time.sleep(max(0.0, nxt - time.monotonic()))
    if a.mark:
        with open(a.mark, "w") as f:
            f.write("done\n")
    sock.close()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, ValueError, socket.error) as e:
        print("vrrp_inject: %s" % e, file=sys.stderr)
        sys.exit(1)
