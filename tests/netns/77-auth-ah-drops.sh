#!/usr/bin/env bash
# 77: what auth_type = "ah" drops, between two vipd nodes (node 1 master at 150, node 2 backup at
# 100, VRRPv2 with AH): from the client's namespace, node 1's first captured advert sent again
# (a replay: its sequence number is below the last one node 2 took) is counted by node 2 as
# "ah-replay"; the latest one with its sequence number raised (the ICV no longer matches) as
# "ah-icv"; neither changes a state, and node 2 keeps taking node 1's own adverts. Then node 2
# with another auth_pass drops every advert of node 1 as "ah-icv" and, deaf to it, becomes
# master too within Master_Down_Interval(100) + 1 s: the password keeps the pair apart.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
mode_set v2
VT_CONF_DEFAULTS+=(auth_type=ah)
mdi=$(mdi_ms 100 "$ADVERT")
diag "VRRPv2 IPv4 multicast, auth_type AH keyed with auth_pass '$M_AUTH', ${ADVERT} s adverts" "Master_Down_Interval(100) = $mdi ms"

# drops I — node I's drop counters as "icv=N replay=M auth=K"
drops() {
	node_status "$1" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())["instances"][0].get("drops", {})
print("icv=%d replay=%d auth=%d" % (d.get("ah-icv", 0), d.get("ah-replay", 0), d.get("auth", 0)))
' 2>/dev/null
}
# _drops_are I WANT — node I's drops read WANT
_drops_are() { [[ "$(drops "$1")" == "$2" ]]; }
# received — node 2's count of adverts taken (`vipctl --json stats`)
received() {
	"$VIPCTL_BIN" -S "$VT_DIR/n2.sock" --json stats 2>/dev/null | python3 -c '
import json, sys
print(json.loads(sys.stdin.read())["instances"][0]["counters"]["adverts_received"])' 2>/dev/null
}
_received_gt() { (($(received) > $1)); }

# send_from_capture CAP WHICH [SEQ] — send node 1's first or last AH advert of capture CAP
# again from the client's namespace (spoofed source, as an attacker on the link can), with
# its AH sequence number replaced by SEQ when given
send_from_capture() {
	ip netns exec "$VT_CL" python3 - "$(cap_file "$1")" "$(node_ip 1)" "$2" "${3:-}" <<'PY'
import socket, struct, sys
path, src, which, seq = sys.argv[1], socket.inet_aton(sys.argv[2]), sys.argv[3], sys.argv[4]
data = open(path, "rb").read()
little = data[:4] == b"\xd4\xc3\xb2\xa1"
off, found = 24, []
while off + 16 <= len(data):
    caplen = struct.unpack("<I" if little else ">I", data[off + 8:off + 12])[0]
    frame = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    ip = frame[14:]
    if len(ip) >= 20 and ip[9] == 51 and ip[12:16] == src:
        found.append(bytearray(ip[:struct.unpack("!H", ip[2:4])[0]]))
pkt = found[0] if which == "first" else found[-1]
if seq:
    hl = (pkt[0] & 15) * 4
    pkt[hl + 8:hl + 12] = struct.pack("!I", int(seq))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.0.200"))
s.sendto(bytes(pkt), (socket.inet_ntoa(pkt[16:20]), 0))
print("seq %d" % struct.unpack("!I", pkt[(pkt[0] & 15) * 4 + 8:(pkt[0] & 15) * 4 + 12])[0])
PY
}

must "node 1 (vipd, 150) master, node 2 (vipd, 100) backup, auth AH" start_pair vipd vipd
cap_start ah 1
# three adverts of node 1 on the wire at 1 s: the first is then old
wait_for 4 _received_gt 3 || diag "node 2 took $(received) adverts"
before=$(drops 2)
is "$before" "icv=0 replay=0 auth=0" "node 2 dropped nothing so far"
sent=$(send_from_capture ah first)
diag "replayed node 1's first captured advert ($sent)"
if wait_for 2 _drops_are 2 "icv=0 replay=1 auth=0"; then
	ok "node 2 counts the replayed advert as ah-replay ($VT_WAITED_MS ms)"
else
	not_ok "node 2 counts the replayed advert as ah-replay ($(drops 2))"
fi
sent=$(send_from_capture ah last 4000000000)
diag "sent node 1's latest advert with its sequence number raised ($sent)"
if wait_for 2 _drops_are 2 "icv=1 replay=1 auth=0"; then
	ok "node 2 counts the advert with a changed sequence number as ah-icv ($VT_WAITED_MS ms)"
else
	not_ok "node 2 counts the changed advert as ah-icv ($(drops 2))"
fi
# the raised number was not taken: node 1's next adverts still pass
n=$(received)
if wait_for 3 _received_gt "$n"; then
	ok "node 2 still takes node 1's adverts ($VT_WAITED_MS ms)"
else
	not_ok "node 2 still takes node 1's adverts (received stays $n, $(drops 2))"
fi
check "node 1 master, node 2 backup after the injections" settled 1
cap_stop ah

# node 2 with another password: every advert of node 1 fails its ICV
stop_node 2
conf=$(write_conf vipd 2 auth_pass=0ther)
start_node 2 vipd "$conf"
wait_for 3 node_ready 2 || diag "node 2 did not answer"
wait_pull=$(awk -v m="$mdi" 'BEGIN { printf "%.1f", m / 1000 + 1 }')
if wait_for "$wait_pull" state_is 2 MASTER; then
	ok "node 2 with another auth_pass hears no master: MASTER ($VT_WAITED_MS ms)"
else
	not_ok "node 2 with another auth_pass becomes MASTER (state '$(node_state 2)')"
fi
like "$(drops 2)" '^icv=[1-9][0-9]* replay=0 auth=0$' "node 2 counted node 1's adverts as ah-icv"
done_testing
