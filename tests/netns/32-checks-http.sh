#!/usr/bin/env bash
# 32: an http check (GET of a tiny python3 server in node 1's namespace,
# expect_status 200, expect_body "status 200", interval 0.1 s, timeout 0.1 s,
# fall 2, rise 2, weight -60). Three breaks, each measured on the wire (node 2
# owns the VIP within fall × interval + Master_Down_Interval + 100 ms; with a
# server that never answers, fall × (interval + timeout) + ...): the server
# answers 500; it answers 200 with another body; it never answers. After each
# repair node 1 preempts back; vipctl status shows the check state.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
PORT=8080 CTL=$VT_DIR/http.ctl

c1=$(ck_conf 1 '    checks = [ "web-http" ];' \
	"checks = ( $(ck_check_line web-http http "url = \"http://127.0.0.1:$PORT/health\"; expect_status = 200; expect_body = \"status 200\";") );" \
	prio=$CK_PRIO1)
ck_feature "$c1" "http check"

echo 200 >"$CTL"
must "the HTTP server runs in node 1" ck_http_server 1 $PORT "$CTL"
must "node 1 (150, http check) master, node 2 (100) backup" ck_pair "$c1"
must "node 1's check is up" wait_for 2 ck_state_is 1 web-http up
ck_bounds "$CK_PRIO2"
ck_cycle http-500 web-http 'echo 500 >"$CTL"' 'echo 200 >"$CTL"'
ck_cycle http-body web-http 'echo "200 maintenance" >"$CTL"' 'echo 200 >"$CTL"'
# shellcheck disable=SC2034 # read by ck_cycle
CK_FAIL_BOUND=$(awk -v f="$CK_FALL" -v i="$CK_INTERVAL" -v t="$CK_TIMEOUT" -v m="$(mdi_ms "$CK_PRIO2" "$ADVERT")" \
	'BEGIN { printf "%.1f\n", f * (i + t) * 1000 + m + 100 }')
ck_cycle http-hang web-http 'echo hang >"$CTL"' 'echo 200 >"$CTL"'
done_testing
