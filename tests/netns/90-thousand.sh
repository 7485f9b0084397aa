#!/usr/bin/env bash
# 90: 1000 instances, 250 on each of 4 interfaces (eth0..eth3, each on a
# bridge of its own: VRIDs 1..250 on each), one VIP each, node 1
# (priority 150) against node 2 (100), VT_90_INTERVAL (1) s adverts:
#  - vipd --check accepts the 1000-instance config;
#  - started together, they converge: node 1 MASTER of all 1000 with every
#    VIP, node 2 BACKUP of all and holding none, within Master_Down_Interval
#    of node 2 plus a generous 15 s (1000 instances, the netlink batches and
#    the polling of two 1000-entry status lines on a loaded host: this is a
#    bound that catches a stall, not the performance target of
#    scripts/bench/scale-1000.sh);
#  - node 1's cables pulled (all 4 interfaces at once) moves all 1000 to node 2 within
#    Master_Down_Interval(100) plus 10 s; the replug brings them back.
# 1000 instances on each of two nodes load the machine: alone in a parallel run (tests/netns/run).
# vt-alone
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/multi.sh
. "$(dirname "$0")/multi.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
vt_require python3
NIF=4 PER=250 TOTAL=$((4 * 250))
ADVERT=${VT_90_INTERVAL:-1}
M_VER=3
MULTI_NOTIFY=0    # keepalived (VT_IMPL=keepalived): no fork per transition
VT_LOG_LEVEL=info # one line per transition, nothing per packet
multi_ifaces $NIF >"$VT_DIR/ifaces" 2>"$VT_DIR/ifaces.err" ||
	bail_out "cannot create the interfaces: $(head -n 2 "$VT_DIR/ifaces.err")"
mapfile -t ifaces <"$VT_DIR/ifaces"
mapfile -t hi < <(multi_spread 150 $PER "${ifaces[@]}")
mapfile -t lo < <(multi_spread 100 $PER "${ifaces[@]}")
vips=$(multi_spread_vips $PER $NIF)

# converged_on I J — node I master of all and holder of every VIP, J backup of all holding none
# (the addresses first: a status of 1000 instances costs the daemon's control budget, so it is
# asked for only once the addresses say it may be true)
converged_on() {
	holds_all "$1" "$vips" && holds_none "$2" "$vips" && all_in "$1" MASTER $TOTAL &&
		all_in "$2" BACKUP $TOTAL
}
# masters_of I — node I MASTER of all with every VIP (the other side may be cut off)
masters_of() { holds_all "$1" "$vips" && all_in "$1" MASTER $TOTAL; }
why() {
	diag "node $1: $(count_state "$1" MASTER) MASTER, $(count_held "$1" "$vips") VIPs;" \
		"node $2: $(count_state "$2" BACKUP) BACKUP, $(count_state "$2" MASTER) MASTER, $(count_held "$2" "$vips") VIPs"
}

c1=$(write_multi "$VT_IMPL" 1 "${hi[@]}") c2=$(write_multi "$VT_IMPL" 2 "${lo[@]}")
if [[ $VT_IMPL == vipd ]]; then
	check "vipd --check accepts the $TOTAL-instance config" "$VIPD_BIN" --check -f "$c1"
fi
mdi2=$(mdi_ms 100 "$ADVERT")
t0=$(now)
start_node 1 "$VT_IMPL" "$c1"
start_node 2 "$VT_IMPL" "$c2"
bound=$(fadd "$mdi2" 15000)
if wait_for "$(awk -v b="$bound" 'BEGIN { print b / 1000 }')" converged_on 1 2; then
	within "$(ms_diff "$t0" "$(now)")" "$bound" \
		"all $TOTAL converged on node 1 (MASTER, every VIP), node 2 BACKUP of all: ms from the start (Master_Down_Interval $mdi2 ms + 15 s)"
else
	not_ok "all $TOTAL instances converge on node 1 within $bound ms"
	why 1 2
fi

t_pull=$(now)
multi_pull 1
bound=$(fadd "$mdi2" 10000)
if wait_for "$(awk -v b="$bound" 'BEGIN { print b / 1000 }')" masters_of 2; then
	within "$(ms_diff "$t_pull" "$(now)")" "$bound" \
		"cable pull of node 1: node 2 MASTER of all $TOTAL with every VIP: ms (Master_Down_Interval $mdi2 ms + 10 s, polled)"
else
	not_ok "cable pull of node 1: all $TOTAL instances move to node 2 within $bound ms"
	why 2 1
fi
t_plug=$(now)
multi_replug 1
if wait_for 20 converged_on 1 2; then
	ok "replug: all $TOTAL back on node 1, node 2 BACKUP of all ($(ms_diff "$t_plug" "$(now)") ms, polled)"
else
	not_ok "replug: all $TOTAL instances back on node 1 within 20 s"
	why 1 2
fi
stop_node 1 TERM 20
stop_node 2 TERM 20
done_testing
