#!/usr/bin/env bash
# 05: kill -9 of the master leaves its VIP behind; the backup takes over.
# Restarting the killed node must clean the stale copy up: from the moment it
# answers (start-up done) and for 1 s after, at most one node holds the VIP at
# every sample; then it preempts back cleanly.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"

must "node 1 (150) master, node 2 (100) backup" start_pair "$VT_IMPL" "$VT_IMPL"
cap_start kill 1
t_kill=$(now)
kill9_node 1
check "kill -9 left the VIP on node 1's eth0" holds_vip 1
if wait_for 3 state_is 2 MASTER; then
	ok "node 2 becomes MASTER ($VT_WAITED_MS ms)"
else
	not_ok "node 2 becomes MASTER (state '$(node_state 2)')"
fi
check "node 2 holds the VIP" holds_vip 2
takeover kill 1 2 "$t_kill"
within "$TK_MS" "$(fadd "$(mdi_ms 100 "$ADVERT")" 20)" "takeover after kill -9, from the last advert on the wire, ms"

# ---- restart node 1 and sample who holds the VIP
t_start=$(now)
start_node 1 "$VT_IMPL" "$VT_DIR/n1.$VT_IMPL.conf"
t=0 t0=0
_now_us t0
ready_us="" gone_us="" samples=0 dups=0 dups_after=0 first_dup_after=""
while ((samples < 3000)); do
	samples=$((samples + 1))
	h=$(who_holds)
	_now_us t
	[[ -z "$gone_us" && " $h " != *" 1 "* ]] && gone_us=$t
	if [[ "$h" == "1 2" ]]; then
		dups=$((dups + 1))
		if [[ -n "$ready_us" ]]; then
			dups_after=$((dups_after + 1))
			[[ -n "$first_dup_after" ]] || first_dup_after=$(((t - t0) / 1000))
		fi
	fi
	[[ -z "$ready_us" ]] && node_ready 1 && ready_us=$t
	((t - t0 > 6000000)) && break
	[[ -n "$ready_us" ]] && ((t - ready_us > 1000000)) && break
	sleep 0.005
done
if [[ -z "$ready_us" ]]; then
	not_ok "restarted node 1 answers within 6 s"
else
	ok "restarted node 1 answers ($(((ready_us - t0) / 1000)) ms after the start)"
fi
if [[ -n "$gone_us" ]]; then
	ok "the stale VIP copy on node 1 is removed ($(((gone_us - t0) / 1000)) ms after the start)"
else
	not_ok "the stale VIP copy on node 1 is removed"
fi
diag "$samples samples of ip addr; duplicate VIP in $dups, $dups_after of them after start-up"
if ((dups_after == 0)); then
	ok "start-up + 1 s: never two holders of the VIP"
else
	not_ok "start-up + 1 s: two holders in $dups_after samples (first at +$first_dup_after ms)"
fi
if wait_for 3 settled 1; then
	ok "node 1 preempts back cleanly: VIP on node 1 only, node 2 BACKUP"
else
	not_ok "node 1 preempts back (holders '$(who_holds)', states $(node_state 1)/$(node_state 2))"
fi
check "and stays so for 0.5 s" stable_for 0.5 settled 1
cap_stop kill
t1=$(first_announce kill 1 "$t_start")
diag "restarted node 1's first GARP/advert at +$(ms_diff "$t_start" "$t1") ms after its start"
wire_check kill 1 150
wire_check kill 2 100
done_testing
