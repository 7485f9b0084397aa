#!/usr/bin/env bash
# 18: a master that yields to a higher priority sends its last advert twice,
# VRRP_YIELD_REPEAT (5 ms) apart, so that the winner hears it even when one
# copy is lost, and re-announces the VIP the loser had announced.
# Node 1 (100) is master alone; an nftables rule on the switch drops every
# VRRP packet of it to node 2 but one sent less than 50 ms after the previous one (a
# token bucket of one packet per 50 ms: the adverts, 1 s apart, are dropped;
# of the yield's two copies the first is dropped, the second passes). Node 2
# (150) starts, never hears node 1, takes over after its Master_Down_Interval;
# node 1 yields. Node 2 must then receive one advert from node 1 (the second
# copy) and answer it with a new gratuitous ARP (garp_repeat 1: one at the
# takeover, one for the re-announce; the burst of garp_delay, 5 s, comes later).
# Known: with the single last advert of before, node 1's regular advert
# falling less than 50 ms before the yield lets that last advert through (a
# chance of 50 ms in the 1 s interval); the fixed code passes either way.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require nft
ADVERT=1

# counter I NAME — node I's counters.NAME from vipctl --json stats
counter() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json stats 2>/dev/null | python3 -c '
import json, sys
try:
    print(json.loads(sys.stdin.readline())["instances"][0]["counters"][sys.argv[1]])
except Exception:
    print(-1)' "$2"
}
counter_ge() { (($(counter "$1" "$2") >= $3)); }

# on the switch, the path from node 1's port to node 2's only (a flooded
# packet passes the forward hook once per port), silently as a lossy LAN does
if ! ip netns exec "$VT_SW" nft -f - 2>"$VT_DIR/nft.err" <<-EON; then
	table bridge yield {
		chain loss {
			type filter hook forward priority 0; policy accept;
			iifname "$(node_port 1)" oifname "$(node_port 2)" ip protocol 112 limit rate over 20/second burst 1 packets accept
			iifname "$(node_port 1)" oifname "$(node_port 2)" ip protocol 112 drop
		}
	}
EON
	skip_all "nftables refused the rule: $(head -c 200 "$VT_DIR/nft.err")"
fi
plan 6

must "node 1 (100) starts" start_with 1 vipd prio=100 garp_repeat=1 garp_delay=5
must "node 1 becomes master alone" wait_for 8 only_master 1
must "node 2 (150) starts" start_with 2 vipd prio=150 garp_repeat=1 garp_delay=5
# node 2 hears nothing: it takes over after its Master_Down_Interval (3.41 s), node 1 yields
check "node 2 takes over, node 1 yields" wait_for 8 settled 2
# the second copy leaves node 1 5 ms after the yield and node 2 answers at once: 1 s is margin
check "node 2 received node 1's last advert (the second copy)" wait_for 1 counter_ge 2 adverts_received 1
check "node 2 re-announced the VIP: a second gratuitous ARP" wait_for 1 counter_ge 2 announcements 2
diag "node 2: adverts_received $(counter 2 adverts_received), announcements $(counter 2 announcements); node 1: adverts_sent $(counter 1 adverts_sent)"
