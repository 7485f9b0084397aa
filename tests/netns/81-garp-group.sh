#!/usr/bin/env bash
# 81: garp_groups paces the announcements of every instance on an interface
# together. One node runs three instances on eth0, which become master at the
# same moment: two IPv4 ones with two VIPs each and an IPv6 one with two
# addresses, garp_repeat 2, no second burst; eth0 is in a garp group with
# garp_interval 0.1 and gna_interval 0.08. Captured on the bridge:
#  a) every GARP of both IPv4 instances (8) and every NA of the IPv6 one (4);
#  b) two GARPs, whichever instance sent them, never closer than 100 ms, and
#     two NAs never closer than 80 ms, less 3 ms for the capture's timestamps;
#  c) the pace does not stall the rounds: each next GARP comes within the
#     interval + 30 ms (each waits only for the slot of its interface);
#  d) a reload dropping the group: a vipctl garp of both IPv4 instances puts
#     their first round out at once (nothing paces them any more);
# vipctl status shows the group, and no group after the reload.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 1
vt_require_impl vipd
command -v tshark >/dev/null || skip_all "needs tshark"

# conf GROUPS — node 1's config with the garp_groups text GROUPS
conf() {
	cat >"$VT_DIR/n1.vipd.conf" <<CONF
router_id = "n1";
control_socket = "$VT_DIR/n1.sock";
state_dir = "$VT_DIR/n1.lib";
instances = (
  { name = "a"; interface = "eth0"; vrid = 81; priority = 150; advert_interval = 0.1;
    garp_repeat = 2; garp_delay = 0;
    virtual_addresses = [ "198.18.81.1/24", "198.18.81.2/24" ]; },
  { name = "b"; interface = "eth0"; vrid = 82; priority = 150; advert_interval = 0.1;
    garp_repeat = 2; garp_delay = 0;
    virtual_addresses = [ "198.18.82.1/24", "198.18.82.2/24" ]; },
  { name = "c"; interface = "eth0"; vrid = 83; priority = 150; advert_interval = 0.1;
    garp_repeat = 2; garp_delay = 0;
    virtual_addresses = [ "fe80::81:1/64", "fd00:81::1/64" ]; }
);
$1
CONF
	echo "$VT_DIR/n1.vipd.conf"
}
masters() {
	"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json status 2>/dev/null | python3 -c '
import json, sys
try:
    print(sum(i["state"] == "MASTER" for i in json.load(sys.stdin)["instances"]))
except ValueError:
    print(0)'
}
MAC=$(ip -n "$(node_ns 1)" -j link show dev eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
# times CAP FILTER — the capture times (s) of node 1's frames FILTER picks
times() {
	tshark -r "$(cap_file "$1")" -Y "eth.src == $MAC && ($2)" -T fields -e frame.time_relative 2>/dev/null
}
GARP='arp && arp.src.proto_ipv4 == arp.dst.proto_ipv4'
# vipd's NAs (R=1; a node that does not forward sends the kernel's with R=0)
NA='icmpv6.type == 136 && icmpv6.nd.na.flag.r == 1'
# gaps — from sorted times on stdin: "COUNT MIN_GAP_MS MAX_GAP_MS"
gaps() {
	python3 -c '
import sys
t = sorted(float(x) for x in sys.stdin.read().split())
g = [(b - a) * 1000 for a, b in zip(t, t[1:])] or [0]
print(len(t), "%.1f" % min(g), "%.1f" % max(g))'
}

f=$(conf 'garp_groups = ( { interfaces = [ "eth0" ]; garp_interval = 0.1; gna_interval = 0.08; } );')
check "vipd --check accepts the garp group" "$VIPD_BIN" --check -f "$f"
cap_start tk
start_node 1 vipd "$f"
# shellcheck disable=SC2016 # expanded by eval
check "the three instances become master" wait_for 5 eval '[[ $(masters) == 3 ]]'
# groups — "IFACES GARP GNA" of each garp group vipctl status shows, or "none"
groups() {
	"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json status | python3 -c '
import json, sys
g = json.load(sys.stdin).get("garp_groups")
print(" ".join("%s %g %g" % (",".join(x["interfaces"]), x["garp_interval"], x["gna_interval"])
               for x in g) if g else "none")'
}
is "$(groups)" "eth0 0.1 0.08" "vipctl status shows the garp group"
# 8 GARPs 100 ms apart after the takeover: 0.7 s; 1.5 s holds them with room
sleep 1.5
cap_stop tk

# ---- a) b) c)
read -r n min max < <(times tk "$GARP" | gaps)
is "$n" 8 "a) 8 GARPs: 2 instances x 2 VIPs x garp_repeat 2"
diag "GARP gaps: min $min ms, max $max ms"
check "b) GARPs of both instances at least 100 - 3 ms apart (min $min ms)" fle 97 "$min"
check "c) each next GARP within 100 + 30 ms (max $max ms)" fle "$max" 130
read -r n min max < <(times tk "$NA" | gaps)
is "$n" 4 "a) 4 NAs: 2 addresses x garp_repeat 2"
diag "NA gaps: min $min ms, max $max ms"
check "b) NAs at least 80 - 3 ms apart (min $min ms)" fle 77 "$min"
check "c) each next NA within 80 + 30 ms (max $max ms)" fle "$max" 110

# ---- d) the group dropped by a reload: no pacing any more
conf "" >/dev/null
# shellcheck disable=SC2016 # expanded by eval
check "d) vipctl reload without the group" eval '"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null'
is "$(groups)" "none" "d) vipctl status: no garp group any more"
cap_start rl
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" garp a >/dev/null
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" garp b >/dev/null
# 2 rounds 10 ms apart
sleep 0.3
cap_stop rl
read -r n min max < <(times rl "$GARP" | gaps)
is "$n" 8 "d) 8 GARPs after vipctl garp of a and b"
diag "GARP gaps without the group: min $min ms, max $max ms"
check "d) the first round of both goes at once (min gap $min ms < 5)" fle "$min" 5
done_testing
