#!/usr/bin/env bash
# 75: an IPv6 instance whose address list has no link-local first (fd00::100/64
# alone, as keepalived configs mostly write it), keepalived and vipd side by
# side, both orders (who is master first): vipd --check warns (FILE:LINE and
# the list sent) but accepts it, one master for 2 s with the backup silent,
# every advert of either node listing fd00::100 alone (keepalived 2.2.7 drops
# an advert whose list differs from its own: a link-local added in front would
# split the pair), and a cable pull of the master gives the VRID to the other
# implementation within Master_Down_Interval + 20 ms of the master's last
# advert.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
vt_require tshark
mode_set v3-ipv6
VIP_LIST="fd00::100/64"
VT_CONF_DEFAULTS+=("vip=$VIP_LIST")
mdi=$(mdi_ms 100 "$ADVERT")
diag "mode $M_NAME with virtual_addresses = [ \"$VIP_LIST\" ] (no link-local first)" \
	"Master_Down_Interval(100) = $mdi ms"

conf=$(write_conf vipd 1 prio=150)
must_check "vipd --check accepts an IPv6 list without a link-local first" "$conf"
line=$(grep -n '"fd00::100/64"' "$conf" | head -n 1 | cut -d: -f1)
like "$(cat "$VT_DIR/check.out")" "^$conf:$line: warning: instance \"[^\"]*\": virtual_addresses\\[0\\] is not link-local: adverts will list fd00::100 as written" \
	"vipd --check warns at $(basename "$conf"):$line and names the list sent"

# pair TAG IMPL_OF_NODE1 IMPL_OF_NODE2 — node 1 is 150, node 2 is 100
pair() {
	local tag=$1 a=$2 b=$3
	pair_steady "$tag" "$a" "$b" "fd00::100/64 alone"
	pair_pull "$tag" "$b" "$mdi"
	cap_stop "$tag"
	# wire_check: from the link-local, to ff02::12, the list fd00::100 alone
	wire_check "$tag" 1 150
	wire_check "$tag" 2 100
	reset_nodes
}

pair ka-master keepalived vipd
pair vipd-master vipd keepalived
done_testing
