#!/usr/bin/env bash
# 55: the master's interface is renamed while UP (current kernels allow it), then renamed back.
# Node 1 (150, MASTER) and node 2 (100), adverts every 0.1 s. While eth0 is called vx0, node 1
# has no configured interface: it must release exactly as when the link goes away: priority 0
# on the wire, its VIP deleted (through the renamed link, which still holds it), FAULT. Node 2
# takes over. Two nodes never hold (hence answer ARP for) the VIP at once: node 1's deletion,
# as `ip monitor` in its namespace timestamps it, comes before node 2's addition. With the name
# back, node 1 re-reads the link's addresses (the kernel repeats the IPv4 ones, not the IPv6 ones)
# and preempts. Run in the v3 (IPv4) and v3-ipv6 modes. Last, in v3-ipv6: eth0 renamed away
# again and taken down, and another link (a new veth to the switch, node 1's addresses on it)
# renamed to eth0: node 1 binds the new index, reads its addresses and preempts on it.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[[ $VT_IMPL == vipd ]] || skip_all "vipd's rename handling (VT_IMPL=$VT_IMPL)"
vt_setup 2
vt_require_impl vipd

ns1=$(node_ns 1)

# mon_start I — `ip -ts monitor address` in node I's namespace into monI.txt, returning once it
# is seen listening (a probe address on lo shows up in it)
mon_start() {
	local ns
	ns=$(node_ns "$1")
	ip -n "$ns" -ts monitor address >"$VT_DIR/mon$1.txt" 2>&1 &
	VT_MON_PID[$1]=$!
	wait_for 3 _mon_probe "$ns" "$VT_DIR/mon$1.txt" || diag "ip monitor in node $1 not seen"
}
_mon_probe() {
	ip -n "$1" addr add 198.19.255.1/32 dev lo 2>/dev/null
	ip -n "$1" addr del 198.19.255.1/32 dev lo 2>/dev/null
	grep -q '198.19.255.1/32' "$2"
}
declare -A VT_MON_PID=()
mon_stop() { kill "${VT_MON_PID[$1]}" 2>/dev/null; wait "${VT_MON_PID[$1]}" 2>/dev/null; }
# vip_stamp I WHAT — the timestamp (ISO, sortable as text) of the first "added" or "deleted"
# VIP line in node I's monitor; empty if none
vip_stamp() {
	awk -v want="$2" -v vip="$VIP/" '
		index($0, " inet " vip) || index($0, " inet6 " vip) {
			del = index($0, "] Deleted ") > 0
			if ((want == "deleted") == del) { print substr($1, 2, length($1) - 2); exit }
		}' "$VT_DIR/mon$1.txt"
}
# stamp_s ISO — seconds (with microseconds) of an ip -ts timestamp
stamp_s() { date -d "${1/T/ }" +%s.%6N; }

# scenario MODE — the rename and back, in MODE
scenario() {
	ADVERT=0.1 # the issue's pair: adverts every 0.1 s
	mode_set "$1"
	diag "---- $(mode_desc)"
	must "$1: node 1 (150) master, node 2 (100) backup" start_pair vipd vipd
	# node 1's advert source while eth0 has its name (IPv6: its link-local, cached by node_ll)
	((M_FAM == 6)) && node_ll 1 >/dev/null
	mon_start 1
	mon_start 2
	cap_start "rename-$1" 1
	t_ren=$(now)
	if ! ip -n "$ns1" link set eth0 name vx0 2>"$VT_DIR/rename.err"; then
		skip_all "this kernel does not rename an UP interface: $(cat "$VT_DIR/rename.err")"
	fi
	if wait_for 3 only_master 2; then
		ok "node 2 takes over after the rename ($VT_WAITED_MS ms)"
	else
		not_ok "node 2 takes over after the rename ($(vt_state_line))"
	fi
	check "node 1 is in FAULT" state_is 1 FAULT
	if holds_vip 1; then
		not_ok "node 1 deleted its VIP from the renamed link ($(ip -n "$ns1" -o addr show | grep " $VIP/"))"
	else
		ok "node 1 deleted its VIP from the renamed link"
	fi
	wait_for 1 test -n "$(vip_stamp 1 deleted)"
	del1=$(vip_stamp 1 deleted) add2=$(vip_stamp 2 added)
	diag "node 1 deleted the VIP at ${del1:-never}, node 2 added it at ${add2:-never}"
	if [[ -n "$del1" && -n "$add2" && "$del1" < "$add2" ]]; then
		ok "node 1's VIP is gone before node 2 adds it ($(ms_diff "$(stamp_s "$del1")" "$(stamp_s "$add2")") ms): never two nodes answering for it (ARP or ND)"
	else
		not_ok "node 1's VIP is gone before node 2 adds it"
	fi
	prio0=$(first_advert "rename-$1" 1 "$t_ren" 0)
	if [[ -n "$prio0" ]]; then
		ok "node 1 sent priority 0 ($(ms_diff "$t_ren" "$prio0") ms after the rename)"
	else
		not_ok "node 1 sent priority 0 after the rename"
	fi
	check "and node 2 stays the only master for 0.5 s" stable_for 0.5 only_master 2

	ip -n "$ns1" link set vx0 name eth0 || bail_out "cannot rename vx0 back to eth0"
	if wait_for 3 settled 1; then
		ok "with the name back, node 1 preempts ($VT_WAITED_MS ms)"
	else
		not_ok "with the name back, node 1 preempts ($(vt_state_line))"
	fi
	check "and stays the only master for 0.5 s" stable_for 0.5 settled 1
	cap_stop "rename-$1"
	wire_check "rename-$1" 1 150
	mon_stop 1
	mon_stop 2
}

# has_ll DEV — DEV in node 1 has an IPv6 link-local address
has_ll() { [[ -n "$(ip -n "$ns1" -6 -o addr show dev "$1" scope link)" ]]; }
# another_link — (v3-ipv6, node 1 master) eth0 renamed to vx0 and down; a new link with node
# 1's addresses takes the name eth0
another_link() {
	local old new
	old=$(ip -n "$ns1" -o link show dev eth0 | cut -d: -f1)
	ip -n "$ns1" link set eth0 name vx0 || bail_out "cannot rename eth0 again"
	ip -n "$ns1" link set vx0 down
	wait_for 3 only_master 2 || diag "node 2 not the only master: $(vt_state_line)"
	if ! { ip -n "$ns1" link add nx0 type veth peer name p1b netns "$VT_SW" &&
		ip netns exec "$ns1" sysctl -qw net.ipv6.conf.nx0.accept_dad=0 >/dev/null &&
		ip -n "$VT_SW" link set p1b master br0 up &&
		ip -n "$ns1" addr add "$(node_ip 1)/24" dev nx0 &&
		ip -n "$ns1" addr add "$(node_ip6 1)/64" dev nx0 nodad &&
		ip -n "$ns1" link set nx0 up; }; then
		bail_out "cannot create the new link"
	fi
	# its link-local is there before the rename: the kernel will not announce it again
	wait_for 3 has_ll nx0 || diag "no link-local on nx0"
	VT_LL[1]="" # node 1's advert source is the new link's link-local
	ip -n "$ns1" link set nx0 name eth0 || bail_out "cannot rename nx0 to eth0"
	new=$(ip -n "$ns1" -o link show dev eth0 | cut -d: -f1)
	diag "eth0 was index $old, is now index $new"
	if wait_for 3 settled 1; then
		ok "another link took the name eth0: node 1 preempts on it ($VT_WAITED_MS ms)"
	else
		not_ok "another link took the name eth0: node 1 preempts on it ($(vt_state_line))"
	fi
	if ip -n "$ns1" -o addr show dev eth0 | grep -qF " $VIP/"; then
		ok "node 1's VIP is on the new eth0"
	else
		not_ok "node 1's VIP is on the new eth0 ($(ip -n "$ns1" -o addr show | grep -F " $VIP/"))"
	fi
}

scenario v3
reset_nodes
scenario v3-ipv6
another_link
done_testing
