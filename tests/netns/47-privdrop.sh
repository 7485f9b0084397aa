#!/usr/bin/env bash
# 47: least privilege (issue 6). vipd starts as root, opens what it needs,
# then runs as the unprivileged user (no `user` key: "vipd"; lib.sh skips
# without one) with CAP_NET_ADMIN and CAP_NET_RAW only — read from
# /proc/PID/status: Uid/Gid, CapEff, CapPrm, CapBnd, CapInh, CapAmb, and
# NoNewPrivs (set by vipd itself: no unit here), inherited by scripts. A check
# script runs as that user with no capability at all, and a check that hangs
# is killed with its process group at its timeout. Everything after the drop
# keeps working: a reload (SIGHUP) adds an IPv6 and an IPv4 instance on VMACs
# (a new raw socket, macvlans made through libnl, their sysctls) and a
# notify_fifo made in vipd's own run folder; a cable pull fails over to node 2
# and back (VIPs removed and added by netlink, takeover measured on the wire,
# events on the FIFO); an unreadable file fails a reload cleanly; a second
# reload deletes the VMACs and restores the sysctls;
# SIGTERM removes the pid file and the control socket and leaves no script; a
# restart takes the run folder back while it makes its files.
# The eval'd conditions are evaluated again at each poll:
# shellcheck disable=SC2016
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2

U=vipd
UID_U=$(id -u "$U") GID_U=$(id -g "$U")
KEEP=0000000000003000 # CAP_NET_ADMIN (12) and CAP_NET_RAW (13)
N1=$(node_ns 1)
RUN=$CK_SDIR/run # made by vipd, handed to $U: pid file, control socket, FIFO
C1=$CK_SDIR/n1.conf
INT=0.1

printf '#!/bin/sh\nsleep 0.4\n' >"$CK_SDIR/slow.sh"
printf '#!/bin/sh\nsleep 30\n' >"$CK_SDIR/hang.sh"
chmod 755 "$CK_SDIR/slow.sh" "$CK_SDIR/hang.sh"

# n1_conf [EXTRA-TOP [EXTRA-INSTANCE]] — node 1's config (priority 150, two
# checks of weight -1: slow passes, hang times out)
n1_conf() {
	cat >"$C1" <<-EOC
		router_id = "n1";
		control_socket = "$RUN/n1.sock";
		state_dir = "$RUN/n1.lib";
		${1:-}
		checks = (
		  { name = "slow"; type = "exec"; command = "$CK_SDIR/slow.sh"; interval = 1.0;
		    timeout = 0.9; rise = 1; fall = 1; weight = -1; },
		  { name = "hang"; type = "exec"; command = "$CK_SDIR/hang.sh"; interval = 1.0;
		    timeout = 0.5; rise = 1; fall = 1; weight = -1; }
		);
		instances = (
		  { name = "web"; interface = "eth0"; vrid = $VRID; priority = 150;
		    advert_interval = $INT; checks = [ "slow", "hang" ];
		    virtual_addresses = [ "$VIP/$VIP_LEN" ]; }${2:-}
		);
	EOC
}
V6_INST=',
  { name = "v6"; interface = "eth0"; vrid = 61; priority = 150; advert_interval = 0.1;
    vmac = true; virtual_addresses = [ "fe80::61/64", "fd00::61/64" ]; },
  { name = "v4"; interface = "eth0"; vrid = 62; priority = 150; advert_interval = 0.1;
    vmac = true; virtual_addresses = [ "198.18.0.162/24" ]; }'

# start_n1 — like start_node, with the pid file and socket in $RUN (made by
# vipd); $VT_DIR/n1.sock points there for the lib's vipctl calls
start_n1() {
	VT_IMPL_OF[1]=vipd
	rm -f "$VT_DIR/n1.main" "$VT_DIR/n1.rc"
	ln -sfn "$RUN/n1.sock" "$VT_DIR/n1.sock"
	(
		ip netns exec "$N1" "$VIPD_BIN" -f "$C1" -n --log-stderr -l debug \
			-p "$RUN/n1.pid" -S "$RUN/n1.sock" >>"$VT_DIR/n1.log" 2>&1 &
		echo $! >"$VT_DIR/n1.main"
		wait $!
		echo $? >"$VT_DIR/n1.rc"
	) 2>>"$VT_DIR/n1.log" &
	wait_for 2 test -s "$VT_DIR/n1.main" && wait_for 5 node_ready 1
}

# status_line PID KEY — the fields of KEY in /proc/PID/status, space-joined
status_line() { awk -v k="$2:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "/proc/$1/status" 2>/dev/null; }
# script_pid ERE — the pid of a process of node 1 whose command line matches
script_pid() {
	local p cl
	for p in $(ip netns pids "$N1" 2>/dev/null); do
		cl=$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") || continue
		[[ $cl =~ $1 ]] && { echo "$p"; return 0; }
	done
	return 1
}
# _snap ERE — read a running script's status (it may end at any time:
# retried until one whole read succeeds) into S_UID S_GID S_CAPS S_BND S_NNP
_snap() {
	local p
	p=$(script_pid "$1") || return 1
	S_UID=$(status_line "$p" Uid) S_GID=$(status_line "$p" Gid) S_BND=$(status_line "$p" CapBnd)
	S_NNP=$(status_line "$p" NoNewPrivs)
	S_CAPS="Eff=$(status_line "$p" CapEff) Prm=$(status_line "$p" CapPrm) Inh=$(status_line "$p" CapInh) Amb=$(status_line "$p" CapAmb)"
	[[ -n "$S_UID" && -n "$S_BND" && -n "$S_NNP" && $S_CAPS != *"=" && $S_CAPS != *"= "* ]]
}
# mask_within A B — hex capability mask A has no bit outside B
mask_within() { (((16#$1 & ~16#$2) == 0)); }
has_link() { ip -n "$N1" link show "$1" >/dev/null 2>&1; }
v6_master() { [[ "$(inst_state 1 v6)" == MASTER ]] && ip -n "$N1" -6 -o addr show dev vrrp6.61 2>/dev/null | grep -q ' fd00::61/'; }
v4_master() { [[ "$(inst_state 1 v4)" == MASTER ]] && ip -n "$N1" -4 -o addr show dev vrrp.62 2>/dev/null | grep -q ' 198\.18\.0\.162/'; }
sysctl_n1() { ip netns exec "$N1" sysctl -n "$1" 2>&1; }
reloaded_n() { grep -c 'reloaded ' "$VT_DIR/n1.log"; }
_reloaded_gt() { (($(reloaded_n) > $1)); }
# reload_n1 — SIGHUP node 1 and wait for its "reloaded" log line
reload_n1() {
	local n
	n=$(reloaded_n)
	kill -HUP "$(node_pid 1)" && wait_for 5 _reloaded_gt "$n"
}

n1_conf
ARP_IGNORE0=$(sysctl_n1 net.ipv4.conf.eth0.arp_ignore)
c2=$(CK_NO_SU=1 ck_conf 2 "" "" prio=100 interval=$INT)
must "node 1 starts (pid file and socket in a run folder it makes)" start_n1
must "node 2 starts" ck_start 2 "$c2"
must "node 1 is the only master" wait_for 5 settled 1
P1=$(node_pid 1)

# ---- vipd itself
is "$(status_line "$P1" Uid)" "$UID_U $UID_U $UID_U $UID_U" "vipd runs as $U: real, effective, saved and fs uid $UID_U"
is "$(status_line "$P1" Gid)" "$GID_U $GID_U $GID_U $GID_U" "vipd's gids are $U's group ($GID_U)"
groups=" $(status_line "$P1" Groups) "
check "vipd keeps no supplementary root group (Groups:$groups)" eval '[[ "$groups" != *" 0 "* ]]'
is "$(status_line "$P1" CapEff) $(status_line "$P1" CapPrm)" "$KEEP $KEEP" \
	"CapEff and CapPrm are CAP_NET_ADMIN + CAP_NET_RAW only"
is "$(status_line "$P1" CapBnd)" "$KEEP" "CapBnd holds only CAP_NET_ADMIN + CAP_NET_RAW"
is "$(status_line "$P1" CapInh) $(status_line "$P1" CapAmb)" "0000000000000000 0000000000000000" \
	"CapInh and CapAmb are empty"
# set by vipd itself (issue 10, item 13): this start has no systemd unit to do it
is "$(status_line "$P1" NoNewPrivs)" 1 "vipd runs with no_new_privs (NoNewPrivs: 1) without a unit"
check "the log says which user vipd runs as" grep -q "running as user $U (uid $UID_U" "$VT_DIR/n1.log"
is "$(stat -c %U "$RUN")" "$U" "vipd's run folder is $U's"
is "$(stat -c '%U %a' "$RUN/n1.sock")" "root 660" "the control socket stays root's, mode 660"

# ---- a running check script
if wait_for 5 _snap 'slow\.sh'; then
	is "$S_UID" "$UID_U $UID_U $UID_U $UID_U" "the check script runs as $U"
	is "$S_GID" "$GID_U $GID_U $GID_U $GID_U" "the check script runs with $U's group"
	is "$S_CAPS" "Eff=0000000000000000 Prm=0000000000000000 Inh=0000000000000000 Amb=0000000000000000" \
		"the check script has no capability (effective, permitted, inheritable, ambient)"
	check "the check script's bounding set is within vipd's ($S_BND)" mask_within "$S_BND" "$KEEP"
	is "$S_NNP" 1 "the check script inherits no_new_privs (NoNewPrivs: 1)"
else
	not_ok "a running slow.sh check script found in node 1 within 5 s"
fi
# hang.sh times out every second: its whole group (sh and its sleep) is killed
check "the timed-out check's process groups are killed: never more than one sleep 30 (3 s)" \
	stable_for 3 _ck_procs_le 1 'sleep 30' 1
check "the hanging check is reported down" ck_state_is 1 hang down

# ---- reload after the drop: a new raw socket (IPv6), a VMAC, a FIFO
n1_conf "notify_fifo = \"$RUN/events\";" "$V6_INST"
must "SIGHUP: node 1 reloads its file as $U" reload_n1
if wait_for 5 v6_master; then
	ok "the new IPv6 instance on VMAC vrrp6.61 is MASTER with fd00::61 ($VT_WAITED_MS ms)"
else
	not_ok "the new IPv6 instance on a VMAC becomes MASTER ($(inst_state 1 v6); $(ip -n "$N1" -o link show type macvlan 2>&1))"
fi
if wait_for 5 v4_master; then
	ok "the new IPv4 instance on VMAC vrrp.62 is MASTER with 198.18.0.162 ($VT_WAITED_MS ms)"
else
	not_ok "the new IPv4 instance on a VMAC becomes MASTER ($(inst_state 1 v4))"
fi
is "$(sysctl_n1 net.ipv4.conf.vrrp/62.accept_local) $(sysctl_n1 net.ipv4.conf.eth0.arp_ignore)" "1 1" \
	"sysctls written as $U: accept_local on vrrp.62, arp_ignore on its parent"
check "the reload made the FIFO $RUN/events" test -p "$RUN/events"
is "$(stat -c '%U %a' "$RUN/events" 2>&1)" "$U 600" "the FIFO is $U's, mode 600"
ck_bg 1 fiforeader python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
out = open(sys.argv[2], "a")
while True:
    b = os.read(fd, 4096)
    out.write(b.decode()); out.flush()' "$RUN/events" "$VT_DIR/events.txt"
# reader_open — the reader holds the FIFO open (events before that are dropped)
reader_open() { find "/proc/$(cat "$VT_DIR/fiforeader.bgpid")/fd" -lname "$RUN/events" 2>/dev/null | grep -q .; }
check "a reader opens the FIFO" wait_for 5 reader_open

# ---- failover after the drop
cap_start pd 1
t=$(now)
cable_pull 1
if wait_for 5 only_master 2; then
	ok "cable pull on node 1: node 2 is the only master ($VT_WAITED_MS ms)"
else
	not_ok "cable pull on node 1: node 2 takes over ($(vt_state_line))"
fi
cap_stop pd
takeover pd 1 2 "$t"
within "$TK_MS" "$(fadd "$(mdi_ms 100 "$INT")" 100)" \
	"on the wire: node 1's last advert -> node 2's first GARP/advert within Master_Down_Interval + 100 ms, ms"
cable_replug 1
if wait_for 5 settled 1; then
	ok "replug: node 1 preempts back, VIP added again ($VT_WAITED_MS ms)"
else
	not_ok "replug: node 1 preempts back ($(vt_state_line))"
fi
diag "pull -> replug -> node 1 master again: $(ms_diff "$t" "$(now)") ms"
check "the FIFO carried node 1's web events (FAULT and MASTER)" \
	wait_for 3 eval 'grep -q "web FAULT" "$VT_DIR/events.txt" && grep -q "web MASTER" "$VT_DIR/events.txt"'
ck_bg_stop fiforeader

# ---- a file the user cannot read: the reload fails, the running config stays
chmod 600 "$C1"
n=$(grep -c 'has errors; the running config stays' "$VT_DIR/n1.log")
kill -HUP "$P1"
check "a config file $U cannot read: the reload says so, the running config stays" \
	wait_for 5 eval '(($(grep -c "has errors; the running config stays" "$VT_DIR/n1.log") > n)) && grep -q "n1.conf: Permission denied" "$VT_DIR/n1.log"'
check "node 1 still masters web and v4 after the failed reload" \
	eval '[[ "$(inst_state 1 web) $(inst_state 1 v4)" == "MASTER MASTER" ]]'
chmod 644 "$C1"

# ---- a reload removes the VMACs
n1_conf
must "SIGHUP: node 1 reloads again" reload_n1
check "the VMACs vrrp6.61 and vrrp.62 are deleted" wait_for 3 eval '! has_link vrrp6.61 && ! has_link vrrp.62'
is "$(sysctl_n1 net.ipv4.conf.eth0.arp_ignore)" "$ARP_IGNORE0" "eth0's arp_ignore is restored"
check "node 1 is still the only master" settled 1
is "$(status_line "$P1" CapEff) $(node_pid 1)" "$KEEP $P1" "same process, same capabilities after the reloads"

# ---- exit
kill -TERM "$P1"
check "SIGTERM: node 1 exits" wait_for 5 _pid_gone "$P1"
is "$(cat "$VT_DIR/n1.rc" 2>/dev/null)" 0 "exit status 0"
check "the pid file is removed at exit" test ! -e "$RUN/n1.pid"
check "the control socket is removed at exit" test ! -e "$RUN/n1.sock"
is "$(ck_procs 1 'slow\.sh|hang\.sh|sleep 30')" 0 "no check script outlives vipd"
check "node 2 takes over" wait_for 5 only_master 2

# ---- a restart with the run folder still $U's: root takes it back while it
# makes its files, then hands it over again
must "node 1 starts again" start_n1
is "$(cat "$RUN/n1.pid" 2>&1) $(stat -c %U "$RUN/n1.pid" "$RUN" | tr "\n" " ")" "$(node_pid 1) root $U " \
	"a new pid file (root's) in the run folder, $U's again"
check "node 1 preempts back" wait_for 5 settled 1
stop_node 1
stop_node 2
done_testing
