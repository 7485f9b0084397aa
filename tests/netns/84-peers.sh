#!/usr/bin/env bash
# 84: vipctl peers, the routers each node hears on its VRID, and the split
# brain they show. Three nodes on one VRID: node 1 (150, 0.5 s adverts),
# node 2 (120, 0.5 s) and node 3 (100, 1 s: a misconfigured interval).
#  a) node 1 master, the others Backup; then a one-way partition on the
#     switch: node 1's adverts reach nobody and node 2's do not reach node 3,
#     so nodes 2 and 3 both take over while node 1 still hears them: a split
#     brain only node 1 can see. During it `vipctl peers` on node 1 names it
#     (split_brain.active, with node 2) and lists nodes 2 and 3 with their
#     priority, interval and version; node 3's interval is flagged.
#  b) heal: nodes 2 and 3 hear node 1 and yield; node 1's episode ends once
#     node 2 has been silent for its Master_Down_Interval (checked at node 1's
#     next advert) and is counted with its duration: the time node 1 heard
#     node 2 as master, i.e. node 2's mastership as its own log dates it.
#  c) the text table, one instance by name, an unknown name, the metrics.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/peers.sh
. "$(dirname "$0")/peers.sh"
vt_setup 3
vt_require_impl vipd
vt_require nft
ADVERT=0.5



# the partition: on the switch, node 1's VRRP packets to every port and node
# 2's to node 3 are dropped (a flooded packet passes the forward hook per port)
partition() {
	ip netns exec "$VT_SW" nft -f - 2>"$VT_DIR/nft.err" <<-EON
		table bridge split {
			chain cut {
				type filter hook forward priority 0; policy accept;
				iifname "$(node_port 1)" ip protocol 112 drop
				iifname "$(node_port 2)" oifname "$(node_port 3)" ip protocol 112 drop
			}
		}
	EON
}
heal() { ip netns exec "$VT_SW" nft delete table bridge split; }

partition || skip_all "nftables refused the rule: $(head -c 200 "$VT_DIR/nft.err")"
heal
plan 29

must "node 1 (150) starts" start_with 1 vipd prio=150
must "node 1 becomes master alone" wait_for 8 only_master 1
must "node 2 (120) starts" start_with 2 vipd prio=120
must "node 3 (100, 1 s adverts) starts" start_with 3 vipd prio=100 interval=1
must "nodes 2 and 3 stay Backup" stable_for 2 settled 1
is "$(peers_get 1 'len(p["routers"])')" 0 "a) node 1 hears no one while the others are Backup"
is "$(peers_get 2 'r(1)["priority"], r(1)["master"], p["master"]["address"]')" \
	"(150, True, '198.18.0.1')" "a) node 2 lists node 1 (150) and takes it for the master"

must "a) the one-way partition is set" partition
# node 2 takes over after its Master_Down_Interval (1.77 s at 120 / 0.5 s), node 1
# hears it: 1 s margin
mdi2=$(mdi_ms 120 "$ADVERT")
check "a) node 1 sees the split brain with node 2 within node 2's MDI ($mdi2 ms) + 1 s" \
	wait_for "$(fadd "$(awk -v m="$mdi2" 'BEGIN { print m / 1000 }')" 1)" \
	peers_is 1 'p["split_brain"]["active"] and p["split_brain"]["with"]["address"]' 198.18.0.2
# node 3 (learned 0.5 s from node 1: MDI 1.8 s) takes over too: 1 s margin
check "a) node 3 is master too, node 1 hears it" wait_for 3 peers_is 1 'r(3).get("priority")' 100
check "a) nodes 1, 2 and 3 are all MASTER" wait_for 1 eval 'state_is 1 MASTER && state_is 2 MASTER && state_is 3 MASTER'
is "$(peers_get 1 'r(2)["priority"], r(2)["advert_interval"], r(2)["version"], r(2)["checksum_form"]')" \
	"(120, 0.5, 3, 'rfc5798')" "a) node 1 lists node 2: priority 120, 0.5 s, v3, rfc5798"
is "$(peers_get 1 'r(3)["priority"], r(3)["advert_interval"], r(3)["version"]')" \
	"(100, 1.0, 3)" "a) node 1 lists node 3: priority 100, 1 s, v3"
is "$(peers_get 1 'p["master"]["self"], p["split_brain"]["episodes"]')" "(True, 1)" \
	"a) node 1 takes itself for the master; one episode"
check "a) node 3's interval is flagged on node 1" peers_is 1 'p["anomalies"]["interval"] >= 1' true
check "a) and logged" grep -q "web: anomaly interval: 198.18.0.3 advertises every 1.00s, ours 0.50s" "$VT_DIR/n1.log"
check "a) node 2 sees its own split brain with node 3" wait_for 3 peers_is 2 'p["split_brain"]["active"]' true

# hold the partition 3 s: node 1 sees the split brain throughout
check "a) the split brain holds on node 1 while the partition does (3 s)" \
	stable_for 3 peers_is 1 'p["split_brain"]["active"]' true
must "b) heal" heal
check "b) nodes 2 and 3 yield to node 1" wait_for 3 settled 1
# node 2 silent from the heal (+ one of its intervals in flight): the episode ends
# after its MDI, at node 1's next advert (0.5 s): 1 s margin
check "b) node 1's episode ends within node 2's MDI + 1.5 s" \
	wait_for "$(fadd "$(awk -v m="$mdi2" 'BEGIN { print m / 1000 }')" 1.5)" \
	peers_is 1 'p["split_brain"]["active"]' false
# log_time I PATTERN — seconds of the day of the last line of node I's log
# matching PATTERN (the log's HH:MM:SS.mmm)
log_time() {
	grep -E "$2" "$VT_DIR/n$1.log" | tail -1 |
		awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'
}
# node 2 was master from its takeover to its yield, and node 1 heard each of its
# adverts: the first sent at the takeover, the last (the second copy of the yield,
# 5 ms after it) at the yield
UP=$(log_time 2 'web: BACKUP -> MASTER')
DOWN=$(log_time 2 'web: MASTER -> BACKUP')
HELD=$(awk -v a="$DOWN" -v b="$UP" 'BEGIN { printf "%.3f", a - b }')
DUR=$(peers_get 1 'p["split_brain"]["seconds"]')
diag "node 2 master for ${HELD}s (its log); node 1's episode ${DUR}s"
# 5 ms of yield repeat, 0.25 s margin for delivery and the log's milliseconds
dur_ok() { fle "$(fadd "$HELD" -0.25)" "$DUR" && fle "$DUR" "$(fadd "$HELD" 0.25)"; }
check "b) the episode lasted node 2's mastership (${HELD}s) within 0.25 s: ${DUR}s" dur_ok
is "$(peers_get 1 'p["split_brain"]["episodes"], p["anomalies"]["split_brain_end"]')" "(1, 1)" \
	"b) one episode begun and ended"
check "b) the end is logged" grep -qE "web: anomaly split_brain_end: split brain with 198.18.0.2 ended after [0-9.]+s" "$VT_DIR/n1.log"

out=$(ctl 1 peers)
diag "$out"
like "$out" "198\.18\.0\.2 +120 +0\.50s +3 +rfc5798" "c) the text table lists node 2"
like "$out" "split brain: 1 episode, " "c) and the episode"
ctl 1 peers nosuch >/dev/null 2>&1
is "$?" 1 "c) an unknown name is refused (exit 1)"
m=$(ctl 1 metrics)
like "$m" 'vipd_split_brain_episodes_total\{instance="web"\} 1' "c) the metrics count the episode"
like "$m" 'vipd_routers_heard\{instance="web"\} 2' "c) and the routers heard"
done_testing
