#!/usr/bin/env bash
# 50: the malformed-advert matrix (tests/netns/vrrp_malformed.py, scapy, from
# the client namespace) against node 1, MASTER of four instances:
#   v4   v3 IPv4, VRID 51, 0.1 s, VIPs 198.18.0.100 198.18.0.101
#   v6   v3 IPv6, VRID 52, 0.1 s, VIPs fe80::52 fd00::152
#   own  v3 IPv4, VRID 53, 0.1 s, priority 255 (the owner), VIP 198.18.0.153
#   v2   v2,      VRID 54, 1 s,   VIP 198.18.0.154
# Wrong TTL / hop limit, version, type, VRID, checksum (both forms wrong),
# truncated at every length, address count larger / smaller than the payload,
# IPv4 addresses in an IPv6 advert, priority 255 from a non-owner, CARP on
# protocol 112. Each case must be dropped and counted under its reason (the
# instance's "drops", or "unmatched_drops" when no instance is named), and
# during the whole matrix: no state change, no advert gap over 1.5 x the
# interval on the wire, no VIP removed. The control at the end: a right
# advert of priority 200 from the same namespace makes v4 and v6 BACKUP.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/multi.sh
. "$(dirname "$0")/multi.sh"
# shellcheck source=tests/netns/malformed.sh
. "$(dirname "$0")/malformed.sh"
[[ $VT_IMPL == vipd ]] || skip_all "the drop counters are vipd's (VT_IMPL=$VT_IMPL)"
vt_setup 1
vt_require_impl vipd
vt_require_scapy

conf="$VT_DIR/n1.vipd.conf"
cat >"$conf" <<EOC
router_id = "n1";
control_socket = "$VT_DIR/n1.sock";
state_dir = "$VT_DIR/n1.lib";
instances = (
  { name = "v4"; interface = "eth0"; vrid = 51; priority = 100; advert_interval = 0.1;
    virtual_addresses = [ "198.18.0.100/24", "198.18.0.101/24" ]; },
  { name = "v6"; interface = "eth0"; vrid = 52; priority = 100; advert_interval = 0.1;
    virtual_addresses = [ "fe80::52/64", "fd00::152/64" ]; },
  { name = "own"; interface = "eth0"; vrid = 53; priority = 255; advert_interval = 0.1;
    virtual_addresses = [ "198.18.0.153/24" ]; },
  { name = "v2"; interface = "eth0"; vrid = 54; priority = 100; version = 2; advert_interval = 1;
    virtual_addresses = [ "198.18.0.154/24" ]; }
);
EOC
VIPS=(198.18.0.100 198.18.0.101 fe80::52 fd00::152 198.18.0.153 198.18.0.154)
all_vips() { local a; for a in "${VIPS[@]}"; do holds_vip 1 "$a" || return 1; done; }
state_of() { multi_states 1 | awk -v n="$1" '$1 == n { print $2 }'; }
_state_of_is() { [[ "$(state_of "$1")" == "$2" ]]; }

start_node 1 vipd "$conf"
must "node 1 is MASTER of its four instances and holds the six VIPs (v2: after ~3.6 s)" \
	wait_for 10 eval 'all_in 1 MASTER 4 && all_vips'
cll=$(ip -n "$VT_CL" -6 -o addr show dev eth0 scope link | awk '{ sub(/\/.*/, "", $4); print $4; exit }')

node_cap_start mal 1
vip_watch_start 1
t0=$(now)
tr0=$(transitions 1)
ip netns exec "$VT_CL" "$VT_PY" "$VT_LIB_DIR/vrrp_malformed.py" --vipctl "$VIPCTL_BIN" \
	--sock "$VT_DIR/n1.sock" --src6 "$cll" --count 3 >"$VT_DIR/matrix.out" 2>"$VT_DIR/matrix.err"
rc=$?
t1=$(now)
while IFS='|' read -r res desc got want; do
	case $res in
	ok)
		if [[ $desc == control:* ]]; then ok "$desc: accepted, no drop counted"
		else ok "$desc: dropped and counted: $got"; fi
		;;
	"not ok")
		not_ok "$desc: counted $got"
		diag "  $want"
		;;
	esac
done <"$VT_DIR/matrix.out"
((rc == 0)) || not_ok "the matrix ran to its end (exit $rc: $(tail -n 3 "$VT_DIR/matrix.err"))"
diag "matrix: $(grep -c . "$VT_DIR/matrix.out") cases in $(ms_diff "$t0" "$t1") ms"

is "$(transitions 1)" "$tr0" "no state change during the matrix ($(transitions 1) transitions in all)"
check "node 1 is still MASTER of all four" all_in 1 MASTER 4
check "node 1 still holds the six VIPs" all_vips
is "$(vip_removals 1 "${VIPS[@]}")" 0 "no VIP was removed during the matrix (ip monitor address)"
cap_stop mal
gap_check mal 51 0.1 "v4 (IPv4)" "$t0" "$t1"
gap_check mal 52 0.1 "v6 (IPv6)" "$t0" "$t1"
gap_check mal 53 0.1 "own (owner)" "$t0" "$t1"
gap_check mal 54 1 "v2" "$t0" "$t1"

# the control: the same namespace, a right advert of priority 200
inject_bg pos4 --src "$CLIENT_IP" --dst 224.0.0.18 --vrid 51 --prio 200 --interval 0.1 \
	--addr 198.18.0.100 --addr 198.18.0.101 --phase rfc5798:30 --every 0.1
inject_bg pos6 --src "$cll" --dst ff02::12 --vrid 52 --prio 200 --interval 0.1 \
	--addr fe80::52 --addr fd00::152 --phase rfc5798:30 --every 0.1
if wait_for 3 _state_of_is v4 BACKUP; then
	ok "control: a right IPv4 advert of priority 200 makes v4 BACKUP ($VT_WAITED_MS ms)"
else
	not_ok "control: v4 BACKUP (state $(state_of v4); $(cat "$VT_DIR/pos4.log"))"
fi
if wait_for 3 _state_of_is v6 BACKUP; then
	ok "control: a right IPv6 advert of priority 200 makes v6 BACKUP ($VT_WAITED_MS ms)"
else
	not_ok "control: v6 BACKUP (state $(state_of v6); $(cat "$VT_DIR/pos6.log"))"
fi
wait_for 5 eval 'phase_is pos4 done && phase_is pos6 done'
done_testing
