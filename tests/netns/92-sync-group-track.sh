#!/usr/bin/env bash
# 92: what a keepalived vrrp_sync_group tracks, converted by
# scripts/vipd-import-keepalived and run by vipd on both nodes. The
# keepalived.conf has a sync group "edge" (web: eth0, VRID 51; api: eth1,
# VRID 52) whose own track_script chk_edge (weight 0) fails on node 1 while
# a flag file exists. keepalived adds the group's tracking to every member;
# the importer writes the check on each member, so a failure puts every member
# of node 1 in FAULT and node 2 (priority 100) takes the whole group; the
# flag removed, node 1 (150) takes both back by preemption.
# Bounds: the check runs every second and falls after one failure (interval
# 1 s, fall 1, as keepalived's vrrp_script allows), then node 1's priority-0
# advert lets node 2 take over at once and within its master-down interval at
# worst: 1 s + MDI + 1.5 s of margin for the polling (each poll reads both
# nodes' status through vipctl) on a loaded 2-core machine. From the daemons'
# own log times, node 2's members become MASTER within MDI of node 1's check
# failing.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
ck_lan2 || bail_out "cannot build the second LAN"
IMPORTER=$VT_SRCDIR/scripts/vipd-import-keepalived
VIP2=198.19.0.100
FLAG=$CK_SDIR/fail

# the check: fails on node I while $FLAG.nI exists
cat >"$CK_SDIR/chk" <<EOS
#!/bin/sh
test ! -e "$FLAG.\$1"
EOS
chmod 755 "$CK_SDIR/chk"

# ka_conf I PRIO — node I's keepalived.conf: the group tracks, its members do not
ka_conf() {
	cat >"$VT_DIR/n$1.ka.conf" <<-EOC
		global_defs {
		    script_user root
		}
		vrrp_script chk_edge {
		    script "$CK_SDIR/chk n$1"
		    interval 1
		    fall 1
		    rise 1
		}
		vrrp_sync_group edge {
		    group {
		        web
		        api
		    }
		    track_script {
		        chk_edge
		    }
		}
		vrrp_instance web {
		    interface eth0
		    virtual_router_id 51
		    priority $2
		    version 3
		    advert_int $ADVERT
		    virtual_ipaddress {
		        $VIP/24
		    }
		}
		vrrp_instance api {
		    interface eth1
		    virtual_router_id 52
		    priority $2
		    version 3
		    advert_int $ADVERT
		    virtual_ipaddress {
		        $VIP2/24
		    }
		}
	EOC
}

# vd_conf I PRIO — node I's vipd.conf: the conversion, with the node's socket and folders
vd_conf() {
	local f="$VT_DIR/n$1.sgt.conf"
	ka_conf "$1" "$2"
	{
		echo "router_id = \"n$1\";"
		echo "control_socket = \"$VT_DIR/n$1.sock\";"
		echo "state_dir = \"$VT_DIR/n$1.lib\";"
		python3 "$IMPORTER" --no-check "$VT_DIR/n$1.ka.conf" 2>"$VT_DIR/n$1.import.err"
	} >"$f"
	echo "$f"
}
c1=$(vd_conf 1 150)
c2=$(vd_conf 2 100)
ck_feature "$c1" "sync_groups"
is "$(grep -c 'checks = \[ "chk_edge" \];' "$c1")" 2 "the importer puts the group's check on both members"
is "$(cat "$VT_DIR/n1.import.err")" "" "and says nothing about it (nothing is lost)"

both_on() {
	local o=$((3 - $1))
	[[ "$(inst_state "$1" web) $(inst_state "$1" api)" == "MASTER MASTER" ]] &&
		holds_vip "$1" "$VIP" && holds_vip "$1" "$VIP2" &&
		! holds_vip "$o" "$VIP" && ! holds_vip "$o" "$VIP2"
}
# log_ms I PATTERN — the time of day (ms) of the last line of node I's log matching PATTERN
log_ms() {
	grep -E "^[0-9:.]+ $2" "$VT_DIR/n$1.log" | tail -n 1 |
		awk -F'[:. ]' '{ print (($1 * 60 + $2) * 60 + $3) * 1000 + $4 }' | sed 's/^$/0/'
}
sg_line() { echo "n1: web $(inst_state 1 web) api $(inst_state 1 api); n2: web $(inst_state 2 web) api $(inst_state 2 api)"; }
bound=$(awk -v m="$(mdi_ms 100 "$ADVERT")" 'BEGIN { printf "%.2f\n", 1 + m / 1000 + 1.5 }')

must "node 1 starts" ck_start 1 "$c1"
must "node 2 starts" ck_start 2 "$c2"
must "node 1 masters both instances, node 2 neither" wait_for 5 both_on 1

touch "$FLAG.n1"
if wait_for "$bound" both_on 2; then
	ok "the group's check fails on node 1: node 2 masters web and api and holds both VIPs ($VT_WAITED_MS ms, bound $bound s)"
else
	not_ok "the group's check fails on node 1: both VIPs move to node 2 ($(sg_line))"
fi
t_down=$(log_ms 1 'check chk_edge: down')
t_web=$(log_ms 2 'web: .* -> MASTER')
t_api=$(log_ms 2 'api: .* -> MASTER')
diag "node 1's check down -> node 2 web MASTER $((t_web - t_down)) ms, api MASTER $((t_api - t_down)) ms (vipd logs)"
within "$((t_api > t_web ? t_api - t_down : t_web - t_down))" "$(mdi_ms 100 "$ADVERT")" "node 2 masters both within MDI of node 1's check failing (vipd logs), ms"
is "$(inst_state 1 web) $(inst_state 1 api)" "FAULT FAULT" "node 1: every member in FAULT, as keepalived puts a group whose tracking fails"
check "node 2 keeps both while the check fails (1.5 s: more than one check interval)" stable_for 1.5 both_on 2

rm -f "$FLAG.n1"
if wait_for "$bound" both_on 1; then
	ok "the check passes again: node 1 takes both back by preemption ($VT_WAITED_MS ms)"
else
	not_ok "the check passes again: node 1 masters both ($(sg_line))"
fi
done_testing
