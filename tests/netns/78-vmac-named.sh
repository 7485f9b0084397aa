#!/usr/bin/env bash
# 78: a VMAC with a name of its own (vipd's vmac = "vmac-web", keepalived's
# use_vmac vmac-web): the mode body (mode-body.sh) with vipd on both nodes and
# keepalived/vipd both ways: one master, the client's neighbour entry for the
# VIP is 00:00:5e:00:01:VRID after the election and every failover, the backup
# silent from the virtual MAC, takeovers within Master_Down_Interval + 20 ms
# and Skew_Time + 20 ms. Then: vipctl status names the VMAC; a reload that
# renames it re-creates it under the new name; a kill -9 and a restart under
# another name removes the macvlan the killed run left (it carries vipd's
# ifalias) and leaves alone a macvlan vipd did not create (never brought up,
# the instance in FAULT); an unmarked vrrp.VRID with the virtual MAC (an older
# vipd's) is replaced.
VT_MODE=v3-vmac-named
MODE_BODY_MORE=1
# shellcheck source=tests/netns/mode-body.sh
. "$(dirname "$0")/mode-body.sh"

ns1=$(node_ns 1)
# link_names I — node I's macvlans, sorted, space-separated
link_names() { ip -n "$(node_ns "$1")" -o link show type macvlan | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | paste -sd' ' -; }
# vip_on I DEV — node I holds the VIP on DEV
vip_on() { ip -n "$(node_ns "$1")" -o addr show dev "$2" 2>/dev/null | grep -q " $VIP/"; }

# _foreign_kept — node 1 in FAULT, leaving the foreign vmac-web down and without the VIP
_foreign_kept() {
	state_is 1 FAULT && ! vip_on 1 vmac-web &&
		! ip -n "$ns1" -o link show dev vmac-web | grep -q '[<,]UP[,>]'
}

if [[ $VT_IMPL == vipd ]]; then
	conf=$(write_conf vipd 1 prio=150)
	must "status: node 1 starts with vmac = \"vmac-web\"" start_node 1 vipd "$conf"
	must "status: node 1 is MASTER with the VIP on vmac-web" wait_for 5 vip_on 1 vmac-web
	is "$(status_fields 1 vmac vmac_xmit_base)" "vmac=vmac-web vmac_xmit_base=false" \
		"status: vipctl status names the VMAC and where adverts leave from"
	like "$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" status 2>&1)" 'web: VMAC vmac-web \(adverts from vmac-web\)' \
		"status: vipctl's table is followed by the VMAC line"

	# rename by reload: the old VMAC goes, the new one holds the VIP
	write_conf vipd 1 prio=150 vmac=vmac-new >/dev/null
	cp "$VT_DIR/n1.vipd.conf" "$conf"
	"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null 2>&1
	if wait_for 5 vip_on 1 vmac-new && [[ $(link_names 1) == vmac-new ]]; then
		ok "reload: renamed to vmac-new, the VMAC is re-created: macvlans now '$(link_names 1)' ($VT_WAITED_MS ms)"
	else
		not_ok "reload: renamed to vmac-new: macvlans '$(link_names 1)', state $(node_state 1)"
	fi

	# crash: kill -9 leaves vmac-new; a foreign macvlan "vmac-user" exists too
	ip -n "$ns1" link add vmac-user link eth0 type macvlan mode bridge ||
		bail_out "cannot add a macvlan of our own"
	stop_node 1 KILL
	is "$(link_names 1)" "vmac-new vmac-user" "crash: kill -9 left vmac-new behind, next to vmac-user"
	# restarted under another name: vipd removes its leftover, never vmac-user
	write_conf vipd 1 prio=150 >/dev/null
	must "crash: node 1 restarts with vmac = \"vmac-web\"" start_node 1 vipd "$VT_DIR/n1.vipd.conf"
	if wait_for 5 vip_on 1 vmac-web; then
		ok "crash: node 1 MASTER again on vmac-web ($VT_WAITED_MS ms)"
	else
		not_ok "crash: node 1 MASTER again on vmac-web (state $(node_state 1))"
	fi
	is "$(link_names 1)" "vmac-user vmac-web" "crash: the leftover vmac-new is gone, vmac-user left alone"
	# a macvlan vipd did not create under the VMAC's name: never deleted, the instance waits
	stop_node 1 TERM 5
	ip -n "$ns1" link set vmac-user name vmac-web
	must "foreign: node 1 starts while a foreign macvlan is named vmac-web" \
		start_node 1 vipd "$VT_DIR/n1.vipd.conf"
	if wait_for 5 grep -q "vmac-web exists and is a macvlan vipd did not create: left alone" "$VT_DIR/n1.log"; then
		ok "foreign: vipd says the foreign vmac-web is not its own and leaves it"
	else
		not_ok "foreign: no 'did not create' line in node 1's log"
	fi
	if wait_for 3 _foreign_kept; then
		ok "foreign: node 1 is FAULT; the foreign vmac-web stays down, without the VIP"
	else
		not_ok "foreign: node 1 FAULT, vmac-web down without the VIP (state $(node_state 1))"
	fi
	stop_node 1 TERM 5
	is "$(link_names 1)" "vmac-web" "foreign: the foreign macvlan survives vipd's start and stop"
	ip -n "$ns1" link del vmac-web 2>/dev/null

	# vmac = true: an unmarked vrrp.VRID with the virtual MAC is what a vipd before the mark
	# left behind: replaced by a marked one
	ip -n "$ns1" link add "vrrp.$VRID" link eth0 address "$(vmac_mac)" type macvlan mode bridge ||
		bail_out "cannot add an unmarked vrrp.$VRID"
	write_conf vipd 1 prio=150 vmac=true >/dev/null
	must "legacy: node 1 starts with vmac = true over an unmarked vrrp.$VRID" \
		start_node 1 vipd "$VT_DIR/n1.vipd.conf"
	if wait_for 5 vip_on 1 "vrrp.$VRID" &&
		ip -n "$ns1" -d link show dev "vrrp.$VRID" | grep -q 'alias vipd VMAC'; then
		ok "legacy: the old vrrp.$VRID is replaced by vipd's own (ifalias 'vipd VMAC'), with the VIP"
	else
		not_ok "legacy: vrrp.$VRID replaced and holding the VIP (state $(node_state 1))"
	fi
	stop_node 1 TERM 5
	is "$(link_names 1)" "" "legacy: gone at stop"
fi
done_testing
