#!/usr/bin/env bash
# 17: a master answers a lower-priority advert at once (split-brain repair: an
# advert and a burst of gratuitous ARPs), but a steady stream of them, from a
# router that never hears it, gets re-announces that back off: 2, 4, 8 ...
# (at most 64) of its intervals apart, not one burst per interval.
# Node 1 (150, adverts every 0.1 s, garp_repeat 5, no second burst) is master
# alone; from the client, scapy plays a lower master (100) sending 50 adverts
# 0.1 s apart. Its first advert is answered with a burst at once; the whole
# stream (about 5 s) may get bursts at 0, 0.2, 0.6, 1.4, 3.0 and 6.2 s only.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
vt_setup 1
vt_require_impl "$VT_IMPL"
[[ $VT_IMPL == vipd ]] || skip_all "vipd's re-announce back-off"
vt_require_scapy
IV=0.1
REPEAT=5
INJ=$CLIENT_IP

# announced — node 1's announcements counter (GARPs sent)
announced() {
	"$VIPCTL_BIN" -S "$VT_DIR/n1.sock" --json stats 2>/dev/null | python3 -c '
import json, sys
print(json.loads(sys.stdin.readline())["instances"][0]["counters"]["announcements"])' 2>/dev/null
}
_announced_is() { [[ "$(announced)" == "$1" ]]; }

must "node 1 starts" start_with 1 vipd prio=150 interval=$IV garp_repeat=$REPEAT garp_delay=0
must "node 1 is MASTER" wait_for 2 state_is 1 MASTER
# the takeover burst: REPEAT rounds 10 ms apart
must "node 1's takeover burst is done ($REPEAT GARPs)" wait_for 2 _announced_is "$REPEAT"
a0=$(announced)

cap_start rb 1
inject_bg low --src "$INJ" --dst 224.0.0.18 --vrid "$VRID" --prio 100 --interval "$IV" \
	--addr "$VIP" --phase rfc5798:50 --every "$IV"
must "the injector is done" wait_for 15 phase_is low "done"
# the last burst may still run: REPEAT rounds 10 ms apart; wait until the
# counter is a whole number of bursts
_whole_bursts() { local a; a=$(announced); [[ -n "$a" ]] && ((a > a0 && (a - a0) % REPEAT == 0)); }
wait_for 1 _whole_bursts
cap_stop rb

# On the wire: the injected adverts and node 1's GARPs (times from the capture)
f=$(cap_file rb)
inj=$(tshark -r "$f" -Y "vrrp && ip.src == $INJ" -T fields -e frame.time_relative 2>/dev/null)
garps=$(tshark -r "$f" -Y "arp && arp.src.proto_ipv4 == $VIP" -T fields -e frame.time_relative 2>/dev/null)
is "$(wc -w <<<"$inj")" 50 "tshark: the 50 injected adverts are on the wire"
# bursts: GARPs less than 50 ms apart belong to one (REPEAT x 10 ms)
read -r first span <<<"$(awk 'NR == 1 { f = $1 } { l = $1 } END { printf "%s %.3f\n", f, l - f }' <<<"$inj")"
read -r nb delay sizes <<<"$(awk -v f="$first" '$1 >= f {
	if (p == "" || $1 - p > 0.05) { n++; if (n == 1) d = $1 - f }
	c[n]++; p = $1 }
	END { for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") c[i]
	      if (n) printf "%d %.3f %s\n", n, d, s; else print "0 none -" }' <<<"$garps")"
[[ $delay == none ]] && delay=""
diag "stream of $span s; bursts on the wire: $nb (GARPs per burst: $sizes)"
# at once: within one advert interval (0.1 s) + 0.1 s for a loaded machine
within "$delay" 0.2 "the first lower advert is answered with a burst at once (s)"
# bursts may come at 0, 0.2, 0.6, 1.4, 3.0 and 6.2 s of the stream: at most 6
# while it lasts < 12.6 s (an injector slowed by load); one per interval (the
# unfixed vipd) is ~50
if ((nb >= 1 && nb <= 6)) && fle "$span" 12.6; then
	ok "the ${span} s stream got $nb re-announce bursts (1..6), not one per interval"
else
	not_ok "the ${span} s stream got $nb re-announce bursts, want 1..6"
fi
is "$((($(announced) - a0) % REPEAT)):$((($(announced) - a0) / REPEAT))" "0:$nb" \
	"vipctl stats counts the same bursts of $REPEAT GARPs"
is "$(status_fields 1 state)" "state=MASTER" "node 1 is still MASTER"
done_testing
