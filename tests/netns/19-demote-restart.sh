#!/usr/bin/env bash
# 19: `vipctl demote` survives a restart of vipd. Two nodes (150/100, preempt
# on, 0.1 s adverts), each with its own state_dir in the run's directory.
#  a) demote on node 1 (the master): node 2 takes over; node 1's state file
#     lists web.
#  b) node 1 restarted (SIGTERM then start; kill -9 then start): it comes back
#     demoted (effective priority 1) and node 2 stays the only master for
#     2 x node 1's Master_Down_Interval at 150 (no preemption back).
#  c) promote: node 1 preempts back, the file lists nothing; restarted, node 1
#     is master again, not demoted.
#  d) demoted, then restarted with the instance renamed (and again, reloaded
#     with it renamed back): the removed name is dropped from the file.
#  e) a corrupt state file: logged and ignored (node 1 starts normally and
#     preempts back), then replaced by a valid one.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
ADVERT=0.1
STATE=$VT_DIR/n1.lib/state.json
CONF1=$VT_DIR/n1.vipd.conf

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }
# demoted_in_file — the names the state file lists as demoted, comma-joined
# ("<bad>" when it is not the JSON vipd writes, "<none>" when missing)
demoted_in_file() {
	[[ -e "$STATE" ]] || { echo "<none>"; return; }
	python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    assert d["version"] == 1
    print(",".join(d["demoted"]))
except Exception:
    print("<bad>")' "$STATE"
}
# restart_1 SIGNAL [CONF] — stop node 1 with SIGNAL, start it again, wait until it answers
restart_1() {
	stop_node 1 "$1" 5
	start_node 1 vipd "${2:-$CONF1}"
	wait_for 5 node_ready 1
}
# no_preemption_back WHAT — node 2 stays the only master for 2 x node 1's MDI at 150
mdi150=$(mdi_ms 150 "$ADVERT")
bound=$(awk -v m="$mdi150" 'BEGIN { printf "%.2f", 2 * m / 1000 }')
no_preemption_back() {
	check "$1 node 2 stays the only master for $bound s (2 x node 1's Master_Down_Interval at 150)" \
		stable_for "$bound" only_master 2
}

must "node 1 (150) master, node 2 (100) backup" start_pair vipd vipd interval=$ADVERT
is "$(demoted_in_file)" "<none>" "no state file before any demote"

# ---- a) demote
is "$(ctl 1 --json demote web >/dev/null; echo $?)" 0 "a) vipctl demote web on node 1 exits 0"
must "a) node 2 takes over" wait_for 5 settled 2
is "$(demoted_in_file)" "web" "a) node 1's state file lists web"

# ---- b) restarts keep it
n=0
for sig in TERM KILL; do
	n=$((n + 1))
	check "b) node 1 answers after a SIG$sig and a new start" restart_1 "$sig"
	is "$(status_fields 1 state demoted effective_priority priority)" \
		"state=BACKUP demoted=true effective_priority=1 priority=150" \
		"b) after SIG$sig: node 1 back demoted (BACKUP, effective priority 1)"
	no_preemption_back "b) after SIG$sig:"
	is "$(grep -c 'web: starts demoted' "$VT_DIR/n1.log")" "$n" \
		"b) after SIG$sig: node 1's log says it starts demoted"
done
is "$(demoted_in_file)" "web" "b) the file still lists web"

# ---- c) promote clears it
is "$(ctl 1 --json promote web >/dev/null; echo $?)" 0 "c) vipctl promote web on node 1 exits 0"
check "c) node 1 preempts back" wait_for 5 settled 1
is "$(demoted_in_file)" "" "c) the file lists nothing"
check "c) node 1 answers after a SIGTERM and a new start" restart_1 TERM
check "c) restarted, node 1 is master again" wait_for 5 settled 1
is "$(status_fields 1 demoted effective_priority)" "demoted=false effective_priority=150" \
	"c) restarted, node 1 is not demoted"

# ---- d) an instance removed from the config loses its entry
ctl 1 demote web >/dev/null
must "d) demoted again: node 2 takes over" wait_for 5 settled 2
is "$(demoted_in_file)" "web" "d) the file lists web"
sed 's/name = "web";/name = "www";/' "$CONF1" >"$VT_DIR/n1.renamed.conf"
check "d) node 1 answers, restarted with web renamed www" restart_1 TERM "$VT_DIR/n1.renamed.conf"
is "$(demoted_in_file)" "" "d) web, no longer configured, is dropped from the file"
check "d) www (not demoted) preempts back" wait_for 5 settled 1
like "$(grep -c 'web: demoted in .* but no longer configured' "$VT_DIR/n1.log")" '^[1-9]' \
	"d) node 1's log says why web was forgotten"
# the same by a reload: www demoted, then the file renames it back to web
ctl 1 demote www >/dev/null
must "d) www demoted: node 2 takes over" wait_for 5 settled 2
is "$(demoted_in_file)" "www" "d) the file lists www"
_reloads() { (($(grep -c 'reloaded ' "$VT_DIR/n1.log") >= 1)); }
cp "$CONF1" "$VT_DIR/n1.renamed.conf"
kill -HUP "$(node_pid 1)"
check "d) node 1 reloads a file where www is renamed web" wait_for 5 _reloads
is "$(demoted_in_file)" "" "d) www, removed by the reload, is dropped from the file"
check "d) web (new, not demoted) preempts back" wait_for 5 settled 1

# ---- e) a corrupt file is logged and ignored, then replaced
stop_node 1 TERM 5
printf '{"version":1,"demoted":["web"' >"$STATE" # a torn write
start_node 1 vipd "$CONF1"
check "e) node 1 answers with a corrupt state file" wait_for 5 node_ready 1
check "e) node 1 (not demoted) preempts back" wait_for 5 settled 1
like "$(grep 'state file' "$VT_DIR/n1.log" | tail -n 1)" 'not valid JSON: truncated; ignored' \
	"e) node 1's log says the file is corrupt and ignored"
is "$(demoted_in_file)" "" "e) the file is replaced by the running state (nothing demoted)"

done_testing
