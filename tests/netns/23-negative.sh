#!/usr/bin/env bash
# 23: adverts that must be dropped, injected with scapy from the client
# namespace at node 1, which is MASTER (priority 100) of four instances:
#   v2   VRRPv2, 1 s, auth_pass      <- a v2 advert with Adver Int 2 s
#   v6   VRRPv3 IPv6                 <- no link-local first address; and hop limit 254
#   uni  VRRPv3 unicast, peer node 2 <- from 198.18.0.200, not a listed peer
#   ttl  VRRPv3 IPv4                 <- TTL 254
# Every bad advert carries priority 200: accepted, it would make node 1 step
# down. Each must be dropped and counted under its own reason in the status
# ("drops"), with no state change. Then the same advert made right (the
# positive control) does make the instance BACKUP: the injected packets are
# otherwise valid.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/multi.sh
. "$(dirname "$0")/multi.sh"
vt_setup 2
vt_require_impl "$VT_IMPL"
vt_require_scapy
N=10 # adverts per injection, 50 ms apart

conf() {
	local f="$VT_DIR/n1.$1.conf"
	case $1 in
	vipd)
		cat >"$f" <<EOC
router_id = "n1";
control_socket = "$VT_DIR/n1.sock";
state_dir = "$VT_DIR/n1.lib";
instances = (
  { name = "v2"; interface = "eth0"; vrid = 10; priority = 100; version = 2; advert_interval = 1;
    auth_pass = "s3cret"; virtual_addresses = [ "198.18.0.110/24" ]; },
  { name = "v6"; interface = "eth0"; vrid = 11; priority = 100; advert_interval = 0.05;
    virtual_addresses = [ "fe80::51/64", "fd00::111/64" ]; },
  { name = "uni"; interface = "eth0"; vrid = 12; priority = 100; advert_interval = 0.05;
    unicast_source = "$(node_ip 1)"; unicast_peers = [ "$(node_ip 2)" ];
    virtual_addresses = [ "198.18.0.112/24" ]; },
  { name = "ttl"; interface = "eth0"; vrid = 13; priority = 100; advert_interval = 0.05;
    virtual_addresses = [ "198.18.0.113/24" ]; }
);
EOC
		;;
	keepalived)
		write_multi keepalived 1 >/dev/null # the notify script
		cat >"$f" <<EOC
global_defs {
  router_id n1
  script_user root
}
vrrp_instance v2 {
  version 2
  state BACKUP
  interface eth0
  virtual_router_id 10
  priority 100
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    198.18.0.110/24
  }
  notify $VT_DIR/n1.mnotify
}
vrrp_instance v6 {
  version 3
  state BACKUP
  interface eth0
  virtual_router_id 11
  priority 100
  advert_int 0.05
  virtual_ipaddress {
    fe80::51/64
    fd00::111/64
  }
  notify $VT_DIR/n1.mnotify
}
vrrp_instance uni {
  version 3
  state BACKUP
  interface eth0
  virtual_router_id 12
  priority 100
  advert_int 0.05
  unicast_src_ip $(node_ip 1)
  unicast_peer {
    $(node_ip 2)
  }
  check_unicast_src
  virtual_ipaddress {
    198.18.0.112/24
  }
  notify $VT_DIR/n1.mnotify
}
vrrp_instance ttl {
  version 3
  state BACKUP
  interface eth0
  virtual_router_id 13
  priority 100
  advert_int 0.05
  virtual_ipaddress {
    198.18.0.113/24
  }
  notify $VT_DIR/n1.mnotify
}
EOC
		;;
	esac
	echo "$f"
}

# state_of NAME — node 1's state of instance NAME
state_of() { multi_states 1 | awk -v n="$1" '$1 == n { print $2 }'; }
# changes_of NAME — transitions node 1 logged for instance NAME
changes_of() {
	case $VT_IMPL in
	vipd) grep -cE "^[0-9:.]+ $1: [A-Z]+ -> [A-Z]+ \\(" "$VT_DIR/n1.log" ;;
	keepalived) grep -c "^$1 " "$VT_DIR/n1.trans" ;;
	esac
}
# drops_of NAME — instance NAME's "drops" object (JSON)
drops_of() {
	node_status 1 | python3 -c '
import json, sys
for i in json.loads(sys.stdin.readline())["instances"]:
    if i["name"] == sys.argv[1]:
        print(json.dumps(i.get("drops")))' "$1"
}
# drop_delta BEFORE AFTER — "reason+n ..." for every counter that grew
drop_delta() {
	python3 -c '
import json, sys
a = json.loads(sys.argv[1]) or {}
b = json.loads(sys.argv[2]) or {}
print(" ".join("%s+%d" % (k, b[k] - a.get(k, 0)) for k in sorted(b) if b[k] != a.get(k, 0)))' "$1" "$2"
}
all_master() { [[ "$(count_state 1 MASTER)" == 4 ]]; }

# negative NAME REASON DESC INJECT_ARG... — inject N bad adverts at NAME
negative() {
	local name=$1 reason=$2 desc=$3 d0 d1 c0 todo=""
	shift 3
	# keepalived (checking the harness) does not make every check
	[[ $VT_IMPL == keepalived && -n "${KA_TODO:-}" ]] && todo=" # TODO $KA_TODO"
	wait_for 3 _state_of_is "$name" MASTER
	c0=$(changes_of "$name")
	[[ $VT_IMPL == vipd ]] && d0=$(drops_of "$name")
	inject "$@" --phase "${PHASE:-rfc5798}:$N" --every 0.05 >"$VT_DIR/inject.log" 2>&1 ||
		diag "injector: $(cat "$VT_DIR/inject.log")"
	if [[ "$(state_of "$name")" == MASTER && "$(changes_of "$name")" == "$c0" ]]; then
		ok "$name: $desc: dropped, no state change (still MASTER, no transition)$todo"
	else
		not_ok "$name: $desc: no state change (state $(state_of "$name"), $(($(changes_of "$name") - c0)) transitions)$todo"
		[[ -n "$todo" ]] && VT_FAIL=$((VT_FAIL - 1)) # a TODO failure fails nothing
	fi
	if [[ $VT_IMPL == vipd ]]; then
		d1=$(drops_of "$name")
		is "$(drop_delta "$d0" "$d1")" "$reason+$N" "$name: $desc: counted under \"$reason\" (drops $d1)"
	fi
}
# positive NAME DESC INJECT_ARG... — the same advert made right: NAME steps down
positive() {
	local name=$1 desc=$2
	shift 2
	inject_bg pos "$@" --phase "${PHASE:-rfc5798}:20" --every 0.05
	if wait_for 3 _state_of_is "$name" BACKUP; then
		ok "$name: control: $desc makes it BACKUP ($VT_WAITED_MS ms)"
	else
		not_ok "$name: control: $desc makes it BACKUP (state $(state_of "$name"); injector: $(cat "$VT_DIR/pos.log"))"
	fi
	wait_for 3 phase_is pos "done"
}
_state_of_is() { [[ "$(state_of "$1")" == "$2" ]]; }

start_node 1 "$VT_IMPL" "$(conf "$VT_IMPL")"
must "node 1 is MASTER of its four instances (v2: after 3.6 s)" wait_for 8 all_master
[[ $VT_IMPL == vipd ]] && check "vipd --check accepts the config" "$VIPD_BIN" --check -f "$VT_DIR/n1.vipd.conf"
cl=198.18.0.200
cll=$(ip -n "$VT_CL" -6 -o addr show dev eth0 scope link | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
v2=(--version 2 --auth s3cret --src "$cl" --dst 224.0.0.18 --vrid 10 --prio 200 --addr 198.18.0.110)
v6=(--src "$cll" --dst ff02::12 --vrid 11 --prio 200 --interval 0.05)
uni=(--dst "$(node_ip 1)" --dmac "$(node_mac 1)" --vrid 12 --prio 200 --interval 0.05 --addr 198.18.0.112)
ttl=(--src "$cl" --dst 224.0.0.18 --vrid 13 --prio 200 --interval 0.05 --addr 198.18.0.113)

PHASE=v2 negative v2 interval-mismatch "v2 advert with Adver Int 2 s (ours 1 s)" "${v2[@]}" --interval 2
KA_TODO="keepalived accepts it" negative v6 no-linklocal "v3 IPv6 advert without a link-local first address" \
	"${v6[@]}" --addr fd00::111 --addr fe80::51
negative v6 ttl "v3 IPv6 advert with hop limit 254" "${v6[@]}" --addr fe80::51 --addr fd00::111 --ttl 254
negative uni not-peer "unicast advert from 198.18.0.200, not a listed peer" --src "$cl" "${uni[@]}"
negative ttl ttl "advert with TTL 254" "${ttl[@]}" --ttl 254
check "node 1 is still MASTER of all four" all_master

PHASE=v2 positive v2 "the v2 advert with Adver Int 1 s" "${v2[@]}" --interval 1
positive v6 "the IPv6 advert with fe80::51 first" "${v6[@]}" --addr fe80::51 --addr fd00::111
positive uni "the unicast advert from the listed peer $(node_ip 2)" --src "$(node_ip 2)" "${uni[@]}"
positive ttl "the advert with TTL 255" "${ttl[@]}"
done_testing
