#!/usr/bin/env bash
# 91: realtime_priority and lock_memory. Node 1 has realtime_priority = 10
# and lock_memory = true; node 2 has neither but is started under SCHED_RR
# (as systemd's CPUSchedulingPolicy=rr would). Each node has a notify script
# and an exec check that write their own scheduling policy (chrt -p $$):
#  - node 1 runs SCHED_RR at 10 with SCHED_RESET_ON_FORK, every page locked
#    (VmLck), and says so in `vipctl --json status` (scheduling);
#  - node 2 keeps the inherited SCHED_RR and adds SCHED_RESET_ON_FORK;
#  - the scripts and checks of both run SCHED_OTHER: they inherit no
#    real-time policy;
#  - a reload that changes realtime_priority logs that it takes effect at
#    the next start;
#  - `vipd --check` as an unprivileged user without CAP_SYS_NICE or
#    CAP_IPC_LOCK refuses both keys with FILE:LINE and the reason.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
vt_require chrt setpriv

for i in 1 2; do
	printf '#!/bin/sh\nchrt -p $$ | head -n 1 >> %s\n' "$VT_DIR/n$i.notified" >"$CK_SDIR/notify$i.sh"
	printf '#!/bin/sh\nchrt -p $$ | head -n 1 >> %s\nexit 0\n' "$VT_DIR/n$i.checked" >"$CK_SDIR/check$i.sh"
	chmod 755 "$CK_SDIR/notify$i.sh" "$CK_SDIR/check$i.sh"
	: >"$VT_DIR/n$i.notified"
	: >"$VT_DIR/n$i.checked"
done
c1=$(ck_conf 1 "    notify = \"$CK_SDIR/notify1.sh\";
    checks = [ \"probe\" ];" "checks = ( $(ck_check_line probe exec "command = \"$CK_SDIR/check1.sh\"; interval = 0.5;") );" \
	prio=150 realtime_priority=10 lock_memory=true)
c2=$(ck_conf 2 "    notify = \"$CK_SDIR/notify2.sh\";
    checks = [ \"probe\" ];" "checks = ( $(ck_check_line probe exec "command = \"$CK_SDIR/check2.sh\"; interval = 0.5;") );" \
	prio=100)
ck_feature "$c1" "realtime_priority, lock_memory"

# node 2 under SCHED_RR from its parent, as a unit's CPUSchedulingPolicy=rr
printf '#!/bin/sh\nexec chrt -r 5 %s "$@"\n' "$VIPD_BIN" >"$CK_SDIR/vipd-rr"
chmod 755 "$CK_SDIR/vipd-rr"
must "node 1 starts (realtime_priority, lock_memory)" ck_start 1 "$c1"
VIPD_BIN=$CK_SDIR/vipd-rr must "node 2 starts under SCHED_RR" ck_start 2 "$c2"
wait_for 10 settled 1 || diag "node 1 not master after 10 s"
# a notify line and a check line on each node
for i in 1 2; do
	wait_for 5 test -s "$VT_DIR/n$i.notified" || diag "node $i: no notify script ran"
	wait_for 5 test -s "$VT_DIR/n$i.checked" || diag "node $i: no check ran"
done

pol1=$(chrt -p "$(node_pid 1)" 2>&1 | tr '\n' ' ')
like "$pol1" "policy: SCHED_RR\|SCHED_RESET_ON_FORK .*priority: 10" "node 1 runs SCHED_RR at priority 10, reset on fork: $pol1"
lck=$(awk '/^VmLck:/ { print $2 }' "/proc/$(node_pid 1)/status")
sched=$(node_status 1 | python3 -c 'import json, sys; s = json.loads(sys.stdin.readline())["scheduling"]; print(s["policy"], s["priority"], s["reset_on_fork"], s["memory_locked"])')
# Root raises RLIMIT_MEMLOCK for the vipd user first; where even root may not (a container
# without CAP_SYS_RESOURCE) vipd must not lock: past the limit its allocations would fail.
if bash -c 'ulimit -H -l unlimited' 2>/dev/null; then
	check "node 1 has its memory locked (VmLck $lck kB)" test "${lck:-0}" -gt 0
	is "$sched" "rr 10 True True" "node 1's status: scheduling rr 10, reset on fork, memory locked"
else
	diag "RLIMIT_MEMLOCK cannot be raised here ($(ulimit -H -l) kB): lock_memory must refuse"
	is "${lck:-0}" 0 "node 1 locks nothing under a limit it cannot raise (VmLck $lck kB)"
	is "$sched" "rr 10 True False" "node 1's status: scheduling rr 10, reset on fork, memory not locked"
	like "$(cat "$VT_DIR/n1.log")" "lock_memory: RLIMIT_MEMLOCK [(][0-9]+ kB[)] cannot be raised; not locking" \
		"node 1's log says why it did not lock"
fi
pol2=$(chrt -p "$(node_pid 2)" 2>&1 | tr '\n' ' ')
like "$pol2" "policy: SCHED_RR\|SCHED_RESET_ON_FORK .*priority: 5" "node 2 keeps the inherited SCHED_RR at 5 and adds reset on fork: $pol2"
sched=$(node_status 2 | python3 -c 'import json, sys; s = json.loads(sys.stdin.readline())["scheduling"]; print(s["policy"], s["priority"], s["reset_on_fork"], s["memory_locked"])')
is "$sched" "rr 5 True False" "node 2's status: scheduling rr 5, reset on fork, memory not locked"
for i in 1 2; do
	for f in notified checked; do
		n=$(grep -c . "$VT_DIR/n$i.$f")
		bad=$(grep -vc "policy: SCHED_OTHER$" "$VT_DIR/n$i.$f")
		check "node $i: every $f script ran SCHED_OTHER ($n runs, $bad not: $(grep -v 'SCHED_OTHER$' "$VT_DIR/n$i.$f" | head -n 1))" \
			test "$n" -gt 0 -a "$bad" -eq 0
	done
done

# reload: the change waits for the next start
sed -i 's/^realtime_priority = 10;/realtime_priority = 20;/' "$c1"
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null 2>&1
check "a reload changing realtime_priority says it takes effect at the next start" \
	wait_for 5 grep -q "reload: realtime_priority changed; it takes effect at the next start" "$VT_DIR/n1.log"
like "$(chrt -p "$(node_pid 1)" 2>&1 | tr '\n' ' ')" "priority: 10" "node 1 still runs at priority 10 after the reload"

# --check as an unprivileged user: both keys refused with their lines
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
	"$VIPD_BIN" --check -f "$c1" 2>&1)
rc=$?
is "$rc" 1 "vipd --check as an unprivileged user refuses the config"
l_rt=$(grep -n '^realtime_priority' "$c1" | cut -d: -f1) l_lm=$(grep -n '^lock_memory' "$c1" | cut -d: -f1)
like "$out" "$c1:$l_rt: realtime_priority: not root, without CAP_SYS_NICE" "it names realtime_priority's line and the reason"
like "$out" "$c1:$l_lm: lock_memory: not root, without CAP_IPC_LOCK" "it names lock_memory's line and the reason"
done_testing
