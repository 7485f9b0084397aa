#!/usr/bin/env bash
# 39: `vipctl --json stats` and the metrics text reflect real failovers, seen from the backup
# (node 2, priority 100, advert_interval 0.1 s):
#   - kill -9 of the master: one failure whose down time is Master_Down_Interval (from the
#     master's last advert to the takeover; it also matches the takeover measured on the wire),
#     one failover, one BACKUP->MASTER transition; MTTR = down, MTBF = up, ratio = up/observed;
#   - the metrics text passes the strict Prometheus checker and carries the same figures;
#   - the master comes back and preempts: a second failover, no failure;
#   - SIGTERM of the master (priority 0): a second failure lasting Skew_Time.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require python3

IV=0.1
PROMCHECK=$VT_SRCDIR/tests/unit/promcheck.py

# stats_of I PATH... — fields of node I's first instance in `vipctl --json stats`, one per
# line ("availability.down", "counters.transitions.BACKUP->MASTER"; 0 when a map lacks the
# key, "null" for null, floats with 6 decimals)
stats_of() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json stats 2>/dev/null | python3 -c '
import json, sys
try:
    inst = json.loads(sys.stdin.read())["instances"][0]
except Exception as e:
    print("invalid stats JSON: %s" % e)
    sys.exit(0)
for path in sys.argv[1:]:
    v = inst
    for k in path.split("."):
        v = v.get(k, 0) if isinstance(v, dict) else "<missing>"
    print("null" if v is None else ("%.6f" % v if isinstance(v, float) else v))' "${@:2}"
}
# uptime_of I — node I's uptime from `vipctl --json stats`
uptime_of() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json stats 2>/dev/null |
		python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["uptime"])'
}
uptime_ge() { fle "$2" "$(uptime_of "$1")"; }
# observed_gt I SECONDS — node I has observed more than SECONDS
observed_gt() { fle "$2" "$(stats_of "$1" availability.observed)" && ! fle "$(stats_of "$1" availability.observed)" "$2"; }
# metrics_of I FILE — node I's metrics text (the JSON string of `vipctl --json metrics`) into FILE
metrics_of() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json metrics 2>/dev/null |
		python3 -c 'import json, sys; sys.stdout.write(json.loads(sys.stdin.read()))' >"$2"
}
# metric FILE SERIES — the value of SERIES (name{labels} as written) in FILE
metric() { grep -F -- "$2 " "$1" | awk '{ print $NF }'; }
# near A B TOL — |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f\n", s * 1000 }'; }

mdi=$(mdi_ms 100 "$IV")
skew=$(skew_ms 100 "$IV")
must "node 1 (150) starts" start_with 1 vipd prio=150 interval=$IV
must "node 2 (100) starts" start_with 2 vipd prio=100 interval=$IV
if wait_for 5 settled 1; then ok "node 1 MASTER, node 2 BACKUP"; else not_ok "settled: $(vt_state_line)"; fi
wait_for 5 observed_gt 2 1.0 || diag "node 2 observed only $(stats_of 2 availability.observed) s"

# ---- before any failure
read -r -d '' f0 fo0 ratio0 down0 tr0 mtbf0 < <(stats_of 2 availability.failures \
	availability.failovers availability.ratio availability.down \
	counters.transitions.INIT-\>BACKUP availability.mtbf)
is "$f0 $fo0 $down0 $tr0" "0 0 0.000000 1" "backup before any failure: 0 failures, 0 failovers, 0 s down, INIT->BACKUP once"
is "$ratio0 $mtbf0" "1.000000 null" "ratio 1 and MTBF null before any failure"

# ---- kill -9 of the master: the backup takes over after Master_Down_Interval
cap_start kill 1
t_kill=$(now)
kill9_node 1
if wait_for 3 state_is 2 MASTER; then ok "node 2 takes over"; else not_ok "node 2 takes over ($(vt_state_line))"; fi
cap_stop kill
takeover kill 1 2 "$t_kill"
read -r -d '' f1 fo1 tbm down1 up1 obs1 ratio1 mtbf1 mttr1 < <(stats_of 2 availability.failures \
	availability.failovers counters.transitions.BACKUP-\>MASTER availability.down \
	availability.up availability.observed availability.ratio availability.mtbf availability.mttr)
diag "node 2: $("$VIPCTL_BIN" -S "$VT_DIR/n2.sock" --json stats 2>&1)"
is "$f1 $fo1 $tbm" "1 1 1" "kill -9: 1 failure, 1 failover, BACKUP->MASTER once"
diag "node 2: down $(ms "$down1") ms, Master_Down_Interval $mdi ms, takeover on the wire ${TK_MS:-?} ms"
if fle "$(fadd "$mdi" -1)" "$(ms "$down1")" && fle "$(ms "$down1")" "$(fadd "$mdi" 50)"; then
	ok "down time = Master_Down_Interval (-1 / +50 ms)"
else
	not_ok "down time $(ms "$down1") ms is not Master_Down_Interval $mdi ms (-1 / +50)"
fi
check "down time matches the takeover on the wire (30 ms)" near "$(ms "$down1")" "${TK_MS:-x}" 30
check "MTTR = down (one outage)" near "$mttr1" "$down1" 0.000002
check "MTBF = up (one failure)" near "$mtbf1" "$up1" 0.000002
check "observed = up + down" near "$obs1" "$(fadd "$up1" "$down1")" 0.01
check "ratio = up / observed" near "$ratio1" "$(awk -v u="$up1" -v o="$obs1" 'BEGIN { print u / o }')" 0.0001

# ---- the same figures in the metrics text
metrics_of 2 "$VT_DIR/m2.txt"
if python3 "$PROMCHECK" "$VT_DIR/m2.txt" >"$VT_DIR/promcheck.out" 2>&1; then
	ok "metrics text passes the strict Prometheus text check ($(wc -l <"$VT_DIR/m2.txt") lines)"
else
	not_ok "metrics text passes the strict Prometheus text check"
	diag "$(head -n 10 "$VT_DIR/promcheck.out")"
fi
if command -v promtool >/dev/null 2>&1; then
	check "promtool check metrics" promtool check metrics <"$VT_DIR/m2.txt"
fi
is "$(metric "$VT_DIR/m2.txt" 'vipd_instance_state{instance="web",state="MASTER"}')" 1 "metrics: state MASTER"
is "$(metric "$VT_DIR/m2.txt" 'vipd_failures_total{instance="web"}')" 1 "metrics: 1 failure"
is "$(metric "$VT_DIR/m2.txt" 'vipd_failovers_total{instance="web"}')" 1 "metrics: 1 failover"
is "$(metric "$VT_DIR/m2.txt" 'vipd_transitions_total{instance="web",from="BACKUP",to="MASTER"}')" 1 \
	"metrics: BACKUP->MASTER once"
check "metrics: MTTR as in stats" near "$(metric "$VT_DIR/m2.txt" 'vipd_mttr_seconds{instance="web"}')" "$mttr1" 0.000002
ts=$(metric "$VT_DIR/m2.txt" 'vipd_last_transition_timestamp_seconds{instance="web"}')
check "metrics: last transition time is the takeover (1 s)" near "$ts" "${TK_NEW:-0}" 1

# ---- node 1 comes back and preempts: a failover, no failure
start_node 1 vipd "$VT_DIR/n1.vipd.conf"
if wait_for 5 settled 1; then ok "node 1 back as master"; else not_ok "node 1 back ($(vt_state_line))"; fi
read -r -d '' f2 fo2 tmb down2 < <(stats_of 2 availability.failures availability.failovers \
	counters.transitions.MASTER-\>BACKUP availability.down)
is "$f2 $fo2 $tmb" "1 2 1" "preemption: still 1 failure, 2 failovers, MASTER->BACKUP once"
check "preemption: no down time added" near "$down2" "$down1" 0.000002

# ---- SIGTERM of the master: priority 0, an outage of Skew_Time
wait_for 5 observed_gt 2 "$(fadd "$obs1" 1)"
stop_node 1 TERM 5
if wait_for 3 state_is 2 MASTER; then ok "node 2 takes over after the priority-0 advert"; else not_ok "node 2 takes over ($(vt_state_line))"; fi
read -r -d '' f3 fo3 down3 mttr3 < <(stats_of 2 availability.failures availability.failovers \
	availability.down availability.mttr)
is "$f3 $fo3" "2 3" "priority 0: 2 failures, 3 failovers"
d=$(ms "$(awk -v a="$down3" -v b="$down2" 'BEGIN { print a - b }')")
diag "second outage: $d ms, Skew_Time $skew ms"
if fle "$(fadd "$skew" -1)" "$d" && fle "$d" "$(fadd "$skew" 50)"; then
	ok "second outage = Skew_Time (-1 / +50 ms)"
else
	not_ok "second outage $d ms is not Skew_Time $skew ms (-1 / +50)"
fi
check "MTTR = down / 2" near "$mttr3" "$(awk -v a="$down3" 'BEGIN { print a / 2 }')" 0.000002

# ---- FAULT is blind: a pulled cable stops the clock, counts no failure
cable_pull 2
if wait_for 3 state_is 2 FAULT; then ok "node 2 in FAULT after its cable is pulled"; else not_ok "node 2 in FAULT ($(vt_state_line))"; fi
obs4=$(stats_of 2 availability.observed)
up4=$(uptime_of 2)
wait_for 3 uptime_ge 2 "$(fadd "$up4" 1)" || diag "node 2's uptime did not advance"
read -r -d '' obs5 f5 fo5 < <(stats_of 2 availability.observed availability.failures \
	availability.failovers)
check "FAULT: observed time stands still for 1 s" near "$obs5" "$obs4" 0.000002
is "$f5 $fo5" "2 4" "FAULT: no new failure; leaving MASTER is a failover"
cable_replug 2
if wait_for 3 state_is 2 MASTER; then ok "node 2 master again after the replug"; else not_ok "node 2 master again ($(vt_state_line))"; fi
read -r -d '' f6 fo6 tfb < <(stats_of 2 availability.failures availability.failovers \
	counters.transitions.FAULT-\>BACKUP)
is "$f6 $fo6 $tfb" "2 4 1" "after the replug: no failure, no failover (nobody seen), FAULT->BACKUP once"
done_testing
