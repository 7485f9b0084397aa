#!/usr/bin/env bash
# 86: the vipd the Debian package installs (tests/package/run sets VIPD_BIN=/usr/sbin/vipd; any
# vipd otherwise) in a two-node failover, running as the `vipd` system user: after start-up both
# daemons' real, effective, saved and file-system uids (/proc/PID/status Uid:) are vipd's; SIGTERM
# to the master hands the VIP to the backup within Skew_Time + 20 ms of its priority-0 advert
# (RFC 5798 6.4.2: a backup hearing priority 0 waits Skew_Time; 20 ms for this loaded machine),
# polled here with a 3 s bound. vipctl's bash and zsh completions offer the running daemon's
# instance names (vipctl names) and the newer commands and options. Needs a vipd user (the
# package makes one); skipped without it.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
id -u vipd >/dev/null 2>&1 || skip_all "no vipd user on this machine (the package makes one)"
uid=$(id -u vipd)
diag "vipd: $VIPD_BIN ($("$VIPD_BIN" --version | head -n 1))"

# "Uid: real effective saved fs" of pid
uids() { awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status"; }
# every uid of pid is $uid (the switch happens after start-up: polled)
runs_as_vipd() { [[ "$(uids "$1")" == "$uid $uid $uid $uid" ]]; }

must "node 1 (150) master, node 2 (100) backup" start_pair vipd vipd
for i in 1 2; do
	pid=$(node_pid "$i")
	if wait_for 2 runs_as_vipd "$pid"; then
		ok "node $i (pid $pid) runs as vipd (uid $uid): Uid: $(uids "$pid")"
	else
		not_ok "node $i (pid $pid) runs as vipd (uid $uid): Uid: $(uids "$pid")"
	fi
done
# vipctl's bash completion (the package's when VT_COMPLETION says so, else the source tree's)
# completes the commands taking a name with the running daemon's instance names (read with
# `vipctl names`), and the events options
comp=${VT_COMPLETION:-$VT_SRCDIR/conf/completion/vipctl.bash}
sock=$VT_DIR/n1.sock
# bcomp WORD... — what bash's completion offers for the last WORD ("" after a space)
bcomp() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	PATH="$(dirname "$VIPCTL_BIN"):$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1)); _vipctl; echo "${COMPREPLY[*]}"' _ "$comp" "$@"
}
is "$(bcomp vipctl -S "$sock" demote "")" "web" "bash completion: vipctl -S SOCK demote <TAB> offers the running instance, web"
is "$(bcomp vipctl -S "$sock" history "")" "web" "bash completion: history <TAB> offers web"
is "$(bcomp vipctl -S "$sock" peers w)" "web" "bash completion: peers w<TAB> offers web"
is "$(bcomp vipctl -S "$sock" events --since 3 web "")" "web" "bash completion: events takes several names, after --since SEQ"
is "$(bcomp vipctl -S "$sock" events --)" "--follow --since --json" "bash completion: events --<TAB> offers its options"
is "$(bcomp vipctl -S "$sock" events --since "")" "" "bash completion: nothing for --since's number"
is "$(bcomp vipctl -S "$sock" history web "")" "" "bash completion: history takes one name"
like "$(bcomp vipctl "")" "peers events history names" "bash completion: the newer commands"
is "$("$VIPCTL_BIN" -S "$sock" names)" "web" "vipctl names prints the instance names"
# and its zsh completion (the package's directory when VT_ZSH_COMPLETION says so), through an
# interactive zsh in a pseudo-terminal (zsh_complete.zsh)
zcomp() {
	PATH="$(dirname "$VIPCTL_BIN"):$PATH" timeout 20 zsh "$VT_LIB_DIR/zsh_complete.zsh" \
		"${VT_ZSH_COMPLETION:-$VT_SRCDIR/conf/completion}" "$1" | tr '\n' ' '
}
if command -v zsh >/dev/null; then
	is "$(zcomp "vipctl -S $sock demote ")" "web " "zsh completion: vipctl -S SOCK demote <TAB> offers web"
	is "$(zcomp "vipctl --socket=$sock events web ")" "web " "zsh completion: events takes several names"
	is "$(zcomp "vipctl events --")" "--follow --json --since " "zsh completion: events --<TAB> offers its options"
	is "$(zcomp "vipctl ")" "debug demote events garp history metrics names peers promote reload stats status " \
		"zsh completion: the commands"
else
	for d in "demote NAME" "events NAMES" "events options" "commands"; do
		skip "zsh completion: $d" "no zsh (scripts/install-deps installs it)"
	done
fi
cap_start stop 1
t_stop=$(now)
stop_node 1 TERM 5
is "$VT_RC" 0 "node 1 exits 0 on SIGTERM"
if wait_for 3 only_master 2; then
	ok "node 2 is MASTER and holds the VIP ($VT_WAITED_MS ms after the stop returned)"
else
	not_ok "node 2 takes over (state '$(node_state 2)', holders '$(who_holds)')"
fi
cap_stop stop
t0=$(first_advert stop 1 "$t_stop" 0)
check "node 1 sent a priority-0 advert" test -n "$t0"
t1=$(first_announce stop 2 "$t0")
ms=$(ms_diff "$t0" "$t1")
skew=$(skew_ms 100 "$ADVERT")
diag "node 2's first GARP/advert $ms ms after node 1's priority-0 advert; Skew_Time = $skew ms"
within "$ms" "$(fadd "$skew" 20)" "takeover from the priority-0 advert, ms"
check "node 2 still runs as vipd" runs_as_vipd "$(node_pid 2)"
done_testing
