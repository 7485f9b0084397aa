#!/usr/bin/env bash
# 44: a VRRP socket that cannot join the multicast group is a FAULT, not a deaf
# BACKUP that becomes a second MASTER. Node 2's namespace allows no IPv4
# multicast membership (net.ipv4.igmp_max_memberships = 0, a per-namespace
# sysctl), so its join of 224.0.0.18 fails with ENOBUFS. Node 1 (150) is
# master, node 2 (100) must sit in FAULT with the reason in its status and
# log, never MASTER; once the sysctl is restored, vipd's retry joins and node 2
# becomes BACKUP behind node 1. Then the same in IPv6 (ff02::12), where
# net.core.optmem_max = 0 in node 2's namespace makes the join fail (ENOMEM).
# Adverts every 0.1 s.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
[[ $VT_IMPL == vipd ]] || skip_all "vipd's FAULT reason and retry"
IV=0.1
MDI2_MS=$(mdi_ms 100 "$IV")
# the retry waits 1 s, then twice as long each time, at most 8 s
# (SOCK_RETRY_MAX in src/daemon_int.h); 1 s of margin for a loaded machine
RETRY_BOUND=$(fadd 8 1)
ns2=$(node_ns 2)
limit=$(ip netns exec "$ns2" sysctl -n net.ipv4.igmp_max_memberships)
vipctl_text() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" status 2>&1; }
_n2_hears_n1() { [[ "$(node_status 2 | json_field master_address)" == "$(node_ip 1)" ]]; }
_n1_master_n2_fault() { only_master 1 && state_is 2 FAULT; }

ip netns exec "$ns2" sysctl -qw net.ipv4.igmp_max_memberships=0 ||
	bail_out "cannot set net.ipv4.igmp_max_memberships in node 2's namespace"
is "$(sysctl -n net.ipv4.igmp_max_memberships)" "$limit" \
	"the sysctl is per namespace: the host keeps $limit"

must "node 1 (150) starts" start_with 1 vipd prio=150 interval=$IV
must "node 1 is MASTER" wait_for 2 state_is 1 MASTER
must "node 2 (100) starts, its IPv4 join failing" start_with 2 vipd prio=100 interval=$IV
if wait_for 2 state_is 2 FAULT; then
	ok "node 2 is FAULT ($VT_WAITED_MS ms)"
else
	not_ok "node 2 is FAULT ($(vt_state_line))"
fi
# deaf, an unfixed node 2 takes over after its Master_Down_Interval; watch
# three of them
check "node 1 stays the only master, node 2 FAULT, for 3 x MDI ($(fadd "$MDI2_MS" 0) ms each)" \
	stable_for "$(awk -v m="$MDI2_MS" 'BEGIN { print 3 * m / 1000 }')" \
	_n1_master_n2_fault
like "$(status_fields 2 fault_reason)" '^fault_reason=cannot join the IPv4 VRRP group: No buffer space available$' \
	"node 2's status gives the reason"
like "$(vipctl_text 2)" 'web: FAULT: cannot join the IPv4 VRRP group' "vipctl status prints it"
check "node 2's log says so" grep -q "eth0: cannot join the IPv4 VRRP group: No buffer space available" \
	"$VT_DIR/n2.log"

ip netns exec "$ns2" sysctl -qw "net.ipv4.igmp_max_memberships=$limit"
if wait_for "$RETRY_BOUND" state_is 2 BACKUP; then
	ok "the join works again: node 2 is BACKUP within ${RETRY_BOUND}s ($VT_WAITED_MS ms)"
else
	not_ok "the join works again: node 2 is BACKUP within ${RETRY_BOUND}s ($(vt_state_line))"
fi
check "node 2's log says the group is joined" grep -q "eth0: joined the IPv4 VRRP group" "$VT_DIR/n2.log"
# node 1's next advert comes within one interval (0.1 s); 0.4 s of margin
wait_for 0.5 _n2_hears_n1
is "$(status_fields 2 master_address fault_reason)" \
	"master_address=$(node_ip 1) fault_reason=<missing>" "node 2 hears node 1, no fault reason"
check "settled for 3 x MDI: node 1 master, node 2 BACKUP" \
	stable_for "$(awk -v m="$MDI2_MS" 'BEGIN { print 3 * m / 1000 }')" settled 1

# IPv6: with net.core.optmem_max = 0 (per namespace too) the kernel cannot
# allocate the socket's membership of ff02::12 (ENOMEM)
reset_nodes
VIP=fe80::51 VIP_LEN=64
optmem=$(ip netns exec "$ns2" sysctl -n net.core.optmem_max)
ip netns exec "$ns2" sysctl -qw net.core.optmem_max=0 ||
	bail_out "cannot set net.core.optmem_max in node 2's namespace"
must "IPv6: node 1 (150) starts" start_with 1 vipd prio=150 interval=$IV vip="fe80::51/64 fd00::100/64"
must "IPv6: node 1 is MASTER" wait_for 2 state_is 1 MASTER
must "IPv6: node 2 (100) starts, its IPv6 join failing" start_with 2 vipd prio=100 interval=$IV \
	vip="fe80::51/64 fd00::100/64"
if wait_for 2 state_is 2 FAULT; then ok "IPv6: node 2 is FAULT"; else not_ok "IPv6: node 2 is FAULT ($(vt_state_line))"; fi
check "IPv6: node 1 stays the only master, node 2 FAULT, for 3 x MDI" \
	stable_for "$(awk -v m="$MDI2_MS" 'BEGIN { print 3 * m / 1000 }')" _n1_master_n2_fault
like "$(status_fields 2 fault_reason)" '^fault_reason=cannot join the IPv6 VRRP group: Cannot allocate memory$' \
	"IPv6: node 2's status gives the reason"
ip netns exec "$ns2" sysctl -qw "net.core.optmem_max=$optmem"
if wait_for "$RETRY_BOUND" state_is 2 BACKUP; then
	ok "IPv6: the join works again: node 2 is BACKUP within ${RETRY_BOUND}s ($VT_WAITED_MS ms)"
else
	not_ok "IPv6: the join works again: node 2 is BACKUP within ${RETRY_BOUND}s ($(vt_state_line))"
fi
check "IPv6: settled for 3 x MDI: node 1 master, node 2 BACKUP" \
	stable_for "$(awk -v m="$MDI2_MS" 'BEGIN { print 3 * m / 1000 }')" settled 1
done_testing
