#!/usr/bin/env bash
# 22: both IPv4 checksum forms of VRRPv3 are accepted, whatever we send.
# From the client namespace, scapy (vrrp_inject.py) plays a master of
# priority 200: 2 s of adverts with the RFC 5798 checksum (IPv4 pseudo-header),
# then 2 s with the RFC 9568 one (message only). Node 1 (priority 100,
# checksum = "rfc9568") must stay BACKUP behind it all along (Master_Down_Interval
# is 180 ms: a rejected form would make it MASTER), name 198.18.0.200 as the
# master and count each form in its status ("checksum_forms"); when the
# injection stops it takes over. tshark then checks node 1's own adverts:
# Good with vrrp.v3_checksum_as_in_v2:TRUE, and not Good without.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 1
vt_require_impl "$VT_IMPL"
vt_require_scapy
INJ=198.18.0.200

# forms I — node I's "checksum_forms" as "rfc5798=N rfc9568=M"
forms() {
	node_status "$1" | python3 -c '
import json, sys
i = json.loads(sys.stdin.readline())["instances"][0]
f = i.get("checksum_forms", {})
print("rfc5798=%s rfc9568=%s checksum-drops=%s" % (f.get("rfc5798"), f.get("rfc9568"),
      i.get("drops", {}).get("checksum", 0)))' 2>/dev/null
}

_master_is() { [[ "$(node_status "$1" | json_field master_address)" == "$2" ]]; }

cap_start cs
inject_bg inj --src "$INJ" --dst 224.0.0.18 --vrid "$VRID" --prio 200 --interval "$ADVERT" \
	--addr "$VIP" --phase rfc5798:40 --phase rfc9568:40
must "the injector sends RFC 5798-form adverts" wait_for 5 phase_is inj rfc5798
start_with 1 "$VT_IMPL" prio=100 checksum=rfc9568
if wait_for 2 state_is 1 BACKUP; then
	ok "node 1 (100) is BACKUP behind the injected master (200, RFC 5798 form)"
else
	not_ok "node 1 (100) is BACKUP behind the injected master ($(vt_state_line))"
fi
if [[ $VT_IMPL == vipd ]]; then
	wait_for 1 _master_is 1 "$INJ" # it has heard the injected master
	like "$(forms 1)" '^rfc5798=[1-9][0-9]* rfc9568=0 checksum-drops=0$' \
		"node 1 counted the RFC 5798 form only so far ($(forms 1))"
fi
check "and stays BACKUP while the RFC 5798 form is on the wire" backup_during 1 inj rfc5798
if [[ $VT_IMPL == keepalived ]]; then
	# keepalived 2.2.7 takes the other form only with v3_checksum_as_v2 (and then only it)
	skip "node 1 stays BACKUP while the RFC 9568 form is on the wire" "keepalived rejects it"
else
	check "node 1 stays BACKUP while the RFC 9568 form is on the wire (2 s)" backup_during 1 inj rfc9568
fi
if [[ $VT_IMPL == vipd ]]; then
	is "$(status_fields 1 state master_address)" "state=BACKUP master_address=$INJ" \
		"node 1's status names the injected master"
	like "$(forms 1)" '^rfc5798=[1-9][0-9]* rfc9568=(3[5-9]|40) checksum-drops=0$' \
		"node 1 counted both forms, no checksum drop ($(forms 1); 40 of each sent)"
fi
wait_for 3 phase_is inj "done"
if wait_for 2 state_is 1 MASTER; then
	ok "the injection stopped: node 1 takes over ($VT_WAITED_MS ms)"
else
	not_ok "the injection stopped: node 1 takes over ($(vt_state_line))"
fi
check "node 1 steady as MASTER for 0.3 s" stable_for 0.3 only_master 1
cap_stop cs

# the injected packets, as tshark sees them (this checks the injector)
f=$(cap_file cs)
g5=$(tshark -r "$f" -Y "vrrp && ip.src == $INJ && vrrp.checksum.status == \"Good\"" 2>/dev/null | wc -l)
g9=$(tshark -r "$f" -o vrrp.v3_checksum_as_in_v2:TRUE \
	-Y "vrrp && ip.src == $INJ && vrrp.checksum.status == \"Good\"" 2>/dev/null | wc -l)
is "$g5/$g9" "40/40" "tshark: 40 injected adverts Good as RFC 5798, 40 Good as RFC 9568"
if [[ $VT_IMPL == vipd ]]; then
	wire_check cs 1 100 -o vrrp.v3_checksum_as_in_v2:TRUE
	bad=$(tshark -r "$f" -Y "vrrp && ip.src == $(node_ip 1) && vrrp.checksum.status == \"Good\"" 2>/dev/null | wc -l)
	is "$bad" 0 "none of node 1's rfc9568 adverts passes as the RFC 5798 form"
fi
done_testing
