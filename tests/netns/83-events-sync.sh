#!/usr/bin/env bash
# 83: the cause of a sync group's move and of a kill -9. A group "edge" of two
# instances on two LANs (web on eth0, api on eth1 tracking trk1 with weight 0);
# node 1 (150) masters both, node 2 (100) backs up.
#  a) trk1 down on node 1: api's event MASTER -> FAULT names the interface
#     trk1 (link down); web's MASTER -> BACKUP names the sync group member api
#     that pulled it and api's own cause; on node 2 both instances take over.
#  b) trk1 up: node 1 preempts; its api FAULT -> BACKUP names trk1 link up.
#  c) kill -9 of node 1: node 2's web and api take over on master_down from
#     node 1's address of each LAN, priority 150, with the silence since its
#     last advert.
#  d) vipd restarted: `vipctl events --since` with a seq of the old run says
#     vipd's last event is older; the new run has another run id.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
# shellcheck source=tests/netns/sync.sh
. "$(dirname "$0")/sync.sh"
sg_setup
c1=$(sg_conf 1 150)
c2=$(sg_conf 2 100)
ck_feature "$c1" "sync_groups"

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }
both_on() {
	local o=$((3 - $1))
	[[ "$(inst_state "$1" web) $(inst_state "$1" api)" == "MASTER MASTER" ]] &&
		holds_vip "$1" "$VIP" && holds_vip "$1" "$VIP2" &&
		! holds_vip "$o" "$VIP" && ! holds_vip "$o" "$VIP2"
}
# last_state I INSTANCE — node I's newest state event of INSTANCE, as
# "OLD NEW KIND NAME FROM PRIORITY DETAIL" (- for what is absent)
last_state() {
	ctl "$1" --json events "$2" | python3 -c '
import json, sys
last = None
for l in sys.stdin:
    e = json.loads(l)
    if e.get("type") == "state":
        last = e
if not last:
    print("none"); sys.exit(0)
c = last["cause"]
print(" ".join(str(x) for x in (last["old"], last["new"], c.get("kind", "-"), c.get("name", "-"),
      c.get("from", "-"), c.get("priority", "-"), c.get("detail", "-"))))'
}
state_like() { [[ "$(last_state "$1" "$2")" =~ $3 ]]; }
ev_check() {
	if wait_for 1 state_like "$2" "$3" "$4"; then ok "$1"; else
		not_ok "$1"; diag "  got: '$(last_state "$2" "$3")'" "  expected to match: /$4/"
	fi
}

must "node 1 starts" ck_start 1 "$c1"
must "node 2 starts" ck_start 2 "$c2"
must "node 1 masters both instances, node 2 neither" wait_for 5 both_on 1

# ---- a) a tracked interface down pulls the group
ip -n "$N1" link set trk1 down
must "a) node 2 masters both after trk1 went down on node 1" wait_for 3 both_on 2
ev_check "a) node 1 api: MASTER -> FAULT, interface trk1 link down" 1 api \
	"^MASTER FAULT interface trk1 - - link down$"
ev_check "a) node 1 web: MASTER -> BACKUP, sync_group pulled by api (FAULT, interface)" 1 web \
	"^MASTER BACKUP sync_group api - - FAULT interface$"
ev_check "a) node 2 web: BACKUP -> MASTER" 2 web "^BACKUP MASTER "
ev_check "a) node 2 api: BACKUP -> MASTER" 2 api "^BACKUP MASTER "

# ---- b) back
ip -n "$N1" link set trk1 up
must "b) node 1 masters both again after trk1 came back" wait_for 5 both_on 1
ev_check "b) node 1 api left FAULT on trk1 link up" 1 api \
	"^BACKUP MASTER |^FAULT BACKUP interface trk1 - - link up$"
is "$(ctl 1 --json events api | python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["type"] == "state" and e["old"] == "FAULT":
        c = e["cause"]; print(c["kind"], c.get("name"), c.get("detail"))')" "interface trk1 link up" \
	"b) node 1 api: FAULT -> BACKUP, interface trk1 link up"

# ---- c) kill -9
stop_node 1 KILL 2
# (a killed vipd leaves its VIPs on node 1: only node 2's states are asked)
two_masters() { [[ "$(inst_state 2 web) $(inst_state 2 api)" == "MASTER MASTER" ]]; }
must "c) node 2 masters both after node 1 was killed" wait_for 3 two_masters
ev_check "c) node 2 web: master_down from node 1 at 150" 2 web \
	"^BACKUP MASTER master_down - $(node_ip 1) 150 -$"
ev_check "c) node 2 api: master_down (or pulled by web) from node 1" 2 api \
	"^BACKUP MASTER (master_down - 198\.19\.0\.1 150 -|sync_group web - - MASTER master_down)$"

# ---- d) another run
run1=$(ctl 2 --json events | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])')
stop_node 2 TERM 5
must "d) node 2 starts again" ck_start 2 "$c2"
run2=$(ctl 2 --json events | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"])')
check "d) the new run has another run id ($run1 -> $run2)" test "$run1" != "$run2"
out=$(ctl 2 events --since 1000 2>&1)
like "$out" "since 1000: vipd's last event is [0-9]+ \(run $run2\)" \
	"d) --since a seq of an old run says vipd's last event is older"
done_testing
