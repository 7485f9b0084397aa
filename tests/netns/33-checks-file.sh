#!/usr/bin/env bash
# 33: a file check (an integer read on change, × weight -10): writing 6 into
# the weight file drops node 1 from 150 to 90 and node 2 owns the VIP within
# fall × interval + Master_Down_Interval + 100 ms of the write (the bound of
# the other checks, though a file check reacts to inotify at once), measured
# on the wire; writing 0 brings node 1 back by preemption; vipctl status shows
# the check state. A missing file counts as a failure.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
WF=$VT_DIR/weight

c1=$(ck_conf 1 '    checks = [ "maint" ];' \
	"checks = ( { name = \"maint\"; type = \"file\"; path = \"$WF\"; weight = -10; } );" prio=$CK_PRIO1)
ck_feature "$c1" "file check"

echo 0 >"$WF"
must "node 1 (150, file check) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's check is up" wait_for 2 ck_state_is 1 maint up
is "$(status_fields 1 effective_priority)" "effective_priority=$CK_PRIO1" "a weight file with 0: priority 150"
ck_bounds "$CK_PRIO2"
ck_cycle file maint 'echo 6 >"$WF"' 'echo 0 >"$WF"' any

# a missing file is a failure: node 1's status says so (its priority is
# whatever a failing file check gives; node 1 must not stay at 150 silently)
rm -f "$WF"
check "a missing weight file: node 1's status shows maint down" wait_for 2 ck_state_is 1 maint down
diag "missing file: $(ck_item_json 1 maint); $(status_fields 1 state effective_priority)"
echo 0 >"$WF"
check "the file back with 0: maint up, node 1 the only master" wait_for 3 eval 'ck_state_is 1 maint up && settled 1'
done_testing
