# shellcheck shell=bash
# tests/netns/mode-body.sh — one protocol mode end to end; sourced by
# 10-v2.sh ... 15-v3-ipv6-vmac.sh, which set VT_MODE (see modes.sh).
#
# Three rounds: vipd on both nodes, then keepalived as node 1 (the master)
# with vipd as node 2, then vipd as node 1 with keepalived as node 2. Each:
#  a) election: node 1 (150) is MASTER with the VIPs, node 2 (100) BACKUP and
#     names node 1 as master; the client reaches the VIP;
#  b) cable pull of node 1: node 2 takes over, measured on the wire from node
#     1's last advert <= Master_Down_Interval + 20 ms; the client reaches the
#     VIP again;
#  c) replug: node 1 preempts back;
#  d) SIGTERM of node 1: node 2 takes over <= Skew_Time + 20 ms after the
#     priority-0 advert; node 1 leaves no VIP (nor VMAC interface) behind;
#  e) tshark checks every advert and announcement a vipd node sent.
# VMAC modes: the client's neighbour entry for the VIP is the virtual MAC
# after the election and after every failover, and the backup sends nothing
# from the virtual MAC.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
vt_require_impl keepalived
mode_set "${VT_MODE:?set VT_MODE}"
mdi100=$(mdi_ms 100 "$ADVERT") mdi150=$(mdi_ms 150 "$ADVERT") skew100=$(skew_ms 100 "$ADVERT")
diag "mode $M_NAME: $(mode_desc)" \
	"Master_Down_Interval(100) = $mdi100 ms, (150) = $mdi150 ms; Skew_Time(100) = $skew100 ms"
# seconds: a steady window spanning a few adverts; waits for a takeover / a preemption
steady=$(awk -v i="$ADVERT" 'BEGIN { s = 1.5 * i; printf "%.2f", s < 0.3 ? 0.3 : s }')
t_take=$(awk -v m="$mdi100" 'BEGIN { printf "%.1f", m / 1000 + 2 }')
t_back=$(awk -v m="$mdi150" 'BEGIN { printf "%.1f", m / 1000 + 3 }')

if [[ $VT_IMPL == vipd ]]; then
	conf=$(write_conf vipd 1 prio=150)
	if ! "$VIPD_BIN" --check -f "$conf" >"$VT_DIR/check.out" 2>&1; then
		not_ok "vipd --check accepts the $M_NAME config"
		diag "$(cat "$conf")" "vipd --check says:" "$(cat "$VT_DIR/check.out")"
		done_testing
		exit 1
	fi
	ok "vipd --check accepts the $M_NAME config"
fi

# node_clean I — node I holds none of the VIPs and has no VMAC interface
node_clean() {
	local a
	for a in $(vip_addrs); do holds_vip "$1" "$a" && return 1; done
	[[ -z "$(ip -n "$(node_ns "$1")" -o link show type macvlan 2>/dev/null)" ]]
}
# vmac_seen TAG WHEN — VMAC modes: the client's entry for the VIP is the VMAC
vmac_seen() {
	((M_VMAC)) || return 0
	if wait_for 1 client_knows "$VIP" "$(vmac_mac)"; then
		ok "$1: the client's neighbour entry for $VIP is the virtual MAC $(vmac_mac) $2"
	else
		not_ok "$1: the client's neighbour entry for $VIP $2 is $(client_lladdr "$VIP"), not $(vmac_mac)"
	fi
}
# client_reaches TAG WHEN
client_reaches() {
	local sent rcvd
	read -r sent rcvd < <(client_ping 3)
	if ((${rcvd:-0} == 3)); then
		ok "$1: the client pings $VIP $2 (3 replies, $((sent - rcvd)) lost)"
	else
		not_ok "$1: the client pings $VIP $2: ${rcvd:-0} replies to ${sent:-0} pings"
	fi
}
# backup_silent_from_vmac TAG — VMAC modes: nothing enters the bridge from
# node 2's port with the virtual MAC as source during the steady window
backup_silent_from_vmac() {
	local c
	((M_VMAC)) || return 0
	timeout "$steady" ip netns exec "$VT_SW" tcpdump -i "$(node_port 2)" -Q in -n -e -l \
		"ether src $(vmac_mac)" >"$VT_DIR/$1.backup-vmac.txt" 2>/dev/null
	c=$(grep -c . "$VT_DIR/$1.backup-vmac.txt")
	is "$c" 0 "$1: the backup sent no frame from the virtual MAC in $steady s"
	((c == 0)) || diag "$(head -n 3 "$VT_DIR/$1.backup-vmac.txt")"
}
# ka_vmac_sysctls I on|off — keepalived's documented prerequisite for a VMAC
# (arp_ignore = 1, arp_announce = 2 on "all": ARP only from the interface
# holding the address, never the VIP as the source of eth0's requests), in
# node I's namespace while keepalived runs there; vipd must do without
ka_vmac_sysctls() {
	local v=0 a=0
	[[ $2 == on ]] && v=1 a=2
	ip netns exec "$(node_ns "$1")" sysctl -qw net.ipv4.conf.all.arp_ignore=$v \
		net.ipv4.conf.all.arp_announce=$a >/dev/null
}

# wire_checked IMPL — check the packets of IMPL: vipd's, and keepalived's when
# VT_IMPL=keepalived validates the harness
wire_checked() { [[ $1 == vipd || $VT_IMPL == keepalived ]]; }

# round TAG IMPL_OF_NODE1 IMPL_OF_NODE2
round() {
	local tag=$1 a=$2 b=$3 n sent rcvd t_pull t_stop t_p0 t1 ms
	if ((M_VMAC)); then
		[[ $a == keepalived ]] && ka_vmac_sysctls 1 on
		[[ $b == keepalived ]] && ka_vmac_sysctls 2 on
	fi
	cap_start "$tag"
	must "$tag: election: node 1 ($a, 150) MASTER with the VIPs, node 2 ($b, 100) BACKUP" \
		start_pair "$a" "$b"
	check "$tag: steady for $steady s" stable_for "$steady" settled 1
	backup_silent_from_vmac "$tag"
	[[ $a == vipd ]] && is "$(status_fields 1 state version master_address)" \
		"state=MASTER version=$M_VER master_address=$(node_src 1)" "$tag: node 1's status"
	[[ $b == vipd ]] && is "$(status_fields 2 state master_address)" \
		"state=BACKUP master_address=$(node_src 1)" "$tag: node 2's status names node 1 as master"
	client_reaches "$tag" "after the election"
	vmac_seen "$tag" "after the election"

	# b) cable pull
	ping_start
	wait_for 2 _ping_replies_gt 0
	t_pull=$(now)
	cable_pull 1
	if wait_for "$t_take" only_master 2; then
		ok "$tag: cable pull of node 1: node 2 ($b) is MASTER with the VIPs ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: cable pull of node 1: node 2 ($b) takes over ($(vt_state_line))"
	fi
	n=$(ping_replies)
	wait_for 3 _ping_replies_gt "$n"
	read -r sent rcvd < <(ping_stop)
	check "$tag: the client reaches the VIP again" _ping_replies_gt "$n"
	diag "client pinging every 10 ms: $((sent - rcvd)) lost of $sent, longest gap $(ping_gap_ms) ms"
	takeover "$tag" 1 2 "$t_pull"
	within "$TK_MS" "$(fadd "$mdi100" 20)" "$tag: takeover by node 2 ($b) from node 1's last advert on the wire, ms"
	VT_TK[$tag]=$TK_MS
	vmac_seen "$tag" "after the cable pull"

	# c) replug: node 1 preempts back
	cable_replug 1
	if wait_for "$t_back" settled 1; then
		ok "$tag: replug: node 1 ($a) preempts back ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: replug: node 1 ($a) preempts back ($(vt_state_line))"
	fi
	client_reaches "$tag" "after the preemption"
	vmac_seen "$tag" "after the preemption"

	# d) graceful stop of node 1
	t_stop=$(now)
	stop_node 1 TERM 5
	[[ $a == vipd ]] && is "$VT_RC" 0 "$tag: node 1 (vipd) exits 0 on SIGTERM"
	if wait_for 3 only_master 2; then
		ok "$tag: SIGTERM of node 1: node 2 ($b) is MASTER with the VIPs"
	else
		not_ok "$tag: SIGTERM of node 1: node 2 ($b) takes over ($(vt_state_line))"
	fi
	check "$tag: node 1 left no VIP and no VMAC interface behind" node_clean 1
	client_reaches "$tag" "after the stop"
	vmac_seen "$tag" "after the stop"
	cap_stop "$tag"
	t_p0=$(first_advert "$tag" 1 "$t_stop" 0)
	t1=""
	[[ -n "$t_p0" ]] && t1=$(first_announce "$tag" 2 "$t_p0")
	ms=$(ms_diff "$t_p0" "$t1")
	diag "priority-0 advert $(ms_diff "$t_stop" "$t_p0") ms after SIGTERM; node 2's first advert/announcement $ms ms after it"
	within "$ms" "$(fadd "$skew100" 20)" "$tag: takeover after node 1's priority-0 advert, ms"
	VT_GR[$tag]=$ms

	# e) the packets (of keepalived too when the harness itself is checked)
	local r=R
	[[ $VT_IMPL == keepalived ]] && r="" # keepalived's NAs have R=0
	wire_checked "$a" && wire_check "$tag" 1 150
	wire_checked "$b" && wire_check "$tag" 2 100
	if ((M_VMAC)); then
		# one MAC for all: only when every announcer is checked
		wire_checked "$a" && wire_checked "$b" && announce_check "$tag" 1 "$r"
	else
		wire_checked "$a" && announce_check "$tag" 1 "$r"
		wire_checked "$b" && announce_check "$tag" 2 "$r"
	fi
	reset_nodes
	ka_vmac_sysctls 1 off
	ka_vmac_sysctls 2 off
}

declare -A VT_TK=() VT_GR=()
round "$VT_IMPL" "$VT_IMPL" "$VT_IMPL"
if [[ $VT_IMPL != keepalived ]]; then
	round ka-master keepalived "$VT_IMPL"
	round ka-backup "$VT_IMPL" keepalived
fi
for t in "${!VT_TK[@]}"; do
	diag "summary $M_NAME $t: cable-pull takeover ${VT_TK[$t]:-?} ms (bound $(fadd "$mdi100" 20))," \
		"graceful ${VT_GR[$t]:-?} ms (bound $(fadd "$skew100" 20))"
done
# a file with scenarios of its own after these sets MODE_BODY_MORE=1 and ends itself
[[ -n ${MODE_BODY_MORE:-} ]] || done_testing
