#!/usr/bin/env bash
# 87: without a vipd user, a root vipd whose config names no `user` refuses to start rather than
# run as nobody (whom any other nobody process can signal; issue 15); `user = "nobody"` written
# starts it as nobody; the machine's vipd user starts it as vipd. "Without a vipd user" is a
# mount namespace in which /etc/passwd and /etc/group lack vipd (bind-mounted copies): the
# machine's users are never touched. `vipd --check` passes there: the file is valid (the
# importer checks its output on any machine); the machine lacks the user. Each start of a pair is bounded by start_pair (5 s per
# node ready, then VT_SETTLE 5 s to settle); a refusal is an exit within 2 s (before any socket).
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require unshare mount

# a vipd that sees no vipd user: its own mount namespace with filtered copies of the files
REAL_VIPD=$VIPD_BIN
vt_vipd_nouser

uid_of() { awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status"; }
runs_as() { [[ "$(uid_of "$1")" == "$2 $2 $2 $2" ]]; }

# ---- a) no vipd user, no `user`: refused, with the useradd line; nothing on the wire
VIPD_BIN=$VT_DIR/vipd-nouser
conf=$(write_conf vipd 1 prio=150)
start_node 1 vipd "$conf"
if wait_for 2 test -s "$VT_DIR/n1.rc"; then
	is "$(cat "$VT_DIR/n1.rc")" 1 "a) no vipd user, no user: vipd exits 1 ($VT_WAITED_MS ms)"
else
	not_ok "a) no vipd user, no user: vipd exits within 2 s (still running)"
	stop_node 1 KILL 2
fi
check "a) its error names the useradd line and user = \"nobody\"" \
	grep -q 'no user "vipd" on this system, and user is not set: create it (useradd --system --no-create-home --shell /usr/sbin/nologin vipd), or write user = "nobody"' "$VT_DIR/n1.log"
check "a) vipd --check passes: the file is valid, the machine lacks the user" \
	ip netns exec "$(node_ns 1)" "$VT_DIR/vipd-nouser" --check -f "$conf"
check "a) no VIP anywhere" holders_are ""
rm -f "$VT_DIR/n1.rc"

# ---- b) no vipd user, user = "nobody" written: starts, runs as nobody
nobody=$(id -u nobody)
write_nobody() { local f; f=$(write_conf vipd "$1" prio="$2"); sed -i '1a user = "nobody";' "$f"; echo "$f"; }
c1=$(write_nobody 1 150) c2=$(write_nobody 2 100)
start_node 1 vipd "$c1"
start_node 2 vipd "$c2"
must "b) user = \"nobody\": node 1 master, node 2 backup" wait_for 10 settled 1
for i in 1 2; do
	check "b) node $i runs as nobody (uid $nobody): Uid: $(uid_of "$(node_pid "$i")")" \
		wait_for 2 runs_as "$(node_pid "$i")" "$nobody"
done
stop_node 1
stop_node 2

# ---- c) the machine's vipd user, no `user`: runs as vipd
VIPD_BIN=$REAL_VIPD
uid=$(id -u vipd)
must "c) the vipd user: node 1 master, node 2 backup" start_pair vipd vipd
for i in 1 2; do
	check "c) node $i runs as vipd (uid $uid)" wait_for 2 runs_as "$(node_pid "$i")" "$uid"
done
done_testing
