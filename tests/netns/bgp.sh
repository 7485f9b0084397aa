# shellcheck shell=bash
# tests/netns/bgp.sh — the BGP topology of issue 16, and the steps its scenarios share, for
# tests/netns/88-bgp.sh, 89-bgp-ipv6.sh and `scripts/lab up --bgp`. Sourced after lib.sh.
#
#   s1 (vipd + FRR, AS 65001) eth0 198.18.1.2 ---- e1 198.18.1.1 \
#                                                           rt (FRR, AS 65000) ec 198.18.3.1 ---- cl eth0 198.18.3.2
#   s2 (vipd + FRR, AS 65001) eth0 198.18.2.2 ---- e2 198.18.2.1 /
#
# Each server holds the VIP 198.18.5.1/32 on lo while MASTER and has vipd put a host route to it
# in table 100 (announce_table), or one of metric 100 while BACKUP (announce_backup_metric);
# zebra imports table 100 (`ip import-table 100`) and bgpd redistributes it to the router, which
# prefers the lower MED (both servers are AS 65001). BFD (100 ms x 3) runs on each session. VRRP
# is unicast between 198.18.1.2 and 198.18.2.2, through the router (unicast_ttl_check = false).
# Each FRR node has its own pathspace (`-N NAME`: its sockets in /run/frr/NAME, which bgp_cleanup
# removes), its configs, pid files and logs in $VT_DIR; the daemons run as frr. Nothing outside
# the namespaces is touched.
# With BGP_AF=6 (set before sourcing) every address is IPv6 instead: links fd00:18:N::/64 (.2
# becomes ::2, .1 ::1), VIP fd00:18:5::1, bgpd's IPv6 unicast family; FRR 8.4 has no `ipv6
# import-table`, so vipd announces into the main table (254; master metric 1024, backup 2048)
# and bgpd redistributes its kernel routes of the service range; the router's route-map takes
# the servers' global next hop (`set ipv6 next-hop prefer-global`).
# shellcheck disable=SC2034 # read by the scenario

BGP_AF=${BGP_AF:-4} # 4, or 6 (tests/netns/89-bgp-ipv6.sh): the family of every address below
BGP_VIP=198.18.5.1
BGP_TABLE=100
BGP_BACKUP_METRIC=100
BGP_VIP_PLEN=31     # the VIP's prefix on lo: shorter than a host's (see the README)
if [[ $BGP_AF == 6 ]]; then
	# FRR 8.4 has no `ipv6 import-table`: vipd announces into the main table, whose routes of
	# other protocols zebra takes for kernel routes, and bgpd redistributes those (`redistribute
	# kernel`); the master's metric is the kernel's IPv6 default, 1024
	BGP_VIP=fd00:18:5::1 BGP_TABLE=254 BGP_BACKUP_METRIC=2048 BGP_VIP_PLEN=127
fi
BGP_ADVERT=0.1      # vipd's advert_interval here, seconds
BGP_BFD_MS=100      # BFD transmit/receive interval
BGP_BFD_MULT=3      # BFD detect multiplier
BGP_FRR=${BGP_FRR:-/usr/lib/frr}
BGP_NS=()           # s1 s2 rt cl: namespace names
BGP_SPACES=()       # FRR pathspaces made (removed by bgp_cleanup)

bgp_ns() { echo "${VT_PFX}$1"; }
# addresses of link I (1, 2: the servers'; 3: the client's): .2 the host's, .1 the router's
bgp_server_ip() { if [[ $BGP_AF == 6 ]]; then echo "fd00:18:$1::2"; else echo "198.18.$1.2"; fi; }
bgp_router_ip() { if [[ $BGP_AF == 6 ]]; then echo "fd00:18:$1::1"; else echo "198.18.$1.1"; fi; }
bgp_plen() { if [[ $BGP_AF == 6 ]]; then echo 64; else echo 24; fi; }
# bgp_ipv — FRR's word for the family: ip or ipv6
bgp_ipv() { if [[ $BGP_AF == 6 ]]; then echo ipv6; else echo ip; fi; }
# bgp_host_plen — a host route's prefix length
bgp_host_plen() { if [[ $BGP_AF == 6 ]]; then echo 128; else echo 32; fi; }

# bgp_require — skip the file without FRR's daemons
bgp_require() {
	local d
	for d in zebra bgpd bfdd; do
		[[ -x $BGP_FRR/$d ]] || skip_all "FRR's $d not installed (Debian package frr)"
	done
	command -v vtysh >/dev/null || skip_all "vtysh not installed (Debian package frr)"
	id frr >/dev/null 2>&1 || skip_all "no frr user (Debian package frr)"
}

# bgp_topology — the namespaces and links above; returns non-zero on failure
bgp_topology() {
	local n rt cl i pl nodad=() v6=1 dev peer ns
	rt=$(bgp_ns rt) cl=$(bgp_ns cl) pl=$(bgp_plen)
	# IPv6: on, without DAD (the addresses work at once) and without router advertisements
	[[ $BGP_AF == 6 ]] && v6=0 nodad=(nodad)
	for n in s1 s2 rt cl; do
		_ns_add "$(bgp_ns "$n")" || return 1
		ip netns exec "$(bgp_ns "$n")" sysctl -qw net.ipv6.conf.all.disable_ipv6=$v6 \
			net.ipv6.conf.default.disable_ipv6=$v6 net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.default.accept_dad=0 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null || return 1
	done
	ip netns exec "$rt" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		>/dev/null || return 1
	for i in 1 2 3; do
		ns=$(bgp_ns "s$i") dev=eth0 peer="e$i"
		((i == 3)) && ns=$cl peer=ec
		ip -n "$ns" link add "$dev" type veth peer name "$peer" netns "$rt" || return 1
		ip -n "$ns" addr add "$(bgp_server_ip "$i")/$pl" dev "$dev" "${nodad[@]}" || return 1
		ip -n "$rt" addr add "$(bgp_router_ip "$i")/$pl" dev "$peer" "${nodad[@]}" || return 1
		ip -n "$ns" link set "$dev" up && ip -n "$rt" link set "$peer" up || return 1
		ip -n "$ns" route add default via "$(bgp_router_ip "$i")" || return 1
	done
}

# _bgp_bfd — bfdd's config: the profile every session uses
_bgp_bfd() {
	printf 'bfd\n profile fast\n  detect-multiplier %s\n  receive-interval %s\n' \
		"$BGP_BFD_MULT" "$BGP_BFD_MS"
	printf '  transmit-interval %s\n exit\n!\nexit\n' "$BGP_BFD_MS"
}

# _bgp_neighbor ADDR AS — a session with fast timers and BFD
_bgp_neighbor() {
	printf ' neighbor %s remote-as %s\n neighbor %s timers 1 3\n' "$1" "$2" "$1"
	printf ' neighbor %s timers connect 1\n neighbor %s advertisement-interval 0\n' "$1" "$1"
	printf ' neighbor %s bfd profile fast\n' "$1"
}

# _bgp_vips_filter — the prefix-list VIPS (host routes of the service range only) and its
# route-map NAME, plus SET (a route-map line) when given
_bgp_vips_filter() {
	local ipv
	ipv=$(bgp_ipv)
	if [[ $BGP_AF == 6 ]]; then
		printf 'ipv6 prefix-list VIPS seq 5 permit fd00:18:5::/48 ge 128\n'
	else
		printf 'ip prefix-list VIPS seq 5 permit 198.18.5.0/24 ge 32\n'
	fi
	printf 'route-map %s permit 10\n match %s address prefix-list VIPS\n' "$1" "$ipv"
	[[ -n "${2:-}" ]] && printf ' %s\n' "$2"
	printf 'exit\n'
}

# _bgp_af_open — bgpd's unicast address-family line of the family
_bgp_af_open() {
	if [[ $BGP_AF == 6 ]]; then printf ' address-family ipv6 unicast\n'; else
		printf ' address-family ipv4 unicast\n'; fi
}

# bgp_frr_conf NODE — write NODE's zebra, bgpd and bfdd configs into $VT_DIR
bgp_frr_conf() {
	local node=$1 d=$VT_DIR i n
	_bgp_bfd >"$d/$node-bfdd.conf"
	if [[ $node == rt ]]; then
		# plain routes, no nexthop objects: `ip monitor route` then shows every change of
		# next hop
		printf 'hostname rt\nno zebra nexthop kernel enable\n' >"$d/$node-zebra.conf"
		{
			printf 'hostname rt\nrouter bgp 65000\n bgp router-id 198.18.3.1\n'
			printf ' no bgp ebgp-requires-policy\n'
			[[ $BGP_AF == 6 ]] && printf ' no bgp default ipv4-unicast\n'
			for i in 1 2; do _bgp_neighbor "$(bgp_server_ip "$i")" 65001; done
			_bgp_af_open
			for i in 1 2; do
				n=$(bgp_server_ip "$i")
				[[ $BGP_AF == 6 ]] && printf '  neighbor %s activate\n' "$n"
				printf '  neighbor %s route-map FROM-SERVERS in\n' "$n"
			done
			printf ' exit-address-family\nexit\n'
			# IPv6: the server's global address as next hop, not its link-local one
			if [[ $BGP_AF == 6 ]]; then
				_bgp_vips_filter FROM-SERVERS 'set ipv6 next-hop prefer-global'
			else
				_bgp_vips_filter FROM-SERVERS
			fi
		} >"$d/$node-bgpd.conf"
		return
	fi
	i=${node#s} n=$(bgp_router_ip "${node#s}")
	if [[ $BGP_AF == 6 ]]; then
		printf 'hostname %s\n' "$node" >"$d/$node-zebra.conf"
	else
		printf 'hostname %s\nip import-table %s\n' "$node" "$BGP_TABLE" >"$d/$node-zebra.conf"
	fi
	{
		printf 'hostname %s\nrouter bgp 65001\n bgp router-id 198.18.%s.2\n' "$node" "$i"
		printf ' no bgp ebgp-requires-policy\n'
		[[ $BGP_AF == 6 ]] && printf ' no bgp default ipv4-unicast\n'
		_bgp_neighbor "$n" 65000
		_bgp_af_open
		if [[ $BGP_AF == 6 ]]; then
			printf '  neighbor %s activate\n  redistribute kernel route-map VIPS\n' "$n"
		else
			printf '  redistribute table %s route-map VIPS\n' "$BGP_TABLE"
		fi
		printf ' exit-address-family\nexit\n'
		_bgp_vips_filter VIPS
	} >"$d/$node-bgpd.conf"
}

# bgp_frr_start NODE — zebra, then bgpd and bfdd, in NODE's namespace and pathspace
bgp_frr_start() {
	local node=$1 ns space dm
	ns=$(bgp_ns "$node") space=$(bgp_ns "$node")
	mkdir -p "/run/frr/$space" || return 1
	BGP_SPACES+=("$space")
	chown frr:frr "/run/frr/$space" || return 1
	bgp_frr_conf "$node"
	chown frr:frr "$VT_DIR/$node"-*.conf
	for dm in zebra bgpd bfdd; do
		# shellcheck disable=SC2046 # setsid only when the daemons outlive the shell (lab)
		$([[ "${VT_DETACH:-0}" == 1 ]] && echo setsid) ip netns exec "$ns" "$BGP_FRR/$dm" \
			-N "$space" -u frr -g frr -f "$VT_DIR/$node-$dm.conf" -i "$VT_DIR/$node-$dm.pid" \
			--log "file:$VT_DIR/$node-$dm.log" </dev/null >>"$VT_DIR/$node-frr.out" 2>&1 &
		# bgpd and bfdd connect to zebra's socket
		[[ $dm == zebra ]] && { wait_for 5 test -S "/run/frr/$space/zserv.api" || return 1; }
	done
	wait_for 5 test -S "/run/frr/$space/bgpd.vty" && wait_for 5 test -S "/run/frr/$space/bfdd.vty"
}

# bgp_vtysh NODE CMD... — run vtysh commands on NODE
bgp_vtysh() {
	local node=$1 a=()
	shift
	for c in "$@"; do a+=(-c "$c"); done
	ip netns exec "$(bgp_ns "$node")" vtysh -N "$(bgp_ns "$node")" "${a[@]}" 2>/dev/null
}

# bgp_router_via — the next hop of the router's selected route to the VIP, from
# `show ip route json` (`show ipv6 route json`; "" when it has none)
bgp_router_via() {
	bgp_vtysh rt "show $(bgp_ipv) route $BGP_VIP/$(bgp_host_plen) json" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for r in d.get(sys.argv[1], []):
    if r.get("selected"):
        print(" ".join(n.get("ip", "") for n in r.get("nexthops", []) if n.get("active")))
' "$BGP_VIP/$(bgp_host_plen)"
}
bgp_router_via_is() { [[ "$(bgp_router_via)" == "$1" ]]; }

# bgp_session_up I — the router's session with server I is Established
bgp_session_up() {
	bgp_vtysh rt "show bgp neighbors $(bgp_server_ip "$1") json" |
		grep -q '"bgpState":"Established"'
}
# bgp_bfd_up I — the router's BFD session with server I is up
bgp_bfd_up() {
	bgp_vtysh rt "show bfd peer $(bgp_server_ip "$1") json" | grep -q '"status":"up"'
}

# bgp_vipd_conf I PRIO [CHECK_FILE] — server I's vipd config; with CHECK_FILE, a check
# (weight 0: FAULT while down) that fails while CHECK_FILE exists
bgp_vipd_conf() {
	local i=$1 prio=$2 f=$VT_DIR/s$1.vipd.conf other=$((3 - $1))
	{
		echo "router_id = \"s$i\";"
		echo "control_socket = \"$VT_DIR/s$i.sock\";"
		echo "state_dir = \"$VT_DIR/s$i.lib\";"
		if [[ -n "${3:-}" ]]; then
			echo "script_user = \"root\";"
			echo "checks = ( { name = \"svc\"; type = \"exec\"; command = \"/usr/bin/test ! -e $3\";"
			echo "  interval = $BGP_CHECK_INTERVAL; timeout = 1.0; fall = $BGP_CHECK_FALL; rise = 1; weight = 0; } );"
		fi
		echo "instances = ( {"
		echo "  name = \"svc\"; interface = \"eth0\"; vrid = 51; priority = $prio;"
		echo "  advert_interval = $BGP_ADVERT;"
		echo "  unicast_source = \"$(bgp_server_ip "$i")\";"
		echo "  unicast_peers = [ \"$(bgp_server_ip "$other")\" ];"
		echo "  unicast_ttl_check = false;"
		# one router between the servers: adverts leave with TTL 2 and arrive with 1
		echo "  unicast_ttl = 2;"
		echo "  announce_table = $BGP_TABLE;"
		echo "  announce_backup_metric = $BGP_BACKUP_METRIC;"
		[[ -n "${3:-}" ]] && echo "  checks = [ \"svc\" ];"
		# a /32 would give zebra a connected route that shadows the table's (see the README)
		echo "  virtual_addresses = [ \"$BGP_VIP/$BGP_VIP_PLEN dev lo noprefixroute\" ];"
		echo "} );"
	} >"$f"
	echo "$f"
}

# bgp_vipd_start I CONF — vipd on server I. As the recipe's systemd unit does with
# ExecStopPost, the routes vipd put in the table are flushed once it has exited, however it
# exited (a SIGKILL leaves them, and bgpd would go on announcing a dead master).
bgp_vipd_start() {
	local i=$1 conf=$2 ns
	ns=$(bgp_ns "s$i")
	rm -f "$VT_DIR/s$i.pid"
	# shellcheck disable=SC2046,SC2016 # the script's $1... are sh's
	$([[ "${VT_DETACH:-0}" == 1 ]] && echo setsid) ip netns exec "$ns" sh -c \
		'"$1" -f "$2" -n --log-stderr -l "$3" -p "$4" -S "$5"
		 ip -"$7" route flush table "$6" proto 112' vipd-wrap "$VIPD_BIN" "$conf" \
		"${VT_LOG_LEVEL:-info}" "$VT_DIR/s$i.pid" "$VT_DIR/s$i.sock" "$BGP_TABLE" \
		"$BGP_AF" </dev/null >>"$VT_DIR/s$i.log" 2>&1 &
	wait_for 5 "$VIPCTL_BIN" -S "$VT_DIR/s$i.sock" status >/dev/null 2>&1
}
bgp_vipd_pid() { cat "$VT_DIR/s$1.pid" 2>/dev/null; }
bgp_state() {
	"$VIPCTL_BIN" -S "$VT_DIR/s$1.sock" --json status 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["instances"][0]["state"])' 2>/dev/null
}
bgp_state_is() { [[ "$(bgp_state "$1")" == "$2" ]]; }

# bgp_cleanup — remove the FRR pathspaces (their daemons die with the namespaces)
bgp_cleanup() {
	local s
	for s in "${BGP_SPACES[@]}"; do
		[[ -n "$s" && -d "/run/frr/$s" ]] && rm -rf "/run/frr/${s:?}"
	done
	BGP_SPACES=()
}

# bgp_measure NAME BOUND_MS T_EVENT T_FAULT_SEEN [GAP_BOUND_MS] — analyse the router's route to
# the VIP since T_EVENT in $VT_DIR/mon.txt (`ip -ts monitor route` on the router), print and
# assert the figures; T_FAULT_SEEN 0 when s1 was never seen in FAULT. The client's longest gap
# is bounded by GAP_BOUND_MS, by default s2's Master_Down_Interval ($MDI2) + $UPD_MS.
bgp_measure() {
	local name=$1 bound=$2 t0=$3 tf=$4 gb=${5:-$(fadd "$MDI2" "$UPD_MS")} r left new nopath bad gap
	local s1 s2
	s1=$(bgp_server_ip 1) s2=$(bgp_server_ip 2)
	wait_for 1 false # let the last route events reach the file
	r=$(python3 "$VT_LIB_DIR/bgp_paths.py" "$VT_DIR/mon.txt" "$BGP_VIP" "$t0" "$EPOCHREALTIME" \
		"$s1" "$s2" "$tf")
	read -r left new nopath bad <<<"$r"
	left=${left#*=} new=${new#*=} nopath=${nopath#*=} bad=${bad#*=}
	[[ $left == none ]] && left=""
	[[ $new == none ]] && new=""
	gap=$(ping_gap_ms)
	diag "$name: router left s1 after $left ms, via s2 after $new ms, longest time without a route $nopath ms; client's longest gap $gap ms"
	within "$left" "$bound" "$name: the router's route left s1 (ms; bound $bound)"
	within "$new" "$bound" "$name: the router's route goes to s2 (ms; bound $bound)"
	within "$nopath" "$bound" "$name: never without a route longer than that (ms)"
	within "$gap" "$gb" "$name: the client's longest gap (ms; bound $gb)"
	is "$bad" 0 "$name: no path to s1 after the update allowance"
	check "$name: show $(bgp_ipv) route json: via s2" bgp_router_via_is "$s2"
}

# bgp_back_to_s1 NAME — s1 master again and the router's route on it (bounded by the BGP
# connect and hold timers, 1 s and 3 s, and the VRRP preemption)
bgp_back_to_s1() {
	check "$1: s1 MASTER again, s2 BACKUP" wait_for 10 eval 'bgp_state_is 1 MASTER && bgp_state_is 2 BACKUP'
	check "$1: the router's route is back on s1" wait_for 15 bgp_router_via_is "$(bgp_server_ip 1)"
	check "$1: the client reaches the VIP" wait_for 5 eval "[[ \"\$(client_ping 3)\" == '3 3' ]]"
}

# bgp_exit — the EXIT trap of a scenario: the logs when something failed, then the cleanup
bgp_exit() {
	local rc=$? f
	if ((VT_FAIL > 0)) || [[ "${VT_VERBOSE:-0}" == 1 ]]; then
		for f in s1.log s2.log rt-bgpd.log s1-bgpd.log s2-bgpd.log; do
			[[ -s "$VT_DIR/$f" ]] || continue
			diag "---- last lines of $f" "$(tail -n 20 "$VT_DIR/$f")"
		done
	fi
	bgp_cleanup
	(exit "$rc")
	vt_cleanup
}

# bgp_setup — a scenario's start: its prefix and directory, the traps, the topology (or skip)
bgp_setup() {
	local why
	VT_PFX="vt$$$(printf '%02x' $((RANDOM % 256)))"
	VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-netns.XXXXXX") || bail_out "mktemp failed"
	# FRR runs as frr and writes its pid files and logs here; vipd's user only passes through
	chown frr:frr "$VT_DIR" && chmod 711 "$VT_DIR"
	trap bgp_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! bgp_topology 2>"$VT_DIR/topology.err"; then
		why=$(head -n 3 "$VT_DIR/topology.err" | tr '\n' ' ')
		skip_all "cannot build the namespace topology: $why"
	fi
	# the scenario's figures: the client's namespace and target, s1's address, the check's
	# timing, the update allowance (advertisement-interval 0: processing only; the margin is for
	# a loaded machine), BFD's detect time and s2's Master_Down_Interval, in ms
	VT_CL=$(bgp_ns cl) VIP=$BGP_VIP S1=$(bgp_server_ip 1)
	BGP_CHECK_INTERVAL=0.2 BGP_CHECK_FALL=2
	UPD_MS=500
	BFD_MS=$((BGP_BFD_MS * BGP_BFD_MULT))
	MDI2=$(mdi_ms 100 "$BGP_ADVERT")
}

# bgp_start_all MSG — vipd's configs of both servers (s1 priority 150, s2 100, each with a
# check that fails while $VT_DIR/sI.fail exists) in BGP_C1 and BGP_C2, `vipd --check` of s1's
# (test MSG), FRR on the three nodes, vipd on both servers; returns (or bails out) once s1 is
# MASTER, s2 BACKUP, the router's sessions up and its route to the VIP via s1
bgp_start_all() {
	local n out
	BGP_C1=$(bgp_vipd_conf 1 150 "$VT_DIR/s1.fail")
	BGP_C2=$(bgp_vipd_conf 2 100 "$VT_DIR/s2.fail")
	out=$("$VIPD_BIN" --check -f "$BGP_C1" 2>&1)
	is "$?" 0 "$1"
	[[ -n "$out" ]] && diag "$out"
	for n in rt s1 s2; do
		must "FRR (zebra, bgpd, bfdd) starts on $n" bgp_frr_start "$n"
	done
	must "vipd starts on s1" bgp_vipd_start 1 "$BGP_C1"
	must "vipd starts on s2" bgp_vipd_start 2 "$BGP_C2"
	must "s1 MASTER, s2 BACKUP over unicast VRRP (IPv$BGP_AF) through the router" \
		wait_for 10 eval 'bgp_state_is 1 MASTER && bgp_state_is 2 BACKUP'
	must "the router's BGP and BFD sessions with both servers are up" \
		wait_for 30 eval 'bgp_session_up 1 && bgp_session_up 2 && bgp_bfd_up 1 && bgp_bfd_up 2'
	must "the router's route to the VIP goes to s1 (show $(bgp_ipv) route json)" \
		wait_for 10 bgp_router_via_is "$(bgp_server_ip 1)"
}

# bgp_check_fails — s1's health check fails (bgp_vipd_conf's CHECK_FILE appears): measured as
# bgp_measure does within fall x interval + one interval (the check runs every interval) +
# $UPD_MS; then s1 recovers and takes the VIP back. Needs $VT_DIR/mon.txt being written.
bgp_check_fails() {
	local b t0 tf r
	b=$(awk -v f="$BGP_CHECK_FALL" -v i="$BGP_CHECK_INTERVAL" -v u="$UPD_MS" \
		'BEGIN { printf "%.1f\n", (f + 1) * i * 1000 + u }')
	ping_start
	wait_for 1 _ping_replies_gt 5
	t0=$EPOCHREALTIME
	touch "$VT_DIR/s1.fail"
	check "check: s1 enters FAULT" wait_for 5 bgp_state_is 1 FAULT
	tf=$(fadd "$EPOCHREALTIME" "$(awk -v u="$UPD_MS" 'BEGIN { print u / 1000 }')")
	check "check: s2 MASTER" wait_for 5 bgp_state_is 2 MASTER
	r=$(ping_replies)
	check "check: the client's pings are answered again" wait_for 5 _ping_replies_gt $((r + 5))
	check "check: s1 holds no route of protocol 112 in table $BGP_TABLE" eval \
		"[[ -z \"\$(ip -$BGP_AF -n $(bgp_ns s1) route show table $BGP_TABLE proto 112)\" ]]"
	bgp_measure check "$b" "$t0" "$tf"
	ping_stop >/dev/null
	rm -f "$VT_DIR/s1.fail"
	bgp_back_to_s1 check
}

# bgp_check_announced — after bgp_start_all: s1's master route and s2's standby route in
# BGP_TABLE, both paths on the router (s2's with the higher MED), vipctl status, the client's ping
bgp_check_announced() {
	local m1=" scope link" m2=" scope link metric $BGP_BACKUP_METRIC" pl
	# IPv6: the master's route has the kernel's default metric, which ip prints
	[[ $BGP_AF == 6 ]] && m1=" metric 1024 " m2=" metric $BGP_BACKUP_METRIC "
	pl=$(bgp_host_plen)
	like "$(ip -"$BGP_AF" -n "$(bgp_ns s1)" route show table "$BGP_TABLE" proto 112)" \
		"^$BGP_VIP dev lo$m1" "s1 (MASTER) holds the host route in table $BGP_TABLE, protocol 112"
	like "$(ip -"$BGP_AF" -n "$(bgp_ns s2)" route show table "$BGP_TABLE" proto 112)" \
		"^$BGP_VIP dev lo$m2" "s2 (BACKUP) holds the standby route, metric $BGP_BACKUP_METRIC"
	check "the router keeps both paths (s2's with MED $BGP_BACKUP_METRIC)" wait_for 10 eval \
		"bgp_vtysh rt 'show bgp ipv$BGP_AF unicast $BGP_VIP/$pl json' | grep -q '\"metric\":$BGP_BACKUP_METRIC'"
	like "$("$VIPCTL_BIN" -S "$VT_DIR/s1.sock" --json status)" \
		"\"announce\":\\{\"table\":$BGP_TABLE,\"backup_metric\":$BGP_BACKUP_METRIC,\"announced\":\"master\"\\}" \
		"vipctl status on s1: announced master"
	like "$("$VIPCTL_BIN" -S "$VT_DIR/s2.sock" --json status)" '"announced":"standby"' \
		"vipctl status on s2: announced standby"
	check "the client reaches the VIP (ping, IPv$BGP_AF)" eval "[[ \"\$(client_ping 5)\" == '5 5' ]]"
}

# bgp_check_ttl — unicast_ttl = 2: s1's adverts cross the router and reach s2 with TTL (hop
# limit) 1, as tcpdump prints it
bgp_check_ttl() {
	local f="ip proto 112" w=ttl t
	[[ $BGP_AF == 6 ]] && f="ip6 proto 112" w=hlim
	t=$(timeout 5 ip netns exec "$(bgp_ns s2)" tcpdump -n -v -c 1 -i eth0 "$f and src $S1" 2>/dev/null |
		sed -n "s/.*$w \\([0-9]*\\),.*/\\1/p" | head -n 1)
	is "$t" 1 "unicast_ttl = 2: s1's adverts arrive at s2 with TTL (hop limit) 1, one router on"
}
