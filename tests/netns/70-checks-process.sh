#!/usr/bin/env bash
# 70: a process check (weight -60) on node 1 (150), node 2 (100):
#  a) by name (process = "vtaPID", a copy of sleep): the process killed drops
#     node 1 to 90 and node 2 takes the VIP; the process started again brings
#     node 1 back by preemption;
#  b) by command line with a quorum of exactly one (quorum = quorum_max = 1):
#     a second copy started is a count outside the range (down, failover), the
#     copy killed again brings node 1 back.
# vipd runs in a network namespace, where the kernel's proc connector does not
# exist: the check scans /proc every interval (its status says so), so the
# bounds are those of the other checks: fall x interval + Master_Down_Interval
# + 100 ms for the failover, (rise + 1) x interval + MDI + 100 ms back (the
# connector's own latency, under 1 ms on the host, is measured by
# tests/unit/test_track_process).
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
PA=vta$$ PB=vtb$$
cp "$(command -v sleep)" "$CK_SDIR/$PA" && cp "$(command -v sleep)" "$CK_SDIR/$PB" ||
	bail_out "cannot copy sleep into $CK_SDIR"
PB_CMD="$CK_SDIR/$PB 1001"

checks="checks = (
$(ck_check_line pa process "process = \"$PA\";"),
$(ck_check_line pb process "cmdline = \"$PB_CMD\"; quorum = 1; quorum_max = 1;")
);"
c1=$(ck_conf 1 '    checks = [ "pa", "pb" ];' "$checks" prio=$CK_PRIO1)
ck_feature "$c1" "process check"

ck_bg 1 pa "$CK_SDIR/$PA" 1000
ck_bg 1 pb "$CK_SDIR/$PB" 1001
must "node 1 (150, process checks) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's checks are up" wait_for 2 eval 'ck_state_is 1 pa up && ck_state_is 1 pb up'
is "$(ck_item 1 pa state last processes)" "state=up last=1 process processes=1" \
	"pa: the count in the status"
like "$(ck_item 1 pa monitor)" '^monitor=scan \(proc connector: ' \
	"pa: outside the host's network namespace the check scans /proc (status says why)"
ck_bounds "$CK_PRIO2"
diag "bounds: failover $CK_FAIL_BOUND ms, back $CK_BACK_BOUND ms"

# ---- a) by name: killed and started again
ck_cycle name pa 'ck_bg_stop pa' 'ck_bg 1 pa "$CK_SDIR/$PA" 1000'
is "$(ck_item 1 pa processes)" "processes=1" "a) one process again"

# ---- b) quorum 1..1: a second copy is one too many
must "b) node 1 the only master again" wait_for 3 settled 1
ck_cycle quorum pb 'ck_bg 1 pb2 "$CK_SDIR/$PB" 1001' 'ck_bg_stop pb2'
is "$(ck_item 1 pb last)" "last=1 process" "b) one process again"
done_testing
