#!/usr/bin/env bash
# 52: one failover story with node 1's vipd under valgrind memcheck
# (--leak-check=full, definite leaks and every error fail it through
# --error-exitcode): node 1 (100) BACKUP behind node 2 (150); node 2 stops
# (priority 0) and node 1 takes over; node 2 returns and preempts; node 1's
# cable is pulled and replugged; a SIGHUP reload changes its priority; vipctl
# status and a garp request along the way; then SIGTERM. vipd must exit 0 and the valgrind log show no error and
# no definite leak. Timing bounds are loose: valgrind runs vipd ~20x slower.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
[[ $VT_IMPL == vipd ]] || skip_all "valgrind runs vipd (VT_IMPL=$VT_IMPL)"
vt_setup 2
vt_require_impl vipd
vt_require valgrind
# valgrind cannot run a binary built with AddressSanitizer (scripts/check's sanitizer stage)
grep -qa -e __asan_init -e __tsan_init -e __msan_init "$VIPD_BIN" &&
	skip_all "$VIPD_BIN is built with sanitizers: no valgrind"
VG_EXIT=99
VG_T=${VG_TIMEOUT:-30} # seconds for any step under valgrind

# node 1's vipd: valgrind in front of a copy of the binary (a rebuild during the run cannot
# touch it; same pid: valgrind execs its tool)
real="$VT_DIR/vipd.bin"
cp "$VIPD_BIN" "$real" || bail_out "cannot copy $VIPD_BIN"
cat >"$VT_DIR/vipd-vg" <<EOS
#!/bin/sh
exec valgrind --tool=memcheck --error-exitcode=$VG_EXIT --leak-check=full \\
	--suppressions="$VT_LIB_DIR/valgrind.supp" --errors-for-leak-kinds=definite \\
	--show-leak-kinds=definite --vgdb=no \\
	--log-file="$VT_DIR/vg.log" "$real" "\$@"
EOS
chmod +x "$VT_DIR/vipd-vg"

start_with 2 vipd prio=150 interval=0.1 || true
must "node 2 (150) is MASTER" wait_for 5 only_master 2
VIPD_BIN="$VT_DIR/vipd-vg" start_node 1 vipd "$(write_conf vipd 1 prio=100 interval=0.1)"
wait_for "$VG_T" state_is 1 BACKUP || diag "valgrind log:" "$(tail -n 20 "$VT_DIR/vg.log")"
must "node 1 (100) under valgrind answers and is BACKUP" state_is 1 BACKUP
check "vipctl status of the valgrind node parses" eval 'node_status 1 | python3 -c "import json,sys; json.loads(sys.stdin.readline())"'

stop_node 2
if wait_for "$VG_T" only_master 1; then ok "node 2 stopped: node 1 takes over ($VT_WAITED_MS ms)"
else not_ok "node 2 stopped: node 1 takes over ($(vt_state_line))"; fi
check "vipctl garp on the valgrind master" "$VIPCTL_BIN" -S "$VT_DIR/n1.sock" garp web

start_with 2 vipd prio=150 interval=0.1 || true
if wait_for "$VG_T" settled 2; then ok "node 2 back: it preempts, node 1 BACKUP ($VT_WAITED_MS ms)"
else not_ok "node 2 back: it preempts ($(vt_state_line))"; fi

cable_pull 1
if wait_for "$VG_T" eval '! state_is 1 BACKUP'; then ok "cable pulled: node 1 leaves BACKUP ($(node_state 1))"
else not_ok "cable pulled: node 1 leaves BACKUP ($(vt_state_line))"; fi
cable_replug 1
if wait_for "$VG_T" settled 2; then ok "cable replugged: node 1 BACKUP again behind node 2 ($VT_WAITED_MS ms)"
else not_ok "cable replugged: node 1 BACKUP again ($(vt_state_line))"; fi

# a reload that changes the priority: the old config must be freed
write_conf vipd 1 prio=110 interval=0.1 >/dev/null
kill -HUP "$(node_pid 1)"
_reloaded() { [[ "$(status_fields 1 priority state)" == "priority=110 state=BACKUP" ]]; }
if wait_for "$VG_T" _reloaded; then
	ok "SIGHUP reload: priority 110, still BACKUP ($VT_WAITED_MS ms)"
else
	not_ok "SIGHUP reload: priority 110, still BACKUP ($(status_fields 1 priority state))"
fi

stop_node 1 TERM "$VG_T"
is "$VT_RC" 0 "vipd under valgrind exits 0 on SIGTERM (valgrind would exit $VG_EXIT on an error or a definite leak)"
sum=$(grep -m1 'ERROR SUMMARY' "$VT_DIR/vg.log")
like "$sum" 'ERROR SUMMARY: 0 errors' "valgrind: no memory error (${sum#*== })"
lost=$(grep -m1 -E 'definitely lost:|All heap blocks were freed' "$VT_DIR/vg.log")
like "$lost" 'definitely lost: 0 bytes|All heap blocks were freed' "valgrind: no definite leak (${lost#*== })"
((VT_FAIL == 0)) || diag "$(tail -n 40 "$VT_DIR/vg.log")"
done_testing
