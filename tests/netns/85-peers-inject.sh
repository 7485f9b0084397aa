#!/usr/bin/env bash
# 85: vipctl peers with hand-made peers (scapy, vrrp_inject.py, from the client
# namespace). Node 1 (priority 100, version "2+3", 1 s adverts) hears:
#  a) 198.18.0.200, a v3 master of priority 200: 20 adverts with the RFC 5798
#     checksum, 20 with the RFC 9568 one, then 12 with a wrong checksum. Node 1
#     lists it (v3, 200, 1 s, now rfc9568, one form change) as its master, flags
#     the checksum form change, and the checksum drops crossing 10.
#  b) 198.18.0.201, a VRRPv2 router claiming priority 255 from an address that
#     is not the VIP: listed as v2 (no checksum form), flagged as an owner.
# Adverts go out every 50 ms whatever their interval field, so the file is short.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/peers.sh
. "$(dirname "$0")/peers.sh"
vt_setup 1
vt_require_impl vipd
vt_require_scapy
ADVERT=1

plan 13

must "node 1 (100, v2+3) starts" start_with 1 vipd prio=100 'version="2+3"'
inject_bg inj --src 198.18.0.200 --dst 224.0.0.18 --vrid "$VRID" --prio 200 --interval 1 \
	--every 0.05 --addr "$VIP" --phase rfc5798:20 --phase rfc9568:20 --phase bad:12
must "a) the injector runs" wait_for 5 phase_is inj rfc5798
# 52 adverts 50 ms apart: 2.6 s, 2 s margin
must "a) the injector is done" wait_for 5 phase_is inj "done"
is "$(peers_get 1 'r(200)["version"], r(200)["priority"], r(200)["advert_interval"], r(200)["checksum_form"], r(200)["checksum_form_changes"]')" \
	"(3, 200, 1.0, 'rfc9568', 1)" "a) 198.18.0.200: v3, 200, 1 s, rfc9568 now, one form change"
is "$(peers_get 1 'r(200)["adverts"], r(200)["master"], p["master"]["address"], p["master"]["self"]')" \
	"(40, True, '198.18.0.200', False)" "a) its 40 good adverts counted; node 1 follows it as master"
is "$(peers_get 1 'p["anomalies"]["checksum_form"], p["anomalies"]["drops"]')" "(1, 1)" \
	"a) one checksum form change, one drop threshold (checksum, 10)"
check "a) the form change is logged" grep -q "web: anomaly checksum_form: 198.18.0.200 changed its checksum form from rfc5798 to rfc9568" "$VT_DIR/n1.log"
check "a) the drops are logged" grep -q "web: anomaly drops: 10 adverts dropped as checksum" "$VT_DIR/n1.log"

inject_bg inj2 --src 198.18.0.201 --dst 224.0.0.18 --vrid "$VRID" --prio 255 --interval 1 \
	--every 0.05 --version 2 --addr "$VIP" --phase v2:10
must "b) the v2 injector is done" wait_for 5 phase_is inj2 "done"
is "$(peers_get 1 'r(201)["version"], r(201)["priority"], r(201)["checksum_form"], r(201)["adverts"]')" \
	"(2, 255, None, 10)" "b) 198.18.0.201: v2, 255, no checksum form, 10 adverts"
is "$(peers_get 1 'p["anomalies"]["owner"], p["anomalies"]["last"]["kind"]')" "(1, 'owner')" \
	"b) flagged as an unexpected owner"
check "b) and logged" grep -q "web: anomaly owner: 198.18.0.201 claims to own the addresses (priority 255)" "$VT_DIR/n1.log"
is "$(peers_get 1 'len(p["routers"]), p["evicted"]')" "(2, 0)" "both routers listed, none evicted"
done_testing
