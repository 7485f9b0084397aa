#!/usr/bin/env bash
# 25: keepalived's track_file against its conversion by the importer, side by
# side. Node 1 runs keepalived (priority 150), node 2 vipd (priority 100) with
# the keepalived config of node 2 converted by scripts/vipd-import-keepalived;
# each tracks two files of its own: "fault" (weight 0) and "prio" (weight
# -60). keepalived 2.2.7 reads a file it cannot open, an empty one and one
# without digits as 0 (strtol): no FAULT with weight 0, nothing added with
# another weight. The converted checks (missing = "zero") must do the same:
#   - both files missing at start: keepalived master, vipd backup (not FAULT),
#     vipd's priority 100 (0 x -60);
#   - "fault" holding 1 on both nodes: both in FAULT, nobody holds the VIP;
#     then missing, empty, or garbage on both: keepalived master, vipd backup
#     (vipd's default, missing = "fail", would stay in FAULT);
#   - "prio" holding 1 on node 1 (150 - 60 = 90): vipd (100) takes over;
#     missing again: keepalived (150) preempts back; on node 2, 1 gives 40,
#     missing 100 again;
#   - "fault" holding 0 but not readable by vipd's user: vipd in FAULT, a
#     failure, not 0 (keepalived, as root, reads the 0: vipd cannot know the
#     value, so it takes the safe side; the one place they differ, on purpose).
# Bounds: a file change is read at once (inotify) on both sides; vipd reads
# an empty or garbled file as 0 once it has stayed so 0.1 s. Leaving FAULT,
# a node is backup first and master after Master_Down_Interval (of priority
# 150 at 0.05 s adverts: 0.17 s); a preemption takes one advert. Each wait
# is 0.1 s + Master_Down_Interval + 1.5 s of margin (two daemons and the
# scripts share a loaded 2-core machine), polled; the outcome, not the time,
# is what this file checks.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require_impl keepalived
vt_require python3
IMPORTER=$VT_SRCDIR/scripts/vipd-import-keepalived
KA=1 VD=2
mdi=$(mdi_ms 150 "$ADVERT")
bound=$(awk -v m="$mdi" 'BEGIN { printf "%.2f\n", (100 + m + 1500) / 1000 }')
diag "Master_Down_Interval(150, ${ADVERT} s) = $mdi ms; each wait: $bound s"
# the tracked files, in a folder vipd's user may list: its inotify watch needs it ($VT_DIR
# is 711), else it would only read them every interval
TFD=$VT_DIR/files
mkdir -m 755 "$TFD"

# ka_conf I PRIO — keepalived's config of node I (write_conf) with its two
# track_file blocks and the instance tracking both; prints its path
ka_conf() {
	local i=$1 f
	f=$(write_conf keepalived "$i" "prio=$2")
	TF="track_file fault {
  file $TFD/n$i.fault
  weight 0
}
track_file prio {
  file $TFD/n$i.prio
  weight -60
}" awk '
		/^vrrp_instance / { print ENVIRON["TF"] }
		/^  virtual_ipaddress \{/ { print "  track_file {\n    fault\n    prio\n  }" }
		{ print }' "$f" >"$f.new" && mv "$f.new" "$f"
	echo "$f"
}

# file_set I NAME missing|empty|garbage|VALUE — the content of node I's file
file_set() {
	local f=$TFD/n$1.$2
	case $3 in
	missing) rm -f "$f" ;;
	empty) : >"$f" ;;
	garbage) echo "abc" >"$f" ;;
	*) echo "$3" >"$f" ;;
	esac
}

# vd_prio_is P — vipd's effective priority is P
vd_prio_is() { [[ "$(status_fields $VD effective_priority)" == "effective_priority=$1" ]]; }
# vd_check I NAME FIELD... — fields of vipd's check NAME ("state=up value=0")
vd_check() {
	node_status "$1" | python3 -c '
import json, sys
d = json.loads(sys.stdin.readline())
for c in d["instances"][0].get("checks", []):
    if c.get("name") == sys.argv[1]:
        print(" ".join("%s=%s" % (f, c.get(f)) for f in sys.argv[2:]))' "$2" "${@:3}" 2>/dev/null
}
# ka_master_vd_backup — keepalived master holding the VIP alone, vipd backup
ka_master_vd_backup() { only_master $KA && state_is $VD BACKUP; }
both_fault() { state_is $KA FAULT && state_is $VD FAULT && holders_are ""; }

c1=$(ka_conf $KA 150)
c2ka=$(ka_conf $VD 100)
# the lab's notify script is keepalived's (vipd's state comes from vipctl); no
# script left, no script_user: vipd runs as its own user, as it would in use
sed -i -e '/^  notify /d' -e '/^  script_user /d' "$c2ka"
c2=$VT_DIR/n$VD.vipd.conf
"$IMPORTER" "$c2ka" >"$c2.body" 2>"$VT_DIR/import.err"
rc=$?
# the lab's control socket and state folder (write_conf's), ahead of the converted file
{
	echo "control_socket = \"$VT_DIR/n$VD.sock\";"
	echo "state_dir = \"$VT_DIR/n$VD.lib\";"
	cat "$c2.body"
} >"$c2"
is "$rc" 0 "the importer converts keepalived's track_file config (exit 0)"
# shellcheck disable=SC2016 # evaluated by eval
check "each track_file becomes a file check with missing = \"zero\"" \
	eval '[[ $(grep -c "type = \"file\"" "$c2.body") == 2 && $(grep -c "missing = \"zero\"" "$c2.body") == 2 ]]'
diag "---- converted:" "$(sed -n '/^checks/,$p' "$c2.body")" "---- importer stderr:" "$(cat "$VT_DIR/import.err")"
if ! ip netns exec "$(node_ns $VD)" "$VIPD_BIN" --check -f "$c2" >"$VT_DIR/check.out" 2>&1; then
	not_ok "vipd --check accepts the converted config"
	diag "$(cat "$VT_DIR/check.out")"
	done_testing
	exit 1
fi

# ---- both files missing at start
rm -f "$TFD"/n[12].fault "$TFD"/n[12].prio
start_node $KA keepalived "$c1"
start_node $VD vipd "$c2"
wait_for 5 node_ready $VD || diag "vipd not ready after 5 s"
if wait_for 5 ka_master_vd_backup; then
	ok "files missing at start: keepalived master, vipd backup, not FAULT ($VT_WAITED_MS ms)"
else
	not_ok "files missing at start: keepalived master, vipd backup, not FAULT ($(vt_state_line))"
	diag "$(vd_check $VD fault state value last)"
fi
is "$(vd_check $VD fault state value missing)" "state=up value=0 missing=zero" \
	"vipd: the missing weight-0 file is up with value 0"
check "vipd: the missing weight -60 file adds nothing (priority 100)" vd_prio_is 100

# ---- weight 0: a value faults both; missing, empty or garbage lifts both
for state in missing empty garbage; do
	file_set $KA fault 1
	file_set $VD fault 1
	if wait_for "$bound" both_fault; then
		ok "fault = 1 on both: both in FAULT, nobody holds the VIP ($VT_WAITED_MS ms)"
	else
		not_ok "fault = 1 on both: both in FAULT, nobody holds the VIP ($(vt_state_line))"
	fi
	file_set $KA fault "$state"
	file_set $VD fault "$state"
	if wait_for "$bound" ka_master_vd_backup; then
		ok "fault $state on both: keepalived master, vipd backup ($VT_WAITED_MS ms)"
	else
		not_ok "fault $state on both: keepalived master, vipd backup ($(vt_state_line))"
		diag "vipd: $(vd_check $VD fault state value last)"
	fi
	is "$(vd_check $VD fault state value)" "state=up value=0" "vipd reads the $state file as 0"
done

# ---- weight -60: a value lowers, missing adds nothing, on both sides
file_set $KA prio 1
if wait_for "$bound" only_master $VD; then
	ok "prio = 1 on keepalived (90): vipd (100) takes over ($VT_WAITED_MS ms)"
else
	not_ok "prio = 1 on keepalived (90): vipd (100) takes over ($(vt_state_line))"
fi
file_set $KA prio missing
if wait_for "$bound" ka_master_vd_backup; then
	ok "prio missing on keepalived (150 again): it preempts back ($VT_WAITED_MS ms)"
else
	not_ok "prio missing on keepalived (150 again): it preempts back ($(vt_state_line))"
fi
file_set $VD prio 1
check "prio = 1 on vipd: priority 40" wait_for "$bound" vd_prio_is 40
file_set $VD prio missing
check "prio missing on vipd: priority 100 again, as keepalived's 0 x -60" wait_for "$bound" vd_prio_is 100

# ---- a file vipd's user may not read: a failure (keepalived, as root, reads its value)
(umask 077 && echo 0 >"$TFD/n$VD.fault.new") && mv "$TFD/n$VD.fault.new" "$TFD/n$VD.fault"
if [[ "$(ps -o user= -p "$(node_pid $VD)" 2>/dev/null)" == root ]]; then
	skip "a file vipd may not read stays a failure" "vipd runs as root here"
else
	# shellcheck disable=SC2016 # evaluated by eval
	check "a file vipd may not read: its check down, the instance in FAULT" \
		wait_for "$bound" eval 'state_is $VD FAULT && [[ $(vd_check $VD fault state) == state=down ]]'
	diag "vipd: $(vd_check $VD fault state last)"
fi
rm -f "$TFD"/n[12].fault "$TFD"/n[12].prio
stop_node $VD
stop_node $KA
done_testing
