#!/usr/bin/env bash
# 94: anomalies are events. Two nodes on one VRID: node 1 (150, 0.5 s adverts)
# and node 2 (120, 1 s: a misconfigured interval).
#  a) node 1 master, node 2 Backup: node 2's `vipctl events --json` has an
#     anomaly event "interval" from node 1 (500 ms, ours 1000 ms).
#  b) a one-way partition on the switch (node 1's adverts reach nobody): node
#     2 takes over, node 1 hears it and does not yield: node 1 records an
#     anomaly "split_brain" from node 2 (priority 120, interval 1000 ms) and
#     "interval" from node 2.
#  c) heal: node 2 yields; node 1's episode ends once node 2 has been silent
#     for its Master_Down_Interval (at node 1's next advert): an anomaly
#     "split_brain_end" with the episode's duration, the one `vipctl peers`
#     shows. Every anomaly log line has its event (the same rate limit).
#  d) the text table shows them; a name selects them by instance.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require nft
vt_require python3
ADVERT=0.5

ctl() { "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" "${@:2}"; }

# anomaly_get I KIND EXPR — a Python expression on node I's newest anomaly event
# of KIND in `vipctl events --json` (e: the event, c: its cause); "none" when
# there is none, "error: ..." when the output does not parse
anomaly_get() {
	ctl "$1" --json events 2>/dev/null | python3 -c '
import json, sys
try:
    e = None
    for l in sys.stdin:
        x = json.loads(l)
        if x.get("type") == "anomaly" and x["cause"].get("name") == sys.argv[1]:
            e = x
    if e is None:
        print("none")
        sys.exit(0)
    c = e["cause"]
    print(eval(sys.argv[2]))
except Exception as ex:
    print("error: %s" % ex)' "$2" "$3"
}
anomaly_is() { [[ "$(anomaly_get "$1" "$2" "$3")" == "$4" ]]; }
# anomaly_count I KIND — node I's anomaly events of KIND
anomaly_count() {
	ctl "$1" --json events 2>/dev/null | python3 -c '
import json, sys
print(sum(1 for l in sys.stdin
          if (lambda x: x.get("type") == "anomaly" and x["cause"].get("name") == sys.argv[1])(json.loads(l))))' "$2"
}
peers_get() {
	ctl "$1" --json peers web 2>/dev/null | python3 -c '
import json, sys
p = json.loads(sys.stdin.readline())["instances"][0]
print(eval(sys.argv[1]))' "$2"
}

# node 1's VRRP packets dropped on the switch, to every port (a flooded packet
# passes the bridge's forward hook once per port)
partition() {
	local n=(ip netns exec "$VT_SW" nft)
	"${n[@]}" add table bridge split 2>"$VT_DIR/nft.err" &&
		"${n[@]}" add chain bridge split cut '{ type filter hook forward priority 0; policy accept; }' \
			2>>"$VT_DIR/nft.err" &&
		"${n[@]}" add rule bridge split cut iifname "$(node_port 1)" ip protocol 112 drop \
			2>>"$VT_DIR/nft.err"
}
heal() { ip netns exec "$VT_SW" nft delete table bridge split; }

partition || skip_all "nftables refused the rule: $(head -c 200 "$VT_DIR/nft.err")"
heal
plan 19

must "node 1 (150) starts" start_with 1 vipd prio=150
must "node 1 becomes master alone" wait_for 8 only_master 1
must "node 2 (120, 1 s adverts) starts" start_with 2 vipd prio=120 interval=1
must "node 2 stays Backup" stable_for 2 settled 1
# node 2 hears node 1's first advert within 0.5 s of its start: long past
check "a) node 2 has the event: interval from node 1, 500 ms, ours 1000 ms" \
	anomaly_is 2 interval '(c["from"], c["priority"], c["interval_ms"], c["detail"], c["held_back"])' \
	"('198.18.0.1', 150, 500, 'our interval 1000ms', 0)"
is "$(anomaly_get 1 split_brain 'e')" none "a) node 1 has no split brain event"

must "b) the one-way partition is set" partition
# node 2 takes over after its Master_Down_Interval (1.77 s at 120 / 0.5 s learned
# from node 1), node 1 hears its first advert at once: 1 s margin
mdi2=$(mdi_ms 120 "$ADVERT")
check "b) node 1 has the event: split_brain from node 2 within node 2's MDI ($mdi2 ms) + 1 s" \
	wait_for "$(fadd "$(awk -v m="$mdi2" 'BEGIN { print m / 1000 }')" 1)" \
	anomaly_is 1 split_brain '(e["instance"], c["kind"], c["from"], c["priority"], c["interval_ms"])' \
	"('web', 'anomaly', '198.18.0.2', 120, 1000)"
check "b) no old or new in an anomaly event" \
	anomaly_is 1 split_brain '"old" in e or "new" in e' False
check "b) node 1 has the event: interval from node 2 (1000 ms, ours 500 ms)" \
	anomaly_is 1 interval '(c["from"], c["interval_ms"], c["detail"])' \
	"('198.18.0.2', 1000, 'our interval 500ms')"
# hold the split brain 2 s
check "b) node 1 stays master, node 2 too (2 s)" \
	stable_for 2 eval 'state_is 1 MASTER && state_is 2 MASTER'

must "c) heal" heal
check "c) node 2 yields to node 1" wait_for 3 settled 1
# node 2 silent from the heal (its last advert up to 1 s before): the episode
# ends after node 2's MDI (1 s adverts: 3.53 s) at node 1's next advert (0.5 s):
# 1 s margin
mdi2s=$(mdi_ms 120 1)
check "c) node 1 has the event: split_brain_end within node 2's MDI ($mdi2s ms) + 1.5 s" \
	wait_for "$(fadd "$(awk -v m="$mdi2s" 'BEGIN { print m / 1000 }')" 1.5)" \
	anomaly_is 1 split_brain_end 'c["from"]' 198.18.0.2
DUR_MS=$(anomaly_get 1 split_brain_end 'c["duration_ms"]')
SECS=$(peers_get 1 'p["split_brain"]["seconds"]')
diag "split_brain_end duration_ms $DUR_MS; vipctl peers: ${SECS}s"
# the same episode: the ms of the event against peers' seconds (3 decimals, rounded): 2 ms
dur_same() { awk -v ms="$DUR_MS" -v s="$SECS" 'BEGIN { d = ms - s * 1000; exit !(ms != "" && d <= 2 && d >= -2) }'; }
check "c) its duration_ms is the episode of vipctl peers (${SECS}s)" dur_same
# every log line of an anomaly has its event (one rate limit for both)
lines_match() {
	for k in interval split_brain split_brain_end; do
		[[ "$(grep -c "web: anomaly $k:" "$VT_DIR/n1.log")" == "$(anomaly_count 1 "$k")" ]] || return 1
	done
}
check "c) node 1: one anomaly event per anomaly log line, per kind" lines_match

out=$(ctl 1 events web)
diag "$(grep anomaly <<<"$out")"
like "$out" "web +anomaly +anomaly split_brain from 198\.18\.0\.2 priority 120 interval 1000ms master too, our priority 150" \
	"d) the table shows the split brain"
like "$out" "web +anomaly +anomaly split_brain_end from 198\.18\.0\.2 priority 120 interval 1000ms duration [0-9]+ms split brain ended" \
	"d) and its end with the duration"
is "$(ctl 1 --json events nosuch | grep -c anomaly)" 0 "d) another instance's name selects none of them"
done_testing
