#!/usr/bin/env bash
# 74: a check's own `user` and an instance's `notify_user` (issue 11, item 1).
# vipd stays root (script_user "root", so vipd's user is root too) and runs
# three exec checks: "a" as a temporary user A, "b" as a temporary user B, "c"
# without a user (as script_user, root); a failing check "r" has a `recover`
# command and user B; notify_master runs as notify_user A. Each script writes
# `id -u` to a file named by what ran and its user: each ran as its user (A's
# uid, B's uid, 0), the recover command as B, notify_master as A. `vipctl
# --json status` names the check's user. A reload that gives "a" and
# notify_user user B runs them as B from then on (notify_stop at the stop). A
# reload naming a user that does not exist is refused with the file and line
# (the running checks stay), and `vipd --check` refuses a check user or
# notify_user other than vipd's own user when vipd does not stay root. The
# two users are made with useradd --system and deleted at exit (also on
# failure); skipped without useradd.
# The scripts' lines expand later, not here:
# shellcheck disable=SC2016
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 1
vt_require useradd
vt_require userdel
UA=vipdt74a UB=vipdt74b
for u in $UA $UB; do
	id -u "$u" >/dev/null 2>&1 && skip_all "user $u exists on this machine (we delete only users we made)"
done

MADE=() # the users this file created: deleted at exit
cu_cleanup() {
	local rc=$? u
	if ((${#MADE[@]})); then
		vt_destroy # no process may run as them when they are deleted
		for u in "${MADE[@]}"; do
			wait_for 5 userdel "$u" 2>/dev/null || { diag "user $u in use; forced" && userdel -f "$u"; }
		done
	fi
	(exit "$rc")
	ck_cleanup
}
trap cu_cleanup EXIT
for u in $UA $UB; do
	useradd --system --no-create-home --shell /usr/sbin/nologin "$u" || bail_out "useradd $u failed"
	MADE+=("$u")
done
uid_a=$(id -u $UA) uid_b=$(id -u $UB)

OUT=$CK_SDIR/out # written by the checks as A, B and root: one file per check and user
mkdir -p "$OUT" && chmod 1777 "$OUT"
printf '#!/bin/sh\nid -u > %s/"$1.$(id -un)"\n' "$OUT" >"$CK_SDIR/id.sh"
chmod 755 "$CK_SDIR/id.sh"

# conf USER_OF_A NOTIFY_USER — node 1's config: checks a, b, c, r (a as USER_OF_A), and
# notify_master and notify_stop as NOTIFY_USER
conf() {
	ck_conf 1 "    checks = [ \"a\", \"b\", \"c\", \"r\" ];
    notify_master = \"$CK_SDIR/id.sh master\"; notify_stop = \"$CK_SDIR/id.sh stop\";
    notify_user = \"$2\";" "checks = (
$(ck_check_line a exec "command = \"$CK_SDIR/id.sh a\"; weight = -1; user = \"$1\";"),
$(ck_check_line b exec "command = \"$CK_SDIR/id.sh b\"; weight = -1; user = \"$UB\";"),
$(ck_check_line c exec "command = \"$CK_SDIR/id.sh c\"; weight = -1;"),
$(ck_check_line r exec "command = \"/bin/false\"; weight = -1; user = \"$UB\";
    recover = \"$CK_SDIR/id.sh r\"; recover_interval = 60;")
);"
}
_ran_as() { [[ "$(cat "$OUT/$1.$2" 2>/dev/null)" == "$3" ]]; }
# ran CHECK USER UID — the file of CHECK run as USER says UID
ran() {
	if wait_for 3 _ran_as "$1" "$2" "$3"; then
		ok "$4 ran as $2 (id -u: $3)"
	else
		not_ok "$4 ran as $2 (id -u $3): files: $(cd "$OUT" && grep -H . ./* 2>/dev/null | tr '\n' ' ')"
	fi
}

c1=$(conf $UA $UA)
ck_feature "$c1" "a check's user"
must "node 1 starts (as root, checks a as $UA, b as $UB, c as root, notify as $UA)" ck_start 1 "$c1"
check "the log says vipd runs as root" grep -q 'user "root" is root' "$VT_DIR/n1.log"
ran a $UA "$uid_a" 'check "a"'
ran b $UB "$uid_b" 'check "b"'
ran c root 0 'check "c" (no user: script_user)'
ran r $UB "$uid_b" 'the recover command of check "r"'
if wait_for 5 state_is 1 MASTER; then
	ran master $UA "$uid_a" 'notify_master (notify_user)'
else
	not_ok "node 1 becomes master: $(vt_state_line)"
fi
is "$(ck_item 1 a user)" "user=$UA" "vipctl status names check a's user"
is "$(ck_item 1 c user)" "user=<missing>" "vipctl status names no user for check c"
check "a and notify_master ran as nobody else" \
	eval '[[ -z "$(ls "$OUT" | grep -v -e "^a\.$UA\$" -e "^master\.$UA\$" -e "^[bcr]\.")" ]]'

# reload: a and the notify scripts now run as B
conf $UB $UB >/dev/null
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
is "$?" 0 "vipctl reload with a's user and notify_user changed to $UB exits 0 ($out)"
ran a $UB "$uid_b" 'after the reload, check "a"'

# reload refused: a user that does not exist, at its line; a keeps running as B
sed -i "/name = \"a\"/s/user = \"$UB\"/user = \"vipdt74-none\"/" "$c1"
line=$(grep -n 'vipdt74-none' "$c1" | head -n 1 | cut -d: -f1)
rm -f "$OUT/a.$UB"
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
rc=$?
check "vipctl reload with an unknown check user fails (exit $rc)" test "$rc" -ne 0
like "$out" "$c1:$line: check \"a\": user: no user \"vipdt74-none\"" \
	"the reload error names the file and line of a's user"
ran a $UB "$uid_b" 'after the refused reload, check "a" still'
# the notify_user of a refused reload is not taken either
sed -i "s/notify_user = \"$UB\"/notify_user = \"vipdt74-none\"/; /name = \"a\"/s/vipdt74-none/$UB/" "$c1"
line=$(grep -n 'notify_user = "vipdt74-none"' "$c1" | cut -d: -f1)
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
rc=$?
check "vipctl reload with an unknown notify_user fails (exit $rc)" test "$rc" -ne 0
like "$out" "$c1:$line: instance \"web\": notify_user: no user \"vipdt74-none\"" \
	"the reload error names the file and line of notify_user"
stop_node 1
ran stop $UB "$uid_b" 'at the stop, notify_stop (notify_user as reloaded)'

# vipd not staying root (user = A): a check user B is refused, A itself is fine; the same for
# notify_user
c2=$VT_DIR/n1.unpriv.conf
CK_NO_SU=1 ck_conf 1 "    checks = [ \"x\" ];
    notify = \"/bin/true\"; notify_user = \"$UB\";" "user = \"$UA\";
checks = ( $(ck_check_line x exec "command = \"/bin/true\";
    user = \"$UB\";") );" >/dev/null
mv "$VT_DIR/n1.vipd.conf" "$c2"
line=$(grep -n "^    user = \"$UB\"" "$c2" | cut -d: -f1)
nline=$(grep -n "notify_user = \"$UB\"" "$c2" | cut -d: -f1)
out=$(ip netns exec "$(node_ns 1)" "$VIPD_BIN" --check -f "$c2" 2>&1)
rc=$?
check "vipd --check refuses check user and notify_user $UB when vipd runs as $UA (exit $rc)" test "$rc" -ne 0
like "$out" "$c2:$line: check \"x\": user: \"$UB\" differs from user \"$UA\"" \
	"the check's error names the file and line"
like "$out" "$c2:$nline: instance \"web\": notify_user: \"$UB\" differs from user \"$UA\"" \
	"the notify_user error names the file and line"
sed -i "s/user = \"$UB\";/user = \"$UA\";/" "$c2"
out=$(ip netns exec "$(node_ns 1)" "$VIPD_BIN" --check -f "$c2" 2>&1)
rc=$?
is "$rc" 0 "vipd --check accepts check user and notify_user $UA when vipd runs as $UA"
diag "$out"
done_testing
