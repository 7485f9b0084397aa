#!/usr/bin/env bash
# 36: notify ordering. Both nodes have a notify script (it appends "begin
# INSTANCE STATE PRIORITY", sleeps 0.2 s, appends "end ...": parallel runs
# would interleave; it is slower than the burst, so events queue up) and a
# notify_fifo read by a reader process. A burst of 10 cable pulls/replugs of
# node 1 (each held until the other node reacts) makes 20+ transitions;
# afterwards every node's script lines are exactly its logged transitions, in
# order, never overlapping, and the FIFO carries the same state events in the
# same order. Then node 1's weight file (a file check) changes its priority
# twice: two "web PRIORITY n" lines on its FIFO.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2

for i in 1 2; do
	printf '#!/bin/sh\necho "begin $1 $2 $3" >> %s\nsleep 0.2\necho "end $1 $2 $3" >> %s\n' \
		"$VT_DIR/n$i.notified" "$VT_DIR/n$i.notified" >"$CK_SDIR/notify$i.sh"
	chmod 755 "$CK_SDIR/notify$i.sh"
	: >"$VT_DIR/n$i.notified"
done
WF=$VT_DIR/weight
echo 0 >"$WF"
c1=$(ck_conf 1 "    notify = \"$CK_SDIR/notify1.sh\";
    checks = [ \"maint\" ];" "notify_fifo = \"$VT_DIR/n1.fifo\";
checks = ( { name = \"maint\"; type = \"file\"; path = \"$WF\"; weight = -10; } );" prio=150)
c2=$(ck_conf 2 "    notify = \"$CK_SDIR/notify2.sh\";" "notify_fifo = \"$VT_DIR/n2.fifo\";" prio=100)
ck_feature "$c1" "notify, notify_fifo"

# the readers: in the node's namespace (ended with it), opened read-write so a
# closing writer is no end of file
for i in 1 2; do
	mkfifo -m 600 "$VT_DIR/n$i.fifo"
	ck_bg "$i" "reader$i" python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
out = open(sys.argv[2], "a")
buf = b""
while True:
    b = os.read(fd, 4096)
    if not b:
        break
    buf += b
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        out.write(line.decode() + "\n")
        out.flush()' "$VT_DIR/n$i.fifo" "$VT_DIR/n$i.fifo.out"
done
# reader_open I — node I's reader has the FIFO open
reader_open() {
	local p
	p=$(cat "$VT_DIR/reader$1.bgpid") || return 1
	[[ "$(readlink -f /proc/"$p"/fd/* 2>/dev/null)" == *"$VT_DIR/n$1.fifo"* ]]
}
must "both FIFO readers are open" wait_for 3 eval 'reader_open 1 && reader_open 2'

must "node 1 (150) master, node 2 (100) backup, both with notify" ck_pair "$c1" "$c2"

# log_trans I — node I's logged transitions as "INSTANCE STATE"
log_trans() { sed -nE 's/^[0-9:.]+ ([^ ]+): [A-Z]+ -> ([A-Z]+) \(.*/\1 \2/p' "$VT_DIR/n$1.log"; }
# script_trans I — the events node I's script finished ("INSTANCE STATE PRIORITY")
script_trans() { sed -n 's/^end //p' "$VT_DIR/n$1.notified"; }
# fifo_trans I — the state events of node I's FIFO
fifo_trans() { awk '$2 ~ /^(INIT|BACKUP|MASTER|FAULT)$/' "$VT_DIR/n$1.fifo.out" 2>/dev/null; }
drained() {
	local i n
	for i in 1 2; do
		n=$(log_trans "$i" | grep -c .)
		(($(script_trans "$i" | grep -c .) == n)) || return 1
		(($(fifo_trans "$i" | grep -c .) == n)) || return 1
	done
}

t0=$SECONDS
for k in $(seq 1 10); do
	cable_pull 1
	wait_for 3 state_is 2 MASTER || diag "pull $k: node 2 did not become MASTER ($(vt_state_line))"
	cable_replug 1
	wait_for 3 settled 1 || diag "replug $k: node 1 not the only master ($(vt_state_line))"
done
n1=$(log_trans 1 | grep -c .) n2=$(log_trans 2 | grep -c .)
diag "10 pulls/replugs in $((SECONDS - t0)) s: node 1 logged $n1 transitions, node 2 $n2"
check "the burst made at least 20 transitions on node 2" test "$n2" -ge 20
wait_for 10 drained
diag "the script queue drained $VT_WAITED_MS ms after the burst"
for i in 1 2; do
	is "$(script_trans "$i" | cut -d' ' -f1,2 | paste -sd, -)" "$(log_trans "$i" | paste -sd, -)" \
		"node $i: the notify script got its logged transitions, in order"
	bad=$(awk '{ w = $2 " " $3 " " $4 } $1 == "begin" { if (open != "") { print "overlap: " open " / " w } open = w; next }
		$1 == "end" { if (open != w) print "end without begin: " w; open = "" }' "$VT_DIR/n$i.notified")
	is "$bad" "" "node $i: script runs never overlapped (begin/end pairs)"
	like "$(script_trans "$i" | awk '$3 !~ /^[0-9]+$/' | head -n 3)" '^$' "node $i: every script line ends with a numeric priority"
	is "$(fifo_trans "$i" | paste -sd, -)" "$(script_trans "$i" | paste -sd, -)" \
		"node $i: the FIFO has the same events in the same order"
done
# the scripted run itself: node 1 INIT -> BACKUP -> MASTER, then per pull
# FAULT (carrier lost), BACKUP, MASTER (preempts back); node 2 BACKUP, then
# per pull MASTER, BACKUP
want1="web BACKUP,web MASTER" want2="web BACKUP"
for k in $(seq 1 10); do want1="$want1,web FAULT,web BACKUP,web MASTER" want2="$want2,web MASTER,web BACKUP"; done
is "$(script_trans 1 | cut -d' ' -f1,2 | paste -sd, -)" "$want1" "node 1's script lines: exactly the scripted run"
is "$(script_trans 2 | cut -d' ' -f1,2 | paste -sd, -)" "$want2" "node 2's script lines: exactly the scripted run"

# priority changes go to the FIFO too: node 1's weight file 2 (150 -> 130), then 0
prio_lines() { awk '$2 == "PRIORITY"' "$VT_DIR/n1.fifo.out" 2>/dev/null; }
np=$(prio_lines | grep -c .)
ns=$(fifo_trans 1 | grep -c .)
echo 2 >"$WF"
wait_for 2 eval '[[ "$(prio_lines | tail -n +$((np + 1)))" == *"web PRIORITY 130"* ]]'
echo 0 >"$WF"
wait_for 2 eval '[[ "$(prio_lines | tail -n +$((np + 1)))" == *"web PRIORITY 150"* ]]'
is "$(prio_lines | tail -n +$((np + 1)) | paste -sd, -)" "web PRIORITY 130,web PRIORITY 150" \
	"node 1's FIFO: one line per priority change, in order"
is "$(fifo_trans 1 | grep -c .)" "$ns" "node 1: no state event for a priority change that keeps it master"
done_testing
