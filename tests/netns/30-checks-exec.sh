#!/usr/bin/env bash
# 30: exec checks. A command that tests for a file the test creates/removes
# (interval 0.1 s, timeout 0.1 s, fall 2, rise 2, weight -60): removing the
# file makes node 2 own the VIP within fall × interval + Master_Down_Interval
# + 100 ms (on the wire); recreating it brings node 1 back by preemption. The
# same command hangs (a shell waiting on `sleep 60`) while a second file
# exists: it is killed at its timeout with its whole process group and counts
# as a failure, and no process is left behind. `vipd --check` rejects a
# command that does not exist and a world-writable script, naming FILE:LINE.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
OKF=$VT_DIR/svc-ok HANGF=$VT_DIR/svc-hang
# exit 0 while OKF exists; else hang while HANGF exists (sh waits on sleep:
# only a group kill ends both), else fail
CMD="/bin/sh -c 'test -e $OKF && exit 0; test -e $HANGF && { sleep 60; exit 0; }; exit 1'"
SLEEPER='^sleep 60 ?$'

c1=$(ck_conf 1 '    checks = [ "svc" ];' "checks = ( $(ck_check_line svc exec "command = \"$CMD\";") );" \
	prio=$CK_PRIO1)
ck_feature "$c1" "exec check"

# ---- vipd --check: a missing command, an unsafe script
bad=$(ck_conf 9 '    checks = [ "gone" ];' \
	"checks = ( $(ck_check_line gone exec 'command = "/nonexistent/vipd-test-check --flag";') );")
line=$(grep -n 'vipd-test-check' "$bad" | cut -d: -f1)
out=$("$VIPD_BIN" --check -f "$bad" 2>&1)
rc=$?
is "$rc" 1 "vipd --check exits 1 when a check command does not exist"
like "$out" "^$bad:$line: .*/nonexistent/vipd-test-check" "the error names FILE:LINE and the command"
diag "$out"
install -m 0777 /dev/null "$CK_SDIR/unsafe-check"
printf '#!/bin/sh\nexit 0\n' >"$CK_SDIR/unsafe-check"
bad=$(ck_conf 8 '    checks = [ "unsafe" ];' \
	"checks = ( $(ck_check_line unsafe exec "command = \"$CK_SDIR/unsafe-check\";") );")
line=$(grep -n 'unsafe-check' "$bad" | cut -d: -f1)
out=$("$VIPD_BIN" --check -f "$bad" 2>&1)
rc=$?
is "$rc" 1 "vipd --check (as root) exits 1 for a world-writable check script"
like "$out" "^$bad:$line: .*unsafe-check.*writ" "the error names FILE:LINE, the script and why (writable)"
diag "$out"

# ---- break and repair
touch "$OKF"
must "node 1 (150, exec check) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's check is up" wait_for 2 ck_state_is 1 svc up
ck_bounds "$CK_PRIO2"
ck_cycle exec svc 'rm -f "$OKF"' 'touch "$OKF"'

# ---- a hanging check: killed at its timeout, a failure, nothing left behind
# each failing run takes the timeout, so the bound allows fall × (interval + timeout)
hang_bound=$(awk -v f="$CK_FALL" -v i="$CK_INTERVAL" -v t="$CK_TIMEOUT" -v m="$(mdi_ms "$CK_PRIO2" "$ADVERT")" \
	'BEGIN { printf "%.1f\n", f * (i + t) * 1000 + m + 100 }')
touch "$HANGF"
cap_start hang 1
t=$(now)
rm -f "$OKF"
ck_failover hang "$t" "$hang_bound" "hang"
check "hang: node 1's status shows svc down" wait_for 1 ck_state_is 1 svc down
diag "hang: svc on node 1: $(ck_item_json 1 svc)"
like "$(ck_item_json 1 svc)" 'time.?out|timed out|killed' "hang: the last result says the run timed out"
check "hang: never more than one hung run alive in node 1 (1 s, every 20 ms)" \
	stable_for 1 _ck_procs_le 1 "$SLEEPER" 1
n=$(ck_procs 1 "$SLEEPER")
rm -f "$HANGF"
touch "$OKF"
if wait_for 1 _ck_procs_none 1 "$SLEEPER"; then
	ok "hang: once repaired, no 'sleep 60' is left in node 1's namespace ($VT_WAITED_MS ms; $n was running)"
else
	not_ok "hang: 'sleep 60' left behind in node 1's namespace: $(ck_procs 1 "$SLEEPER")"
fi
check "hang: node 1 preempts back" wait_for 3 settled 1
check "hang: node 1's status shows svc up" wait_for 1 ck_state_is 1 svc up
done_testing
