#!/usr/bin/env bash
# 24: a file check written in place, non-atomically, as operators do. Node 1
# (priority 150) has a file check of weight 0 (FAULT while it is down or
# non-zero) on a file holding 0, node 2 (100) none; adverts every 0.1 s. A
# torn read (the file just truncated by the next `echo`, or half written) is
# no new value: vipd acts on finished writes only and keeps the last value.
#  - 2000 x `echo 0 > FILE`, then 2000 writes of "-0" in two pieces
#    (`{ printf -; printf '0\n'; } > FILE`), then 2000 rewrites of "-0" in
#    three opens (truncate, append "-", append "0"): zero state changes on both
#    nodes, node 1 master with the VIP all along, the check up, and "not an
#    integer" logged at most once per loop (a torn read is no episode: only a
#    file still unparsable 0.1 s after its last write is logged);
#  - a parse failure is logged once per episode: 50 writes of "abc" log
#    "not an integer" once, a good value ends the episode, the next "abc" logs
#    it once more; the check stays up with the last value meanwhile.
# Each write loop is bounded in count and in time (10 s, against ~0.3 s).
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2
WF=$VT_DIR/weight
L1=$VT_DIR/n1.log

c1=$(ck_conf 1 '    checks = [ "maint" ];' \
	"checks = ( { name = \"maint\"; type = \"file\"; path = \"$WF\"; weight = 0; interval = 0.1; } );" \
	prio=150 interval=0.1)
c2=$(write_conf vipd 2 prio=100 interval=0.1)
ck_feature "$c1" "file check"
echo 0 >"$WF"
must "node 1 (150, file check) master, node 2 (100) backup" ck_pair "$c1" "$c2"
must "node 1's check is up" wait_for 2 ck_state_is 1 maint up

transitions() { grep -c ' -> ' "$VT_DIR/n$1.log"; }
garbled() { grep -c "check maint: .*not an integer" "$L1"; }
tr1=$(transitions 1) tr2=$(transitions 2)

# hammer NAME COUNT CMD — eval CMD COUNT times (at most 10 s); then the pair must not have
# moved: every check of the VIP during the loop and after it
hammer() {
	local name=$1 count=$2 cmd=$3 k t0 t bad=0 g0
	g0=$(garbled)
	_now_us t0
	for ((k = 0; k < count; k++)); do
		eval "$cmd"
		((k % 100 == 0)) && ! holds_vip 1 && bad=$((bad + 1))
		_now_us t
		((t - t0 > 10000000)) && break
	done
	is "$k" "$count" "$name: $count writes within 10 s ($(((t - t0) / 1000)) ms)"
	is "$bad" 0 "$name: node 1 held the VIP at each of the $((count / 100)) looks during the writes"
	# a FAULT, if any, shows within Master_Down_Interval of node 2 (0.36 s): wait past it
	stable_for 0.5 settled 1 >/dev/null 2>&1
	is "$(transitions 1) $(transitions 2)" "$tr1 $tr2" "$name: no state change on either node"
	check "$name: node 1 master with the VIP, node 2 backup" settled 1
	is "$(ck_item 1 maint)" "state=up" "$name: node 1's check still up"
	# torn reads are no episode: the file was never garbage for 0.1 s (FILE_SETTLE); once at
	# most, for a read that a loaded machine delays past it
	within "$(($(garbled) - g0))" 1 "$name: \"not an integer\" logged at most once"
}
hammer "echo 0 > FILE" 2000 'echo 0 >"$WF"'
hammer "-0 in two pieces" 2000 "{ printf -- -; printf '0\n'; } >\"\$WF\""
hammer "-0 in three opens" 2000 ": >\"\$WF\"; printf -- - >>\"\$WF\"; printf '0\n' >>\"\$WF\""

# episodes: garbage logs once until a good read
echo 0 >"$WF"
must "the file holds 0 again: value 0" wait_for 2 eval '[[ "$(ck_item_json 1 maint)" == *"\"last\": \"value 0\""* ]]'
g0=$(garbled)
for ((k = 0; k < 50; k++)); do echo abc >"$WF"; done
check "50 writes of \"abc\": logged" wait_for 2 eval '(($(garbled) > g0))'
# for 1 s more (10 periodic reads of the check): no second line
check "50 writes of \"abc\" and 10 reads (one episode): \"not an integer\" logged once" \
	stable_for 1 eval '(($(garbled) == g0 + 1))'

is "$(ck_item 1 maint)" "state=up" "garbage keeps the last value: the check stays up"
is "$(transitions 1) $(transitions 2)" "$tr1 $tr2" "garbage: no state change on either node"
echo 0 >"$WF"
must "a good value ends the episode" wait_for 2 eval '[[ "$(ck_item_json 1 maint)" == *"\"last\": \"value 0\""* ]]'
echo abc >"$WF"
check "the next garbage is a new episode: logged once more" wait_for 2 eval '(($(garbled) == g0 + 2))'
grep "check maint: " "$L1" | tail -n 4 | while IFS= read -r l; do diag "$l"; done
done_testing
