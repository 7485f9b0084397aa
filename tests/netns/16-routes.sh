#!/usr/bin/env bash
# 16: virtual_routes. Two nodes, each with an IPv4 and an IPv6 instance carrying routes (main
# table, table 100 with a metric, table 1000, a connected route, IPv6 via a gateway). The master
# holds them (proto 112), the backup none; a cable pull moves them, the replug moves them back;
# a node killed with -9 removes its stale routes when it restarts; SIGTERM removes them. An
# administrator's identical static route on the backup is left alone when it takes over and
# steps down.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[[ $VT_IMPL == vipd ]] || skip_all "virtual_routes is a vipd feature"
vt_setup 2
vt_require_impl vipd

# routes_conf I PRIO — node I's config, printed path
routes_conf() {
	local f="$VT_DIR/n$1.routes.conf"
	cat >"$f" <<EOF
router_id = "n$1";
control_socket = "$VT_DIR/n$1.sock";
state_dir = "$VT_DIR/n$1.lib";
instances = (
  { name = "web"; interface = "eth0"; vrid = $VRID; priority = $2; advert_interval = $ADVERT;
    virtual_addresses = [ "$VIP/$VIP_LEN" ];
    virtual_routes = [ "198.19.0.0/24 via 198.18.0.254",
                       "198.19.1.0/24 via 198.18.0.254 metric 5 table 100",
                       "198.19.2.0/24",
                       "default via 198.18.0.253 table 1000" ]; },
  { name = "web6"; interface = "eth0"; vrid = $VRID; priority = $2; advert_interval = $ADVERT;
    virtual_addresses = [ "fe80::51", "fd00::100/64" ];
    virtual_routes = [ "fd00:1::/64 via fd00::fe", "fd00:2::/64 metric 7 table 100" ]; }
);
EOF
	echo "$f"
}

# The routes as `ip route show table TABLE SELECTOR` prints them: TABLE|SELECTOR|ERE. On node 2
# the first one may be the administrator's (proto static), which vipd then leaves in place.
WANT=(
	"main|198.19.0.0/24|^198.19.0.0/24 via 198.18.0.254 dev eth0 proto (112|static) $"
	"100|198.19.1.0/24|^198.19.1.0/24 via 198.18.0.254 dev eth0 proto 112 metric 5 $"
	"main|198.19.2.0/24|^198.19.2.0/24 dev eth0 proto 112 scope link $"
	"1000|default|^default via 198.18.0.253 dev eth0 proto 112 $"
	"main|fd00:1::/64|^fd00:1::/64 via fd00::fe dev eth0 proto 112 metric 1024 pref medium$"
	"100|fd00:2::/64|^fd00:2::/64 dev eth0 proto 112 metric 7 pref medium$"
)

# vipd_routes I — every proto-112 route of node I, all tables, sorted
vipd_routes() {
	{
		ip -n "$(node_ns "$1")" -4 route show table all proto 112
		ip -n "$(node_ns "$1")" -6 route show table all proto 112
	} 2>/dev/null | sort
}
# has_all_routes I — node I holds each wanted route, exactly as written
has_all_routes() {
	local w t sel re fam got
	for w in "${WANT[@]}"; do
		IFS='|' read -r t sel re <<<"$w"
		fam=-4
		[[ $sel == *:* ]] && fam=-6
		got=$(ip -n "$(node_ns "$1")" "$fam" route show table "$t" "$sel" 2>/dev/null)
		[[ $got =~ $re ]] || return 1
	done
}
# no_routes I — node I holds no route of vipd
no_routes() { [[ -z "$(vipd_routes "$1")" ]]; }
# routes_at I — node I holds them all, and only node I
routes_at() {
	local j
	has_all_routes "$1" || return 1
	for j in $(seq 1 "$VT_NODES"); do
		[[ $j == "$1" ]] || no_routes "$j" || return 1
	done
}
start_routes() {
	start_node "$1" vipd "$(routes_conf "$1" "$2")" && wait_for 5 node_ready "$1"
}

must "node 1 (150) starts" start_routes 1 150
must "node 2 (100) starts" start_routes 2 100
must "node 1 is the only master" wait_for 5 settled 1

# An administrator's static route on node 2, the same as one of vipd's.
ip -n "$(node_ns 2)" route add 198.19.0.0/24 via 198.18.0.254 dev eth0 proto static

if wait_for 3 routes_at 1; then
	ok "the master (node 1) holds every route, the backup none ($VT_WAITED_MS ms)"
else
	not_ok "routes on the master only"
	diag "node 1:" "$(vipd_routes 1)" "node 2:" "$(vipd_routes 2)"
fi
like "$(node_status 1)" '"virtual_routes":\["198.19.0.0/24 via 198.18.0.254",' \
	"vipctl status lists the routes"

cable_pull 1
if wait_for 3 only_master 2 && wait_for 3 has_all_routes 2; then
	ok "cable pull: node 2 is master and holds the routes ($VT_WAITED_MS ms)"
else
	not_ok "cable pull: routes on node 2"
	diag "$(vt_state_line)" "node 2:" "$(vipd_routes 2)"
fi
if grep -q "add route" "$VT_DIR/n2.log"; then
	not_ok "node 2 took the administrator's identical route as already there"
	diag "$(grep "add route" "$VT_DIR/n2.log")"
else
	ok "node 2 took the administrator's identical route as already there"
fi
diag "isolated old master: state $(node_state 1), vipd routes: $(vipd_routes 1 | wc -l)"

cable_replug 1
if wait_for 3 settled 1 && wait_for 3 routes_at 1; then
	ok "replug: node 1 preempts back and holds the routes, node 2 none ($VT_WAITED_MS ms)"
else
	not_ok "replug: routes back on node 1 only"
	diag "$(vt_state_line)" "node 1:" "$(vipd_routes 1)" "node 2:" "$(vipd_routes 2)"
fi
like "$(ip -n "$(node_ns 2)" route show 198.19.0.0/24)" "proto static" \
	"node 2 kept the administrator's route when it stepped down"

# kill -9 leaves node 1's routes behind; restarted (as a backup now), it removes them first.
kill9_node 1
if wait_for 3 state_is 2 MASTER && wait_for 3 has_all_routes 2; then
	ok "kill -9 of node 1: node 2 takes over the routes ($VT_WAITED_MS ms)"
else
	not_ok "kill -9 of node 1: node 2 takes over the routes"
	diag "node 2:" "$(vipd_routes 2)"
fi
check "the killed node 1 left its routes behind" has_all_routes 1
must "node 1 restarts with priority 90" start_routes 1 90
if wait_for 3 no_routes 1; then
	ok "restarted as a backup, node 1 removed the routes of its earlier run"
else
	not_ok "restarted node 1 removes the stale routes"
	diag "node 1:" "$(vipd_routes 1)"
fi
like "$(grep -c 'left by an earlier run' "$VT_DIR/n1.log")" '^[1-9]' "and logged it"
check "node 2 is still the only master, with the routes" routes_at 2

stop_node 2 TERM 5
is "$VT_RC" 0 "node 2 exits 0 on SIGTERM"
check "node 2's routes are gone after SIGTERM" no_routes 2
like "$(ip -n "$(node_ns 2)" route show 198.19.0.0/24)" "proto static" \
	"and the administrator's route is still there"
if wait_for 3 only_master 1 && wait_for 3 routes_at 1; then
	ok "node 1 takes over the routes ($VT_WAITED_MS ms)"
else
	not_ok "node 1 takes over the routes"
	diag "node 1:" "$(vipd_routes 1)"
fi
stop_node 1 TERM 5
is "$VT_RC" 0 "node 1 exits 0 on SIGTERM"
check "node 1's routes are gone after SIGTERM" no_routes 1
done_testing
