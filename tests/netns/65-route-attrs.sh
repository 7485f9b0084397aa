#!/usr/bin/env bash
# 65: virtual_routes with keepalived's attributes, IPv4 and IPv6 routes in one (IPv4) instance:
# src (the VIP), onlink, scope, metric, a table, another proto, blackhole, unreachable,
# prohibit, and multipath (IPv4 with weights, IPv6). Asserted with `ip -j route show table all`: the master holds each route with its
# attributes, the backup none; a cable pull moves them; kill -9 leaves them and the restart
# removes them; SIGTERM removes them.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[[ $VT_IMPL == vipd ]] || skip_all "virtual_routes attributes are a vipd feature"
vt_setup 2
vt_require_impl vipd
vt_require python3

# attrs_conf I PRIO — node I's config, printed path
attrs_conf() {
	local f="$VT_DIR/n$1.attrs.conf"
	cat >"$f" <<EOF
router_id = "n$1";
control_socket = "$VT_DIR/n$1.sock";
state_dir = "$VT_DIR/n$1.lib";
instances = (
  { name = "gw"; interface = "eth0"; vrid = $VRID; priority = $2; advert_interval = $ADVERT;
    virtual_addresses = [ "$VIP/$VIP_LEN" ];
    virtual_routes = [ "198.19.10.0/24 via 198.18.0.254 src $VIP metric 3",
                       "198.19.11.0/24 via 198.19.99.1 onlink table 100",
                       "blackhole 198.19.12.0/24 table 100",
                       "unreachable 198.19.13.0/24 metric 9",
                       "198.19.14.0/24 scope host proto 250",
                       "fd00:11::/64 via fd00::fe",
                       "prohibit fd00:13::/64 table 100",
                       "198.19.15.0/24 nexthop via 198.18.0.254 nexthop via 198.18.0.253 weight 2",
                       "fd00:15::/64 table 100 nexthop via fd00::fe nexthop via fd00::fd" ]; }
);
EOF
	echo "$f"
}

# The routes as ip -j prints them (one line each, keys sorted, empty flags and pref left out).
WANT="dev=eth0 dst=198.19.10.0/24 gateway=198.18.0.254 metric=3 prefsrc=$VIP protocol=112
dev=eth0 dst=198.19.11.0/24 flags=onlink gateway=198.19.99.1 protocol=112 table=100
dst=198.19.12.0/24 protocol=112 table=100 type=blackhole
dst=198.19.13.0/24 metric=9 protocol=112 type=unreachable
dev=eth0 dst=198.19.14.0/24 protocol=250 scope=host
dev=eth0 dst=fd00:11::/64 gateway=fd00::fe metric=1024 protocol=112
dev=lo dst=fd00:13::/64 metric=1024 protocol=112 table=100 type=prohibit
dst=198.19.15.0/24 nexthops=198.18.0.254/eth0/1,198.18.0.253/eth0/2 protocol=112
dst=fd00:15::/64 metric=1024 nexthops=fd00::fe/eth0/1,fd00::fd/eth0/1 protocol=112 table=100"

# vipd_routes I — node I's routes of protocol 112 or 250, all tables, both families, sorted
vipd_routes() {
	{
		ip -n "$(node_ns "$1")" -4 -j route show table all
		echo
		ip -n "$(node_ns "$1")" -6 -j route show table all
		echo
	} 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    if not line.strip():
        continue
    for r in json.loads(line):
        if str(r.get("protocol")) not in ("112", "250"):
            continue
        r.pop("pref", None)
        if "nexthops" in r:
            r["nexthops"] = ",".join("%s/%s/%s" % (h["gateway"], h["dev"], h.get("weight", 1))
                                     for h in r["nexthops"])
        f = ",".join(r.pop("flags", []))
        if f:
            r["flags"] = f
        print(" ".join("%s=%s" % (k, r[k]) for k in sorted(r)))
' | sort
}
has_all() { [[ "$(vipd_routes "$1")" == "$(sort <<<"$WANT")" ]]; }
no_routes() { [[ -z "$(vipd_routes "$1")" ]]; }
routes_at() { has_all "$1" && no_routes "$(($1 == 1 ? 2 : 1))"; }
start_attrs() {
	start_node "$1" vipd "$(attrs_conf "$1" "$2")" && wait_for 5 node_ready "$1"
}
show() { diag "node $1:" "$(vipd_routes "$1")" "want:" "$(sort <<<"$WANT")"; }

must "--check accepts the routes" "$VIPD_BIN" --check -f "$(attrs_conf 1 150)"
must "node 1 (150) starts" start_attrs 1 150
must "node 2 (100) starts" start_attrs 2 100
must "node 1 is the only master" wait_for 5 settled 1
if wait_for 3 routes_at 1; then
	ok "the master holds every route with its attributes, the backup none ($VT_WAITED_MS ms)"
else
	not_ok "routes with their attributes on the master only"
	show 1
	show 2
fi
like "$(node_status 1)" '"blackhole 198.19.12.0/24 table 100"' "vipctl status shows the type"

cable_pull 1
if wait_for 3 only_master 2 && wait_for 3 has_all 2; then
	ok "cable pull: node 2 is master and holds the routes ($VT_WAITED_MS ms)"
else
	not_ok "cable pull: routes on node 2"
	show 2
fi
cable_replug 1
if wait_for 3 settled 1 && wait_for 3 routes_at 1; then
	ok "replug: node 1 holds them again, node 2 none ($VT_WAITED_MS ms)"
else
	not_ok "replug: routes back on node 1 only"
	show 1
	show 2
fi

kill9_node 1
if wait_for 3 state_is 2 MASTER && wait_for 3 has_all 2; then
	ok "kill -9 of node 1: node 2 takes over the routes ($VT_WAITED_MS ms)"
else
	not_ok "kill -9 of node 1: node 2 takes over the routes"
	show 2
fi
check "the killed node 1 left its routes behind" has_all 1
must "node 1 restarts with priority 90" start_attrs 1 90
if wait_for 3 no_routes 1; then
	ok "restarted as a backup, node 1 removed every route of its earlier run"
else
	not_ok "restarted node 1 removes the stale routes"
	show 1
fi
check "node 2 is still the only master, with the routes" routes_at 2

stop_node 2 TERM 5
is "$VT_RC" 0 "node 2 exits 0 on SIGTERM"
check "node 2's routes are gone after SIGTERM" no_routes 2
if wait_for 3 only_master 1 && wait_for 3 routes_at 1; then
	ok "node 1 takes over the routes ($VT_WAITED_MS ms)"
else
	not_ok "node 1 takes over the routes"
	show 1
fi
stop_node 1 TERM 5
is "$VT_RC" 0 "node 1 exits 0 on SIGTERM"
check "node 1's routes are gone after SIGTERM" no_routes 1
done_testing
