#!/usr/bin/env bash
# 61: per-state notify scripts (notify_master, notify_backup, notify_fault,
# notify_stop) run as written at the right transitions, each before the
# generic notify of the same transition, in order; notify_args = "keepalived"
# gives the generic script keepalived's INSTANCE NAME STATE PRIORITY (STOP when
# the instance stops), the default vipd's NAME STATE PRIORITY. Node 1 (150,
# keepalived arguments) and node 2 (100, vipd arguments) both record every run
# in a file: start, a cable pull of node 1 (FAULT there, MASTER on node 2), the
# replug (node 1 preempts back), a stop of node 1 (STOP, node 2 MASTER). The
# per-state script of node 2's takeover runs within Master_Down_Interval plus a
# 500 ms margin for the fork of the script.
# Then a sync group "edge" of two instances (web and api, both on eth0) with
# its own scripts: they run when the whole group enters a state (MASTER once
# both members are, FAULT at the cable pull, STOP once both stopped), node 1
# with keepalived's GROUP NAME STATE 0, node 2 with NAME STATE 0.
# Then notify_fifo_script: node 1 alone starts its FIFO reader (which records
# its pid and copies the keepalived-format lines); the reader killed, vipd
# starts it again within NOTIFY_READER_RESTART (1 s) + 500 ms, and the new one
# gets the next state's line.
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
ck_setup 2

# rec.sh FILE WORDS... appends WORDS (and what vipd added) to FILE
printf '#!/bin/sh\nf=$1; shift\necho "$*" >>"$f"\n' >"$CK_SDIR/rec.sh"
chmod 755 "$CK_SDIR/rec.sh"
# scripts I — the notify keys of node I, recording into nI.out
scripts() {
	local o="$VT_DIR/n$1.out" s
	: >"$o"
	for s in master backup fault stop; do
		echo "    notify_$s = \"$CK_SDIR/rec.sh $o $s\";"
	done
	echo "    notify = \"$CK_SDIR/rec.sh $o generic\";"
}
c1=$(ck_conf 1 "$(scripts 1)
    notify_args = \"keepalived\";" "" prio=150)
c2=$(ck_conf 2 "$(scripts 2)" "" prio=100)
ck_feature "$c1" "notify_master, notify_args"

must "node 1 (150) master, node 2 (100) backup, both with per-state scripts" ck_pair "$c1" "$c2"
# out I — node I's recorded runs, one per line joined by commas
out() { paste -sd, - <"$VT_DIR/n$1.out"; }
check "node 1 ran notify_backup, then notify_master, each before its generic notify" \
	wait_for 3 eval '[[ "$(out 1)" == "backup,generic INSTANCE web BACKUP 150,master,generic INSTANCE web MASTER 150" ]]'
check "node 2 ran notify_backup, then its generic notify with vipd's arguments" \
	wait_for 3 eval '[[ "$(out 2)" == "backup,generic web BACKUP 100" ]]'
diag "node 1: $(out 1)" "node 2: $(out 2)"

mdi=$(mdi_ms 100 "$ADVERT")
cable_pull 1
check "node 2's notify_master ran after the cable pull of node 1" \
	wait_for 3 eval '[[ "$(out 2)" == *",master,generic web MASTER 100" ]]'
within "$VT_WAITED_MS" "$(fadd "$mdi" 500)" "node 2's notify_master from the pull (MDI $mdi ms + 500), ms"
check "node 1 ran notify_fault (carrier lost), then its generic notify" \
	wait_for 3 eval '[[ "$(out 1)" == *",fault,generic INSTANCE web FAULT 150" ]]'
cable_replug 1
must "node 1 preempts back after the replug" wait_for 5 settled 1
check "node 1 ran notify_backup, notify_master again" \
	wait_for 3 eval '[[ "$(out 1)" == *",fault,generic INSTANCE web FAULT 150,backup,generic INSTANCE web BACKUP 150,master,generic INSTANCE web MASTER 150" ]]'
check "node 2 ran notify_backup again" \
	wait_for 3 eval '[[ "$(out 2)" == *",master,generic web MASTER 100,backup,generic web BACKUP 100" ]]'

stop_node 1
is "$VT_RC" 0 "node 1 stops with exit 0"
check "node 2's notify_master ran when node 1 stopped" \
	wait_for 3 eval '[[ "$(out 2)" == *",backup,generic web BACKUP 100,master,generic web MASTER 100" ]]'
is "$(out 1)" "backup,generic INSTANCE web BACKUP 150,master,generic INSTANCE web MASTER 150,fault,generic INSTANCE web FAULT 150,backup,generic INSTANCE web BACKUP 150,master,generic INSTANCE web MASTER 150,stop,generic INSTANCE web STOP 150" \
	"node 1: every run, in order, ending with notify_stop and STOP (keepalived's arguments)"
is "$(out 2)" "backup,generic web BACKUP 100,master,generic web MASTER 100,backup,generic web BACKUP 100,master,generic web MASTER 100" \
	"node 2: every run, in order (vipd's arguments)"
# the per-state lines follow the logged transitions exactly
log_states() { sed -nE 's/^[0-9:.]+ web: [A-Z]+ -> ([A-Z]+) \(.*/\1/p' "$VT_DIR/n$1.log" | tr 'A-Z' 'a-z' | sed 's/^init$/stop/' | paste -sd, -; }
own_states() { grep -v '^generic' "$VT_DIR/n$1.out" | paste -sd, -; }
for i in 1 2; do
	is "$(own_states "$i")" "$(log_states "$i")" "node $i: one per-state run per logged transition, in order"
done

# ---- sync group scripts
stop_node 2
reset_nodes
VIP2=198.18.0.101
# sg_conf I PRIO [ARGS] — node I: web and api in group "edge", recording into nI.grp
sg_conf() {
	local f="$VT_DIR/n$1.sg.conf" o="$VT_DIR/n$1.grp" s gl=""
	: >"$o"
	for s in master backup fault stop; do
		gl+=" notify_$s = \"$CK_SDIR/rec.sh $o $s\";"
	done
	gl+=" notify = \"$CK_SDIR/rec.sh $o generic\";${3:+ notify_args = \"$3\";}"
	cat >"$f" <<-EOC
		router_id = "n$1";
		control_socket = "$VT_DIR/n$1.sock";
		state_dir = "$VT_DIR/n$1.lib";
		script_user = "root";
		instances = (
		  { name = "web"; interface = "eth0"; vrid = 51; priority = $2; advert_interval = $ADVERT;
		    virtual_addresses = [ "$VIP/24" ]; },
		  { name = "api"; interface = "eth0"; vrid = 52; priority = $2; advert_interval = $ADVERT;
		    virtual_addresses = [ "$VIP2/24" ]; }
		);
		sync_groups = ( { name = "edge"; instances = [ "web", "api" ];$gl } );
	EOC
	echo "$f"
}
grp() { paste -sd, - <"$VT_DIR/n$1.grp"; }
both() { [[ "$(inst_state "$1" web) $(inst_state "$1" api)" == "$2 $2" ]]; }
g1=$(sg_conf 1 150 keepalived) g2=$(sg_conf 2 100)
ck_feature "$g1" "sync group notify"
must "group: node 1 starts" ck_start 1 "$g1"
must "group: node 1 masters both instances" wait_for 5 both 1 MASTER
must "group: node 2 starts" ck_start 2 "$g2"
must "group: node 2 backs up both" wait_for 5 both 2 BACKUP
check "group: node 1's group ran notify_backup, then notify_master once both were MASTER" \
	wait_for 3 eval '[[ "$(grp 1)" == "backup,generic GROUP edge BACKUP 0,master,generic GROUP edge MASTER 0" ]]'
check "group: node 2's group ran notify_backup (vipd's arguments)" \
	wait_for 3 eval '[[ "$(grp 2)" == "backup,generic edge BACKUP 0" ]]'
cable_pull 1
must "group: cable pull: node 2 masters both" wait_for 3 both 2 MASTER
check "group: node 2's group ran notify_master once" \
	wait_for 3 eval '[[ "$(grp 2)" == "backup,generic edge BACKUP 0,master,generic edge MASTER 0" ]]'
check "group: node 1's group ran notify_fault once" \
	wait_for 3 eval '[[ "$(grp 1)" == *",master,generic GROUP edge MASTER 0,fault,generic GROUP edge FAULT 0" ]]'
cable_replug 1
must "group: replug: node 1 masters both again" wait_for 5 both 1 MASTER
stop_node 1
check "group: stop: node 1's group ran notify_stop once both stopped" \
	wait_for 3 eval '[[ "$(grp 1)" == *",fault,generic GROUP edge FAULT 0,backup,generic GROUP edge BACKUP 0,master,generic GROUP edge MASTER 0,stop,generic GROUP edge STOP 0" ]]'
check "group: node 2's group ran notify_backup and notify_master again" \
	wait_for 3 eval '[[ "$(grp 2)" == *",master,generic edge MASTER 0,backup,generic edge BACKUP 0,master,generic edge MASTER 0" ]]'
diag "group: node 1: $(grp 1)" "group: node 2: $(grp 2)"

# ---- notify_fifo_script
stop_node 2
reset_nodes
cat >"$CK_SDIR/reader.sh" <<EOS
#!/bin/sh
echo \$\$ >>"$VT_DIR/reader.pids"
exec python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
out = open(sys.argv[2], "a")
while True:
    b = os.read(fd, 4096)
    if not b:
        break
    out.write(b.decode())
    out.flush()' "\$1" "$VT_DIR/reader.out"
EOS
chmod 755 "$CK_SDIR/reader.sh"
: >"$VT_DIR/reader.pids"
f1=$(ck_conf 1 "" "notify_fifo = \"$VT_DIR/n1.fifo\";
notify_fifo_format = \"keepalived\";
notify_fifo_script = \"$CK_SDIR/reader.sh\";" prio=150)
ck_feature "$f1" "notify_fifo_script"
must "fifo: node 1 starts" ck_start 1 "$f1"
readers() { grep -c . "$VT_DIR/reader.pids"; }
check "fifo: vipd started the reader" wait_for 3 eval '(($(readers) == 1))'
check "fifo: the reader got node 1's MASTER line (keepalived's format)" \
	wait_for 3 grep -qx 'INSTANCE "web" MASTER 150' "$VT_DIR/reader.out"
is "$(head -n 1 "$VT_DIR/reader.out")" 'INSTANCE "web" BACKUP 150' \
	"fifo: and the start-up BACKUP line, written before it opened the FIFO"
kill -KILL "$(head -n 1 "$VT_DIR/reader.pids")"
check "fifo: the killed reader is started again" wait_for 3 eval '(($(readers) == 2))'
within "$VT_WAITED_MS" 1500 "fifo: restarted within 1 s + 500 ms, ms"
is "$(node_status 1 | grep -o '"script_starts":[0-9]*')" '"script_starts":2' \
	"fifo: vipctl status counts 2 starts of the reader"
# the new reader has the FIFO open (lines before are dropped, as with no reader)
reader_open() {
	[[ "$(readlink -f /proc/"$(tail -n 1 "$VT_DIR/reader.pids")"/fd/* 2>/dev/null)" == *"$VT_DIR/n1.fifo"* ]]
}
must "fifo: the new reader has the FIFO open" wait_for 3 reader_open
cable_pull 1
check "fifo: the new reader got the FAULT line" \
	wait_for 3 grep -qx 'INSTANCE "web" FAULT 150' "$VT_DIR/reader.out"
cable_replug 1
done_testing
