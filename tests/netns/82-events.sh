#!/usr/bin/env bash
# 82: "why did it fail over?" Two nodes (150 with an HTTP check of weight -60,
# and 100), 0.05 s adverts; node 1 keeps 16 events (events_ring_size).
#  a) a cable pull: node 2's event BACKUP -> MASTER says master_down from node
#     1 (priority 150, the silence about its Master_Down_Interval), and so do
#     its `vipctl status` and `vipctl history`; the replug: node 2 yields with
#     higher_priority from node 1.
#  b) the check fails (HTTP 500): node 1's priority event names the check and
#     its result; node 2 takes over by preempt from node 1 at 90, node 1 yields
#     with higher_priority from node 2.
#  c) `vipctl demote web` on node 1: its priority event and its handover name
#     admin demote with the client's uid (0) and the new master; node 2 takes
#     over on priority_zero from node 1.
#  d) the notify script of node 2 got VIPD_CAUSE and VIPD_CAUSE_FROM.
#  e) --since after a reconnect: no gap; a --follow reader SIGSTOPped while 40
#     events happen on its node gets one "lost N events" line and resumes; the
#     master's adverts keep their interval meanwhile (longest gap on the wire <=
#     interval + 25 ms).
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
vt_require python3
PORT=8082
CTL=$VT_DIR/http.ctl
echo 200 >"$CTL"

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }

# last_event I TYPE — node I's newest event of TYPE (state|priority), JSON
last_event() {
	ctl "$1" --json events | python3 -c '
import json, sys
last = None
for l in sys.stdin:
    e = json.loads(l)
    if e.get("type") == sys.argv[1]:
        last = e
print(json.dumps(last) if last else "none")' "$2"
}
# ev_is I TYPE "FIELD=VALUE..." — node I's newest TYPE event has these fields
# (old, new, and cause.X for the cause's members)
ev_is() {
	last_event "$1" "$2" | python3 -c '
import json, sys
e = json.loads(sys.stdin.read())
if e is None:
    sys.exit(1)
for kv in sys.argv[1].split():
    k, v = kv.split("=", 1)
    o = e
    for part in k.split("."):
        o = o.get(part) if isinstance(o, dict) else None
    if str(o) != v:
        sys.exit(1)' "$3"
}
# ev_check DESC I TYPE "FIELD=VALUE..." — wait (1 s) for that event, diag it if not
ev_check() {
	if wait_for 1 ev_is "$2" "$3" "$4"; then
		ok "$1"
	else
		not_ok "$1"
		diag "want $4; node $2's last $3 event: $(last_event "$2" "$3")"
	fi
}

n1=$(node_ip 1) n2=$(node_ip 2)
c1=$(ck_conf 1 '    checks = [ "web_ok" ];' \
	"events_ring_size = 16;
checks = ( $(ck_check_line web_ok http "url = \"http://127.0.0.1:$PORT/\";") );" prio=$CK_PRIO1)
ck_feature "$c1" "events_ring_size"
cat >"$CK_SDIR/notify.sh" <<EON
#!/bin/sh
echo "\$2 \$VIPD_CAUSE \$VIPD_CAUSE_FROM \$VIPD_CAUSE_PRIORITY" >>"$VT_DIR/n2.notify"
EON
chmod 755 "$CK_SDIR/notify.sh"
c2=$(ck_conf 2 "    notify = \"$CK_SDIR/notify.sh\";" "" prio=$CK_PRIO2)

must "the HTTP server runs in node 1" ck_http_server 1 $PORT "$CTL"
must "node 1 (150, http check) master, node 2 (100) backup" ck_pair "$c1" "$c2"
ev_check "node 2 started: INIT -> BACKUP, cause startup" 2 state \
	"old=INIT new=BACKUP cause.kind=startup"

# ---- a) cable pull
mdi=$(mdi_ms 100 "$ADVERT")
cable_pull 1
must "a) node 2 takes over after the cable pull" wait_for 3 only_master 2
ev_check "a) node 2: BACKUP -> MASTER, master_down from node 1 at 150" 2 state \
	"old=BACKUP new=MASTER cause.kind=master_down cause.from=$n1 cause.priority=150 cause.interval_ms=50 cause.version=3"
sil=$(last_event 2 state | python3 -c 'import json,sys; print(json.load(sys.stdin)["cause"].get("silence_ms", -1))')
diag "silence before the takeover: $sil ms (Master_Down_Interval $mdi ms)"
# the silence is measured from the last advert vipd read to the timer: the MDI,
# never less, plus the loop's lateness
within "$sil" "$(fadd "$mdi" 50)" "a) the silence is about the Master_Down_Interval, ms"
check "a) and not less than it" fle "$(fadd "$mdi" -1)" "$sil"
status_cause() {
	ctl "$1" --json status | python3 -c '
import json, sys
c = json.load(sys.stdin)["instances"][0].get("last_cause", {})
print(c.get("kind"), c.get("from"))'
}
is "$(status_cause 2)" "master_down $n1" "a) vipctl status --json: last_cause of node 2"
like "$(ctl 2 status)" "web: last change: master_down from $n1 priority 150" \
	"a) vipctl status shows it"
like "$(ctl 2 history)" "BACKUP -> MASTER +master_down from $n1" "a) vipctl history shows it"
like "$(ctl 2 history)" "time in state: INIT [0-9.]+s, BACKUP [0-9.]+s, MASTER" \
	"a) vipctl history: time in each state"
cable_replug 1
must "a) node 1 master again after the replug" wait_for 3 settled 1
ev_check "a) node 2: MASTER -> BACKUP, higher_priority from node 1" 2 state \
	"old=MASTER new=BACKUP cause.kind=higher_priority cause.from=$n1 cause.priority=150"

# ---- b) a failing check
echo 500 >"$CTL"
must "b) node 2 takes over when node 1's check fails" wait_for 3 only_master 2
ev_check "b) node 1: priority 150 -> 90, cause check web_ok" 1 priority \
	"old=150 new=90 cause.kind=check cause.name=web_ok"
like "$(last_event 1 priority)" '"detail": "http down \([^"]*500' "b) the cause says HTTP 500"
ev_check "b) node 2: BACKUP -> MASTER, preempt of node 1 at 90" 2 state \
	"old=BACKUP new=MASTER cause.kind=preempt cause.from=$n1 cause.priority=90"
ev_check "b) node 1: MASTER -> BACKUP, higher_priority from node 2" 1 state \
	"old=MASTER new=BACKUP cause.kind=higher_priority cause.from=$n2 cause.priority=100"
echo 200 >"$CTL"
must "b) node 1 master again once the check passes" wait_for 3 settled 1
ev_check "b) node 1: priority back to 150 by the check" 1 priority \
	"old=90 new=150 cause.kind=check cause.name=web_ok"

# ---- c) demote
must "c) vipctl demote web on node 1" ctl 1 demote web
must "c) node 2 takes over" wait_for 3 only_master 2
ev_check "c) node 1: priority 150 -> 1, admin demote by uid 0" 1 priority \
	"old=150 new=1 cause.kind=admin cause.name=demote cause.uid=0"
ev_check "c) node 1: MASTER -> BACKUP, admin demote, the new master node 2" 1 state \
	"old=MASTER new=BACKUP cause.kind=admin cause.name=demote cause.uid=0 cause.from=$n2"
ev_check "c) node 2: BACKUP -> MASTER, priority_zero from node 1" 2 state \
	"old=BACKUP new=MASTER cause.kind=priority_zero cause.from=$n1 cause.priority=0"
must "c) vipctl promote web on node 1" ctl 1 promote web
must "c) node 1 master again" wait_for 3 settled 1
ev_check "c) node 1: BACKUP -> MASTER, preempt of node 2" 1 state \
	"old=BACKUP new=MASTER cause.kind=preempt cause.from=$n2 cause.priority=100"

# ---- d) the notify script's environment
if wait_for 2 grep -q "MASTER priority_zero $n1 0" "$VT_DIR/n2.notify"; then
	ok "d) node 2's notify script got VIPD_CAUSE=priority_zero, VIPD_CAUSE_FROM=$n1"
else
	not_ok "d) node 2's notify script got VIPD_CAUSE and VIPD_CAUSE_FROM"
	diag "$(cat "$VT_DIR/n2.notify" 2>&1)"
fi

# ---- e) --since, a stopped follower
# node 1's events: reloads that move its priority (150 <-> 149, applied in place)
reload_prio() {
	sed -i "s/^    priority = .*/    priority = $1;/" "$c1"
	ctl 1 reload >/dev/null
}
last_seq() { ctl 1 --json events | tail -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["seq"])'; }
s=$(last_seq)
reload_prio 149
reload_prio 150
out=$(ctl 1 --json events --since "$s")
is "$(python3 -c 'import json,sys; print(" ".join(str(json.loads(l).get("seq")) for l in sys.stdin))' <<<"$out")" \
	"$((s + 1)) $((s + 2))" "e) --since $s after a reconnect: the next events, no gap, no lost line"
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" events --follow >"$VT_DIR/follow.out" 2>&1 &
FPID=$!
must "e) the follower prints the events" wait_for 2 grep -q "priority 149 -> 150" "$VT_DIR/follow.out"
cap_start burst 1
kill -STOP "$FPID"
before=$(last_seq)
for _ in $(seq 20); do reload_prio 149; reload_prio 150; done
after=$(last_seq)
is "$((after - before))" 40 "e) 40 events while the follower is stopped"
kill -CONT "$FPID"
if wait_for 3 grep -q "^lost [0-9]* events" "$VT_DIR/follow.out"; then
	ok "e) the follower gets a lost line: $(grep '^lost' "$VT_DIR/follow.out")"
else
	not_ok "e) the follower gets a lost line"
fi
is "$(grep -c '^lost' "$VT_DIR/follow.out")" 1 "e) exactly one lost line"
reload_prio 149
check "e) and it resumes with the next event" wait_for 2 grep -q "  *$((after + 1))  .*priority 150 -> 149" "$VT_DIR/follow.out"
kill "$FPID"
wait "$FPID" 2>/dev/null
# seen up to 1; the ring (16) holds the last of the after + 1 events
out=$(ctl 1 events --since 1)
like "$out" "^lost $((after - 16)) events" "e) --since 1 once the ring moved on says how many were lost"
cap_stop burst
gap=$(tshark -r "$(cap_file burst)" -Y "vrrp && ip.src == $n1" -T fields -e frame.time_relative 2>/dev/null |
	awk 'NR > 1 && $1 - p > g { g = $1 - p } { p = $1 } END { printf "%.1f\n", g * 1000 }')
diag "node 1's adverts during the burst: longest gap $gap ms (interval 50 ms)"
within "$gap" 75 "e) node 1's adverts keep their interval while its follower is stopped, ms"
done_testing
