#!/usr/bin/env bash
# 37: a tcp check with `recover`: stopping the test server moves the VIP to
# node 2 (on the wire, within fall × interval + Master_Down_Interval + 100
# ms); the recover command (run once when the check goes down) restarts the
# server 1 s later in node 1's namespace; the check rises and node 1 takes
# the VIP back by preemption. The recover command ran exactly once.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
vt_require setsid
PORT=8082 COUNT=$VT_DIR/recover.count
cat >"$CK_SDIR/tcpsrv.py" <<'EOP'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
EOP
# the restarted server runs in its own session: the recover's process group
# is killed at its timeout, the server must outlive it
REC="/bin/sh -c 'echo ran >> $COUNT; setsid /bin/sh -c \\\"sleep 1; exec python3 $CK_SDIR/tcpsrv.py $PORT\\\" </dev/null >/dev/null 2>&1 &'"
c1=$(ck_conf 1 '    checks = [ "svc" ];' \
	"checks = ( $(ck_check_line svc tcp "host = \"127.0.0.1\"; port = $PORT; recover = \"$REC\"; recover_interval = 60.0;") );" \
	prio=$CK_PRIO1)
ck_feature "$c1" "recover"

must "the TCP listener runs in node 1" ck_tcp_server 1 $PORT
must "node 1 (150, tcp check with recover) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's check is up" wait_for 2 ck_state_is 1 svc up
ck_bounds "$CK_PRIO2"

cap_start recover 1
t=$(now)
ck_bg_stop tcp$PORT
ck_failover recover "$t" "$CK_FAIL_BOUND" "recover"
check "the recover command ran" wait_for 2 test -s "$COUNT"
if wait_for 3 ck_listening 1 $PORT; then
	ok "the recover command restarted the server ($(ms_diff "$t" "$(now)") ms after the stop)"
else
	not_ok "the recover command restarted the server (count file: '$(cat "$COUNT" 2>/dev/null)')"
fi
check "the check rises" wait_for 2 ck_state_is 1 svc up
if wait_for 3 settled 1; then
	ok "node 1 takes the VIP back by preemption ($(ms_diff "$t" "$(now)") ms after the stop)"
else
	not_ok "node 1 takes the VIP back ($(vt_state_line))"
fi
check "node 1 stays master with the check up (0.5 s)" stable_for 0.5 eval 'settled 1 && ck_state_is 1 svc up'
is "$(grep -c . "$COUNT" 2>/dev/null)" 1 "the recover command ran exactly once"
is "$(ck_item 1 svc recover_runs)" "recover_runs=1" "node 1's status counts one recover run"
diag "svc: $(ck_item_json 1 svc)" "log: $(grep -i recover "$VT_DIR/n1.log" | tail -n 3)"
done_testing
