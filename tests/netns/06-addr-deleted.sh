#!/usr/bin/env bash
# 06: someone runs `ip addr del` on the master's VIP -> it is back within
# 100 ms (polled every 5 ms), the master stays master, no failover happens.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"

must "node 1 (150) master, node 2 (100) backup" start_pair "$VT_IMPL" "$VT_IMPL"
cap_start del 1
ns1=$(node_ns 1)
t_del=$(now)
ip -n "$ns1" addr del "$VIP/$VIP_LEN" dev eth0
t_done=$(now)
VT_POLL=0.005 wait_for 1 holds_vip 1
t_back=$(now)
if holds_vip 1; then
	ms=$(ms_diff "$t_del" "$t_back")
	diag "VIP deleted (the ip command took $(ms_diff "$t_del" "$t_done") ms); seen back $ms ms after the deletion started"
	within "$ms" 100 "the VIP is back on node 1, ms"
else
	not_ok "the VIP is back on node 1 within 1 s"
fi
check "node 1 is still MASTER and the only holder, node 2 BACKUP" settled 1
check "and stays so for 0.5 s" stable_for 0.5 settled 1
cap_stop del
diag "gratuitous ARPs from node 1 after the deletion: $(count_garps del 1 "$t_del");" \
	"adverts from node 2: $(count_adverts del 2)"
is "$(count_adverts del 2)" 0 "no failover: node 2 sent no advert"
wire_check del 1 150
done_testing
