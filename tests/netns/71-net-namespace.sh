#!/usr/bin/env bash
# 71: net_namespace: vipd started in the harness's own namespace with
# net_namespace = node 1's namespace enters it before anything else: the
# process is in node 1's namespace, its VIP is there and nowhere in the
# starting namespace, and it runs VRRP on node 1's LAN (node 2, started the
# usual way, takes over when it stops). A namespace that does not exist is
# refused by vipd --check and at start (exit 1), touching nothing.
# Node 1's interface is renamed to one the starting namespace cannot have,
# so a vipd that failed to move could not touch the host's addresses.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
IF1=vtn71x$$
IF1=${IF1:0:15}
ns1=$(node_ns 1)
ip -n "$ns1" link set eth0 down && ip -n "$ns1" link set eth0 name "$IF1" &&
	ip -n "$ns1" link set "$IF1" up || bail_out "cannot rename node 1's eth0"
here_vip() { ip -o addr show 2>/dev/null | grep -q " $VIP/"; }
here_vip && skip_all "this namespace already holds $VIP"

conf_ns() { # conf_ns NAMESPACE — node 1's config entering NAMESPACE
	local f
	f=$(write_conf vipd 1 prio=150)
	sed -i -e "s/interface = \"eth0\"/interface = \"$IF1\"/" \
		-e "s/^instances = (/net_namespace = \"$1\";\ninstances = (/" "$f"
	echo "$f"
}

# ---- a missing namespace
c1=$(conf_ns "vt71-missing-$$")
out=$("$VIPD_BIN" --check -f "$c1" 2>&1)
rc=$?
is "$rc" 1 "vipd --check refuses a net_namespace that does not exist"
like "$out" ":[0-9]+: net_namespace: /run/netns/vt71-missing-$$: No such file or directory" \
	"... naming FILE:LINE and the path"
VT_NETNS_EXEC=0 start_node 1 vipd "$c1"
check "vipd started with it exits" wait_for 3 test -s "$VT_DIR/n1.rc"
is "$(cat "$VT_DIR/n1.rc" 2>/dev/null)" 1 "... with status 1"
check "... and no namespace holds the VIP" eval '! here_vip && ! holds_vip 1 && ! holds_vip 2'

# ---- node 1's namespace
c1=$(conf_ns "$ns1")
check "vipd --check accepts net_namespace = node 1's namespace" "$VIPD_BIN" --check -f "$c1"
VT_NETNS_EXEC=0 start_node 1 vipd "$c1"
must "node 1 answers" wait_for 5 node_ready 1
pid=$(node_pid 1)
is "$(ip netns identify "$pid" 2>/dev/null)" "$ns1" "the vipd process is in node 1's namespace"
must "node 1 master alone" wait_for 3 only_master 1
check "the VIP is in node 1's namespace, on $IF1" eval \
	"ip -n '$ns1' -o addr show dev '$IF1' | grep -q ' $VIP/'"
check "and not in the namespace vipd started in" eval '! here_vip'
like "$(cat "$VT_DIR/n1.log")" "running in network namespace $ns1" "the log says where it runs"
must "node 2 (100) starts as backup" start_with 2 vipd prio=100
check "node 1 stays master, node 2 backup" wait_for 3 settled 1
stop_node 1 TERM
check "node 1 stopped: node 2 takes over on node 1's LAN" wait_for 3 only_master 2
check "the VIP left node 1's namespace" eval '! holds_vip 1 && ! here_vip'
done_testing
