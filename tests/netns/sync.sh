# tests/netns/sync.sh — the two-LAN sync group of 35 and 83, sourced after lib.sh and checks.sh:
# `sg_setup` builds it (two nodes, the second LAN, a tracked veth trk1 on each node);
# `sg_conf I PRIO` writes node I's config and prints its path: a group "edge" of web (eth0,
# VRID 51, $VIP) and api (eth1, VRID 52, $VIP2, tracking trk1 with weight 0).
# shellcheck shell=bash

sg_setup() {
	local i
	ck_setup 2
	ck_lan2 || bail_out "cannot build the second LAN"
	# shellcheck disable=SC2034 # the scenarios use it
	N1=$(node_ns 1)
	VIP2=198.19.0.100
	for i in 1 2; do
		ip -n "$(node_ns $i)" link add trk1 type veth peer name trk1p &&
			ip -n "$(node_ns $i)" link set trk1p up &&
			ip -n "$(node_ns $i)" link set trk1 up ||
			bail_out "cannot create the tracked interface (veth)"
	done
}

# sg_conf I PRIO — node I's config: both instances in group "edge"
sg_conf() {
	local f="$VT_DIR/n$1.sg.conf"
	cat >"$f" <<-EOC
		router_id = "n$1";
		control_socket = "$VT_DIR/n$1.sock";
		state_dir = "$VT_DIR/n$1.lib";
		instances = (
		  { name = "web"; interface = "eth0"; vrid = 51; priority = $2; advert_interval = $ADVERT;
		    virtual_addresses = [ "$VIP/24" ]; },
		  { name = "api"; interface = "eth1"; vrid = 52; priority = $2; advert_interval = $ADVERT;
		    track_interfaces = ( { name = "trk1"; weight = 0; } );
		    virtual_addresses = [ "$VIP2/24" ]; }
		);
		sync_groups = ( { name = "edge"; instances = [ "web", "api" ]; } );
	EOC
	echo "$f"
}
