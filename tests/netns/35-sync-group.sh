#!/usr/bin/env bash
# 35: a sync group of two instances on two LANs (web: eth0, VRID 51,
# 198.18.0.100; api: eth1, VRID 52, 198.19.0.100, tracking trk1 with weight
# 0). Node 1 (150) masters both. Its eth1 goes down: api enters FAULT and the
# group moves web too — node 2 holds both VIPs (web measured on the wire from
# the moment eth1 went down); eth1 up: node 1 takes both back by preemption.
# The same with the tracked interface trk1 (a veth) down on node 1.
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

# both_on I — node I masters both instances and holds both VIPs; the other
# node holds neither
both_on() {
	local o=$((3 - $1))
	[[ "$(inst_state "$1" web) $(inst_state "$1" api)" == "MASTER MASTER" ]] &&
		holds_vip "$1" "$VIP" && holds_vip "$1" "$VIP2" &&
		! holds_vip "$o" "$VIP" && ! holds_vip "$o" "$VIP2"
}
sg_line() { echo "n1: web $(inst_state 1 web) api $(inst_state 1 api); n2: web $(inst_state 2 web) api $(inst_state 2 api); holders web '$(who_holds)'"; }

must "node 1 starts" ck_start 1 "$c1"
must "node 2 starts" ck_start 2 "$c2"
must "node 1 masters both instances, node 2 neither" wait_for 5 both_on 1

cap_start sync 1
t=$(now)
ip -n "$N1" link set eth1 down
if wait_for 3 both_on 2; then
	ok "eth1 down on node 1: node 2 masters web and api and holds both VIPs ($VT_WAITED_MS ms, by polling)"
else
	not_ok "eth1 down on node 1: both VIPs move to node 2 ($(sg_line))"
fi
is "$(inst_state 1 api) $(inst_state 1 web)" "FAULT BACKUP" "node 1: api FAULT, web BACKUP (held by the group)"
cap_stop sync
first=$(first_announce sync 2 "$t")
zero=$(first_advert sync 1 "$t" 0)
mdi=$(mdi_ms 100 "$ADVERT")
diag "eth1 down -> node 1's web sends priority 0: $(ms_diff "$t" "$zero") ms; -> node 2's first web GARP/advert: $(ms_diff "$t" "$first") ms"
within "$(ms_diff "$t" "$first")" "$(fadd "$mdi" 100)" "web follows api: node 2 owns web's VIP on the wire within MDI + 100 ms, ms"
check "node 1 left web's MASTER with a priority-0 advert" test -n "$zero"
check "node 1's web stays BACKUP while api is in FAULT (0.5 s)" stable_for 0.5 eval 'both_on 2 && [[ "$(inst_state 1 web)" == BACKUP ]]'

ip -n "$N1" link set eth1 up
if wait_for 3 both_on 1; then
	ok "eth1 up: node 1 takes both back by preemption ($VT_WAITED_MS ms)"
else
	not_ok "eth1 up: node 1 masters both again ($(sg_line))"
fi
if stable_for 0.5 both_on 1; then
	ok "and keeps both for 0.5 s"
else
	not_ok "and keeps both for 0.5 s"
	diag "$(sg_line)"
fi

# ---- the tracked interface of api (weight 0) down on node 1
cap_start sync-trk 1
t=$(now)
ip -n "$N1" link set trk1 down
if wait_for 3 both_on 2; then
	ok "trk1 down on node 1: node 2 masters web and api and holds both VIPs ($VT_WAITED_MS ms, by polling)"
else
	not_ok "trk1 down on node 1: both VIPs move to node 2 ($(sg_line))"
fi
is "$(inst_state 1 api) $(inst_state 1 web)" "FAULT BACKUP" "node 1: api FAULT (tracked trk1 down), web BACKUP"
cap_stop sync-trk
first=$(first_announce sync-trk 2 "$t")
diag "trk1 down -> node 2's first web GARP/advert: $(ms_diff "$t" "$first") ms"
within "$(ms_diff "$t" "$first")" "$(fadd "$mdi" 100)" "web follows api: node 2 owns web's VIP on the wire within MDI + 100 ms, ms"
ip -n "$N1" link set trk1 up
if wait_for 3 both_on 1; then
	ok "trk1 up: node 1 takes both back by preemption ($VT_WAITED_MS ms)"
else
	not_ok "trk1 up: node 1 masters both again ($(sg_line))"
fi
done_testing
