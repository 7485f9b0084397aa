#!/usr/bin/env bash
# 49: GET /metrics served by vipd itself (metrics_listen). Node 1 (150, master, adverts every
# 0.1 s) with metrics_listen = "127.0.0.1:9650", node 2 (100) without. Checked:
#  - curl http://127.0.0.1:9650/metrics: 200, the Prometheus content type, Connection: close,
#    the same families as `vipctl metrics`, and the text passes tests/unit/promcheck.py;
#    node 2 listens on nothing;
#  - 404, 405 (Allow: GET) and 400 for another path, another method, a TLS hello;
#  - under abuse (tests/netns/http_abuse.py): 16 silent connections fill every slot, a 17th
#    is closed at once, the 16 are closed after the 5 s time limit, then scrapes succeed; a
#    byte-a-second dribbler is dropped, a client that never reads, garbage and 20 KB headers
#    (431) do not stop a scraper asking every 50 ms; on the wire node 1's adverts keep their
#    interval (no gap over 1.5 x 0.1 s), no state change;
#  - a reload moves the listener to another port (the old one closes); a bad value is refused
#    with its line (vipctl reload exits 1) and the listener stays; removing the key closes it.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 2
vt_require_impl vipd
vt_require python3 curl
ADVERT=0.1
DUR=${VT_HTTP_ABUSE_SECONDS:-6}
BOUND_MS=$(awk -v i="$ADVERT" 'BEGIN { printf "%.0f\n", 1.5 * i * 1000 }')
PROMCHECK=$VT_SRCDIR/tests/unit/promcheck.py
NS1=$(node_ns 1)

c1=$(write_conf vipd 1 prio=150 interval=$ADVERT)
c2=$(write_conf vipd 2 prio=100 interval=$ADVERT)
echo 'metrics_listen = "127.0.0.1:9650";' >>"$c1"
start_node 1 vipd "$c1"
must "node 1 answers" wait_for 5 node_ready 1
start_node 2 vipd "$c2"
must "node 2 answers" wait_for 5 node_ready 2
must "node 1 is master, node 2 backup" wait_for 5 settled 1

# get I PORT PATH [curl args] — status line, headers and body of one request from node I's netns
get() {
	local i=$1 port=$2 path=$3
	shift 3
	ip netns exec "$(node_ns "$i")" curl -s -i --max-time 3 "$@" "http://127.0.0.1:$port$path"
}
status_of() { head -n 1 | tr -d '\r'; }

get 1 9650 /metrics >"$VT_DIR/scrape.txt"
is "$(status_of <"$VT_DIR/scrape.txt")" "HTTP/1.1 200 OK" "GET /metrics: 200"
like "$(tr -d '\r' <"$VT_DIR/scrape.txt" | sed -n '2,/^$/p')" \
	'Content-Type: text/plain; version=0.0.4; charset=utf-8' "the Prometheus text content type"
like "$(tr -d '\r' <"$VT_DIR/scrape.txt" | sed -n '2,/^$/p')" 'Connection: close' "Connection: close"
tr -d '\r' <"$VT_DIR/scrape.txt" | sed '1,/^$/d' >"$VT_DIR/metrics.txt"
if python3 "$PROMCHECK" "$VT_DIR/metrics.txt" >"$VT_DIR/promcheck.out" 2>&1; then
	ok "the text passes the strict Prometheus text checker"
else
	not_ok "the text passes the strict Prometheus text checker"
	diag "$(head -n 20 "$VT_DIR/promcheck.out")"
fi
like "$(cat "$VT_DIR/metrics.txt")" 'vipd_instance_state\{instance="web",state="MASTER"\} 1' \
	"it shows web MASTER"
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" metrics | awk '/^# TYPE/ { print $3 }' | sort >"$VT_DIR/fam.ctl"
awk '/^# TYPE/ { print $3 }' "$VT_DIR/metrics.txt" | sort >"$VT_DIR/fam.http"
if [[ -s "$VT_DIR/fam.ctl" ]] && cmp -s "$VT_DIR/fam.ctl" "$VT_DIR/fam.http"; then
	ok "the same $(wc -l <"$VT_DIR/fam.http") metric families as vipctl metrics"
else
	not_ok "the same metric families as vipctl metrics"
	diag "$(diff "$VT_DIR/fam.ctl" "$VT_DIR/fam.http" | head)"
fi
get 2 9650 /metrics >/dev/null
is "$?" 7 "node 2 (no metrics_listen) listens on nothing (curl: connection refused)"
is "$(get 1 9650 / | status_of)" "HTTP/1.1 404 Not Found" "GET /: 404"
is "$(get 1 9650 /metrics -X POST | status_of)" "HTTP/1.1 405 Method Not Allowed" "POST: 405"
like "$(get 1 9650 /metrics -X DELETE | tr -d '\r')" $'\nAllow: GET\n' "405 says Allow: GET"

# ---- abuse
transitions() { grep -c ' -> ' "$VT_DIR/n$1.log"; }
tr1=$(transitions 1) tr2=$(transitions 2)
pid=$(node_pid 1)
cap_start abuse 1
t0=$(now)
out=$(ip netns exec "$NS1" python3 "$VT_LIB_DIR/http_abuse.py" 127.0.0.1 9650 "$DUR")
t1=$(now)
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
wait_for 2 test "$(count_adverts abuse 1 "$t1")" -ge 2 2>/dev/null
cap_stop abuse
diag "abuse figures:" "$out"
field() { sed -n "s/^$1=//p" <<<"$out"; }

like "$(field notfound) / $(field method) / $(field bad)" \
	'^HTTP/1.1 404 .* / HTTP/1.1 405 .* / HTTP/1.1 400 ' "raw requests: 404, 405, and 400 for a TLS hello"
is "$(field extra_closed)" yes "16 silent connections held: a 17th is closed at once"
is "$(field idle_dropped)" 16 "the 16 silent connections are closed by vipd"
within "$(field idle_dropped_after_max)" 6.5 "... within the 5 s time limit (s, from their connect)"
is "$(field after_limit)" "HTTP/1.1 200 OK" "a scrape after they are gone: 200"
check "a byte-every-0.3-s dribbler is dropped ($(field dribble_dropped) times)" test "$(field dribble_dropped)" -ge 1
check "20 KB headers get 431 ($(field big_431) times)" test "$(field big_431)" -ge 1
check "garbage gets 400 ($(field garbage_400) times)" test "$(field garbage_400)" -ge 1
is "$(field polite_failed)" 0 "the scraper: all $(field polite_ok) scrapes answered during the abuse"
within "$(field polite_worst_ms)" 1000 "the scraper: slowest scrape (ms)"
read -r n mean sd min p99 max < <(advert_spacing abuse 1 "$t0" "$t1")
diag "node 1's advert spacing during the abuse (ms): n=$n mean=$mean sd=$sd min=$min p99=$p99 max=$max"
if ((n >= 10)); then
	within "$max" "$BOUND_MS" "on the wire: node 1's longest advert gap during the abuse (ms)"
else
	not_ok "on the wire: node 1's adverts during the abuse ($n intervals seen)"
fi
is "$(transitions 1) $(transitions 2)" "$tr1 $tr2" "no state change on either node during the abuse"
within "$rss" 65536 "vipd's memory after the abuse (VmRSS, kB)"

# ---- reload
sed -i 's/^metrics_listen = .*/metrics_listen = "127.0.0.1:9651";/' "$c1"
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null
is "$?" 0 "reload with metrics_listen on port 9651: vipctl reload exits 0"
is "$(get 1 9651 /metrics | status_of)" "HTTP/1.1 200 OK" "... 9651 serves"
get 1 9650 /metrics >/dev/null
is "$?" 7 "... 9650 is closed"
sed -i 's/^metrics_listen = .*/metrics_listen = "localhost:9652";/' "$c1"
line=$(grep -n '^metrics_listen' "$c1" | cut -d: -f1)
err=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
is "$?" 1 "a bad metrics_listen: vipctl reload exits 1"
like "$err" "$c1:$line: metrics_listen: \"localhost:9652\"" "... naming FILE:LINE and the key"
is "$(get 1 9651 /metrics | status_of)" "HTTP/1.1 200 OK" "... and 9651 still serves"
sed -i '/^metrics_listen/d' "$c1"
"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload >/dev/null
get 1 9651 /metrics >/dev/null
is "$?" 7 "metrics_listen removed: a reload closes the listener"
check "node 1 still master with the VIP, node 2 backup" settled 1
done_testing
