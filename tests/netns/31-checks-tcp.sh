#!/usr/bin/env bash
# 31: a tcp check (connect to a tiny python3 listener in node 1's namespace,
# interval 0.1 s, fall 2, rise 2, weight -60): stopping the listener drops node
# 1 from 150 to 90 and node 2 owns the VIP within fall × interval +
# Master_Down_Interval + 100 ms of the stop, measured on the wire; restarting
# it brings node 1 back by preemption; vipctl status shows the check state.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
PORT=8081

c1=$(ck_conf 1 '    checks = [ "svc" ];' \
	"checks = ( $(ck_check_line svc tcp "host = \"127.0.0.1\"; port = $PORT;") );" prio=$CK_PRIO1)
ck_feature "$c1" "tcp check"

must "the TCP listener runs in node 1" ck_tcp_server 1 $PORT
must "node 1 (150, tcp check) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's check is up" wait_for 2 ck_state_is 1 svc up
ck_bounds "$CK_PRIO2"
ck_cycle tcp svc 'ck_bg_stop tcp$PORT' 'ck_tcp_server 1 $PORT'
done_testing
