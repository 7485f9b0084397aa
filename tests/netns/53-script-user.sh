#!/usr/bin/env bash
# 53: scripts run whoever vipd runs as (issue 10, item 0). A pair with an
# `exec` check and a notify script on both nodes and no script_user: vipd
# starts as root and drops to its user, and scripts run as that user. On each
# node the check passes (successes counted, no failure), the effective
# priority is the configured one (150 and 100: never lowered by the check's
# weight -60), the notify script ran (its line says which user ran it) and the
# log has no "Operation not permitted". Run twice: with `user = "nobody"`
# written (vipd never drops to nobody unless told, issue 15), and without
# `user` (the vipd user: tests/netns/run makes one when the machine has none).
# The scripts' and eval'd lines expand later, not here:
# shellcheck disable=SC2016
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
OUT=$CK_SDIR/out # written by the notify scripts (as vipd or nobody)
mkdir -p "$OUT" && chmod 1777 "$OUT"
# one notify script per node: its output file names the node
for i in 1 2; do
	printf '#!/bin/sh\necho "$(id -un) $1 $2 $3" >> %s/n%s.notified\n' "$OUT" "$i" >"$CK_SDIR/notify$i.sh"
	chmod 755 "$CK_SDIR/notify$i.sh"
done

# conf I PRIO [TOP] — node I: check "svc" (/bin/true, weight -60, fall 1) and a
# notify script; no script_user; TOP: more top-level keys (user = ...)
conf() {
	CK_NO_SU=1 CK_FALL=1 ck_conf "$1" "    notify = \"$CK_SDIR/notify$1.sh\";
    checks = [ \"svc\" ];" "${3:-}checks = ( $(CK_FALL=1 ck_check_line svc exec 'command = "/bin/true";') );" \
		prio="$2"
}
# _ran I — node I's check has passed 3 times and never failed
_ran() { [[ "$(ck_item "$1" svc state successes failures)" =~ ^state=up\ successes=([0-9]+)\ failures=0$ ]] &&
	((BASH_REMATCH[1] >= 3)); }
_notified() { grep -qx "$2" "$OUT/n$1.notified" 2>/dev/null; }

# pass LABEL USER [TOP] — one run of the pair (TOP: more top-level keys); USER is who the
# scripts must run as
pass() {
	local label=$1 u=$2 c1 c2 i p
	rm -f "$OUT"/n*.notified
	c1=$(conf 1 150 "${3:-}") c2=$(conf 2 100 "${3:-}")
	must "$label: node 1 (150) master, node 2 (100) backup" ck_pair "$c1" "$c2"
	check "$label: the log says vipd runs as $u" grep -q "running as user $u " "$VT_DIR/n1.log"
	for i in 1 2; do
		p=$((i == 1 ? 150 : 100))
		if wait_for 3 _ran "$i"; then
			ok "$label: node $i's exec check ran and passed ($(ck_item "$i" svc state successes failures))"
		else
			not_ok "$label: node $i's exec check ran and passed: $(ck_item_json "$i" svc)"
		fi
		is "$(status_fields "$i" effective_priority)" "effective_priority=$p" \
			"$label: node $i's effective priority is its configured $p"
	done
	check "$label: node 1's notify script ran as $u: \"$u web MASTER 150\"" wait_for 3 _notified 1 "$u web MASTER 150"
	check "$label: node 2's notify script ran as $u: \"$u web BACKUP 100\"" wait_for 3 _notified 2 "$u web BACKUP 100"
	diag "$label: notify lines: $(cat "$OUT"/n*.notified 2>/dev/null | tr '\n' ';')"
	check "$label: no \"Operation not permitted\" in either log" \
		eval '! grep -h "not permitted" "$VT_DIR/n1.log" "$VT_DIR/n2.log"'
	stop_node 1
	stop_node 2
	# the next pass appends to the same logs
	for i in 1 2; do mv "$VT_DIR/n$i.log" "$VT_DIR/n$i.$label.log"; done
}

pass "user nobody" nobody 'user = "nobody"; '
pass "vipd user" vipd
done_testing
