#!/usr/bin/env bash
# 66: virtual_rules, IPv4 and IPv6, with every selector (from, to, iif, oif, fwmark/mask, not),
# asserted with `ip -j rule` / `ip -j -6 rule`: the master holds them (protocol 112), the backup
# none; a cable pull moves them; a reload changes one by difference while master (the others
# stay); kill -9 leaves them and the restart removes them; SIGTERM removes them. An
# administrator's rule (protocol static) survives all of it.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[[ $VT_IMPL == vipd ]] || skip_all "virtual_rules is a vipd feature"
vt_setup 2
vt_require_impl vipd
vt_require python3

# rules_conf I PRIO [LAST] — node I's config (LAST: the priority of its last IPv4 rule), path
rules_conf() {
	local f="$VT_DIR/n$1.rules.conf"
	cat >"$f" <<EOF
router_id = "n$1";
control_socket = "$VT_DIR/n$1.sock";
state_dir = "$VT_DIR/n$1.lib";
instances = (
  { name = "web"; interface = "eth0"; vrid = $VRID; priority = $2; advert_interval = $ADVERT;
    virtual_addresses = [ "$VIP/$VIP_LEN" ];
    virtual_routes = [ "default via 198.18.0.254 table 100" ];
    virtual_rules = [ "from 198.18.0.0/24 table 100 priority 100",
                      "not to 198.19.0.0/16 iif eth0 fwmark 0x10/0xff table 100 priority ${3:-101}" ]; },
  { name = "web6"; interface = "eth0"; vrid = $VRID; priority = $2; advert_interval = $ADVERT;
    virtual_addresses = [ "fe80::51", "fd00::100/64" ];
    virtual_rules = [ "to fd00:9::/64 oif eth0 table 200 priority 102",
                      "fwmark 7 table main priority 103" ]; }
);
EOF
	echo "$f"
}

# want [LAST] — the rules as vipd_rules prints them
want() {
	sort <<EOF
dst=198.19.0.0/16 fwmark=0x10 fwmask=0xff iif=eth0 not priority=${1:-101} table=100
fwmark=0x7 priority=103 table=main
oif=eth0 dst=fd00:9::/64 priority=102 table=200
priority=100 src=198.18.0.0/24 table=100
EOF
}
# vipd_rules I — node I's rules of protocol 112, both families: one line each, sorted
vipd_rules() {
	{
		ip -n "$(node_ns "$1")" -j rule show
		echo
		ip -n "$(node_ns "$1")" -j -6 rule show
		echo
	} 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    if not line.strip():
        continue
    for r in json.loads(line):
        if str(r.get("protocol")) != "112":
            continue
        out = []
        for k in ("src", "dst"):
            if r.get(k, "all") != "all":
                out.append("%s=%s/%s" % (k, r[k], r[k + "len"]))
        for k in ("fwmark", "fwmask", "iif", "oif", "priority", "table"):
            if k in r:
                out.append("%s=%s" % (k, r[k]))
        if "not" in r:
            out.append("not")
        print(" ".join(sorted(out)))
' | sort
}
# The python sorts the words of a line; sort the wanted lines' words the same way.
norm() { while read -r l; do tr ' ' '\n' <<<"$l" | sort | paste -sd' '; done | sort; }
has_all() { [[ "$(vipd_rules "$1")" == "$(want "${2:-}" | norm)" ]]; }
no_rules() { [[ -z "$(vipd_rules "$1")" ]]; }
rules_at() { has_all "$1" "${2:-}" && no_rules "$(($1 == 1 ? 2 : 1))"; }
start_rules() { start_node "$1" vipd "$(rules_conf "$1" "$2")" && wait_for 5 node_ready "$1"; }
show() { diag "node $1:" "$(vipd_rules "$1")" "want:" "$(want "${2:-}" | norm)"; }
admin_rule() { ip -n "$(node_ns "$1")" rule show priority 100 | grep -q "proto static"; }

must "--check accepts the rules" "$VIPD_BIN" --check -f "$(rules_conf 1 150)"
# An administrator's rule on node 2 with the same selector and priority as one of vipd's.
ip -n "$(node_ns 2)" rule add from 198.18.0.0/24 table 100 priority 100 protocol static
must "node 1 (150) starts" start_rules 1 150
must "node 2 (100) starts" start_rules 2 100
must "node 1 is the only master" wait_for 5 settled 1
if wait_for 3 rules_at 1; then
	ok "the master holds every rule, IPv4 and IPv6, the backup none ($VT_WAITED_MS ms)"
else
	not_ok "rules on the master only"
	show 1
	show 2
fi
like "$(node_status 1)" '"virtual_rules":\["from 198.18.0.0/24 table 100 priority 100",' \
	"vipctl status lists the rules"

cable_pull 1
if wait_for 3 only_master 2 && wait_for 3 has_all 2; then
	ok "cable pull: node 2 is master and holds the rules ($VT_WAITED_MS ms)"
else
	not_ok "cable pull: rules on node 2"
	show 2
fi
cable_replug 1
if wait_for 3 settled 1 && wait_for 3 rules_at 1; then
	ok "replug: node 1 holds them again, node 2 none ($VT_WAITED_MS ms)"
else
	not_ok "replug: rules back on node 1 only"
	show 1
	show 2
fi
check "node 2 kept the administrator's rule when it stepped down" admin_rule 2

# A reload that changes one rule: deleted and added by difference, the master stays master.
rules_conf 1 150 111 >/dev/null
kill -HUP "$(cat "$VT_DIR/n1.pid")"
if wait_for 5 has_all 1 111; then
	ok "reload: the changed rule replaced, the others kept ($VT_WAITED_MS ms)"
else
	not_ok "reload changes the rule"
	show 1 111
fi
check "node 1 is still the only master" only_master 1

kill9_node 1
if wait_for 3 state_is 2 MASTER && wait_for 3 has_all 2; then
	ok "kill -9 of node 1: node 2 takes over the rules ($VT_WAITED_MS ms)"
else
	not_ok "kill -9 of node 1: node 2 takes over the rules"
	show 2
fi
check "the killed node 1 left its rules behind" has_all 1 111
# The restart reads the file the killed run had (the cleanup deletes the rules it configures).
must "node 1 restarts with priority 90" start_node 1 vipd "$(rules_conf 1 90 111)"
must "node 1 is ready" wait_for 5 node_ready 1
if wait_for 3 no_rules 1; then
	ok "restarted as a backup, node 1 removed the rules of its earlier run"
else
	not_ok "restarted node 1 removes the stale rules"
	show 1
fi
like "$(grep -c 'removed rule .*left by an earlier run' "$VT_DIR/n1.log")" '^[1-9]' "and logged it"

rules_conf 1 90 >/dev/null
kill -HUP "$(cat "$VT_DIR/n1.pid")"
stop_node 2 TERM 5
is "$VT_RC" 0 "node 2 exits 0 on SIGTERM"
check "node 2's rules are gone after SIGTERM" no_rules 2
check "and the administrator's rule is still there" admin_rule 2
if wait_for 3 only_master 1 && wait_for 3 rules_at 1; then
	ok "node 1 takes over the rules ($VT_WAITED_MS ms)"
else
	not_ok "node 1 takes over the rules"
	show 1
fi
stop_node 1 TERM 5
is "$VT_RC" 0 "node 1 exits 0 on SIGTERM"
check "node 1's rules are gone after SIGTERM" no_rules 1
done_testing
