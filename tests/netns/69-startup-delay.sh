#!/usr/bin/env bash
# 69: startup_delay (keepalived's vrrp_startup_delay): for that long after vipd
# starts an instance listens but does not take over by timeout.
#  a) alone on the link, startup_delay = 2 s (more than 10 x Master_Down_Interval):
#     BACKUP with the time left in `vipctl status` throughout the delay, MASTER
#     just after it;
#  b) a live lower-priority master: the delayed node (150, preempt) follows it
#     as backup for the delay instead of preempting after MDI, then preempts;
#  c) startup_delay_from_boot = true on a host up for longer than the delay:
#     no wait, MASTER after Master_Down_Interval.
# Bounds: not before the delay (it counts from a moment after our timestamp);
# at most delay + MDI + 300 ms of margin for vipd's start (process, netlink dump,
# sockets) and the 10 ms polling.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
DELAY=2
delay_ms=$((DELAY * 1000))
mdi150=$(mdi_ms 150 "$ADVERT")
margin=300
upper=$(fadd "$(fadd "$delay_ms" "$mdi150")" "$margin")
rem() { local f; f=$(status_fields 1 startup_delay_remaining); echo "${f#*=}"; }
not_master() { ! state_is 1 MASTER && ! holds_vip 1; }

# ---- a) alone on the link
t0=$(now)
must "a) node 1 starts with startup_delay = $DELAY" start_with 1 "$VT_IMPL" prio=150 startup_delay=$DELAY
if [[ $VT_IMPL == vipd ]]; then
	r=$(rem)
	check "a) status shows the time left ($r s, 0 < r <= $DELAY)" \
		awk -v r="$r" -v d="$DELAY" 'BEGIN { exit !(r > 0 && r <= d) }'
	like "$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" status)" "web: startup delay: .*s left" \
		"a) vipctl status prints the delay under the table"
fi
hold=$(awk -v t0="$t0" -v now="$(now)" -v d="$DELAY" 'BEGIN { printf "%.2f", d - (now - t0) - 0.05 }')
if stable_for "$hold" not_master; then
	ok "a) BACKUP without the VIP for the rest of the delay ($hold s, $VT_SAMPLES samples)"
else
	not_ok "a) BACKUP without the VIP during the delay (state $(node_state 1) after $(ms_diff "$t0" "$(now)") ms)"
fi
must "a) MASTER after the delay" wait_for 3 only_master 1
took=$(ms_diff "$t0" "$(now)")
within "$took" "$upper" "a) MASTER $took ms after the start: not before $delay_ms ms, at most delay + MDI ($mdi150) + $margin ms"
check "a) not before the delay ($took >= $delay_ms ms)" fle "$delay_ms" "$took"
[[ $VT_IMPL == vipd ]] && check "a) status: startup_delay_remaining 0 once over" fle "$(rem)" 0

# ---- b) a live lower-priority master
reset_nodes
must "b) node 2 (100) master alone" start_with 2 "$VT_IMPL" prio=100
must "b) node 2 holds the VIP" wait_for 3 only_master 2
t0=$(now)
must "b) node 1 (150, preempt) starts with startup_delay = $DELAY" \
	start_with 1 "$VT_IMPL" prio=150 startup_delay=$DELAY
hold=$(awk -v t0="$t0" -v now="$(now)" -v d="$DELAY" 'BEGIN { printf "%.2f", d - (now - t0) - 0.05 }')
if stable_for "$hold" only_master 2; then
	ok "b) node 2 stays the only master for the rest of the delay ($hold s; without it node 1 preempts after $mdi150 ms)"
else
	not_ok "b) node 2 stays master during the delay (states $(node_state 1)/$(node_state 2))"
fi
check "b) node 1 BACKUP meanwhile" state_is 1 BACKUP
must "b) node 1 preempts after the delay" wait_for 3 settled 1
took=$(ms_diff "$t0" "$(now)")
within "$took" "$upper" "b) node 1 master $took ms after its start (at most delay + MDI + $margin ms)"
check "b) not before the delay ($took >= $delay_ms ms)" fle "$delay_ms" "$took"

# ---- c) counted from the boot
if [[ $VT_IMPL == vipd ]]; then
	reset_nodes
	up=$(cut -d' ' -f1 /proc/uptime)
	if fle "$((DELAY + 5))" "$up"; then
		t0=$(now)
		must "c) node 1 starts with startup_delay = $DELAY from boot (up $up s)" \
			start_with 1 vipd prio=150 startup_delay=$DELAY startup_delay_from_boot=true
		must "c) MASTER" wait_for 3 only_master 1
		took=$(ms_diff "$t0" "$(now)")
		within "$took" "$(fadd "$mdi150" "$margin")" \
			"c) MASTER $took ms after the start: no wait (MDI $mdi150 + $margin ms)"
		check "c) status: startup_delay_remaining 0" fle "$(rem)" 0
	else
		skip "c) from boot" "host up for $up s only"
	fi
fi
done_testing
