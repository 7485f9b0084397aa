#!/usr/bin/env bash
# 99: the libraries vipd loads only when a feature needs them stay out of a vipd that does not
# use it (issue 13, resident memory): libnl-route-3 and libnl-3 are mapped at the first VMAC
# (src/vmac_dl.c), nettle with the first AH socket (src/net_vrrp_md5.c), libnftables and
# libcurl not at all without accept = false or HTTP checks.
# a) no VMAC: none of them in the maps of node 1's processes; b) a reload to vmac = true maps
# libnl and the VIP moves onto vrrp.VRID; c) a kill -9 leaves that macvlan, and a start with a
# config without VMACs still removes it (the start's dump saw a macvlan, so the sweep loads
# libnl); d) without macvlans, a start keeps libnl out. Bounds: a lone node is MASTER after
# Master_Down_Interval (3 x 0.1 s + skew) plus start-up: 5 s; a reload or start acts within 5 s.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd

ns1=$(node_ns 1)
# maps_of_node I — every mapped file of node I's processes, one per line
maps_of_node() { local p; for p in $(ip netns pids "$(node_ns "$1")"); do awk 'NF >= 6 { print $6 }' "/proc/$p/maps" 2>/dev/null; done | sort -u; }
has_lib() { maps_of_node 1 | grep -q "/$1\.so"; }
vmac_exists() { ip -n "$ns1" -o link show "vrrp.$VRID" >/dev/null 2>&1; }
vip_on() { ip -n "$ns1" -o addr show dev "$1" 2>/dev/null | grep -q " $VIP/"; }
reload_node1() { "$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null 2>&1; }

# ---- a) no VMAC: no libnl, libnftables or libcurl mapped
conf=$(write_conf vipd 1 prio=150)
must "a) node 1 starts without a VMAC" start_node 1 vipd "$conf"
must "a) node 1 is MASTER with the VIP on eth0" wait_for 5 vip_on eth0
for lib in libnl-route-3 libnl-3 libnettle libnftables libcurl; do
	check "a) $lib is not mapped by a vipd that does not use it" eval "! has_lib $lib"
done

# ---- b) a reload to vmac = true: libnl is loaded there, the VIP is on the VMAC
write_conf vipd 1 prio=150 vmac=true >/dev/null
reload_node1
if wait_for 5 vip_on "vrrp.$VRID"; then
	ok "b) reload to vmac = true: the VIP is on vrrp.$VRID ($VT_WAITED_MS ms)"
else
	not_ok "b) reload to vmac = true: the VIP is on vrrp.$VRID (state $(node_state 1))"
fi
check "b) libnl-route-3 is mapped once a VMAC exists" has_lib libnl-route-3

# ---- c) kill -9 leaves the macvlan; a start without VMACs still sweeps it
stop_node 1 KILL
check "c) kill -9 left vrrp.$VRID behind" vmac_exists
write_conf vipd 1 prio=150 >/dev/null
must "c) node 1 restarts without a VMAC" start_node 1 vipd "$conf"
if wait_for 5 eval '! vmac_exists'; then
	ok "c) the leftover vrrp.$VRID is removed by a start without VMACs ($VT_WAITED_MS ms)"
else
	not_ok "c) the leftover vrrp.$VRID is removed by a start without VMACs"
fi
must "c) node 1 is MASTER with the VIP on eth0" wait_for 5 vip_on eth0

# ---- d) no macvlan left: a fresh start keeps libnl out
stop_node 1 TERM 5
must "d) node 1 starts again without a VMAC" start_node 1 vipd "$conf"
must "d) node 1 is MASTER with the VIP on eth0" wait_for 5 vip_on eth0
check "d) libnl-route-3 is not mapped" eval "! has_lib libnl-route-3"
stop_node 1 TERM 5
done_testing
