#!/usr/bin/env bash
# 26: auth_type = "ah" (VRRPv2 inside keepalived's IPsec AH, HMAC-MD5-96 keyed with auth_pass) on a
# virtual MAC instance: adverts leaving from the VMAC (vmac / use_vmac), from the interface
# (vmac_xmit_base), and from the interface to a unicast peer (vmac_xmit_base with unicast_peers,
# where keepalived needs it). vipd on both nodes and keepalived with vipd (keepalived master first;
# with vmac_xmit_base also vipd master first). Each round: node 1 (150) the only master for 2 s,
# node 2 (100) silent and, as vipd, taking every advert (adverts_received rises, no drop in `vipctl
# --json stats`); a cable pull of node 1 gives the VRID to node 2 within Master_Down_Interval(100) +
# 20 ms of node 1's last advert on the wire; the replug gives it back (preempt); a SIGTERM of node 1
# hands over within Skew_Time(100) + 20 ms of its priority-0 advert (AH as the others). On the wire
# every advert of either node is AH (protocol 51, SPI = its source, next header 112, Auth Type 2,
# TTL 255, to 224.0.0.18 or the peer) from the virtual MAC 00:00:5e:00:01:VRID, or the node's own
# MAC with vmac_xmit_base (as keepalived sends them); each carries the ICV RFC 2402 gives for its
# own bytes and zero auth data (recomputed here from the capture, so that a fault both vipd nodes
# share, such as a field signed that keepalived does not sign, shows too); the sequence numbers of
# the VRID rise across both failovers (each new master counts on from the last number it heard: one
# counter, keepalived's rule; the yielding master's two last adverts included) and a vipd node's
# ah_sequence is the last one on the wire. Neither node dropped an advert (vipd: no drop of any
# reason, keepalived: no IPSEC-AH error). Then vmac_xmit_base changed by a reload (in place, as the
# README says): the master's AH adverts move from the VMAC to eth0 and back, no state changes, each
# advert signed and taken. Last, AH with IPv6 is refused by vipd --check with a FILE:LINE error,
# whatever the version: AH is VRRPv2 and VRRPv2 is IPv4 only.
# vt-timeout: 300
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
vt_require tshark
mode_set v2
VT_CONF_DEFAULTS+=(auth_type=ah vmac=true)
mdi=$(mdi_ms 100 "$ADVERT")
mdi150=$(mdi_ms 150 "$ADVERT")
skew=$(skew_ms 100 "$ADVERT")
diag "VRRPv2 IPv4, auth_type AH keyed with auth_pass '$M_AUTH', VMAC $(vmac_mac), ${ADVERT} s adverts" \
	"Master_Down_Interval(100) = $mdi ms, Master_Down_Interval(150) = $mdi150 ms, Skew_Time(100) = $skew ms"
# polling bounds: the protocol's interval plus 1 s for the start of the daemon or the link
wait_pull=$(awk -v m="$mdi" 'BEGIN { printf "%.1f", m / 1000 + 1 }')
wait_back=$(awk -v m="$mdi150" 'BEGIN { printf "%.1f", m / 1000 + 1 }')
wait_stop=$(awk -v m="$skew" 'BEGIN { printf "%.1f", m / 1000 + 1 }')

conf=$(write_conf vipd 1 prio=150 vmac_xmit_base=true)
if ! grep -q 'auth_type = "ah";' "$conf" || ! grep -q 'vmac = true;' "$conf" ||
	! grep -q 'vmac_xmit_base = true;' "$conf"; then
	bail_out "write_conf wrote no auth_type, vmac or vmac_xmit_base"
fi
must_check "vipd --check accepts auth_type = \"ah\" with vmac and vmac_xmit_base" "$conf"

# stats_of I — node I's (vipd) "received=N drops={...} unmatched={...}" from vipctl --json stats
stats_of() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json stats 2>/dev/null | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
c = d["instances"][0]["counters"]
print("received=%d drops=%s unmatched=%s" % (c["adverts_received"],
      json.dumps(c.get("drops", {}), sort_keys=True), json.dumps(d.get("unmatched_drops", {}))))
' 2>/dev/null
}
received() { local s; s=$(stats_of "$1"); s=${s#received=}; echo "${s%% *}"; }
_received_gt() { local r; r=$(received "$1"); ((${r:-0} > $2)); }
# no_drops TAG I — a vipd node I took every advert: no drop of any reason, its own or unmatched
no_drops() {
	local s
	s=$(stats_of "$2")
	like "$s" '^received=[0-9]+ drops=\{\} unmatched=\{\}$' "$1: vipd (node $2) dropped nothing ($s)"
}
# no_ka_complaint TAG I — keepalived (node I) logged no IPSEC-AH error (bad ICV or SPI, a
# sequence number already seen); "Syncing seq_num" (it counts on from a number it heard) is none
# (the lines of this round only: a log grows from round to round)
declare -A LOG_FROM=()
ka_ah_errors() {
	tail -n "+${LOG_FROM[$1]:-1}" "$VT_DIR/n$1.log" | grep -i 'ipsec' | grep -v 'Syncing seq_num'
}
no_ka_complaint() {
	local c
	c=$(ka_ah_errors "$2" | grep -c .)
	is "$c" 0 "$1: keepalived (node $2) logged no IPSEC-AH error"
	((c == 0)) || diag "$(ka_ah_errors "$2" | head -n 3)"
}

# ah_adverts TAG — every AH packet of capture TAG: "EPOCH SRC SEQ ICV AUTH" (ICV good or bad,
# AUTH zero when the VRRP message's 8 bytes of auth data are, as keepalived sends them). The
# ICV is recomputed from the frame as RFC 2402 3.3.3.1 and keepalived do: HMAC-MD5 keyed with
# auth_pass NUL-padded to 8 bytes over the IP header (TOS, fragment field and checksum zeroed,
# the TTL too when unicast; the Identification kept), the AH header with its ICV zeroed and
# the VRRP message, truncated to 12 bytes
ah_adverts() {
	python3 - "$(cap_file "$1")" "$M_AUTH" <<'PY'
import hmac, socket, struct, sys
data = open(sys.argv[1], "rb").read()
key = sys.argv[2].encode()[:8].ljust(8, b"\0")
end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
nano = data[:4] in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
off = 24
while off + 16 <= len(data):
    sec, frac, caplen = struct.unpack(end + "III", data[off:off + 12])
    frame = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if len(frame) < 14 or frame[12:14] != b"\x08\x00":
        continue
    ip = frame[14:]
    if len(ip) < 20 or ip[9] != 51:
        continue
    hl = (ip[0] & 15) * 4
    tot = struct.unpack("!H", ip[2:4])[0]
    if len(ip) < tot or tot < hl + 24:
        print("%d.%09d %s - short" % (sec, frac if nano else frac * 1000, socket.inet_ntoa(ip[12:16])))
        continue
    h = bytearray(ip[:tot])
    if not 224 <= ip[16] < 240:
        h[8] = 0  # unicast: the TTL is left out too (keepalived's rule)
    h[1] = 0
    h[6:8] = b"\0\0"
    h[10:12] = b"\0\0"
    icv = bytes(h[hl + 12:hl + 24])
    h[hl + 12:hl + 24] = bytes(12)
    good = hmac.new(key, bytes(h), "md5").digest()[:12] == icv
    print("%d.%09d %s %d %s %s" % (sec, frac if nano else frac * 1000, socket.inet_ntoa(ip[12:16]),
          struct.unpack("!I", ip[hl + 8:hl + 12])[0], "good" if good else "bad",
          "zero" if ip[tot - 8:tot] == bytes(8) else "set"))
PY
}

# ah_wire TAG N KIND — node N's adverts in capture TAG: all AH as keepalived sends them, from
# the VMAC (KIND vmac) or node N's own MAC (xbase, ucast), to the group or (ucast) the peer
# (an ICMP error quoting one, as a stopped unicast peer sends, is no advert)
ah_wire() {
	local tag=$1 n=$2 kind=$3 src spi mac total bad dst=224.0.0.18 edst=01:00:5e:00:00:12
	src=$(node_ip "$n")
	# shellcheck disable=SC2086 # one argument per byte of the address
	spi=$(printf '0x%02x%02x%02x%02x' ${src//./ })
	if [[ $kind == vmac ]]; then mac=$(vmac_mac); else mac=$(node_mac "$n"); fi
	[[ $kind == ucast ]] && dst=$(node_ip $((3 - n))) edst=$(node_mac $((3 - n)))
	total=$(tshark -r "$(cap_file "$tag")" -Y "!icmp && ip.src == $src && ip.proto == 51" -T fields \
		-e frame.number 2>/dev/null | grep -c .)
	bad=$(tshark -r "$(cap_file "$tag")" -Y "!icmp && ip.src == $src && (vrrp || ah) && !(ip.proto == 51 &&
		ah.spi == $spi && ah.next_header == 112 && ip.ttl == 255 && ip.dst == $dst &&
		eth.dst == $edst && eth.src == $mac && vrrp.version == 2 &&
		vrrp.type == 1 && vrrp.virt_rtr_id == $VRID && vrrp.auth_type == 2 &&
		vrrp.adver_int == $ADVERT)" -T fields \
		-e frame.number -e eth.src -e ip.proto -e ip.ttl -e ah.spi -e vrrp.auth_type 2>/dev/null)
	if ((total > 0)) && [[ -z $bad ]]; then
		ok "$tag: node $n (${VT_IMPL_OF[$n]}) sent its $total adverts to $dst in AH from $mac (protocol 51, SPI $src, Auth Type 2, TTL 255)"
	else
		not_ok "$tag: node $n (${VT_IMPL_OF[$n]})'s adverts in AH from $mac ($(grep -c . <<<"$bad") of $total not)"
		diag "frame eth.src proto ttl spi auth_type:" "$(head -n 5 <<<"$bad")"
	fi
}

# seq_rise TAG [WHEN] — the AH sequence numbers of every advert in capture TAG, both nodes in
# time order, rise strictly (WHEN, default across both failovers: node 2 counted on from node
# 1's last number, node 1 from node 2's), each advert signed as it should be (ah_adverts).
# Sets SEQ_LAST (the last number on the wire)
seq_rise() {
	local tag=$1 f="$VT_DIR/$1.ah" line
	ah_adverts "$tag" | sort -n >"$f"
	line=$(awk '{ printf "%s:%s ", ($2 == "'"$(node_ip 1)"'" ? "n1" : "n2"), $3 }' "$f")
	SEQ_LAST=$(awk 'END { print $3 }' "$f")
	if [[ -s $f ]] && awk 'NR > 1 && $3 + 0 <= p { exit 1 } { p = $3 + 0 }' "$f"; then
		ok "$tag: the AH sequence numbers rise ${2:-across both failovers} ($(head -n1 "$f" | cut -d' ' -f3)..$SEQ_LAST)"
	else
		not_ok "$tag: the AH sequence numbers rise ${2:-across both failovers}"
	fi
	diag "$tag: sequence by sender: $line"
	local bad
	bad=$(awk '$4 != "good" || $5 != "zero"' "$f")
	if [[ -s $f && -z $bad ]]; then
		ok "$tag: each of the $(grep -c . "$f") AH adverts carries the ICV of its own bytes (HMAC-MD5-96, key '$M_AUTH') and zero auth data"
	else
		not_ok "$tag: AH adverts with a wrong ICV or auth data: $(grep -c . <<<"$bad") of $(grep -c . "$f")"
		diag "$(head -n 5 <<<"$bad")"
	fi
}

# ah_seq_of I — node I's (vipd) ah_sequence in vipctl --json status
ah_seq_of() { local s; s=$(status_fields "$1" ah_sequence); echo "${s#ah_sequence=}"; }

# round TAG IMPL_OF_NODE1 IMPL_OF_NODE2 KIND — node 1 is 150, node 2 is 100; KIND vmac (adverts
# from the VMAC), xbase (vmac_xmit_base: from eth0) or ucast (vmac_xmit_base, unicast peers)
round() {
	local tag=$1 a=$2 b=$3 kind=$4 keys=() n r i via t_seq t_stop t_p0 t1
	local -A aseq=()
	# shellcheck disable=SC2002 # no log yet before the first round: cat says nothing, wc 0
	for i in 1 2; do LOG_FROM[$i]=$(($(cat "$VT_DIR/n$i.log" 2>/dev/null | wc -l) + 1)); done
	case $kind in
	vmac) via="adverts from the VMAC" ;;
	xbase) keys=(vmac_xmit_base=true) via="adverts from eth0 (vmac_xmit_base)" ;;
	ucast) keys=(vmac_xmit_base=true unicast=1) via="unicast adverts from eth0 (vmac_xmit_base)" ;;
	esac
	pair_steady "$tag" "$a" "$b" "auth AH, $via" "${keys[@]}"
	if [[ $b == vipd ]]; then
		# the backup took node 1's adverts (one a second), not one dropped
		r=$(received 2)
		if wait_for 3 _received_gt 2 "${r:-0}"; then
			ok "$tag: vipd (node 2, backup) takes node 1's AH adverts ($(received 2) so far)"
		else
			not_ok "$tag: vipd (node 2, backup) takes node 1's AH adverts (received stays ${r:-?})"
		fi
		no_drops "$tag" 2
	fi
	pair_pull "$tag" "$b" "$mdi" "$wait_pull"
	# two adverts of the new master (1 s apart) before node 1 comes back
	two_more "$tag" 2
	cable_replug 1
	# node 1 comes back as backup, hears node 2's adverts (and their sequence numbers) and,
	# preempting, takes over when its Master_Down_Interval(150) runs out
	if wait_for "$wait_back" settled 1; then
		ok "$tag: replug -> node 1 ($a) preempts back ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: replug -> node 1 ($a) preempts back (holders '$(who_holds)')"
	fi
	# two more adverts of node 1 as master
	two_more "$tag" 1
	# a vipd node's ah_sequence: the master's is the last it sent, the backup's the last it
	# took (one off when an advert crossed the query); and nothing dropped by either
	t_seq=$(now)
	for i in 1 2; do
		[[ ${VT_IMPL_OF[$i]} == vipd ]] || continue
		aseq[$i]=$(ah_seq_of "$i")
		no_drops "$tag" "$i"
	done
	# a graceful stop of node 1: its priority-0 advert (AH too) hands over within Skew_Time
	t_stop=$(now)
	stop_node 1 TERM 5
	[[ $a == vipd ]] && is "$VT_RC" 0 "$tag: node 1 (vipd) exits 0 on SIGTERM"
	if wait_for "$wait_stop" only_master 2; then
		ok "$tag: SIGTERM of node 1 -> node 2 ($b) is MASTER and holds the VIP"
	else
		not_ok "$tag: SIGTERM of node 1 -> node 2 ($b) takes over ($(vt_state_line))"
	fi
	two_more "$tag" 2
	cap_stop "$tag"
	t_p0=$(first_advert "$tag" 1 "$t_stop" 0)
	t1=""
	[[ -n $t_p0 ]] && t1=$(first_announce "$tag" 2 "$t_p0")
	r=$(ms_diff "$t_p0" "$t1")
	diag "priority-0 advert $(ms_diff "$t_stop" "$t_p0") ms after SIGTERM; node 2's first advert/announcement $r ms after it"
	within "$r" "$(fadd "$skew" 20)" "$tag: takeover by $b after node 1's priority-0 advert, ms"
	ah_wire "$tag" 1 "$kind"
	ah_wire "$tag" 2 "$kind"
	seq_rise "$tag"
	n=$(awk -v t="$t_seq" '$1 + 0 < t + 0 { s = $3 } END { print s }' "$VT_DIR/$tag.ah")
	for i in 1 2; do
		[[ -n ${aseq[$i]:-} ]] || continue
		r=${aseq[$i]}
		if [[ -n $n ]] && ((r >= n - 1 && r <= n + 1)); then
			ok "$tag: vipd (node $i) reported ah_sequence $r, the last on the wire then ($n)"
		else
			not_ok "$tag: vipd (node $i) reported ah_sequence '$r', the wire's last then is '$n'"
		fi
	done
	[[ $b == vipd ]] && no_drops "$tag" 2
	for i in 1 2; do
		[[ ${VT_IMPL_OF[$i]} == keepalived ]] && no_ka_complaint "$tag" "$i"
	done
	reset_nodes
}
# cap_adverts CAP NODE — how many AH adverts of NODE capture CAP holds so far (its text copy);
# _cap_adverts_ge CAP NODE N — at least N
cap_adverts() { grep -cE -- " $(node_ip "$2") > [0-9.]+: AH\([^)]*\): VRRP" "$VT_DIR/$1.txt"; }
_cap_adverts_ge() { (($(cap_adverts "$1" "$2") >= $3)); }
# two_more CAP NODE — wait until NODE sent two more adverts (3 s at most: two 1 s intervals and
# a margin)
two_more() {
	local n
	n=$(cap_adverts "$1" "$2")
	wait_for 3 _cap_adverts_ge "$1" "$2" $((n + 2)) || diag "node $2 sent $(cap_adverts "$1" "$2") adverts"
}

round vmac-vipd vipd vipd vmac
round vmac-ka-master keepalived vipd vmac
round xbase-vipd vipd vipd xbase
round xbase-ka-master keepalived vipd xbase
round xbase-vipd-master vipd keepalived xbase
round ucast-vipd vipd vipd ucast
round ucast-ka-master keepalived vipd ucast

# reload_to I XBASE — write node I's config with vmac_xmit_base = XBASE and reload it: prints
# "kept changed started stopped" from vipctl's answer
reload_to() {
	write_conf vipd "$1" prio=150 "vmac_xmit_base=$2" >/dev/null
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json reload 2>&1 | python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
    d = d.get("result", d)
    print(d["kept"], d["changed"], d["started"], d["stopped"])
except Exception as e:
    print("invalid answer: %s" % e)'
}
# macs_of CAP I AFTER BEFORE — the source MACs of node I's adverts in CAP between two times
macs_of() {
	tshark -r "$(cap_file "$1")" -Y "!icmp && ip.proto == 51 && ip.src == $(node_ip "$2") &&
		frame.time_epoch > $3 && frame.time_epoch < $4" -T fields -e eth.src 2>/dev/null | sort -u | paste -sd' ' -
}
# transitions_of I — node I's (vipd) state changes so far, as "FROM->TO:N ..."
transitions_of() {
	"$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json stats 2>/dev/null | python3 -c '
import json, sys
t = json.loads(sys.stdin.read())["instances"][0]["counters"]["transitions"]
print(" ".join("%s:%d" % (k, t[k]) for k in sorted(t)))' 2>/dev/null
}

# vmac_xmit_base applies in place on a reload (README), AH too: node 1 stays master while its
# adverts move from the VMAC to eth0 and back, each signed and taken by node 2
must "reload: node 1 (vipd, 150) master, node 2 (vipd, 100) backup, AH from the VMAC" start_pair vipd vipd
cap_start reload 1
two_more reload 1
t_a=$(now)
is "$(reload_to 1 true)" "0 1 0 0" "reload: vmac_xmit_base = true changes node 1's instance in place"
t_b=$(now)
two_more reload 1
t_c=$(now)
is "$(reload_to 1 false)" "0 1 0 0" "reload: vmac_xmit_base = false changes it back in place"
t_d=$(now)
two_more reload 1
cap_stop reload
is "$(macs_of reload 1 0 "$t_a")|$(macs_of reload 1 "$t_b" "$t_c")|$(macs_of reload 1 "$t_d" "$(now)")" \
	"$(vmac_mac)|$(node_mac 1)|$(vmac_mac)" \
	"reload: node 1's adverts leave from the VMAC, then from eth0 ($(node_mac 1)), then from the VMAC"
is "$(transitions_of 1) / $(transitions_of 2)" "BACKUP->MASTER:1 INIT->BACKUP:1 / INIT->BACKUP:1" \
	"reload: no state change on either node"
seq_rise reload "across both reloads"
no_drops reload 2
reset_nodes

# AH with IPv6: refused at its line, whatever the version
for v in 2 '"2+3"' 3; do
	conf=$(write_conf vipd 1 prio=150 "version=$v" vip=fd00::100/64 vmac_xmit_base=true)
	out=$("$VIPD_BIN" --check -f "$conf" 2>&1)
	rc=$?
	like "$rc $(head -n 1 <<<"$out")" \
		"^1 ${conf//./\\.}:[0-9]+: instances\[0\]\.(auth_pass|auth_type|virtual_addresses\[0\]): .*(version 2|version = 2).*" \
		"vipd --check refuses AH with IPv6 (version = $v) at its line: $(head -n 1 <<<"$out" | sed 's/^[^:]*://')"
done
done_testing
