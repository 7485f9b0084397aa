#!/usr/bin/env bash
# 41: a second vipd started with exactly the running one's command line (same
# config, pidfile and control socket) finds the pidfile locked: it exits 1
# naming the pidfile and the running pid, and touches nothing. The first keeps
# its VIP (no address deletion seen by `ip monitor` during the attempt), its
# control socket and its pidfile; the peer sees no extra adverts. `vipd --check`
# needs no lock. After a clean stop the socket and pidfile are gone, and a
# stale pidfile (a killed run's: nobody holds its lock) does not stop a start.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2

INT=0.1
ns1=$(node_ns 1)
# The pidfile and socket in a folder vipd makes and hands to its user, so
# that it can remove them at exit (start_node's VT_RUN_DIR).
RUN=$CK_SDIR/run
pidf=$RUN/n1.pid
sock=$RUN/n1.sock
conf1=$(write_conf vipd 1 prio=150 interval=$INT)
# (node_ready: vipctl status through $VT_DIR/n1.sock, a link to $sock)
start_n1() { VT_RUN_DIR=$RUN start_node 1 vipd "$conf1" && wait_for 5 node_ready 1; }
pair() { start_n1 && start_with 2 vipd prio=100 interval=$INT && wait_for 5 settled 1; }
must "node 1 (150) master, node 2 (100) backup, adverts every $INT s" pair
pid1=$(node_pid 1)
is "$(cat "$pidf" 2>/dev/null)" "$pid1" "the pidfile holds the running vipd's pid"

check "vipd --check runs while the pidfile is locked" \
	ip netns exec "$ns1" "$VIPD_BIN" --check -f "$conf1" -p "$pidf"

ip netns exec "$ns1" ip monitor address >"$VT_DIR/mon.txt" 2>&1 &
mon=$!
wait_for 2 _pid_alive "$mon"
cap_start second 1

# The attempt, and a window after it as long as a second copy would need to
# become master (Master_Down_Interval at priority 150) and advertise a while.
t0=$(now)
ip netns exec "$ns1" "$VIPD_BIN" -f "$conf1" -n --log-stderr -l debug -p "$pidf" -S "$sock" \
	>"$VT_DIR/second.out" 2>&1 &
p2=$!
if wait_for 3 _pid_gone "$p2"; then
	wait "$p2"
	rc2=$?
else
	rc2=running
	kill -TERM "$p2" 2>/dev/null
	wait_for 3 _pid_gone "$p2" || kill -KILL "$p2" 2>/dev/null
fi
window=$(awk -v i=$INT 'BEGIN { print 3 * i + 1.5 }')
sleep_until() { fle "$1" "$(now)"; }
wait_for 5 sleep_until "$(fadd "$t0" "$window")"
t1=$(now)
cap_stop second
kill -TERM "$mon" 2>/dev/null
wait "$mon" 2>/dev/null

is "$rc2" 1 "the second copy exits 1 at once"
like "$(cat "$VT_DIR/second.out")" "pidfile $pidf is locked by a running vipd \(pid $pid1\)" \
	"its error names the pidfile and the running pid"
diag "second copy said: $(head -c 300 "$VT_DIR/second.out")"
dels=$(grep -c "^Deleted.* $VIP/" "$VT_DIR/mon.txt")
is "$dels" 0 "no deletion of $VIP in node 1's namespace during the attempt"
check "node 1 is still the only master and holds the VIP" only_master 1
check "node 1's control socket answers vipctl status" node_ready 1
is "$(cat "$pidf" 2>/dev/null)" "$pid1" "the pidfile still holds the first vipd's pid"
# One advert per interval: at most window/interval + 1, plus 2 for timer
# jitter at the window's edges; a second master would double it.
n=$(count_adverts second 1 "$t0" "$t1")
max=$(awk -v w="$(ms_diff "$t0" "$t1")" -v i=$INT 'BEGIN { printf "%d\n", w / 1000 / i + 1 + 2 }')
within "$n" "$max" "adverts from node 1's address in the $(ms_diff "$t0" "$t1") ms window"

stop_node 1 TERM 5
is "$VT_RC" 0 "node 1 stops cleanly"
check "its control socket is removed" test ! -e "$sock"
check "its pidfile is removed" test ! -e "$pidf"

# A stale pidfile: a pid of nobody, and no lock on the file.
echo 999999 >"$pidf"
if start_n1; then ok "node 1 starts over a stale pidfile"; else
	not_ok "node 1 starts over a stale pidfile"
fi
is "$(cat "$pidf" 2>/dev/null)" "$(node_pid 1)" "the pidfile holds the new pid"
done_testing
