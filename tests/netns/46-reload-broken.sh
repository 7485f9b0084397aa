#!/usr/bin/env bash
# 46: a reload with a broken file. Node 1 (150) masters three instances (a, b,
# c) against node 2 (100). Node 1's file is replaced by one with two bad values
# (b: priority 300, c: advert_interval "fast"):
#  - `vipctl reload` exits non-zero and prints both errors as FILE:LINE (the
#    lines of the bad keys); the ctl answer is {"ok":false,"error":...,
#    "errors":["FILE:LINE: ...", ...]};
#  - SIGHUP logs the same FILE:LINE errors and "the running config stays";
#  - a syntax error is reported with its line too;
#  - the old config keeps running: same states, priorities, VIPs, no
#    transition, adverts on the wire with no gap over 1.5 x advert_interval;
#  - the file fixed (b at 160), `vipctl reload` exits 0 and b runs at 160;
#  - c removed and d added: the answer counts 1 started, 1 stopped; node 1
#    releases c (node 2 takes it) and masters d.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/multi.sh
. "$(dirname "$0")/multi.sh"
vt_setup 2
vt_require_impl vipd
vt_require python3
ADVERT=0.3
vips="198.18.1.1
198.18.1.2
198.18.1.3"
ip -n "$VT_CL" addr add 198.18.1.200/24 dev eth0

# conf I PRIO B_PRIO C_INTERVAL — node I's config, replaced atomically
conf() {
	local f="$VT_DIR/n$1.rb.conf"
	{
		echo "router_id = \"n$1\";"
		echo "control_socket = \"$VT_DIR/n$1.sock\";"
		echo "state_dir = \"$VT_DIR/n$1.lib\";"
		echo "instances = ("
		echo "  { name = \"a\"; interface = \"eth0\"; vrid = 1; priority = $2;"
		echo "    advert_interval = $ADVERT; virtual_addresses = [ \"198.18.1.1/24\" ]; },"
		echo "  { name = \"b\"; interface = \"eth0\"; vrid = 2;"
		echo "    priority = $3;"
		echo "    advert_interval = $ADVERT; virtual_addresses = [ \"198.18.1.2/24\" ]; },"
		echo "  { name = \"c\"; interface = \"eth0\"; vrid = 3; priority = $2;"
		echo "    advert_interval = $4;"
		echo "    virtual_addresses = [ \"198.18.1.3/24\" ]; }"
		echo ");"
	} >"$f.tmp" && mv "$f.tmp" "$f"
	echo "$f"
}
# line_of FILE TEXT — the line number of the first line holding TEXT
line_of() { grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1; }
converged() {
	all_in 1 MASTER 3 && all_in 2 BACKUP 3 && holds_all 1 "$vips" && holds_none 2 "$vips"
}
# snapshot — node 1's "name state priority effective" lines
snapshot() {
	node_status 1 | python3 -c '
import json, sys
for i in json.loads(sys.stdin.readline())["instances"]:
    print(i["name"], i["state"], i["priority"], i["effective_priority"], i["advert_interval"])'
}
# ctl_raw I — the raw answer line of {"command":"reload"} on node I's socket
ctl_raw() {
	python3 - "$VT_DIR/n$1.sock" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_UNIX)
		s.settimeout(10)
		s.connect(sys.argv[1])
		s.sendall(b'{"command":"reload"}\n')
		buf = b""
		while not buf.endswith(b"\n"):
		    c = s.recv(65536)
		    if not c:
		        break
		    buf += c
		print(buf.decode().strip())
	EOF
}

c1=$(conf 1 150 150 "$ADVERT")
mv "$(conf 2 100 100 "$ADVERT")" "$VT_DIR/n2.conf"
start_node 1 vipd "$c1"
start_node 2 vipd "$VT_DIR/n2.conf"
{ wait_for 10 node_ready 1 && wait_for 10 node_ready 2; } || diag "a node did not answer within 10 s"
if wait_for 10 converged; then ok "node 1 MASTER of a, b, c with their VIPs, node 2 BACKUP"; else
	not_ok "the three instances converge on node 1"
fi
before=$(snapshot)
tr1=$(transitions 1) tr2=$(transitions 2)
cap_start rb 1
t0=$(now)

# ---- two bad values
conf 1 150 300 '"fast"' >/dev/null
lb=$(line_of "$c1" "priority = 300")
lc=$(line_of "$c1" 'advert_interval = "fast"')
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
rc=$?
check "vipctl reload of the broken file exits non-zero (exit $rc)" test "$rc" -ne 0
like "$out" "$c1:$lb:" "vipctl reload prints the error of b as $(basename "$c1"):$lb"
like "$out" "$c1:$lc:" "vipctl reload prints the error of c as $(basename "$c1"):$lc"
diag "vipctl reload said:" "$out"
ans=$(ctl_raw 1)
shape=$(python3 -c '
import json, re, sys
d = json.loads(sys.argv[1])
errs = d.get("errors", [])
print(d.get("ok"), "has errors; the running config stays" in d.get("error", ""),
      ",".join(sorted({m.group(1) for e in errs for m in [re.match(re.escape(sys.argv[2]) + r":(\d+): ", e)] if m}, key=int)))' \
	"$ans" "$c1")
is "$shape" "False True $lb,$lc" "the ctl answer: ok false, the error, and \"errors\" naming lines $lb and $lc of the file"
[[ $shape == "False True $lb,$lc" ]] || diag "answer: $ans"

n=$(grep -c 'has errors; the running config stays' "$VT_DIR/n1.log")
kill -HUP "$(cat "$VT_DIR/n1.pid")"
kept_lines() { grep -c 'has errors; the running config stays' "$VT_DIR/n1.log"; }
more_kept() { (($(kept_lines) > $1)); }
wait_for 5 more_kept "$n"
logged=$(grep -E "reload: $c1:($lb|$lc): " "$VT_DIR/n1.log" | tail -n 2)
check "SIGHUP: the log names $(basename "$c1"):$lb and :$lc and keeps the running config" \
	test "$(grep -c . <<<"$logged")" -eq 2 -a "$(grep -c 'has errors; the running config stays' "$VT_DIR/n1.log")" -gt "$n"
diag "$logged"

# ---- a syntax error
conf 1 150 150 "$ADVERT" >/dev/null
echo "}" >>"$c1"
le=$(wc -l <"$c1")
ans=$(ctl_raw 1)
like "$ans" "\"$c1:[0-9]+: " "a syntax error is reported as FILE:LINE ($(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("errors"))' "$ans" 2>/dev/null))"
diag "syntax error at or before line $le"

# ---- the old config runs on, untouched
sleep_until() { wait_for "$1" false; }
sleep_until 1
t1=$(now)
is "$(snapshot)" "$before" "node 1's instances: same states, priorities and intervals as before the broken reloads"
check "node 1 still holds every VIP, node 2 none" converged
is "$(($(transitions 1) - tr1))/$(($(transitions 2) - tr2))" 0/0 "no transition on either node"
cap_stop rb
f=$(cap_file rb)
worst=$(tshark -r "$f" -Y "vrrp && ip.src == $(node_ip 1)" -T fields -e frame.time_epoch -e vrrp.virt_rtr_id \
	-e vrrp.prio 2>/dev/null | awk -v t0="$t0" -v t1="$t1" '
	$1 + 0 < t0 + 0 || $1 + 0 > t1 + 0 { next }
	$3 != 150 { bad++ }
	{ if (last[$2] != "") { g = ($1 - last[$2]) * 1000; if (g > w) w = g } last[$2] = $1; n[$2]++ }
	END { if (length(n) != 3 || bad) print "missing"; else printf "%.1f\n", w }')
within "$worst" "$(awk -v i="$ADVERT" 'BEGIN { printf "%.1f", 1500 * i }')" \
	"on the wire: a, b and c advertise at 150 with no gap over 1.5 x $ADVERT s through the broken reloads"

# ---- fixed: b at 160
conf 1 150 160 "$ADVERT" >/dev/null
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
rc=$?
is "$rc" 0 "the fixed file reloads (exit 0)"
diag "$out"
is "$(snapshot | awk '$1 == "b" { print $3, $4, $2 }')" "160 160 MASTER" "b runs at priority 160, still MASTER"

# ---- c removed, d added: c stops cleanly (node 2 takes it), d starts
sed -e 's/name = "c"; interface = "eth0"; vrid = 3;/name = "d"; interface = "eth0"; vrid = 4;/' \
	-e 's|198.18.1.3/24|198.18.1.4/24|' "$c1" >"$c1.tmp" && mv "$c1.tmp" "$c1"
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json reload 2>&1)
is "$(python3 -c 'import json, sys; d = json.loads(sys.argv[1]); d = d.get("result", d); print(d["kept"], d["changed"], d["started"], d["stopped"])' "$out" 2>&1)" \
	"2 0 1 1" "c removed, d added: the answer counts 2 kept, 0 changed, 1 started, 1 stopped"
moved() { holds_vip 2 198.18.1.3 && ! holds_vip 1 198.18.1.3 && holds_vip 1 198.18.1.4 && state_of 1 d MASTER; }
state_of() { [[ "$(snapshot | awk -v n="$2" '$1 == n { print $2 }')" == "$3" ]]; }
check "node 1 released c's VIP to node 2 and masters the new d" wait_for 10 moved
done_testing
