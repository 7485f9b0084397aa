#!/usr/bin/env bash
# 76: auth_type = "ah" (VRRPv2 inside keepalived's IPsec AH, HMAC-MD5-96 keyed with auth_pass)
# between keepalived and vipd, both orders (who is master first): vipd --check takes the key,
# each hears the other (one master for 2 s, the backup silent, vipd reports the master), a
# cable pull of the master gives the VRID to the other implementation within
# Master_Down_Interval + 20 ms of the master's last advert, and the replug gives it back
# (preempt). On the wire every advert of either node is AH (protocol 51, SPI = its source,
# Auth Type 2, TTL 255) with its own sequence numbers rising; neither node found a bad ICV
# (vipd's drops "ah-icv", keepalived's "invalid IPSEC HMAC-MD5" line). Then the same with a
# virtual MAC on both nodes (vmac / use_vmac: the AH adverts leave from it).
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
vt_require tshark
mode_set v2
VT_CONF_DEFAULTS+=(auth_type=ah)
mdi=$(mdi_ms 100 "$ADVERT")
mdi150=$(mdi_ms 150 "$ADVERT")
diag "VRRPv2 IPv4 multicast, auth_type AH keyed with auth_pass '$M_AUTH', ${ADVERT} s adverts" "Master_Down_Interval(100) = $mdi ms," \
	"Master_Down_Interval(150) = $mdi150 ms"
# polling bounds: the protocol's interval plus 1 s for the start of the daemon or the link
wait_pull=$(awk -v m="$mdi" 'BEGIN { printf "%.1f", m / 1000 + 1 }')
wait_back=$(awk -v m="$mdi150" 'BEGIN { printf "%.1f", m / 1000 + 1 }')

conf=$(write_conf vipd 1 prio=150)
grep -q 'auth_type = "ah";' "$conf" || bail_out "write_conf wrote no auth_type"
must_check "vipd --check accepts auth_type = \"ah\"" "$conf"

# ah_wire TAG N — node N's adverts in capture TAG: all AH as keepalived sends them, sequence
# numbers strictly rising
ah_wire() {
	local tag=$1 n=$2 src spi bad total
	src=$(node_ip "$n")
	# shellcheck disable=SC2086 # one argument per byte of the address
	spi=$(printf '0x%02x%02x%02x%02x' ${src//./ })
	total=$(tshark -r "$(cap_file "$tag")" -Y "vrrp && ip.src == $src" -T fields \
		-e frame.number 2>/dev/null | grep -c .)
	local mac=""
	[[ $tag == vmac-* ]] && mac=" && eth.src == $(vmac_mac)"
	bad=$(tshark -r "$(cap_file "$tag")" -Y "vrrp && ip.src == $src && !(ip.proto == 51 &&
		ah.spi == $spi && vrrp.auth_type == 2 &&
		vrrp.version == 2 && ip.ttl == 255$mac)" -T fields -e frame.number 2>/dev/null | grep -c .)
	if ((total > 0 && bad == 0)); then
		ok "$tag: node $n sent its $total adverts in AH (protocol 51, SPI $src, Auth Type 2${mac:+, from $(vmac_mac)})"
	else
		not_ok "$tag: node $n's adverts in AH ($bad of $total not)"
	fi
	tshark -r "$(cap_file "$tag")" -Y "vrrp && ip.src == $src" -T fields -e ah.sequence \
		2>/dev/null >"$VT_DIR/$tag.seq$n"
	if awk 'NR > 1 && $1 + 0 <= p { exit 1 } { p = $1 + 0 }' "$VT_DIR/$tag.seq$n"; then
		ok "$tag: node $n's AH sequence numbers rise ($(head -n1 "$VT_DIR/$tag.seq$n")..$(tail -n1 "$VT_DIR/$tag.seq$n"))"
	else
		not_ok "$tag: node $n's AH sequence numbers rise: $(paste -sd' ' "$VT_DIR/$tag.seq$n")"
	fi
}

# no_bad_icv TAG N IMPL — node N never found a bad ICV in the other's adverts
no_bad_icv() {
	local tag=$1 n=$2 impl=$3 d
	case $impl in
	vipd)
		d=$(node_status "$n" | python3 -c '
import json, sys
i = json.loads(sys.stdin.readline())["instances"][0]
print(i.get("drops", {}).get("ah-icv", 0))' 2>/dev/null)
		is "$d" 0 "$tag: vipd (node $n) dropped no advert for a bad ICV"
		;;
	keepalived)
		is "$(grep -c 'invalid IPSEC HMAC-MD5' "$VT_DIR/n$n.log")" 0 \
			"$tag: keepalived (node $n) found no bad ICV"
		;;
	esac
}

# pair TAG IMPL_OF_NODE1 IMPL_OF_NODE2 — node 1 is 150, node 2 is 100
pair() {
	local tag=$1 a=$2 b=$3
	local t_pull
	pair_steady "$tag" "$a" "$b" "auth AH"
	t_pull=$(now)
	cable_pull 1
	if wait_for "$wait_pull" only_master 2; then
		ok "$tag: cable pull of node 1 -> node 2 ($b) is MASTER and holds the VIP"
	else
		not_ok "$tag: node 2 ($b) takes over (state '$(node_state 2)', holders '$(who_holds)')"
	fi
	takeover "$tag" 1 2 "$t_pull"
	within "$TK_MS" "$(fadd "$mdi" 20)" "$tag: takeover by $b from the last advert on the wire, ms"
	cable_replug 1
	# node 1 comes back as backup and, preempting, takes over when the lower-priority adverts
	# it discards let its Master_Down_Interval(150) run out (keepalived and vipd alike)
	if wait_for "$wait_back" settled 1; then
		ok "$tag: replug -> node 1 ($a) preempts back ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: replug -> node 1 ($a) preempts back (holders '$(who_holds)')"
	fi
	cap_stop "$tag"
	ah_wire "$tag" 1
	ah_wire "$tag" 2
	no_bad_icv "$tag" 1 "$a"
	no_bad_icv "$tag" 2 "$b"
	reset_nodes
}

pair ka-master keepalived vipd
pair vipd-master vipd keepalived
VT_CONF_DEFAULTS+=(vmac=true)
pair vmac-ka-master keepalived vipd
pair vmac-vipd-master vipd keepalived
done_testing
