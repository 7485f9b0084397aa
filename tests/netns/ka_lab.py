#!/usr/bin/env python3
"""tests/netns/ka_lab.py - helpers of tests/netns/40-import-interop.sh.

  ka_lab.py labify [--self IP] [--other IP] [--lower ID] [--fifo PATH] DIR
      Rewrite, in place, every keepalived file of DIR (*.conf but *.vipd.conf, *.inc) so it
      runs in the lab: addresses into 198.18.0.0/15 and fd00::/8 (the unicast source becomes
      --self, the first unicast peer --other; an IPv6 one their fd00::I), interfaces into eth0..eth2, every vrrp_script
      and notify* script into /bin/true (a healthy service), script_user root, the notify
      FIFO into PATH, every track_file's file into DIR/absent/ (a folder that is not there:
      nothing is read or written on the host). --lower ID: each vrrp_instance's priority (read for the config id ID)
      becomes a lower one (p - 50, at least 1; 255 -> 204). What changed goes to stdout.
  ka_lab.py manifest VIPD_CONF
      The instances of a vipd.conf written by vipd-import-keepalived, one JSON line.
  ka_lab.py judge KA_MANIFEST VIPD_MANIFEST KA_IP KA_ADDRS VIPD_ADDRS KA_FIFO_LOG VIPD_STATUS WARNINGS
      Do keepalived (on KA_IP) and vipd elect the same master for every instance? KA_ADDRS
      and VIPD_ADDRS hold `ip -o addr` of each node, KA_FIFO_LOG what keepalived wrote to
      its notify_fifo, VIPD_STATUS `vipctl --json status`, WARNINGS the importer's stderr
      (instances it says cannot agree with keepalived are left out). Prints `ok SUMMARY`
      or `no REASON`; exit 0 either way (2 on a usage error).
  ka_lab.py excluded KA_MANIFEST VIPD_MANIFEST WARNINGS
      The instances left out by judge, and why: NAME<TAB>REASON lines.
  ka_lab.py fiforead FIFO LOG
      Copy the lines keepalived writes to FIFO into LOG (never ends; opened read-write).
"""

import ipaddress
import json
import os
import re
import sys

LAB_IFACES = ["eth0", "eth1", "eth2"]
NOTIFY_KW = {"notify", "notify_master", "notify_backup", "notify_fault", "notify_stop",
             "notify_deleted", "notify_master_rx_lower_pri"}
LAB4 = ipaddress.ip_network("198.18.0.0/15")
LAB6 = ipaddress.ip_network("fd00::/8")
LL6 = ipaddress.ip_network("fe80::/10")
NODE_NET = ipaddress.ip_network("198.18.0.0/24")
# the lab's own addresses on 198.18.0.0/24: nodes 1..9, the client 200
RESERVED_HOSTS = set(range(1, 10)) | {200}


def split_code(line):
    """(code, comment) of a keepalived line: # and ! start a comment outside quotes."""
    q = False
    for i, c in enumerate(line):
        if c == '"':
            q = not q
        elif c in "#!" and not q:
            return line[:i], line[i:]
    return line, ""


class Rewriter:
    def __init__(self, opts):
        self.o = opts
        self.node_map = {}
        self.net_map = {}
        self.if_map = {}
        self.notes = []

    # ---- addresses
    def node_addr(self, ip, src):
        if ip in self.node_map:
            return self.node_map[ip]
        if ":" in ip:
            # an IPv6 source or peer: the node's fd00::I (lib.sh node_ip6), I the last byte
            # of its lab IPv4 address
            node = self.o["self"] if src else self.o["other"]
            new = "fd00::%x" % (int(node.rsplit(".", 1)[1]) if node else 0xF0 + len(self.node_map))
            self.node_map[ip] = new
            return new
        if src and self.o["self"]:
            new = self.o["self"]
        elif not src and self.o["other"] and self.o["other"] not in self.node_map.values():
            new = self.o["other"]
        else:
            new = "198.18.0.%d" % (240 + len(self.node_map))
        self.node_map[ip] = new
        return new

    def vip(self, addr, plen):
        if addr.version == 4:
            if addr in NODE_NET and int(addr) & 255 in RESERVED_HOSTS:
                return str(addr + 160), plen
            if addr in LAB4 or int(addr) == 0 or addr.is_loopback:
                return str(addr), plen
            net = int(addr) >> 8
            if net not in self.net_map:
                self.net_map[net] = 100 + len(self.net_map)
            new = "198.19.%d.%d" % (self.net_map[net], int(addr) & 255)
            if plen is not None and plen < 24:
                plen = 24
            return new, plen
        if addr in LAB6 or addr in LL6 or int(addr) <= 1:
            return str(addr), plen
        return str(ipaddress.IPv6Address((int(addr) & ((1 << 112) - 1)) | (0xFD00 << 112))), plen

    def token(self, tok, kind):
        """kind: 'src', 'peer' or 'vip'"""
        if "=" in tok and not tok.startswith("="):
            k, v = tok.split("=", 1)
            return k + "=" + self.token(v, kind)
        a, slash, p = tok.partition("/")
        if "." not in a and ":" not in a:
            return self.iface(tok)
        try:
            addr = ipaddress.ip_address(a)
            plen = int(p) if slash else None
        except ValueError:
            return self.iface(tok)
        if addr.is_multicast:
            return tok  # a group (vrrp_mcast_group4/6) works in the lab as it is
        if kind == "vip":
            new, plen = self.vip(addr, plen)
        else:
            new = self.node_addr(str(addr), kind == "src")
        out = new + ("/%d" % plen if plen is not None else "")
        if out != tok:
            self.notes.append("%s -> %s" % (tok, out))
        return out

    def iface(self, tok):
        for old, new in self.if_map.items():
            if tok == old or tok.startswith(old + ":"):
                return new + tok[len(old):]
        return tok

    def learn_iface(self, name):
        if name.startswith("$") or name in self.if_map or name in LAB_IFACES:
            return
        used = set(self.if_map.values())
        for lab in LAB_IFACES:
            if lab not in used and lab not in self.seen_lab:
                self.if_map[name] = lab
                self.notes.append("interface %s -> %s" % (name, lab))
                return

    # ---- one file
    def parse(self, lines):
        """[(indent, cond, words, comment, stack, opens)] per line; stack = enclosing blocks"""
        out, stack, last_kw = [], [], None
        for line in lines:
            code, comment = split_code(line.rstrip("\n"))
            indent = code[:len(code) - len(code.lstrip())]
            words = code.replace("{", " { ").replace("}", " } ").split()
            cond = ""
            if words and words[0].startswith("@"):
                cond = words.pop(0)
            here = list(stack)
            opens = []
            for w in words:
                if w == "{":
                    kw = words[0] if words[0] != "{" else last_kw
                    stack.append(kw)
                    opens.append(kw)
                elif w == "}":
                    if stack:
                        stack.pop()
            if words and words[0] not in "{}":
                last_kw = words[0]
            out.append((indent, cond, words, comment, here, opens))
        return out

    def applies(self, cond):
        ident = self.o["lower"]
        if not cond:
            return True
        if cond.startswith("@^"):
            return cond[2:] != ident
        return cond[1:] == ident

    def file(self, path):
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            lines = f.readlines()
        parsed = self.parse(lines)
        self.seen_lab = set()
        for _, _, words, _, stack, _ in parsed:
            if len(words) > 1 and words[0] in ("interface", "dev"):
                self.seen_lab.add(words[1])
        for _, _, words, _, stack, _ in parsed:
            if len(words) > 1 and words[0] == "interface":
                self.learn_iface(words[1])
            if stack and stack[-1] == "track_interface" and words and words[0] not in "{}":
                self.learn_iface(words[0])
        # effective priority per vrrp_instance (for --lower)
        prio, cur = {}, None
        for n, (_, cond, words, _, stack, opens) in enumerate(parsed):
            if "vrrp_instance" in opens and not stack:
                cur = n
                prio[cur] = [None, False]
            if cur is not None and stack == ["vrrp_instance"] and words and self.applies(cond):
                if words[0] == "priority" and len(words) > 1:
                    prio[cur][0] = int(words[1])
                if words[0] == "state" and len(words) > 1:
                    prio[cur][1] = words[1] == "MASTER"
        out = []
        for n, (indent, cond, words, comment, stack, opens) in enumerate(parsed):
            kw = words[0] if words else ""
            ctx = stack[-1] if stack else ""
            line = None
            if stack == ["vrrp_instance"] and kw == "priority" and self.o["lower"] is not None:
                continue
            if ctx in ("vrrp_instance", "vrrp_sync_group") and kw in NOTIFY_KW:
                line = "%s%s%s /bin/true" % (indent, cond + " " if cond else "", kw)
            elif ctx == "vrrp_script" and kw == "script":
                line = "%sscript /bin/true" % indent
            elif ctx == "global_defs" and kw == "script_user":
                line = "%sscript_user root" % indent
            elif ctx == "global_defs" and kw in ("vrrp_notify_fifo", "notify_fifo") and self.o["fifo"]:
                line = "%s%s %s" % (indent, kw, self.o["fifo"])
            elif ctx in ("track_file", "vrrp_track_file") and kw == "file" and len(words) > 1:
                # into a folder of the lab that is not there: keepalived drops the file (and
                # writes no init_file on the host), vipd's conversion reads it as missing (0)
                name = os.path.basename(words[1].strip('"'))
                line = '%s%sfile "%s"' % (indent, cond + " " if cond else "",
                                          os.path.join(self.o["absent"], name))
                self.notes.append("track file %s -> %s" % (words[1].strip('"'),
                                                          os.path.join(self.o["absent"], name)))
            if line is None:
                kind = "vip"
                if kw in ("unicast_src_ip", "mcast_src_ip"):
                    kind = "src"
                elif ctx == "unicast_peer":
                    kind = "peer"
                toks = re.split(r"(\s+)", split_code(lines[n].rstrip("\n"))[0])
                line = "".join(t if t.isspace() or t == "" else self.token(t, kind) for t in toks)
                line = line + comment
            out.append(line + "\n")
            if "vrrp_instance" in opens and not stack:
                p, master = prio[n]
                if p is None:
                    p = 255 if master else 100
                if self.o["lower"] is not None:
                    low = 204 if p == 255 else max(1, p - 50)
                    out.append("    priority %d\n" % low)
                    self.notes.append("%s: priority %d -> %d" % (os.path.basename(path), p, low))
        with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.writelines(out)


def labify(argv):
    opts = {"self": None, "other": None, "lower": None, "fifo": None}
    while argv and argv[0].startswith("--"):
        k = argv.pop(0)[2:]
        if k not in opts or not argv:
            sys.exit("ka_lab.py labify: bad option --%s" % k)
        opts[k] = argv.pop(0)
    if len(argv) != 1:
        sys.exit("usage: ka_lab.py labify [options] DIR")
    opts["absent"] = os.path.join(os.path.abspath(argv[0]), "absent")
    rw = Rewriter(opts)
    for root, _, files in sorted(os.walk(argv[0])):
        for name in sorted(files):
            if name.endswith(".vipd.conf") or not name.endswith((".conf", ".inc")):
                continue
            rw.file(os.path.join(root, name))
    for n in dict.fromkeys(rw.notes):
        print(n)


def manifest(argv):
    """The instances of an importer-written vipd.conf (its fixed layout)."""
    insts, cur, lst = [], None, None
    with open(argv[0], encoding="utf-8") as f:
        for line in f:
            # a long list is written one entry a line: "key = [", entries, "];"
            if lst is not None:
                if line.strip() == "];":
                    cur[lst[0]] = json.loads("[" + ",".join(lst[1]) + "]")
                    lst = None
                else:
                    lst[1].append(line.strip().rstrip(","))
                continue
            m = re.match(r"\s*(virtual_addresses|excluded_addresses) = \[$", line)
            if cur and m:
                lst = ("vips" if m.group(1) == "virtual_addresses" else "xvips", [])
                continue
            m = re.match(r"\s*# vrrp_instance (.*), ([^,]*):(\d+)$", line)
            if m:
                cur = {"orig": m.group(1), "src": os.path.basename(m.group(2)),
                       "line": int(m.group(3)), "preempt": True, "preempt_delay": 0.0, "vips": []}
                insts.append(cur)
                continue
            m = re.match(r"\s*(\w+) = (.*);$", line)
            if not cur or not m:
                continue
            k, v = m.groups()
            if k in ("name", "interface"):
                cur[k] = json.loads(v)
            elif k in ("vrid", "priority"):
                cur[k] = int(v)
            elif k in ("advert_interval", "preempt_delay"):
                cur[k] = float(v)
            elif k == "preempt":
                cur[k] = v == "true"
            elif k == "virtual_addresses":
                cur["vips"] = json.loads(v)
            elif k == "excluded_addresses":
                cur["xvips"] = json.loads(v)
    print(json.dumps(insts))


def addrs_of(path):
    got = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if len(w) > 3 and w[2] in ("inet", "inet6"):
                got.add(w[3].split("/")[0])
    return got


def ka_states(path):
    """The last state of each instance in keepalived's notify FIFO log."""
    states = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(r'INSTANCE "(.*)" (MASTER|BACKUP|FAULT|STOP) ', line)
                if m:
                    states[m.group(1)] = m.group(2)
    except OSError:
        pass
    return states


# The importer's own warnings about a mixed keepalived/vipd pair that cannot agree, and
# which master the other side does not hear (None: neither)
MIXED = [
    # (pattern, why, which master the other side does not hear: "vipd", "keepalived" or None)
]

def expected(k, inst):
    """The implementation that must win instance INST (keepalived's K): the higher
    priority when both preempt at once; None when it depends on who started first."""
    kp, vp = k.get("priority", 100), inst.get("priority", 100)
    if not (k["preempt"] and inst["preempt"] and not k["preempt_delay"] and
            not inst["preempt_delay"]) or kp == vp:
        return None
    return "keepalived" if kp > vp else "vipd"


def mixed_excluded(insts, ka, warnings):
    """{instance name: reason} for the instances a warning says cannot run mixed with
    the master this run expects (ka: keepalived's instances by name)."""
    out = {}
    try:
        with open(warnings, encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return out
    for w in lines:
        m = re.match(r"(.*?):(\d+): (.*)", w)
        if not m:
            continue
        for rx, why, deaf in MIXED:
            if not rx.search(m.group(3)):
                continue
            cands = [i for i in insts if i.get("src") == os.path.basename(m.group(1))
                     and i.get("line", 0) <= int(m.group(2))]
            if not cands:
                continue
            inst = max(cands, key=lambda i: i["line"])
            k = ka.get(inst["name"])
            if deaf is None or k is None or expected(k, inst) in (None, deaf):
                out[inst["name"]] = why
    return out


def judge(argv):
    ka_m, v_m, ka_ip, ka_a, v_a, ka_log, v_st, warnings = argv
    with open(ka_m, encoding="utf-8") as f:
        ka = {i["name"]: i for i in json.load(f)}
    with open(v_m, encoding="utf-8") as f:
        vi = json.load(f)
    ka_addrs, v_addrs = addrs_of(ka_a), addrs_of(v_a)
    try:
        with open(v_st, encoding="utf-8") as f:
            st = {i["name"]: i for i in json.load(f)["instances"]}
    except (OSError, ValueError, KeyError) as e:
        print("no vipd status unreadable (%s)" % e)
        return
    summary = []
    excluded = mixed_excluded(vi, ka, warnings)
    kstates = ka_states(ka_log)
    for inst in vi:
        name = inst["name"]
        if name in excluded:
            summary.append("%s=excluded" % name)
            continue
        k = ka.get(name)
        if k is None:
            print("no %s: not in keepalived's file" % name)
            return
        # "ADDR/PLEN dev eth1 ...": the address; the excluded ones follow the master too
        vips = [a.split()[0].split("/")[0] for a in inst["vips"]]
        xvips = [a.split()[0].split("/")[0] for a in inst.get("xvips", [])]
        glob_ = [a for a in vips + xvips if ipaddress.ip_address(a) not in LL6] or vips + xvips
        kh = [a in ka_addrs for a in glob_]
        vh = [a in v_addrs for a in glob_]
        ks = kstates.get(k["orig"], "(none)")
        s = st.get(name, {})
        vs = s.get("state", "(missing)")
        where = "%s: keepalived %s holding %d/%d, vipd %s holding %d/%d" % (
            name, ks, sum(kh), len(kh), vs, sum(vh), len(vh))
        if not glob_:
            # no address at all: the states alone say who is master
            winner = "vipd" if (ks, vs) == ("BACKUP", "MASTER") else "keepalived"
        elif all(kh) and not any(vh):
            winner = "keepalived"
        elif all(vh) and not any(kh):
            winner = "vipd"
        else:
            print("no %s: not exactly one holder" % where)
            return
        want = {"keepalived": ("MASTER", "BACKUP"), "vipd": ("BACKUP", "MASTER")}[winner]
        if (ks, vs) != want:
            print("no %s: the states do not match the holder" % where)
            return
        v4 = all(ipaddress.ip_address(a).version == 4 for a in vips)
        if winner == "keepalived" and v4 and s.get("master_address") not in ka_addrs:
            print("no %s: vipd's master_address is %s, not keepalived's node (%s)" %
                  (where, s.get("master_address"), ka_ip))
            return
        kp, vp = k.get("priority", 100), inst.get("priority", 100)
        expect = expected(k, inst)
        if expect is not None and winner != expect:
            print("no %s: priorities %d (keepalived) / %d (vipd), preempting: %s should be master"
                  % (where, kp, vp, expect))
            return
        summary.append("%s=%s(%d/%d%s)" % (name, winner, kp, vp, "" if expect else ",either"))
    print("ok " + " ".join(summary))


def main():
    if len(sys.argv) < 2:
        sys.exit(2)
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "labify":
        labify(argv)
    elif cmd == "fiforead" and len(argv) == 2:
        fd = os.open(argv[0], os.O_RDWR)
        with os.fdopen(fd, "rb", buffering=0) as r, open(argv[1], "ab", buffering=0) as w:
            while True:
                chunk = r.read(4096)
                if not chunk:
                    break
                w.write(chunk)
    elif cmd == "manifest" and len(argv) == 1:
        manifest(argv)
    elif cmd == "judge" and len(argv) == 8:
        judge(argv)
    elif cmd == "excluded" and len(argv) == 3:
        with open(argv[0], encoding="utf-8") as f:
            ka = {i["name"]: i for i in json.load(f)}
        with open(argv[1], encoding="utf-8") as f:
            vi = json.load(f)
        for name, why in sorted(mixed_excluded(vi, ka, argv[2]).items()):
                print("%s\t%s" % (name, why))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
