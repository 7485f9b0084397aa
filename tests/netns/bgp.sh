# shellcheck shell=bash
# tests/netns/bgp.sh — the BGP topology of issue 16, for tests/netns/88-bgp.sh and
# `scripts/lab up --bgp`. Sourced after lib.sh.
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
# shellcheck disable=SC2034 # read by the scenario

BGP_VIP=198.18.5.1
BGP_TABLE=100
BGP_BACKUP_METRIC=100
BGP_ADVERT=0.1      # vipd's advert_interval here, seconds
BGP_BFD_MS=100      # BFD transmit/receive interval
BGP_BFD_MULT=3      # BFD detect multiplier
BGP_FRR=${BGP_FRR:-/usr/lib/frr}
BGP_NS=()           # s1 s2 rt cl: namespace names
BGP_SPACES=()       # FRR pathspaces made (removed by bgp_cleanup)

bgp_ns() { echo "${VT_PFX}$1"; }
bgp_server_ip() { echo "198.18.$1.2"; }
bgp_router_ip() { echo "198.18.$1.1"; }

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
	local n rt cl i
	rt=$(bgp_ns rt) cl=$(bgp_ns cl)
	for n in s1 s2 rt cl; do
		_ns_add "$(bgp_ns "$n")" || return 1
		ip netns exec "$(bgp_ns "$n")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 >/dev/null || return 1
	done
	ip netns exec "$rt" sysctl -qw net.ipv4.ip_forward=1 >/dev/null || return 1
	for i in 1 2; do
		n=$(bgp_ns "s$i")
		ip -n "$n" link add eth0 type veth peer name "e$i" netns "$rt" || return 1
		ip -n "$n" addr add "$(bgp_server_ip "$i")/24" dev eth0 || return 1
		ip -n "$rt" addr add "$(bgp_router_ip "$i")/24" dev "e$i" || return 1
		ip -n "$n" link set eth0 up && ip -n "$rt" link set "e$i" up || return 1
		ip -n "$n" route add default via "$(bgp_router_ip "$i")" || return 1
	done
	ip -n "$cl" link add eth0 type veth peer name ec netns "$rt" || return 1
	ip -n "$cl" addr add 198.18.3.2/24 dev eth0 || return 1
	ip -n "$rt" addr add 198.18.3.1/24 dev ec || return 1
	ip -n "$cl" link set eth0 up && ip -n "$rt" link set ec up || return 1
	ip -n "$cl" route add default via 198.18.3.1
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

# bgp_frr_conf NODE — write NODE's zebra, bgpd and bfdd configs into $VT_DIR
bgp_frr_conf() {
	local node=$1 d=$VT_DIR i
	_bgp_bfd >"$d/$node-bfdd.conf"
	if [[ $node == rt ]]; then
		# plain routes, no nexthop objects: `ip monitor route` then shows every change of
		# next hop
		printf 'hostname rt\nno zebra nexthop kernel enable\n' >"$d/$node-zebra.conf"
		{
			printf 'hostname rt\nrouter bgp 65000\n bgp router-id 198.18.3.1\n'
			printf ' no bgp ebgp-requires-policy\n'
			for i in 1 2; do _bgp_neighbor "$(bgp_server_ip "$i")" 65001; done
			printf ' address-family ipv4 unicast\n'
			for i in 1 2; do
				printf '  neighbor %s route-map FROM-SERVERS in\n' "$(bgp_server_ip "$i")"
			done
			printf ' exit-address-family\nexit\n'
			# only host routes of the service range are taken from the servers
			printf 'ip prefix-list VIPS seq 5 permit 198.18.5.0/24 ge 32\n'
			printf 'route-map FROM-SERVERS permit 10\n match ip address prefix-list VIPS\nexit\n'
		} >"$d/$node-bgpd.conf"
		return
	fi
	i=${node#s}
	printf 'hostname %s\nip import-table %s\n' "$node" "$BGP_TABLE" >"$d/$node-zebra.conf"
	{
		printf 'hostname %s\nrouter bgp 65001\n bgp router-id %s\n' "$node" "$(bgp_server_ip "$i")"
		printf ' no bgp ebgp-requires-policy\n'
		_bgp_neighbor "$(bgp_router_ip "$i")" 65000
		printf ' address-family ipv4 unicast\n  redistribute table %s route-map VIPS\n' "$BGP_TABLE"
		printf ' exit-address-family\nexit\n'
		printf 'ip prefix-list VIPS seq 5 permit 198.18.5.0/24 ge 32\n'
		printf 'route-map VIPS permit 10\n match ip address prefix-list VIPS\nexit\n'
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
# `show ip route json` ("" when it has none)
bgp_router_via() {
	bgp_vtysh rt "show ip route $BGP_VIP/32 json" | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for r in d.get(sys.argv[1], []):
    if r.get("selected"):
        print(" ".join(n.get("ip", "") for n in r.get("nexthops", []) if n.get("active")))
' "$BGP_VIP/32"
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
		echo "  virtual_addresses = [ \"$BGP_VIP/31 dev lo noprefixroute\" ];"
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
		 ip route flush table "$6" proto 112' vipd-wrap "$VIPD_BIN" "$conf" \
		"${VT_LOG_LEVEL:-info}" "$VT_DIR/s$i.pid" "$VT_DIR/s$i.sock" "$BGP_TABLE" \
		</dev/null >>"$VT_DIR/s$i.log" 2>&1 &
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
