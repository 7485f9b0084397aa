#!/usr/bin/env bash
# 07: interoperation with keepalived (Debian package, VRRPv3, 50 ms adverts),
# both ways: steady state with a single master and no flapping over 2 s, then
# a cable pull of the master and the other implementation takes over.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
vt_require_impl keepalived
mdi=$(mdi_ms 100 "$ADVERT")

# interop TAG IMPL_OF_NODE1 IMPL_OF_NODE2 — node 1 is 150, node 2 is 100
interop() {
	local tag=$1 a=$2 b=$3 n
	must "$tag: node 1 ($a, 150) master, node 2 ($b, 100) backup" start_pair "$a" "$b"
	cap_start "$tag" 1
	t0=$(now)
	if stable_for 2 settled 1; then
		ok "$tag: one master ($a) and the VIP on node 1 only for 2 s ($VT_SAMPLES samples)"
	else
		not_ok "$tag: single master for 2 s (states $(node_state 1)/$(node_state 2))"
	fi
	t1=$(now)
	n=$(count_adverts "$tag" 1 "$t0" "$t1")
	is "$(count_adverts "$tag" 2 "$t0" "$t1")" 0 "$tag: the backup ($b) stayed silent while node 1 sent $n adverts"
	[[ $b == vipd ]] && is "$(node_status 2 | json_field master_address)" "$(node_ip 1)" \
		"$tag: vipd (backup) reports master_address $(node_ip 1)"

	t_pull=$(now)
	cable_pull 1
	if wait_for 3 only_master 2; then
		ok "$tag: cable pull of node 1 -> node 2 ($b) is MASTER and holds the VIP"
	else
		not_ok "$tag: node 2 ($b) takes over (state '$(node_state 2)', holders '$(who_holds)')"
	fi
	takeover "$tag" 1 2 "$t_pull"
	within "$TK_MS" "$(fadd "$mdi" 20)" "$tag: takeover by $b from the last advert on the wire, ms"
	cable_replug 1
	if wait_for 3 settled 1; then
		ok "$tag: replug -> node 1 ($a) preempts back ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: replug -> node 1 ($a) preempts back (holders '$(who_holds)')"
	fi
	cap_stop "$tag"
	[[ $a == vipd ]] && wire_check "$tag" 1 150
	[[ $b == vipd ]] && wire_check "$tag" 2 100
	reset_nodes
}

diag "Master_Down_Interval(priority 100, ${ADVERT} s) = $mdi ms"
interop ka-master keepalived "$VT_IMPL"
interop vipd-master "$VT_IMPL" keepalived
done_testing
