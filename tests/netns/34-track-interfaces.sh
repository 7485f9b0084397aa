#!/usr/bin/env bash
# 34: track_interfaces — node 1 tracks an interface trk0 (a veth) with weight
# -60: setting it down drops node 1 from 150 to 90 and node 2 owns the VIP
# within Master_Down_Interval + 100 ms (+ fall × interval, the bound of the
# checks; a link event needs no polling), measured on the wire; setting it up
# brings node 1 back by preemption; vipctl status shows the interface state.
# Then weight 0: trk0 down puts node 1 in FAULT (VIP released, node 2 takes
# over), up again and node 1 leaves FAULT and preempts back.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
N1=$(node_ns 1)
ip -n "$N1" link add trk0 type veth peer name trk0p && ip -n "$N1" link set trk0p up &&
	ip -n "$N1" link set trk0 up || bail_out "cannot create the tracked interface (veth)"

c1=$(CK_NO_SU=1 ck_conf 1 '    track_interfaces = ( { name = "trk0"; weight = -60; } );' "" prio=$CK_PRIO1)
ck_feature "$c1" "track_interfaces"

must "node 1 (150, tracks trk0) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's status shows trk0 up" wait_for 2 ck_state_is 1 trk0 up
ck_bounds "$CK_PRIO2"
ck_cycle track trk0 'ip -n "$N1" link set trk0 down' 'ip -n "$N1" link set trk0 up'

# ---- weight 0: FAULT
stop_node 1
c1=$(CK_NO_SU=1 ck_conf 1 '    track_interfaces = ( { name = "trk0"; weight = 0; } );' "" prio=$CK_PRIO1)
must "node 1 restarted with trk0 at weight 0, master again" eval 'ck_start 1 "$c1" && wait_for 5 settled 1'
cap_start fault 1
t=$(now)
ip -n "$N1" link set trk0 down
if wait_for 3 eval 'state_is 1 FAULT && only_master 2'; then
	ok "weight 0: node 1 in FAULT, node 2 the only master holding the VIP ($VT_WAITED_MS ms)"
else
	not_ok "weight 0: node 1 FAULT, node 2 master ($(vt_state_line))"
fi
cap_stop fault
first=$(first_announce fault 2 "$t")
zero=$(first_advert fault 1 "$t" 0)
diag "weight 0: trk0 down -> node 1's priority-0 advert $(ms_diff "$t" "$zero") ms, -> node 2's first GARP/advert $(ms_diff "$t" "$first") ms"
within "$(ms_diff "$t" "$first")" "$CK_FAIL_BOUND" "weight 0: on the wire, node 2 owns the VIP within the bound, ms"
check "weight 0: node 1 sent priority 0 on entering FAULT" test -n "$zero"
ip -n "$N1" link set trk0 up
check "weight 0: trk0 up -> node 1 leaves FAULT and preempts back" wait_for 3 settled 1
done_testing
