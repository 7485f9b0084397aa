#!/usr/bin/env bash
# 80: addresses on another interface are announced there. Node 1 has a second
# interface eth1 (a veth whose peer eth1p stays in the node); the instance on
# eth0 has a VIP "dev eth1" and an excluded IPv6 address "dev eth1".
#  a) the master's gratuitous ARP for the eth1 VIP and its unsolicited NA for
#     the IPv6 address leave from eth1 with eth1's MAC (captured on eth1p);
#  b) the eth0 VIP's GARP leaves from eth0 only: none of the eth1 addresses is
#     announced on eth0 (captured on the bridge), none of eth0's on eth1.
# The round is the one `vipctl garp` starts, captured whole on both links.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
command -v tshark >/dev/null || skip_all "needs tshark"
for i in 1 2; do
	ns=$(node_ns "$i")
	if ! { ip -n "$ns" link add eth1 type veth peer name eth1p && ip -n "$ns" link set eth1p up &&
		ip -n "$ns" link set eth1 up; }; then
		bail_out "cannot create eth1 (veth) in node $i"
	fi
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth1.accept_dad=0 >/dev/null
done

XV=198.18.80.1 # the VIP on eth1
X6=fd00:80::1  # excluded, on eth1
must "node 1 (150) master, node 2 (100) backup, with addresses on eth1" \
	start_pair vipd vipd vipopt="$XV/24 dev eth1" excluded="$X6/64 dev eth1"
N1=$(node_ns 1)
MAC1=$(ip -n "$N1" -j link show dev eth1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
MAC0=$(ip -n "$N1" -j link show dev eth0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')
check "node 1 holds $XV on eth1" wait_for 2 eval "ip -n $N1 -o addr show dev eth1 | grep -q ' $XV/'"

# capture node 1's eth1 link (from its peer) and the bridge during one round
E1="$VT_DIR/eth1.pcap"
ip netns exec "$N1" tcpdump -i eth1p -n -U --immediate-mode -s 256 -w "$E1" 2>"$E1.err" &
e1pid=$!
wait_for 5 grep -qs 'listening on' "$E1.err" || diag "tcpdump on eth1p did not start: $(cat "$E1.err")"
cap_start br 1
check "vipctl garp: node 1 announces again" "$VIPCTL_BIN" -S "$VT_DIR/n1.sock" garp web
# garp_repeat rounds 10 ms apart, the NA after at most 20 ms: 0.5 s holds them all
sleep 0.5
cap_stop br
kill -INT "$e1pid" 2>/dev/null
wait "$e1pid" 2>/dev/null

# senders FILE FILTER — the distinct Ethernet sources of the frames FILTER picks
senders() { tshark -r "$1" -Y "$2" -T fields -e eth.src 2>/dev/null | sort -u | tr '\n' ' '; }
garp() { echo "arp && arp.src.proto_ipv4 == $1 && arp.dst.proto_ipv4 == $1"; }
na() { echo "icmpv6.type == 136 && icmpv6.nd.na.target_address == $1"; }

# ---- a) on eth1, from eth1's MAC
is "$(senders "$E1" "$(garp "$XV")")" "$MAC1 " "a) the GARP for $XV leaves from eth1 with eth1's MAC"
is "$(senders "$E1" "$(na "$X6")")" "$MAC1 " "a) the unsolicited NA for $X6 leaves from eth1 with eth1's MAC"

# ---- b) each address on its own link only
is "$(senders "$(cap_file br)" "$(garp "$XV") || $(na "$X6")")" "" "b) no eth1 address announced on eth0"
is "$(senders "$(cap_file br)" "$(garp "$VIP")")" "$MAC0 " "b) the eth0 VIP $VIP announced on eth0 with eth0's MAC"
is "$(senders "$E1" "$(garp "$VIP")")" "" "b) the eth0 VIP not announced on eth1"
done_testing
