#!/usr/bin/env bash
# 40: the keepalived importer against keepalived itself. For each sample of
# tests/import, keepalived (Debian package) runs the sample on node 1 and vipd
# runs its conversion by scripts/vipd-import-keepalived on node 2; both must
# elect the same master for every instance: the instance's addresses on exactly
# one node, keepalived's state (the lines of its notify_fifo, added to its
# global_defs) and vipd's `vipctl --json status` (state, and master_address
# when vipd is backup) agreeing with who holds them, and the higher priority
# master where both preempt; unchanged until every backup would have taken
# over had it not heard the master. Twice per
# sample: keepalived higher, then vipd higher (the other side gets priority
# p - 50); the pairs basic-master/basic-backup and load-sharing-a/-b run one
# file against the other's conversion instead. Samples go through
# tests/netns/ka_lab.py labify first: addresses into 198.18.0.0/15 and
# fd00::/8, the unicast source/peers onto the lab's nodes, interfaces onto
# eth0 (LAN), eth1 (a second LAN) and eth2 (a local veth), vrrp_scripts and
# notify scripts into /bin/true, script_user root. The samples run in
# parallel (IMPORT_JOBS, default 4), each in its own namespaces; a sample that
# cannot run here is skipped with the reason, and so is an instance the
# importer's warnings say cannot run mixed, in the direction that fails (see
# MIXED in ka_lab.py). IMPORT_DIR: another folder of keepalived.conf samples
# (your own), default tests/import.
# Internal: `40-import-interop.sh --unit SAMPLE [PARTNER]` runs one sample.
# Every sample takes 10-25 s and runs 4 at a time: more than the runner's default 180 s.
# vt-timeout: 600
# Runs its samples 4 at a time itself: alone in a parallel run (tests/netns/run).
# vt-alone
# shellcheck source=tests/netns/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/netns/checks.sh
. "$(dirname "$0")/checks.sh"
IMPORT_DIR=${IMPORT_DIR:-$VT_SRCDIR/tests/import}
IMPORTER=$VT_SRCDIR/scripts/vipd-import-keepalived
KA_LAB=$VT_LIB_DIR/ka_lab.py
KA=1 VD=2 # keepalived's node, vipd's node
CONF_ID=lb1

# lab_links — the second LAN (eth1, 198.19.0.I/24) and a local eth2 in every node
lab_links() {
	local i ns
	ck_lan2 || return 1
	for i in 1 2; do
		ns=$(node_ns "$i")
		ip -n "$ns" link add eth2 type veth peer name eth2p || return 1
		ip -n "$ns" link set eth2p up && ip -n "$ns" link set eth2 up || return 1
	done
}

# agree — keepalived and vipd agree on every instance (the judgement in $JUDGE)
agree() {
	ip -n "$(node_ns $KA)" -o addr show >"$OD/addr.ka" 2>&1
	ip -n "$(node_ns $VD)" -o addr show >"$OD/addr.vipd" 2>&1
	# retried: a vipctl being rebuilt, or a loaded machine, is not a disagreement
	for _ in 1 2 3; do
		"$VIPCTL_BIN" -S "$VT_DIR/n$VD.sock" --json status >"$OD/status.json" 2>/dev/null && break
		sleep 0.1
	done
	JUDGE=$(python3 "$KA_LAB" judge "$OD/ka.man" "$OD/vipd.man" "$(node_ip $KA)" \
		"$OD/addr.ka" "$OD/addr.vipd" "$OD/ka.fifo.log" "$OD/status.json" "$OD/vipd.warnings" 2>&1)
	[[ $JUDGE == "ok "* ]]
}

# run_order TAG KA_SAMPLE VIPD_SAMPLE LOWER — one run: keepalived runs
# KA_SAMPLE, vipd the conversion of VIPD_SAMPLE; LOWER (ka, vipd or none):
# whose priorities are lowered
run_order() {
	local tag=$1 ks=$2 vs=$3 lower=$4 out rc maxadv t0 until_ s why
	OD=$VT_DIR/$tag
	# a sample that cannot elect in this lab says why in a "! netns-40 skip: REASON" line
	why=$(sed -n 's/^! netns-40 skip: //p' "$IMPORT_DIR/$vs.conf" | head -n 1)
	if [[ -n $why ]]; then
		skip "$tag: keepalived ($ks.conf) and vipd ($vs.conf converted) elect the same masters" "$why"
		return 1
	fi
	mkdir -p "$OD/ka" "$OD/vipd"
	cp -r "$IMPORT_DIR/." "$OD/ka/" && cp -r "$IMPORT_DIR/." "$OD/vipd/" && rm -rf "$OD/ka/bad" "$OD/vipd/bad"
	local -a lka=() lvd=()
	[[ $lower == ka ]] && lka=(--lower "$CONF_ID")
	[[ $lower == vipd ]] && lvd=(--lower "$CONF_ID")
	# keepalived's view of the election: the lines of its notify FIFO (in order)
	if ! python3 "$KA_LAB" labify --self "$(node_ip $KA)" --other "$(node_ip $VD)" \
		--fifo "$OD/ka.fifo" "${lka[@]}" "$OD/ka" >"$OD/ka.changes" ||
		! sed -i "1i global_defs {\\n    notify_fifo $OD/ka.fifo\\n}" "$OD/ka/$ks.conf" ||
		! python3 "$KA_LAB" labify --self "$(node_ip $VD)" --other "$(node_ip $KA)" \
			--fifo "$OD/vipd.fifo" "${lvd[@]}" "$OD/vipd" >"$OD/vipd.changes"; then
		not_ok "$tag: the samples rewritten for the lab"
		return
	fi
	python3 "$IMPORTER" -i "$CONF_ID" "$OD/vipd/$vs.conf" >"$OD/vipd.conf" 2>"$OD/vipd.warnings"
	rc=$?
	python3 "$IMPORTER" -i "$CONF_ID" "$OD/ka/$ks.conf" >"$OD/ka.vipd.conf" 2>/dev/null
	# 0: all carried over; 4: converted, what was not carried over named on stderr
	if ((rc != 0 && rc != 4)); then
		not_ok "$tag: the importer converts $vs.conf (exit $rc)"
		diag "$(head -n 5 "$OD/vipd.warnings")"
		return
	fi
	if ! python3 "$KA_LAB" manifest "$OD/vipd.conf" >"$OD/vipd.man" ||
		! python3 "$KA_LAB" manifest "$OD/ka.vipd.conf" >"$OD/ka.man"; then
		not_ok "$tag: the converted files read back"
		return
	fi
	if ! out=$(ip netns exec "$(node_ns $VD)" "$VIPD_BIN" --check -f "$OD/vipd.conf" 2>&1); then
		skip "$tag: vipd runs the conversion of $vs.conf" \
			"vipd refuses the converted file: $(head -n 3 <<<"$out" | sed "s|$OD/||g" | paste -sd ';' -)"
		return 1
	fi
	printf '#!/bin/sh\nexec %s -i %s "$@"\n' "$(command -v "$KEEPALIVED_BIN")" "$CONF_ID" >"$OD/keepalived"
	chmod 755 "$OD/keepalived"
	maxadv=$(python3 -c 'import json, sys
print(max([1.0] + [i.get("advert_interval", 1.0) for f in sys.argv[1:] for i in json.load(open(f))]))' \
		"$OD/vipd.man" "$OD/ka.man")
	local name why
	while IFS=$'\t' read -r name why; do
		skip "$tag: $name left out" "$why"
	done < <(python3 "$KA_LAB" excluded "$OD/ka.man" "$OD/vipd.man" "$OD/vipd.warnings")
	mkfifo "$OD/ka.fifo" || { not_ok "$tag: mkfifo"; return; }
	ip netns exec "$(node_ns $KA)" python3 "$KA_LAB" fiforead "$OD/ka.fifo" "$OD/ka.fifo.log" </dev/null >/dev/null 2>&1 &
	disown $!
	t0=$(now)
	KEEPALIVED_BIN=$OD/keepalived start_node $KA keepalived "$OD/ka/$ks.conf"
	start_node $VD vipd "$OD/vipd.conf"
	if ! wait_for 5 node_ready $VD; then
		not_ok "$tag: vipd starts with the conversion of $vs.conf"
		diag "$(tail -n 5 "$VT_DIR/n$VD.log")"
		return
	fi
	# a master within 3 intervals + skew (< 4 intervals) of the start; then no change until
	# every backup would have taken over had it not heard the master (4 intervals + 1 s)
	if wait_for "$(awk -v a="$maxadv" 'BEGIN { print 4 * a + 4 }')" agree; then
		ok "$tag: keepalived ($ks.conf) and vipd ($vs.conf converted) elect the same masters ($VT_WAITED_MS ms)"
	else
		not_ok "$tag: keepalived ($ks.conf) and vipd ($vs.conf converted) elect the same masters"
		diag "$JUDGE" "keepalived's file, rewritten for the lab:" "$(grep -v '^ *[!#]' "$OD/ka/$ks.conf" | grep -v '^ *$')"
		stop_node $KA
		stop_node $VD
		return
	fi
	s=$JUDGE
	until_=$(awk -v t0="$t0" -v a="$maxadv" -v n="$(now)" 'BEGIN { d = t0 + 4 * a + 1 - n; print (d < 1 ? 1 : d) }')
	if stable_for "$until_" agree; then
		ok "$tag: and keep them ${until_%.*}+ s (${s#ok })"
	else
		not_ok "$tag: the same masters for ${until_%.*}+ s"
		diag "$JUDGE"
	fi
	stop_node $KA
	stop_node $VD
}

# unit SAMPLE [PARTNER] — both orders of one sample in this process
unit() {
	local a=$1 b=${2:-}
	VT_POLL=0.2
	vt_setup 2
	vt_require_impl vipd
	vt_require_impl keepalived
	vt_require python3
	lab_links 2>"$VT_DIR/links.err" || skip_all "cannot build eth1/eth2: $(head -n 1 "$VT_DIR/links.err")"
	if [[ -n $b ]]; then
		run_order "ka-$a" "$a" "$b" none
	else
		run_order "ka-higher" "$a" "$a" vipd
	fi
	# a fresh lab for the other order
	vt_destroy
	if ! vt_topology 2 2>"$VT_DIR/topology.err" || ! lab_links 2>>"$VT_DIR/topology.err"; then
		bail_out "cannot rebuild the lab: $(head -n 1 "$VT_DIR/topology.err")"
	fi
	if [[ -n $b ]]; then
		run_order "ka-$b" "$b" "$a" none
	else
		run_order "vipd-higher" "$a" "$a" ka
	fi
	done_testing
}

if [[ ${1:-} == --unit ]]; then
	shift
	unit "$@"
	exit
fi

# ---------------------------------------------------------------- the driver
vt_caps
vt_require_impl vipd
vt_require_impl keepalived
vt_require python3
[[ -d $IMPORT_DIR ]] || skip_all "no samples in $IMPORT_DIR"
# the samples with the longest advert interval (the longest to elect) first
units=()
mapfile -t files < <(for g in "$IMPORT_DIR"/*.conf; do
	awk '$1 == "advert_int" && $2 + 0 > m { m = $2 + 0 } END { printf "%g\t%s\n", m, FILENAME }' "$g"
done | sort -t$'\t' -k1,1gr -k2 | cut -f2)
for f in "${files[@]}"; do
	s=$(basename "$f" .conf)
	case $s in
	*.vipd) continue ;;
	*-backup) [[ -f $IMPORT_DIR/${s%-backup}-master.conf ]] && continue ;;
	*-b) [[ -f $IMPORT_DIR/${s%-b}-a.conf ]] && continue ;;
	*-master) [[ -f $IMPORT_DIR/${s%-master}-backup.conf ]] && s="$s ${s%-master}-backup" ;;
	*-a) [[ -f $IMPORT_DIR/${s%-a}-b.conf ]] && s="$s ${s%-a}-b" ;;
	esac
	units+=("$s")
done
DRV=$(mktemp -d "${TMPDIR:-/tmp}/vipd-t40.XXXXXX") || bail_out "mktemp failed"
drv_cleanup() {
	local p
	for p in $(jobs -pr); do kill -TERM "$p" 2>/dev/null; done
	wait_for 15 _jobs_done
	rm -rf "$DRV"
}
trap drv_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the files the samples' track_files name (keepalived writes an init_file): labify moves them
# into the lab, so none may appear on the host
mapfile -t tracked < <(awk '/^[ \t]*(vrrp_)?track_file[ \t]+[^ \t{]+[ \t]*\{/ { t = 1; next }
	t && $1 == "file" { gsub(/"/, "", $2); print $2 } t && /}/ { t = 0 }' "$IMPORT_DIR"/*.conf | sort -u)
host_before=$(for f in "${tracked[@]}"; do [[ -e $f ]] && echo "$f"; done)

jobs_max=${IMPORT_JOBS:-4}
t_start=$(now)
n=0
for u in "${units[@]}"; do
	while (($(jobs -pr | wc -l) >= jobs_max)); do wait -n; done
	n=$((n + 1))
	# shellcheck disable=SC2086 # SAMPLE [PARTNER]
	(timeout -k 5 120 bash "$0" --unit $u >"$DRV/$n.out" 2>&1; echo $? >"$DRV/$n.rc") &
done
wait
diag "${#units[@]} samples, $jobs_max at a time: $(ms_diff "$t_start" "$(now)") ms"
host_after=$(for f in "${tracked[@]}"; do [[ -e $f ]] && echo "$f"; done)
if ((${#tracked[@]} == 0)); then
	skip "the samples' track_file files are not written on the host" "no sample tracks a file"
elif [[ $host_after == "$host_before" ]]; then
	ok "the samples' ${#tracked[@]} track_file files are not written on the host"
else
	not_ok "the samples' track_file files are not written on the host: new $(comm -13 \
		<(echo "$host_before") <(echo "$host_after") | paste -sd ' ' -)"
fi

# the results in the order of the sample names
mapfile -t order < <(for n in "${!units[@]}"; do echo "${units[n]}"$'\t'"$((n + 1))"; done | sort)
for o in "${order[@]}"; do
	u=${o%$'\t'*} n=${o##*$'\t'}
	name=${u// /+}
	rc=$(cat "$DRV/$n.rc" 2>/dev/null)
	fails=0
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP "*)
			d=${line#ok * - }
			skip "$name: ${d%% # SKIP *}" "${d#* # SKIP }"
			;;
		"ok "*) ok "$name: ${line#ok * - }" ;;
		"not ok "*)
			not_ok "$name: ${line#not ok * - }"
			fails=$((fails + 1))
			;;
		"1..0 # SKIP "*) skip "$name" "${line#1..0 # SKIP }" ;;
		"Bail out!"*)
			not_ok "$name: ${line}"
			fails=$((fails + 1))
			;;
		"#"*) echo "# $name:${line#\#}" ;;
		esac
	done <"$DRV/$n.out"
	((rc == 0 || fails > 0)) || not_ok "$name: the run ended with exit status ${rc:-unknown}"
done
done_testing
