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
	local tag=$1 a=$2 b=$3
	pair_steady "$tag" "$a" "$b"
	pair_pull "$tag" "$b" "$mdi"
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
