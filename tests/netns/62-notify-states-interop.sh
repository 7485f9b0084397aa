#!/usr/bin/env bash
# 62: per-state notify scripts in a mixed pair, both orders: keepalived (150)
# with vipd (100), then vipd (150) with keepalived (100). Every node records
# its notify_master/backup/fault/stop runs in a file; over the same story
# (start, cable pull of node 1, replug, stop of node 1) keepalived and vipd run
# the same scripts at the same transitions, and write the same lines to their
# notify FIFO (vipd with notify_fifo_format = "keepalived"). Then notify_master_rx_lower_pri
# after a partition: vipd (150) and keepalived (100) are both MASTER while the
# switch drops VRRP between them (nftables in the switch namespace); when only
# keepalived's adverts get through, vipd hears the lower priority and runs its
# script at once and then at most once a second (INSTANCE_RX_LOWER_GAP) while
# keepalived stays MASTER; on the full heal keepalived goes BACKUP (its
# notify_backup runs) and vipd's script stops running.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
# the FIFO readers this file starts outside the namespaces
trap 'rc=$?; reader_stop 1; reader_stop 2; (exit $rc); ck_cleanup' EXIT
vt_require_impl keepalived
vt_require nft

printf '#!/bin/sh\nf=$1; shift\necho "$*" >>"$f"\n' >"$CK_SDIR/rec.sh"
chmod 755 "$CK_SDIR/rec.sh"

# node_conf IMPL I PRIO [rx] — node I's config with per-state scripts recording
# into nI.out (and notify_master_rx_lower_pri into nI.rx with "rx")
node_conf() {
	local impl=$1 i=$2 prio=$3 o="$VT_DIR/n$2.out" s f il=""
	: >"$o"
	f=$(write_conf "$impl" "$i" prio="$prio")
	for s in master backup fault stop; do
		if [[ $impl == vipd ]]; then
			il+="    notify_$s = \"$CK_SDIR/rec.sh $o $s\";"$'\n'
		else
			il+="  notify_$s \"$CK_SDIR/rec.sh $o $s\""$'\n'
		fi
	done
	if [[ ${4:-} == rx ]]; then
		: >"$VT_DIR/n$i.rx"
		il+="    notify_master_rx_lower_pri = \"$CK_SDIR/rec.sh $VT_DIR/n$i.rx rx\";"$'\n'
	fi
	rm -f "$VT_DIR/n$i.fifo" "$VT_DIR/n$i.fifo.out"
	mkfifo -m 600 "$VT_DIR/n$i.fifo"
	if [[ $impl == vipd ]]; then
		f=$(ck_conf "$i" "${il%$'\n'}" "notify_fifo = \"$VT_DIR/n$i.fifo\";
notify_fifo_format = \"keepalived\";" prio="$prio")
	else
		# before keepalived's generic notify (which reports its state to lib.sh)
		IL=$il FIFO="$VT_DIR/n$i.fifo" awk '/^  notify / { printf "%s", ENVIRON["IL"] }
			{ print }
			/^  script_user / { print "  notify_fifo " ENVIRON["FIFO"] }' "$f" >"$f.new" && mv "$f.new" "$f"
	fi
	echo "$f"
}
own() { paste -sd, - <"$VT_DIR/n$1.out"; }
# reader I — copy node I's FIFO lines to nI.fifo.out (opened read-write: a
# closing writer is no end of file), in this namespace (a node's stop reaps
# what runs in its own); returns once the FIFO is open (a daemon's first lines
# would be dropped before)
reader() {
	python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
out = open(sys.argv[2], "a")
while True:
    b = os.read(fd, 4096)
    if not b:
        break
    out.write(b.decode())
    out.flush()' "$VT_DIR/n$1.fifo" "$VT_DIR/n$1.fifo.out" &
	echo $! >"$VT_DIR/reader$1.pid"
	disown $!
	wait_for 3 reader_open "$1"
}
reader_open() {
	local p
	p=$(cat "$VT_DIR/reader$1.pid") || return 1
	[[ "$(readlink -f /proc/"$p"/fd/* 2>/dev/null)" == *"$VT_DIR/n$1.fifo"* ]]
}
reader_stop() {
	local p
	p=$(cat "$VT_DIR/reader$1.pid" 2>/dev/null) || return 0
	kill -KILL "$p" 2>/dev/null
	wait_for 2 _pid_gone "$p"
}
# fifo I — node I's instance state lines (keepalived's format), joined by commas
fifo() { grep '^INSTANCE "web" [A-Z]* [0-9]*$' "$VT_DIR/n$1.fifo.out" 2>/dev/null | paste -sd, -; }
declare -A FIFO_OF # "TAG I" -> node I's FIFO lines in story TAG
# pair IMPL1 CONF1 IMPL2 CONF2 — start node 1 then node 2 with these configs;
# node 1 must end up the only master
pair() {
	start_node 1 "$1" "$2" && wait_for 5 node_ready 1 && start_node 2 "$3" "$4" &&
		wait_for 5 node_ready 2 && wait_for 5 settled 1
}
started() { [[ "$(own "$1")" == "$2" ]]; }

# story TAG IMPL1 IMPL2 — node 1 (IMPL1, 150), node 2 (IMPL2, 100)
story() {
	local tag=$1 a=$2 b=$3 c1 c2
	c1=$(node_conf "$a" 1 150) c2=$(node_conf "$b" 2 100)
	[[ $a == vipd ]] && ck_feature "$c1" "notify_master"
	[[ $b == vipd ]] && ck_feature "$c2" "notify_master"
	must "$tag: FIFO readers open" eval 'reader 1 && reader 2'
	must "$tag: node 1 ($a, 150) master, node 2 ($b, 100) backup" pair "$a" "$c1" "$b" "$c2"
	check "$tag: node 1 ($a) ran notify_backup, notify_master" wait_for 3 started 1 "backup,master"
	check "$tag: node 2 ($b) ran notify_backup" wait_for 3 started 2 "backup"
	cable_pull 1
	check "$tag: cable pull: node 2 ($b) ran notify_master" wait_for 3 started 2 "backup,master"
	check "$tag: cable pull: node 1 ($a) ran notify_fault" wait_for 3 started 1 "backup,master,fault"
	cable_replug 1
	must "$tag: node 1 preempts back after the replug" wait_for 5 settled 1
	check "$tag: replug: node 1 ($a) ran notify_backup, notify_master" \
		wait_for 3 started 1 "backup,master,fault,backup,master"
	check "$tag: replug: node 2 ($b) ran notify_backup" wait_for 3 started 2 "backup,master,backup"
	stop_node 1
	check "$tag: stop: node 1 ($a) ran notify_stop" started 1 "backup,master,fault,backup,master,stop"
	check "$tag: stop: node 2 ($b) ran notify_master" wait_for 3 started 2 "backup,master,backup,master"
	diag "$tag: node 1 ($a): $(own 1)" "$tag: node 2 ($b): $(own 2)"
	check "$tag: node 1's FIFO got its STOP line" \
		wait_for 3 eval '[[ "$(fifo 1)" == *",INSTANCE \"web\" STOP 150" ]]'
	FIFO_OF["$tag 1"]=$(fifo 1) FIFO_OF["$tag 2"]=$(fifo 2)
	diag "$tag: node 1's FIFO: ${FIFO_OF["$tag 1"]}" "$tag: node 2's FIFO: ${FIFO_OF["$tag 2"]}"
	reader_stop 1
	reader_stop 2
	stop_node 2
	reset_nodes
}
story "keepalived+vipd" keepalived vipd
story "vipd+keepalived" vipd keepalived
for i in 1 2; do
	is "${FIFO_OF["vipd+keepalived $i"]}" "${FIFO_OF["keepalived+vipd $i"]}" \
		"node $i: vipd's FIFO (notify_fifo_format keepalived) has keepalived's lines in the same roles"
done

# ---- notify_master_rx_lower_pri after a partition: vipd 150, keepalived 100
c1=$(node_conf vipd 1 150 rx) c2=$(node_conf keepalived 2 100)
ck_feature "$c1" "notify_master_rx_lower_pri"
must "rx: node 1 (vipd, 150) master, node 2 (keepalived, 100) backup" pair vipd "$c1" keepalived "$c2"
# sw_drop both|one|none — the switch drops VRRP both ways, from node 1 only, or
# not at all; one nft transaction, so no advert slips through a change
sw_drop() {
	if [[ $1 == none ]]; then
		ip netns exec "$VT_SW" nft delete table bridge vt
		return
	fi
	ip netns exec "$VT_SW" nft -f - <<-NFT
		table bridge vt
		delete table bridge vt
		table bridge vt {
			chain filt {
				type filter hook forward priority 0;
				$([[ $1 == both ]] && echo "ip protocol 112 drop" || echo "iifname \"$(node_port 1)\" ip protocol 112 drop")
			}
		}
	NFT
}
must "rx: the switch drops VRRP both ways" sw_drop both
must "rx: split brain: node 2 (keepalived) becomes MASTER too" wait_for 3 state_is 2 MASTER
check "rx: node 1 (vipd) stays MASTER, no script run while it hears nothing" \
	eval 'state_is 1 MASTER && [[ ! -s "$VT_DIR/n1.rx" ]]'
# runs — node 1's notify_master_rx_lower_pri runs so far
runs() { grep -c . "$VT_DIR/n1.rx"; }
must "rx: node 2's adverts reach node 1 again (node 1's still dropped)" sw_drop one
t0=$(now)
check "rx: node 1 ran notify_master_rx_lower_pri on hearing priority 100" wait_for 2 test -s "$VT_DIR/n1.rx"
within "$VT_WAITED_MS" "$(fadd "$(awk -v a="$ADVERT" 'BEGIN { print a * 1000 }')" 300)" \
	"rx: first run from the one-way heal (one advert interval + 300 ms), ms"
check "rx: node 2 (keepalived) stays MASTER for 3.5 s, not hearing node 1" stable_for 3.5 state_is 2 MASTER
n=$(runs) w=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
diag "rx: $n runs in $w s of node 2's adverts every $ADVERT s"
check "rx: rate-limited: at most one run per second ($n runs in $w s)" \
	awk -v n="$n" -v w="$w" 'BEGIN { exit !(n <= int(w) + 1) }'
check "rx: still running while it hears the lower priority (at least $((${w%.*} - 1)) runs)" \
	awk -v n="$n" -v w="$w" 'BEGIN { exit !(n >= int(w) - 1 && n >= 2) }'
is "$(grep -c 'running notify_master_rx_lower_pri' "$VT_DIR/n1.log")" "$n" "rx: node 1 logged each run"
must "rx: the switch forwards VRRP again" sw_drop none
check "rx: healed: node 2 (keepalived) goes BACKUP, node 1 the only master" wait_for 3 settled 1
check "rx: node 2 (keepalived) ran notify_backup on the heal" \
	wait_for 3 eval '[[ "$(own 2)" == *",master,backup" ]]'
n=$(runs)
stable_for 1.5 true
is "$(runs)" "$n" "rx: no more runs once node 2 is BACKUP"
is "$(own 1)" "backup,master" "rx: node 1 (vipd) never left MASTER through the partition"
done_testing
