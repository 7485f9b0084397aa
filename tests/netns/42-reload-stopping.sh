#!/usr/bin/env bash
# 42: a reload during the stop drain is refused. Node 1 (150, master) has a
# notify script that, on the INIT event of the stop, marks the drain and waits
# for the test to release it (vipd waits up to 2 s for notify scripts before it
# exits): the drain is held open while the test works. Meanwhile node 1's file
# gains a second instance ("extra", VRID 52, a VIP nobody else serves). During
# the drain `vipctl reload` must exit 1 with "stopping", SIGHUP must be logged
# and ignored, and "extra" must not start: its VIP must not appear within
# Master_Down_Interval(150, 0.1 s) = 341 ms + a 459 ms margin (800 ms), the
# time it would take a started "extra" to become master. Once released vipd
# exits 0 and its namespace holds neither VIP.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2

INT=0.1
VIP2=198.18.0.101
DRAIN=$VT_DIR/draining RELEASE=$VT_DIR/release
# Bounded: 300 polls of 10 ms, longer than vipd's 2 s wait for notify scripts.
cat >"$CK_SDIR/notify.sh" <<EOS
#!/bin/sh
[ "\$2" = INIT ] || exit 0
: > $DRAIN
i=0
while [ ! -e $RELEASE ] && [ \$i -lt 300 ]; do sleep 0.01; i=\$((i + 1)); done
EOS
chmod 755 "$CK_SDIR/notify.sh"
c1=$(ck_conf 1 "    notify = \"$CK_SDIR/notify.sh\";" "" prio=150 interval=$INT)
c2=$(write_conf vipd 2 prio=100 interval=$INT)
must "node 1 (150) master, node 2 (100) backup, adverts every $INT s" ck_pair "$c1" "$c2"

# The file now holds a second instance: a reload would start it.
sed -i '$d' "$c1"
cat >>"$c1" <<EOC
  ,
  { name = "extra"; interface = "eth0"; vrid = 52; priority = 150;
    advert_interval = $INT; virtual_addresses = [ "$VIP2/24" ]; }
);
EOC
check "the edited file is valid" ip netns exec "$(node_ns 1)" "$VIPD_BIN" --check -f "$c1"

pid=$(node_pid 1)
kill -TERM "$pid"
must "node 1's stop drain began (its notify script runs for INIT)" wait_for 2 test -e "$DRAIN"
out=$("$VIPCTL_BIN" -S "$VT_DIR/n1.sock" reload 2>&1)
rc=$?
is "$rc" 1 "vipctl reload during the drain exits 1"
like "$out" "stopping; reload refused" "vipctl says the reload is refused because vipd is stopping"
diag "vipctl reload said: $out"
kill -HUP "$pid"
check "SIGHUP during the drain is logged and ignored" \
	wait_for 1 grep -q "SIGHUP: vipd is stopping; reload ignored" "$VT_DIR/n1.log"
if wait_for 0.8 holds_vip 1 "$VIP2"; then
	not_ok "the new instance did not start ($VIP2 appeared after $VT_WAITED_MS ms)"
else
	ok "the new instance did not start ($VIP2 absent for $VT_WAITED_MS ms)"
fi
: >"$RELEASE"
if wait_for 3 _pid_gone "$pid"; then ok "node 1 exits once the drain ends"; else
	not_ok "node 1 exits once the drain ends"
	kill -KILL "$pid" 2>/dev/null
fi
wait_for 2 test -s "$VT_DIR/n1.rc"
is "$(cat "$VT_DIR/n1.rc" 2>/dev/null)" 0 "node 1 exits 0"
check "node 1's namespace holds no $VIP" test -z "$(ip -n "$(node_ns 1)" -o addr show | grep " $VIP/")"
check "node 1's namespace holds no $VIP2" test -z "$(ip -n "$(node_ns 1)" -o addr show | grep " $VIP2/")"
done_testing
