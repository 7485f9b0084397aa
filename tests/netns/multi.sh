# shellcheck shell=bash
# tests/netns/multi.sh — nodes with many instances (the 64 + 8 scenario, load
# sharing, scripts/bench): configs for vipd and keepalived, per-instance
# states, transition counts, who holds which VIP. Sourced after lib.sh.
#
# An instance is described by one word "NAME,IFACE,VRID,PRIO,VIP/LEN"; the
# mode's keys (version, interval: modes.sh) and ADVERT apply to all.
# MULTI_NOTIFY=0: no keepalived notify script (a benchmark: no fork per
# transition; states are then unknown, holders are what counts).
# MULTI_TOP: more top-level lines of vipd's config (realtime_priority = 10;),
# MULTI_KA_GLOBAL: more global_defs lines of keepalived's (vrrp_rt_priority 10).

# write_multi IMPL I INSTANCE... — node I's config, print its path
write_multi() {
	local impl=$1 i=$2 spec name ifc vrid prio vip sep="" f="$VT_DIR/n$2.$1.conf"
	shift 2
	case $impl in
	vipd)
		{
			echo "# node $i, written by tests/netns/multi.sh"
			echo "router_id = \"n$i\";"
			echo "control_socket = \"$VT_DIR/n$i.sock\";"
			echo "state_dir = \"$VT_DIR/n$i.lib\";"
			# VT_CONF_USER: the benchmarks on a machine without a vipd user (as write_conf)
			[[ -n "${VT_CONF_USER:-}" ]] && echo "user = \"$VT_CONF_USER\";"
			[[ -n "${MULTI_TOP:-}" ]] && echo "$MULTI_TOP"
			echo "instances = ("
			for spec in "$@"; do
				IFS=, read -r name ifc vrid prio vip <<<"$spec"
				printf '%s  { name = "%s"; interface = "%s"; vrid = %d; priority = %d;\n' \
					"$sep" "$name" "$ifc" "$vrid" "$prio"
				printf '    version = %s; advert_interval = %s; virtual_addresses = [ "%s" ]; }' \
					"$M_VER" "$ADVERT" "$vip"
				sep=$',\n'
			done
			printf '\n);\n'
		} >"$f"
		;;
	keepalived)
		# every transition: "NAME STATE" appended to nI.trans, the state in nI.st.NAME
		# shellcheck disable=SC2016 # $2 and $3 are for the notify script
		printf '#!/bin/sh\necho "$2 $3" >> %s\necho "$3" > %s.$2\n' \
			"$VT_DIR/n$i.trans" "$VT_DIR/n$i.st" >"$VT_DIR/n$i.mnotify"
		chmod 755 "$VT_DIR/n$i.mnotify"
		{
			echo "# node $i, written by tests/netns/multi.sh"
			printf 'global_defs {\n  router_id n%s\n  vrrp_version %s\n  script_user root\n' "$i" "$M_VER"
			[[ -n "${MULTI_KA_GLOBAL:-}" ]] && echo "  $MULTI_KA_GLOBAL"
			echo "}"
			for spec in "$@"; do
				IFS=, read -r name ifc vrid prio vip <<<"$spec"
				printf 'vrrp_instance %s {\n  state BACKUP\n  interface %s\n  virtual_router_id %d\n' \
					"$name" "$ifc" "$vrid"
				printf '  priority %d\n  advert_int %s\n  virtual_ipaddress {\n    %s dev %s\n  }\n' \
					"$prio" "$ADVERT" "$vip" "$ifc"
				((${MULTI_NOTIFY:-1})) && printf '  notify %s\n' "$VT_DIR/n$i.mnotify"
				echo "}"
			done
		} >"$f"
		;;
	*) bail_out "write_multi: unknown implementation $impl" ;;
	esac
	echo "$f"
}

# start_multi I IMPL INSTANCE... — write node I's config and start it; true
# once it answers (vipd: control socket; keepalived: a first state reported)
start_multi() {
	local i=$1 impl=$2 conf
	shift 2
	rm -f "$VT_DIR/n$i.trans" "$VT_DIR/n$i.st".*
	conf=$(write_multi "$impl" "$i" "$@")
	start_node "$i" "$impl" "$conf"
	if [[ $impl == keepalived ]]; then
		wait_for 10 test -s "$VT_DIR/n$i.trans"
	else
		wait_for 10 node_ready "$i"
	fi
}

# multi_states I — one line per instance of node I: "NAME STATE"
multi_states() {
	local f
	case ${VT_IMPL_OF[$1]} in
	vipd)
		node_status "$1" | python3 -c '
import json, sys
try:
    for inst in json.loads(sys.stdin.readline())["instances"]:
        print(inst["name"], inst["state"])
except Exception as e:
    print("invalid-status", e)'
		;;
	keepalived)
		for f in "$VT_DIR/n$1.st".*; do
			[[ -e "$f" ]] && echo "${f##*.st.} $(cat "$f")"
		done
		;;
	esac
}
# count_state I STATE — how many of node I's instances are in STATE
count_state() { multi_states "$1" | awk -v s="$2" '$2 == s { n++ } END { print n + 0 }'; }
# all_in I STATE N — node I has exactly N instances, all in STATE
all_in() { [[ "$(multi_states "$1" | awk -v s="$2" '{ t++ } $2 == s { n++ } END { print n + 0, t + 0 }')" == "$3 $3" ]]; }

# transitions I — state changes node I has logged so far (vipd: the log's
# "NAME: OLD -> NEW (cause)" lines; keepalived: its notify calls)
transitions() {
	case ${VT_IMPL_OF[$1]} in
	vipd) grep -cE '^[0-9:.]+ [^ ]+: [A-Z]+ -> [A-Z]+ \(' "$VT_DIR/n$1.log" ;;
	keepalived) grep -c . "$VT_DIR/n$1.trans" 2>/dev/null || echo 0 ;;
	esac
}
# transition_lines I FROM — node I's transition lines after the first FROM
# ones (diagnostics)
transition_lines() {
	case ${VT_IMPL_OF[$1]} in
	vipd) grep -E '^[0-9:.]+ [^ ]+: [A-Z]+ -> [A-Z]+ \(' "$VT_DIR/n$1.log" | tail -n +$(($2 + 1)) ;;
	keepalived) tail -n +$(($2 + 1)) "$VT_DIR/n$1.trans" ;;
	esac
}

# vips_on I — node I's addresses (IPv4 and IPv6, any interface), one per line
vips_on() { ip -n "$(node_ns "$1")" -o addr show 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4 }'; }
# holds_all I LIST — node I holds every address of LIST (one per line)
holds_all() { [[ -z "$(comm -23 <(sort <<<"$2") <(vips_on "$1" | sort))" ]]; }
# holds_none I LIST — node I holds no address of LIST
holds_none() { [[ -z "$(comm -12 <(sort <<<"$2") <(vips_on "$1" | sort))" ]]; }
# count_held I LIST — how many addresses of LIST node I holds
count_held() { comm -12 <(sort <<<"$2") <(vips_on "$1" | sort) | grep -c .; }

# multi_ifaces N — eth0 and N-1 more interfaces eth1... on nodes 1 and 2,
# each a veth to a bridge brK of its own in the switch (port qKnI; node i:
# 198.18.(7+K).i/24 on ethK), so VRIDs repeat across interfaces (no 802.1Q
# needed). Prints the names, eth0 first. multi_pull / multi_replug I pull
# all of node I's cables.
multi_ifaces() {
	local n=$1 k i ns
	echo eth0
	for k in $(seq 1 $((n - 1))); do
		{ ip -n "$VT_SW" link add "br$k" type bridge stp_state 0 forward_delay 0 mcast_snooping 0 &&
			ip -n "$VT_SW" link set "br$k" up; } || return 1
		for i in 1 2; do
			ns=$(node_ns "$i")
			{ ip -n "$ns" link add "eth$k" type veth peer name "q${k}n$i" netns "$VT_SW" &&
				ip -n "$VT_SW" link set "q${k}n$i" master "br$k" up &&
				ip -n "$ns" addr add "198.18.$((7 + k)).$i/24" dev "eth$k" &&
				ip -n "$ns" link set "eth$k" up; } || return 1
		done
		echo "eth$k"
	done
	MULTI_NIF=$n
}
# multi_pull I / multi_replug I — node I's cable of every multi_ifaces interface
multi_pull() {
	local k
	cable_pull "$1"
	for k in $(seq 1 $((${MULTI_NIF:-1} - 1))); do ip -n "$VT_SW" link set "q${k}n$1" down; done
}
multi_replug() {
	local k
	cable_replug "$1"
	for k in $(seq 1 $((${MULTI_NIF:-1} - 1))); do ip -n "$VT_SW" link set "q${k}n$1" up; done
}

# multi_spread PRIO PER IFACE... — PER instances on each IFACE (VRIDs 1..PER),
# instance "iK_J" holding 198.18.(16+K).J/24 (K: the interface's index from 0)
multi_spread() {
	local prio=$1 per=$2 k=0 j ifc
	shift 2
	for ifc in "$@"; do
		for j in $(seq 1 "$per"); do echo "i${k}_$j,$ifc,$j,$prio,198.18.$((16 + k)).$j/24"; done
		k=$((k + 1))
	done
}
# multi_spread_vips PER N — the addresses of multi_spread over N interfaces
multi_spread_vips() {
	local k j
	for k in $(seq 0 $(($2 - 1))); do for j in $(seq 1 "$1"); do echo "198.18.$((16 + k)).$j"; done; done
}
