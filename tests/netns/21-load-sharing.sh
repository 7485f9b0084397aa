#!/usr/bin/env bash
# 21: load sharing (RFC 9568 4.2): two instances on the same two nodes with
# opposite priorities — node A (1) is master of VIP 1 (VRID 51, 198.18.0.101),
# node B (2) of VIP 2 (VRID 52, 198.18.0.102). The client reaches both; a
# cable pull on A moves VIP 1 to B while VIP 2 stays on B untouched; the
# replug gives VIP 1 back to A, and B keeps VIP 2. The configs are the
# README's "Load sharing" example.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/multi.sh
. "$(dirname "$0")/multi.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
V1=198.18.0.101 V2=198.18.0.102

# shared I — node I holds exactly its own VIP and is master of its instance only
shared() {
	holds_vip 1 $V1 && ! holds_vip 1 $V2 && holds_vip 2 $V2 && ! holds_vip 2 $V1 &&
		[[ "$(multi_states 1 | sort | tr '\n' ' ')" == "vip1 MASTER vip2 BACKUP " ]] &&
		[[ "$(multi_states 2 | sort | tr '\n' ' ')" == "vip1 BACKUP vip2 MASTER " ]]
}
# b_has_both — node B is master of both and holds both VIPs
b_has_both() {
	holds_vip 2 $V1 && holds_vip 2 $V2 &&
		[[ "$(multi_states 2 | sort | tr '\n' ' ')" == "vip1 MASTER vip2 MASTER " ]]
}
# reaches WHEN — the client pings both VIPs
reaches() {
	local a sent rcvd
	for a in $V1 $V2; do
		read -r sent rcvd < <(client_ping 3 "$a")
		is "${rcvd:-0}/${sent:-0}" 3/3 "the client pings $a $1"
	done
}
# vip2_changes — transitions node B logged for vip2
vip2_changes() {
	case $VT_IMPL in
	vipd) grep -cE '^[0-9:.]+ vip2: [A-Z]+ -> [A-Z]+ \(' "$VT_DIR/n2.log" ;;
	keepalived) grep -c '^vip2 ' "$VT_DIR/n2.trans" ;;
	esac
}

start_multi 1 "$VT_IMPL" "vip1,eth0,51,150,$V1/24" "vip2,eth0,52,100,$V2/24"
start_multi 2 "$VT_IMPL" "vip1,eth0,51,100,$V1/24" "vip2,eth0,52,150,$V2/24"
if wait_for 5 shared; then
	ok "node A is master of VIP 1 only, node B of VIP 2 only ($VT_WAITED_MS ms)"
else
	not_ok "node A master of VIP 1, node B of VIP 2 (A: $(multi_states 1 | tr '\n' ' '), B: $(multi_states 2 | tr '\n' ' '))"
fi
check "and so for 0.5 s" stable_for 0.5 shared
reaches "while both nodes are up"

cap_start share 1
c2=$(vip2_changes)
t_pull=$(now)
cable_pull 1
if wait_for 3 b_has_both; then
	ok "cable pull of A: B is master of both VIPs ($VT_WAITED_MS ms)"
else
	not_ok "cable pull of A: B takes VIP 1 too (B: $(multi_states 2 | tr '\n' ' '))"
fi
reaches "with A's cable out"
t_plug=$(now)
cable_replug 1
if wait_for 3 shared; then
	ok "replug: VIP 1 back on A, VIP 2 still on B ($VT_WAITED_MS ms)"
else
	not_ok "replug: VIP 1 back on A, VIP 2 on B (A: $(multi_states 1 | tr '\n' ' '), B: $(multi_states 2 | tr '\n' ' '))"
fi
is "$(($(vip2_changes) - c2))" 0 "VIP 2 stayed on B: no transition of B's vip2 through the pull and the replug"
reaches "after the replug"
cap_stop share
# VRID 51's takeover on the wire: A's last advert (A sends only VRID 51's)
# -> B's first gratuitous ARP for VIP 1 (B's adverts are VRID 52's too)
t_new=$(VIP=$V1 first_garp share 2 "$t_pull")
t_old=""
[[ -n "$t_new" ]] && t_old=$(last_advert share 1 "$t_new")
diag "A's last advert $(ms_diff "$t_old" "$t_pull") ms before the pull; B's first GARP for VIP 1 $(ms_diff "$t_old" "$t_new") ms after it"
within "$(ms_diff "$t_old" "$t_new")" "$(fadd "$(mdi_ms 100 "$ADVERT")" 20)" \
	"VIP 1's takeover by B, from A's last advert to B's first GARP for it, ms"
diag "replug at +$(ms_diff "$t_pull" "$t_plug") ms"
done_testing
