# shellcheck shell=bash
# tests/netns/checks.sh — helpers for the issue-4 scenarios (3x-*.sh): health
# checks, tracked interfaces, sync groups, notify. Sourced after lib.sh.
#
# The usual shape: node 1 (priority 150) carries a check of weight -60, node 2
# (priority 100) none; breaking the service drops node 1 to 90 and node 2
# takes the VIP; repairing it brings node 1 back by preemption.

# Read by the scenarios:
# shellcheck disable=SC2034

CK_PRIO1=150 CK_PRIO2=100 CK_WEIGHT=-60
CK_INTERVAL=0.1 CK_TIMEOUT=0.1 CK_RISE=2 CK_FALL=2
CK_SDIR="" # root-owned folder for scripts (see ck_setup)

# ck_setup N — vt_setup N, plus a folder for scripts that vipd accepts to run
# as root: not under /tmp (world-writable parents make a script unsafe)
ck_setup() {
	vt_setup "$1"
	vt_require_impl vipd
	vt_require python3
	CK_SDIR=$(mktemp -d /run/vipd-t4.XXXXXX 2>/dev/null) || CK_SDIR=$(mktemp -d /var/lib/vipd-t4.XXXXXX 2>/dev/null) ||
		skip_all "no root-owned folder for test scripts (/run, /var/lib)"
	chmod 755 "$CK_SDIR"
	trap ck_cleanup EXIT
}
ck_cleanup() {
	local rc=$?
	[[ -n "$CK_SDIR" && -d "$CK_SDIR" ]] && rm -rf "$CK_SDIR"
	(exit "$rc")
	vt_cleanup
}

# ck_conf I "INSTANCE LINES" "TOP-LEVEL LINES" [key=value...] — node I's vipd
# config from write_conf with extra lines inside the instance and at the top
# level (script_user "root" is set unless CK_NO_SU=1); prints its path
ck_conf() {
	local i=$1 il=$2 tl=$3 f
	shift 3
	f=$(write_conf vipd "$i" "$@")
	CK_IL=$il CK_TL=$tl awk -v su="${CK_NO_SU:-0}" '
		/^    virtual_addresses = / && ENVIRON["CK_IL"] != "" { print ENVIRON["CK_IL"] }
		/^instances = \(/ { if (su != 1) print "script_user = \"root\";"; if (ENVIRON["CK_TL"] != "") print ENVIRON["CK_TL"] }
		{ print }' "$f" >"$f.new" && mv "$f.new" "$f"
	echo "$f"
}

# ck_check_line NAME TYPE "KEYS" — one entry of the top-level `checks` list
# with the scenario timing (interval, timeout, rise, fall, weight) unless KEYS
# sets them
ck_check_line() {
	local k=" $3" key v
	for key in interval timeout rise fall weight; do
		[[ $k =~ [\ \;]$key\ = ]] && continue
		v=CK_${key^^}
		k="$k $key = ${!v};"
	done
	k=${k# }
	echo "  { name = \"$1\"; type = \"$2\"; $k }"
}

# ck_feature CONF WHAT — `vipd --check` on CONF (in node 1's namespace): skip
# the whole file when the keys are unknown (the feature is not built yet);
# any other error fails the file
ck_feature() {
	local out rc
	out=$(ip netns exec "$(node_ns 1)" "$VIPD_BIN" --check -f "$1" 2>&1)
	rc=$?
	((rc == 0)) && return 0
	if grep -qiE 'unknown key|not supported|unsupported' <<<"$out"; then
		skip_all "feature not built ($2): $(head -n 1 <<<"$out")"
	fi
	not_ok "vipd --check accepts the $2 config (exit $rc)"
	diag "$out" "---- $1:" "$(cat "$1")"
	done_testing
	exit 1
}

# ck_start I CONF — start vipd with CONF on node I, wait until it answers
ck_start() {
	start_node "$1" vipd "$2"
	wait_for 5 node_ready "$1" || { diag "node $1 not ready after 5 s"; return 1; }
}

# ck_bg I NAME CMD... — run CMD in node I's namespace in the background (its
# pid in $VT_DIR/NAME.bgpid); vt_destroy kills it with the namespace
ck_bg() {
	local i=$1 name=$2
	shift 2
	ip netns exec "$(node_ns "$i")" "$@" >>"$VT_DIR/$name.bglog" 2>&1 &
	echo $! >"$VT_DIR/$name.bgpid"
	# no "Killed" job notice when ck_bg_stop ends it
	disown $!
}
# ck_bg_stop NAME — SIGKILL a ck_bg process and wait until it is gone
ck_bg_stop() {
	local p
	p=$(cat "$VT_DIR/$1.bgpid" 2>/dev/null) || return 1
	kill -KILL "$p" 2>/dev/null
	wait_for 2 _pid_gone "$p"
	rm -f "$VT_DIR/$1.bgpid"
	return 0
}
# ck_listening I PORT — something listens on TCP PORT in node I's namespace
ck_listening() { [[ -n "$(ip netns exec "$(node_ns "$1")" ss -Hltn "sport = :$2" 2>/dev/null)" ]]; }

# ck_tcp_server I PORT — a tiny TCP listener on 127.0.0.1:PORT in node I
ck_tcp_server() {
	ck_bg "$1" "tcp$2" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()' "$2"
	wait_for 3 ck_listening "$1" "$2"
}

# ck_http_server I PORT CTL — an HTTP server on 127.0.0.1:PORT in node I that
# answers every GET with the status written in the file CTL ("200", "500"...)
# and body "status N" ("CODE TEXT": body TEXT), or never answers while CTL
# says "hang"
ck_http_server() {
	ck_bg "$1" "http$2" python3 -c '
import http.server, sys, time
ctl = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            mode = open(ctl).read().strip()
        except OSError:
            mode = "500"
        if mode == "hang":
            time.sleep(60)
            return
        code, _, text = mode.partition(" ")
        body = ((text or "status " + code) + "\n").encode()
        self.send_response(int(code))
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class S(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()' "$2" "$3"
	wait_for 3 ck_listening "$1" "$2"
}

# ck_item I NAME [FIELD...] — from node I's status: the entry NAME of the
# first instance's "checks" or "track_interfaces" (or top-level ones), as
# "field=value ..." for FIELD (default: state); "missing" when absent
ck_item() {
	node_status "$1" | python3 -c '
import json, sys
name, fields = sys.argv[1], sys.argv[2:] or ["state"]
try:
    d = json.loads(sys.stdin.readline())
except Exception as e:
    print("invalid status JSON: %s" % e); sys.exit(0)
cands = []
for inst in d.get("instances", []):
    cands += inst.get("checks", []) or []
    cands += inst.get("track_interfaces", []) or []
cands += d.get("checks", []) or []
for c in cands:
    if isinstance(c, dict) and c.get("name") == name:
        out = []
        for f in fields:
            if f not in c and f != fields[0]:
                continue
            v = c.get(f, "<missing>")
            if isinstance(v, float): v = "%g" % v
            if isinstance(v, bool): v = "true" if v else "false"
            out.append("%s=%s" % (f, v))
        print(" ".join(out)); sys.exit(0)
print("missing")' "$2" "${@:3}"
}
# ck_item_json I NAME — the whole entry NAME (diagnostics)
ck_item_json() {
	node_status "$1" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
for inst in d.get("instances", []):
    for c in (inst.get("checks") or []) + (inst.get("track_interfaces") or []):
        if isinstance(c, dict) and c.get("name") == sys.argv[1]:
            print(json.dumps(c)); sys.exit(0)
for c in d.get("checks") or []:
    if isinstance(c, dict) and c.get("name") == sys.argv[1]:
        print(json.dumps(c)); sys.exit(0)
print("missing")' "$2" 2>&1
}
# ck_state_is I NAME STATE — the check NAME on node I reports STATE (up/down)
ck_state_is() { [[ "$(ck_item "$1" "$2")" == "state=$3" ]]; }

# ck_procs I ERE — how many processes of node I's namespace have a command
# line matching ERE (arguments joined by spaces)
ck_procs() {
	local p n=0 cl
	for p in $(ip netns pids "$(node_ns "$1")" 2>/dev/null); do
		cl=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		[[ $cl =~ $2 ]] && n=$((n + 1))
	done
	echo "$n"
}
_ck_procs_le() { (($(ck_procs "$1" "$2") <= $3)); }
_ck_procs_none() { (($(ck_procs "$1" "$2") == 0)); }

# ck_failover CAP T_BREAK BOUND_MS WHAT — after a break at T_BREAK (the
# capture CAP running since before it): node 2 must become the only master
# (3 s at most); then CAP is stopped and read: node 1's first lowered advert
# (priority CK_PRIO1 + CK_WEIGHT) and node 2's first GARP/advert. TAP: node
# 2's takeover within BOUND_MS of the break. Sets CK_DETECT_MS (break ->
# lowered advert) and CK_TAKE_MS (break -> node 2 acts as master).
ck_failover() {
	local cap=$1 t=$2 bound=$3 what=$4 low first
	if wait_for 3 only_master 2; then
		ok "$what: node 2 is MASTER and holds the VIP ($VT_WAITED_MS ms after the break, by polling)"
	else
		not_ok "$what: node 2 takes over ($(vt_state_line))"
	fi
	cap_stop "$cap"
	first=$(first_announce "$cap" 2 "$t")
	low=$(first_advert "$cap" 1 "$t" $((CK_PRIO1 + CK_WEIGHT)))
	CK_DETECT_MS=$(ms_diff "$t" "$low") CK_TAKE_MS=$(ms_diff "$t" "$first")
	diag "$what: break -> node 1 advertises priority $((CK_PRIO1 + CK_WEIGHT)): ${CK_DETECT_MS:-none} ms;" \
		"break -> node 2's first GARP/advert: ${CK_TAKE_MS:-none} ms (bound $bound ms)"
	within "$CK_TAKE_MS" "$bound" "$what: on the wire, node 2 owns the VIP within the bound after the break, ms"
}
# ck_preempt CAP T_FIX BOUND_MS WHAT — after the repair at T_FIX (capture CAP
# running) node 1 must be the only master again (3 s at most); TAP: its first
# advert at priority CK_PRIO1 after T_FIX within BOUND_MS. Sets CK_BACK_MS.
ck_preempt() {
	local cap=$1 t=$2 bound=$3 what=$4 first
	if wait_for 3 settled 1; then
		ok "$what: node 1 preempts back ($VT_WAITED_MS ms after the repair, by polling)"
	else
		not_ok "$what: node 1 preempts back ($(vt_state_line))"
	fi
	cap_stop "$cap"
	first=$(first_advert "$cap" 1 "$t" "$CK_PRIO1")
	CK_BACK_MS=$(ms_diff "$t" "$first")
	diag "$what: repair -> node 1's first advert at priority $CK_PRIO1: ${CK_BACK_MS:-none} ms (bound $bound ms)"
	within "$CK_BACK_MS" "$bound" "$what: on the wire, node 1 is master again after rise successes, ms"
}

# ck_bounds PRIO_BACKUP — CK_FAIL_BOUND = fall × interval + MDI(backup) + 100,
# CK_BACK_BOUND = (rise + 1) × interval + MDI(node 1) + 100 (the repair lands
# anywhere in an interval; node 1, a backup again, waits out its own
# Master_Down_Interval before it preempts)
ck_bounds() {
	CK_FAIL_BOUND=$(awk -v f="$CK_FALL" -v i="$CK_INTERVAL" -v m="$(mdi_ms "${1:-$CK_PRIO2}" "$ADVERT")" \
		'BEGIN { printf "%.1f\n", f * i * 1000 + m + 100 }')
	CK_BACK_BOUND=$(awk -v r="$CK_RISE" -v i="$CK_INTERVAL" -v m="$(mdi_ms "$CK_PRIO1" "$ADVERT")" \
		'BEGIN { printf "%.1f\n", (r + 1) * i * 1000 + m + 100 }')
}

# ck_pair CONF1 [CONF2] — start node 1 (CONF1) and node 2 (CONF2, default a
# plain priority-CK_PRIO2 config); node 1 must end up the only master
ck_pair() {
	local c2=${2:-}
	[[ -n "$c2" ]] || c2=$(write_conf vipd 2 prio="$CK_PRIO2")
	ck_start 1 "$1" && ck_start 2 "$c2" && wait_for 5 settled 1
}

# ck_cycle NAME CHECK BREAK_CMD FIX_CMD [any] — one break/repair cycle
# of the check CHECK on node 1: BREAK_CMD (a command line, eval'd) at a
# measured moment, node 2 takes over within CK_FAIL_BOUND (ck_bounds first),
# node 1's status shows CHECK down (with "any": some state, for a file
# check whose value is a weight, not a failure) and the lowered priority;
# FIX_CMD (measured from its return), node 1 preempts back within
# CK_BACK_BOUND and shows CHECK up.
# 7 TAP lines.
ck_cycle() {
	local name=$1 chk=$2 brk=$3 fix=$4 down=${5:-down} t
	cap_start "$name" 1
	t=$(now)
	eval "$brk"
	ck_failover "$name" "$t" "$CK_FAIL_BOUND" "$name"
	if [[ $down == any ]]; then
		like "$(ck_item 1 "$chk")" '^state=[a-z]+$' "$name: node 1's status shows $chk's state"
	elif wait_for 1 ck_state_is 1 "$chk" down; then
		ok "$name: node 1's status shows $chk down ($(ck_item 1 "$chk" state successes failures))"
	else
		not_ok "$name: node 1's status shows $chk down: $(ck_item_json 1 "$chk")"
	fi
	is "$(status_fields 1 effective_priority)" "effective_priority=$((CK_PRIO1 + CK_WEIGHT))" \
		"$name: node 1's effective priority is $CK_PRIO1 $CK_WEIGHT"
	diag "$name: $chk on node 1: $(ck_item_json 1 "$chk")"
	cap_start "$name-fix" 2
	# the repair counts from when FIX_CMD returns (a restarted server
	# listens by then; python's start-up is no part of vipd's reaction)
	eval "$fix"
	t=$(now)
	ck_preempt "$name-fix" "$t" "$CK_BACK_BOUND" "$name"
	if wait_for 1 ck_state_is 1 "$chk" up; then
		ok "$name: node 1's status shows $chk up again ($(ck_item 1 "$chk" state successes failures))"
	else
		not_ok "$name: node 1's status shows $chk up again: $(ck_item_json 1 "$chk")"
	fi
}

# ck_lan2 — a second LAN: bridge br1 in the switch, eth1 in every node (port
# qI), node I is 198.19.0.I/24
ck_lan2() {
	local i ns
	ip -n "$VT_SW" link add br1 type bridge stp_state 0 forward_delay 0 mcast_snooping 0 || return 1
	ip -n "$VT_SW" link set br1 up || return 1
	for i in $(seq 1 "$VT_NODES"); do
		ns=$(node_ns "$i")
		ip -n "$ns" link add eth1 type veth peer name "q$i" netns "$VT_SW" || return 1
		ip -n "$VT_SW" link set "q$i" master br1 up || return 1
		ip -n "$ns" link set eth1 up || return 1
		ip -n "$ns" addr add "198.19.0.$i/24" dev eth1 || return 1
	done
}

# inst_state I NAME — the state of node I's instance NAME
inst_state() {
	node_status "$1" | python3 -c '
import json, sys
try:
    for inst in json.loads(sys.stdin.readline())["instances"]:
        if inst["name"] == sys.argv[1]:
            print(inst["state"])
except Exception:
    pass' "$2"
}
