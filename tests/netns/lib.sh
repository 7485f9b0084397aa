# shellcheck shell=bash
# tests/netns/lib.sh — helpers for the vipd network-namespace scenarios.
#
# Sourced by tests/netns/NN-*.sh (each a TAP producer) and by scripts/lab.
#
# Topology (vt_setup N): a switch namespace holding bridge br0, N node
# namespaces and one client namespace. Each member has a veth "eth0" whose
# peer is a bridge port in the switch namespace (p1..pN for the nodes, pc for
# the client). Node i is 198.18.0.i/24 + fd00::i/64, the client is
# 198.18.0.200/24 + fd00::c8/64. Nothing outside those namespaces is touched;
# the veth pairs are created from inside the member namespace straight into
# the switch namespace, so no interface ever appears in the host namespace.
#
# Environment:
#   top_builddir   build directory holding vipd and vipctl (default: repo root)
#   VIPD_BIN, VIPCTL_BIN   override the binaries
#   VT_IMPL        implementation of the "vipd" nodes: vipd (default) or
#                  keepalived (runs the scenarios against keepalived only, to
#                  validate the harness itself)
#   VT_KEEP=1      keep the per-run directory (configs, logs, captures)
#   VT_VERBOSE=1   print node logs at exit even when everything passed
#   VT_LOG_LEVEL   vipd's log level (default debug)
#   VT_VIPD_ARGS   more options for vipd (start_node), as "-D timers,ctl"
#   VT_CONF_USER   `user` of write_conf's vipd configs (the lab and benchmarks: "nobody"
#                  on a machine without a vipd user); without it vt_setup needs a vipd user

# Functions report through globals (VT_WAITED_MS, VT_RC, VT_SAMPLES, TK_MS...)
# that the scenarios read:
# shellcheck disable=SC2034
set -u
export LC_ALL=C

VT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VT_SRCDIR=$(cd "$VT_LIB_DIR/../.." && pwd)
top_builddir=${top_builddir:-$VT_SRCDIR}
VIPD_BIN=${VIPD_BIN:-$top_builddir/vipd}
VIPCTL_BIN=${VIPCTL_BIN:-$top_builddir/vipctl}
VT_IMPL=${VT_IMPL:-vipd}
KEEPALIVED_BIN=${KEEPALIVED_BIN:-keepalived}

VIP=198.18.0.100
VIP_LEN=24
VRID=51
ADVERT=0.05          # advert_interval of every scenario, seconds
CLIENT_IP=198.18.0.200
VT_POLL=${VT_POLL:-0.01}

VT_DIR=""            # per-run directory (configs, logs, pid files, captures)
VT_PFX=""            # per-run namespace prefix
VT_SW=""             # switch namespace
VT_CL=""             # client namespace
VT_NODES=0
VT_NS=()             # every namespace we created, for cleanup
declare -A VT_IMPL_OF=() VT_CAP_PID=()
VT_RC=""             # exit status of the last stop_node
VT_WAITED_MS=0       # how long the last wait_for took

# ---------------------------------------------------------------- TAP
VT_T=0 VT_FAIL=0 VT_PLAN=""

plan() { VT_PLAN=$1; echo "1..$1"; }
ok() { VT_T=$((VT_T + 1)); echo "ok $VT_T - $*"; }
not_ok() { VT_T=$((VT_T + 1)); VT_FAIL=$((VT_FAIL + 1)); echo "not ok $VT_T - $*"; }
skip() { VT_T=$((VT_T + 1)); echo "ok $VT_T - $1 # SKIP ${2:-}"; }
# diag LINE... — each argument (and each line in it) as a TAP comment
diag() { local l; while IFS= read -r l; do echo "# $l"; done < <(printf '%s\n' "$@"); }
# check DESC CMD... — ok when CMD succeeds
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# is GOT WANT DESC
is() {
	if [[ "$1" == "$2" ]]; then ok "$3"; else
		not_ok "$3"; diag "  got: '$1'" "  expected: '$2'"
	fi
}
# within VALUE BOUND DESC — numeric VALUE <= BOUND (VALUE may be empty: fail)
within() {
	if [[ -n "$1" ]] && fle "$1" "$2"; then ok "$3 ($1 <= $2)"; else
		not_ok "$3 (${1:-no measurement} > $2)"
	fi
}
# like STRING ERE DESC — STRING matches the extended regular expression
like() {
	if [[ $1 =~ $2 ]]; then ok "$3"; else
		not_ok "$3"; diag "  got: '$1'" "  expected to match: /$2/"
	fi
}
done_testing() { [[ -n "$VT_PLAN" ]] || echo "1..$VT_T"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail_out() { echo "Bail out! $*"; exit 1; }

# ---------------------------------------------------------------- time, numbers
# now: wall clock (same clock as the capture timestamps), "sec.usec"
now() { echo "$EPOCHREALTIME"; }
_now_us() { printf -v "$1" '%s' "${EPOCHREALTIME/./}"; }
# _sec_to_us VAR SECONDS  (SECONDS may be fractional)
_sec_to_us() {
	local s=$2 i f=""
	i=${s%%.*}
	[[ $s == *.* ]] && f=${s#*.}
	f="${f}000000"
	printf -v "$1" '%d' $((10#${i:-0} * 1000000 + 10#${f:0:6}))
}
# fle A B — A <= B for decimal numbers
fle() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
# ms_diff T0 T1 — (T1 - T0) in milliseconds, one decimal; empty if either is
ms_diff() {
	[[ -n "${1:-}" && -n "${2:-}" ]] || return 0
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'
}
# RFC 9568 timers in ms for PRIORITY at ADVERT seconds (exact, not rounded)
skew_ms() { awk -v p="$1" -v i="$2" 'BEGIN { printf "%.2f\n", (256 - p) * i * 1000 / 256 }'; }
mdi_ms() { awk -v p="$1" -v i="$2" 'BEGIN { printf "%.2f\n", 3 * i * 1000 + (256 - p) * i * 1000 / 256 }'; }
fadd() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a + b }'; }

# wait_for TIMEOUT CMD... — poll CMD every VT_POLL seconds until it succeeds or
# TIMEOUT seconds have passed. Sets VT_WAITED_MS. Returns CMD's success.
wait_for() {
	local t0 now_ deadline max_polls polls=0
	_sec_to_us deadline "$1"; shift
	_now_us t0
	deadline=$((t0 + deadline))
	max_polls=100000
	while :; do
		if "$@"; then
			_now_us now_; VT_WAITED_MS=$(((now_ - t0) / 1000)); return 0
		fi
		_now_us now_
		polls=$((polls + 1))
		if ((now_ >= deadline || polls >= max_polls)); then
			VT_WAITED_MS=$(((now_ - t0) / 1000)); return 1
		fi
		sleep "$VT_POLL"
	done
}

# ---------------------------------------------------------------- names
node_ns() { echo "${VT_PFX}n$1"; }
node_ip() { echo "198.18.0.$1"; }
node_ip6() { printf 'fd00::%x\n' "$1"; }
# node_ip2 I — a second IPv4 address a scenario may give node I's eth0
node_ip2() { echo "198.18.0.$((10 + $1))"; }
node_mac() {
	ip -n "$(node_ns "$1")" -o link show dev eth0 |
		sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'
}
node_port() { echo "p$1"; }

# ---------------------------------------------------------------- capability
# vt_require CMD... — skip the whole file when a tool is missing
vt_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
	done
}

# vt_require_impl IMPL — the implementation must be runnable
vt_require_impl() {
	case $1 in
	vipd)
		[[ -x "$VIPD_BIN" && -x "$VIPCTL_BIN" ]] ||
			bail_out "vipd/vipctl not built ($VIPD_BIN, $VIPCTL_BIN): run make or set top_builddir"
		;;
	keepalived) vt_require "$KEEPALIVED_BIN" ;;
	*) bail_out "unknown implementation $1" ;;
	esac
}

# vt_caps — skip everything unless we are root and namespaces work
vt_caps() {
	[[ $(id -u) -eq 0 ]] || skip_all "needs root (network namespaces)"
	vt_require ip tcpdump tshark awk
	[[ -d /proc/self/ns && -e /proc/self/ns/net ]] || skip_all "network namespaces unavailable"
}

# vt_vipd_nouser — write $VT_DIR/vipd-nouser: $VIPD_BIN run in a mount namespace of its own in
# which /etc/passwd and /etc/group are copies without vipd (in $VT_DIR), so that it sees a
# machine without a vipd user while the machine's users are never touched (87, 97)
vt_vipd_nouser() {
	grep -v '^vipd:' /etc/passwd >"$VT_DIR/passwd"
	grep -v '^vipd:' /etc/group >"$VT_DIR/group"
	chmod 644 "$VT_DIR/passwd" "$VT_DIR/group"
	cat >"$VT_DIR/vipd-nouser" <<EOS
#!/bin/sh
exec unshare -m --propagation private sh -c 'mount --bind "$VT_DIR/passwd" /etc/passwd &&
	mount --bind "$VT_DIR/group" /etc/group && exec "\$0" "\$@"' "$VIPD_BIN" "\$@"
EOS
	chmod 755 "$VT_DIR/vipd-nouser"
}

# ---------------------------------------------------------------- topology
_ns_add() {
	ip netns add "$1" 2>/dev/null || return 1
	VT_NS+=("$1")
	ip -n "$1" link set lo up
}

# vt_topology N — create switch, N nodes and the client (VT_PFX, VT_DIR set)
vt_topology() {
	local n=$1 i ns
	VT_SW="${VT_PFX}s" VT_CL="${VT_PFX}c" VT_NODES=$n
	_ns_add "$VT_SW" || return 1
	ip netns exec "$VT_SW" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null || return 1
	ip -n "$VT_SW" link add br0 type bridge stp_state 0 forward_delay 0 \
		mcast_snooping 0 || return 1
	ip -n "$VT_SW" link set br0 up || return 1
	for i in $(seq 1 "$n") c; do
		if [[ $i == c ]]; then ns=$VT_CL; else ns=$(node_ns "$i"); fi
		_ns_add "$ns" || return 1
		ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$VT_SW" || return 1
		# the eth0 link-local (the IPv6 advert source) usable at once and
		# after every replug: no DAD on the test LAN
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.accept_dad=0 >/dev/null || return 1
		ip -n "$VT_SW" link set "p$i" master br0 up || return 1
		ip -n "$ns" link set eth0 up || return 1
		if [[ $i == c ]]; then
			ip -n "$ns" addr add "$CLIENT_IP/24" dev eth0 || return 1
			ip -n "$ns" addr add fd00::c8/64 dev eth0 nodad || return 1
		else
			ip -n "$ns" addr add "$(node_ip "$i")/24" dev eth0 || return 1
			ip -n "$ns" addr add "$(node_ip6 "$i")/64" dev eth0 nodad || return 1
		fi
	done
}

# vt_setup N — the usual start of a scenario: capability check, per-run
# directory, cleanup trap, topology with N nodes and a client.
vt_setup() {
	vt_caps
	# a root vipd without `user` runs as the vipd user, and refuses to start without one
	# (never nobody unless written): tests/netns/run makes one for its run when missing
	id -u vipd >/dev/null 2>&1 || [[ -n "${VT_CONF_USER:-}" ]] ||
		skip_all "no vipd user: run me through tests/netns/run or tests/netns/with-vipd-user, or useradd --system --no-create-home --shell /usr/sbin/nologin vipd"
	VT_PFX="vt$$$(printf '%02x' $((RANDOM % 256)))"
	VT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/vipd-netns.XXXXXX") || bail_out "mktemp failed"
	# vipd runs as an unprivileged user after start-up (privdrop): it must still
	# reach its config file here to reload it (the files are 0644, not listed)
	chmod 711 "$VT_DIR"
	trap vt_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if ! vt_topology "$1" 2>"$VT_DIR/topology.err"; then
		local why
		why=$(head -n 3 "$VT_DIR/topology.err" | tr '\n' ' ')
		vt_destroy
		skip_all "cannot build the namespace topology (netns/veth/bridge): $why"
	fi
}

# vt_destroy — kill every process in our namespaces, delete the namespaces
vt_destroy() {
	local ns pids p i
	for i in "${!VT_CAP_PID[@]}"; do kill -INT "${VT_CAP_PID[$i]}" 2>/dev/null; done
	for ns in "${VT_NS[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	done
	for ns in "${VT_NS[@]}"; do
		# the processes are gone within milliseconds; don't wait forever
		wait_for 2 _ns_empty "$ns" || true
		ip netns del "$ns" 2>/dev/null
	done
	VT_NS=()
}
_jobs_done() { [[ -z "$(jobs -pr)" ]]; }
_ns_empty() { [[ -z "$(ip netns pids "$1" 2>/dev/null)" ]]; }
# _ns_reap NS — give NS's processes 2 s to end, then SIGKILL them
_ns_reap() {
	local p
	wait_for 2 _ns_empty "$1" && return 0
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	wait_for 2 _ns_empty "$1"
}

vt_cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	if [[ -n "$VT_DIR" ]] && { ((VT_FAIL > 0)) || [[ "${VT_VERBOSE:-0}" == 1 ]]; }; then
		for i in $(seq 1 "$VT_NODES"); do
			[[ -s "$VT_DIR/n$i.log" ]] || continue
			diag "---- last lines of node $i's log (${VT_IMPL_OF[$i]:-?})"
			diag "$(tail -n 25 "$VT_DIR/n$i.log")"
		done
	fi
	exec 2>/dev/null # no "Killed" job notices for the daemons we end here
	vt_destroy
	# reap our background jobs (they end with the processes killed above),
	# without ever blocking on one that would not
	wait_for 3 _jobs_done && wait
	if [[ -n "$VT_DIR" ]]; then
		if [[ "${VT_KEEP:-0}" == 1 ]]; then diag "kept $VT_DIR"; else rm -rf "$VT_DIR"; fi
	fi
	# a file that failed must not look like it passed because of a late exit
	if ((VT_FAIL > 0 && rc == 0)); then rc=1; fi
	exit "$rc"
}

# cable_pull I / cable_replug I — set node I's bridge port down / up
cable_pull() { ip -n "$VT_SW" link set "$(node_port "$1")" down; }
cable_replug() { ip -n "$VT_SW" link set "$(node_port "$1")" up; }

# ---------------------------------------------------------------- configs
# write_conf IMPL I key=value... — write node I's config, print its path.
# Keys: prio (default 100), preempt (true/false), interval (seconds),
# vrid, vip (with /len; several separated by spaces), version, checksum,
# preempt_delay, garp_repeat, garp_delay, accept, auth_pass, auth_type (ah: keepalived's
# IPsec AH keyed with auth_pass), vmac (true or a
# name: keepalived's use_vmac [NAME]), vmac_xmit_base (true),
# unicast (1: source = this node, peers = the other nodes),
# unicast_ttl_check, peer_plen (N: each unicast peer written ADDR/N, as
# keepalived configs write them), mcast_group (ADDR: the multicast group),
# mcast_source (second: adverts from node_ip2), vipopt (more virtual addresses
# with keepalived's options, "ADDR/LEN dev eth1 label L ...", entries separated
# by commas), excluded (excluded_addresses / virtual_ipaddress_excluded, the
# same form), startup_delay (keepalived: vrrp_startup_delay),
# startup_delay_from_boot (top level), realtime_priority and lock_memory (top
# level; keepalived: vrrp_rt_priority, vrrp_no_swap). vipd-only keys are
# ignored for keepalived.
write_conf() {
	local impl=$1 i=$2 kv k v
	shift 2
	local -A c=([prio]=100 [preempt]=true [interval]=$ADVERT [vrid]=$VRID
		[vip]="$VIP/$VIP_LEN" [version]=3)
	# the mode's keys first (modes.sh: mode_set), then the caller's
	for kv in "${VT_CONF_DEFAULTS[@]}" "$@"; do c[${kv%%=*}]=${kv#*=}; done
	local f="$VT_DIR/n$i.$impl.conf" peers=()
	# shellcheck disable=SC2207 # one word per peer
	[[ ${c[unicast]:-0} == 1 ]] && peers=($(unicast_peers_of "$i"))
	[[ -n "${c[peer_plen]:-}" ]] && peers=("${peers[@]/%//${c[peer_plen]}}")
	case $impl in
	vipd)
		{
			echo "# node $i, written by tests/netns/lib.sh"
			echo "router_id = \"n$i\";"
			# VT_CONF_USER: the lab and benchmarks on a machine without a vipd user
			[[ -n "${VT_CONF_USER:-}" ]] && echo "user = \"$VT_CONF_USER\";"
			echo "control_socket = \"$VT_DIR/n$i.sock\";"
			# the demoted state of this node only (vipd makes the folder)
			echo "state_dir = \"$VT_DIR/n$i.lib\";"
			[[ -n "${c[startup_delay_from_boot]:-}" ]] &&
				echo "startup_delay_from_boot = ${c[startup_delay_from_boot]};"
			[[ -n "${c[realtime_priority]:-}" ]] &&
				echo "realtime_priority = ${c[realtime_priority]};"
			[[ -n "${c[lock_memory]:-}" ]] && echo "lock_memory = ${c[lock_memory]};"
			echo "instances = ("
			echo "  {"
			echo "    name = \"web\";"
			echo "    interface = \"eth0\";"
			echo "    vrid = ${c[vrid]};"
			echo "    priority = ${c[prio]};"
			echo "    version = ${c[version]};"
			echo "    advert_interval = ${c[interval]};"
			echo "    preempt = ${c[preempt]};"
			for k in preempt_delay accept checksum garp_repeat garp_delay auth_pass auth_type vmac \
				unicast_ttl_check startup_delay vmac_xmit_base; do
				[[ -n "${c[$k]:-}" ]] || continue
				v=${c[$k]}
				[[ $k == checksum || $k == auth_pass || $k == auth_type ]] && v="\"$v\""
				[[ $k == vmac && $v != true && $v != false ]] && v="\"$v\""
				echo "    $k = $v;"
			done
			[[ -n "${c[mcast_group]:-}" ]] && echo "    mcast_group = \"${c[mcast_group]}\";"
			[[ ${c[mcast_source]:-} == second ]] && echo "    mcast_source = \"$(node_ip2 "$i")\";"
			if [[ ${c[unicast]:-0} == 1 ]]; then
				echo "    unicast_source = \"$(node_ip "$i")\";"
				echo "    unicast_peers = [ $(_conf_list "${peers[@]}") ];"
			fi
			if [[ -n "${c[excluded]:-}" ]]; then
				echo "    excluded_addresses = [ $(_conf_csv "${c[excluded]}") ];"
			fi
			v=""
			[[ -n "${c[vipopt]:-}" ]] && v=", $(_conf_csv "${c[vipopt]}")"
			# shellcheck disable=SC2086 # one word per address
			echo "    virtual_addresses = [ $(_conf_list ${c[vip]})$v ];"
			echo "  }"
			echo ");"
		} >"$f"
		;;
	keepalived)
		# shellcheck disable=SC2016 # $3 is for the notify script
		printf '#!/bin/sh\n# keepalived notify: TYPE NAME STATE PRIORITY\necho "$3" > %s\n' \
			"$VT_DIR/n$i.state" >"$VT_DIR/n$i.notify"
		chmod 755 "$VT_DIR/n$i.notify"
		{
			echo "# node $i, written by tests/netns/lib.sh"
			echo "global_defs {"
			echo "  router_id n$i"
			echo "  vrrp_version ${c[version]}"
			echo "  script_user root"
			[[ -n "${c[mcast_group]:-}" ]] && echo "  vrrp_mcast_group4 ${c[mcast_group]}"
			[[ -n "${c[startup_delay]:-}" ]] && echo "  vrrp_startup_delay ${c[startup_delay]}"
			[[ -n "${c[realtime_priority]:-}" ]] && echo "  vrrp_rt_priority ${c[realtime_priority]}"
			[[ ${c[lock_memory]:-false} == true ]] && echo "  vrrp_no_swap"
			echo "}"
			echo "vrrp_instance web {"
			echo "  state BACKUP"
			echo "  interface eth0"
			echo "  virtual_router_id ${c[vrid]}"
			echo "  priority ${c[prio]}"
			echo "  advert_int ${c[interval]}"
			[[ ${c[preempt]} == false ]] && echo "  nopreempt"
			[[ -n "${c[preempt_delay]:-}" ]] && echo "  preempt_delay ${c[preempt_delay]}"
			[[ -n "${c[auth_pass]:-}" ]] &&
				printf '  authentication {\n    auth_type %s\n    auth_pass %s\n  }\n' \
					"$(tr '[:lower:]' '[:upper:]' <<<"${c[auth_type]:-pass}")" "${c[auth_pass]}"
			[[ ${c[mcast_source]:-} == second ]] && echo "  mcast_src_ip $(node_ip2 "$i")"
			if [[ ${c[unicast]:-0} == 1 ]]; then
				echo "  unicast_src_ip $(node_ip "$i")"
				printf '  unicast_peer {\n%s  }\n' "$(printf '    %s\n' "${peers[@]}")"
			fi
			[[ ${c[vmac]:-false} == true ]] && echo "  use_vmac"
			[[ ${c[vmac]:-false} != true && ${c[vmac]:-false} != false ]] && echo "  use_vmac ${c[vmac]}"
			[[ ${c[vmac_xmit_base]:-false} == true ]] && echo "  vmac_xmit_base"
			echo "  virtual_ipaddress {"
			# shellcheck disable=SC2086 # one word per address
			printf '    %s\n' ${c[vip]}
			[[ -n "${c[vipopt]:-}" ]] && tr ',' '\n' <<<"${c[vipopt]}" | sed 's/^ */    /'
			echo "  }"
			if [[ -n "${c[excluded]:-}" ]]; then
				echo "  virtual_ipaddress_excluded {"
				tr ',' '\n' <<<"${c[excluded]}" | sed 's/^ */    /'
				echo "  }"
			fi
			echo "  notify $VT_DIR/n$i.notify"
			echo "}"
		} >"$f"
		;;
	*) bail_out "write_conf: unknown implementation $impl" ;;
	esac
	echo "$f"
}

# ---------------------------------------------------------------- nodes
# start_node I IMPL CONF — start IMPL in node I's namespace, in the
# foreground, logging to $VT_DIR/nI.log. A small watcher subshell records the
# daemon's pid (nI.main) and, once it ends, its exit status (nI.rc).
# VT_RUN_DIR=DIR (vipd): pid file and control socket in DIR (a folder vipd
# makes and hands to its user, so that it can remove them at exit);
# $VT_DIR/nI.sock points there. VT_STDERR=FILE (vipd): its output goes to
# FILE (a FIFO...) instead of the log. VT_NETNS_EXEC=0 (vipd): started in the
# harness's own namespace, for a config that enters the node's (net_namespace).
start_node() {
	local i=$1 impl=$2 conf=$3 ns d=$VT_DIR pidf sock out
	ns=$(node_ns "$i")
	VT_IMPL_OF[$i]=$impl
	rm -f "$d/n$i.state" "$d/n$i.pid" "$d/n$i.vpid" "$d/n$i.main" "$d/n$i.rc"
	pidf=$d/n$i.pid sock=$d/n$i.sock out=${VT_STDERR:-$d/n$i.log}
	if [[ -n "${VT_RUN_DIR:-}" ]]; then
		pidf=$VT_RUN_DIR/n$i.pid sock=$VT_RUN_DIR/n$i.sock
		ln -sfn "$sock" "$d/n$i.sock"
	fi
	echo "==== start $impl $(now)" >>"$d/n$i.log"
	if [[ "${VT_DETACH:-0}" == 1 ]]; then
		# scripts/lab up: the daemon outlives this shell, in its own session
		case $impl in
		vipd)
			setsid ip netns exec "$ns" "$VIPD_BIN" -f "$conf" -n --log-stderr -l info \
				-p "$d/n$i.pid" -S "$d/n$i.sock" </dev/null >>"$d/n$i.log" 2>&1 &
			;;
		keepalived)
			setsid ip netns exec "$ns" "$KEEPALIVED_BIN" -n -l -G -P -f "$conf" \
				-p "$d/n$i.pid" -r "$d/n$i.vpid" -c "$d/n$i.cpid" </dev/null >>"$d/n$i.log" 2>&1 &
			;;
		esac
		echo $! >"$d/n$i.main"
		return 0
	fi
	(
		case $impl in
		vipd)
			# VT_NETNS_EXEC=0: started in the harness's namespace (net_namespace enters
			# the node's)
			local pre=(ip netns exec "$ns")
			[[ "${VT_NETNS_EXEC:-1}" == 0 ]] && pre=()
			# shellcheck disable=SC2086 # VT_VIPD_ARGS: one word per option
			"${pre[@]}" "$VIPD_BIN" -f "$conf" -n --log-stderr -l "${VT_LOG_LEVEL:-debug}" \
				${VT_VIPD_ARGS:-} -p "$pidf" -S "$sock" >>"$out" 2>&1 &
			;;
		keepalived)
			ip netns exec "$ns" "$KEEPALIVED_BIN" -n -l -D -G -P -f "$conf" \
				-p "$d/n$i.pid" -r "$d/n$i.vpid" -c "$d/n$i.cpid" >>"$d/n$i.log" 2>&1 &
			;;
		esac
		echo $! >"$d/n$i.main"
		wait $!
		echo $? >"$d/n$i.rc"
	) 2>>"$d/n$i.log" &
	wait_for 2 test -s "$d/n$i.main"
}

_pid_alive() {
	local st
	[[ -r /proc/$1/stat ]] || return 1
	st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n "$st" && "$st" != Z && "$st" != X ]]
}
node_pid() { cat "$VT_DIR/n$1.main" 2>/dev/null; }
node_alive() { local p; p=$(node_pid "$1"); [[ -n "$p" ]] && _pid_alive "$p"; }

# node_ready I — the daemon answers (vipd: control socket; keepalived: its
# notify script has reported a first state)
node_ready() {
	case ${VT_IMPL_OF[$1]} in
	vipd) "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json status >/dev/null 2>&1 ;;
	keepalived) [[ -s "$VT_DIR/n$1.state" ]] ;;
	esac
}

# stop_node I [SIGNAL] [TIMEOUT] — signal the daemon (default TERM) and wait
# for it to exit (bounded; SIGKILL after TIMEOUT, default 5 s). VT_RC is its
# exit status ("" if unknown).
stop_node() {
	local i=$1 sig=${2:-TERM} t=${3:-5} pid
	pid=$(node_pid "$i")
	VT_RC=""
	[[ -n "$pid" ]] || return 1
	kill "-$sig" "$pid" 2>/dev/null
	if ! wait_for "$t" _pid_gone "$pid"; then
		diag "node $i (pid $pid) still running after ${t}s: SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		wait_for 2 _pid_gone "$pid"
	fi
	wait_for 2 test -s "$VT_DIR/n$i.rc" && VT_RC=$(cat "$VT_DIR/n$i.rc")
	# children (keepalived's VRRP process, scripts) must not outlive it
	_ns_reap "$(node_ns "$i")"
	rm -f "$VT_DIR/n$i.main"
	return 0
}
_pid_gone() { ! _pid_alive "$1"; }

# kill9_node I — SIGKILL the whole daemon, leaving its addresses behind
kill9_node() {
	local i=$1 pid vpid
	pid=$(node_pid "$i")
	if [[ ${VT_IMPL_OF[$i]} == keepalived ]]; then
		# freeze the parent so it neither respawns nor signals the VRRP child
		vpid=$(cat "$VT_DIR/n$i.vpid" 2>/dev/null)
		kill -STOP "$pid" 2>/dev/null
		[[ -n "$vpid" ]] && kill -KILL "$vpid" 2>/dev/null
	fi
	stop_node "$i" KILL 2
}

# node_status I — vipd: the JSON status line; keepalived: a similar line
node_status() {
	case ${VT_IMPL_OF[$1]} in
	vipd) "$VIPCTL_BIN" -S "$VT_DIR/n$1.sock" --json status 2>/dev/null ;;
	keepalived)
		local s
		s=$(cat "$VT_DIR/n$1.state" 2>/dev/null)
		[[ $s == STOP ]] && s=INIT
		echo "{\"instances\":[{\"name\":\"web\",\"state\":\"${s:-INIT}\"}]}"
		;;
	esac
}
# json_field KEY — a field of the first instance from a status line on stdin
# (strings unquoted, arrays as written); empty when absent
json_field() {
	local line re v
	IFS= read -r line || [[ -n "$line" ]] || return 0
	line=${line#*\"instances\":\[\{}
	line=${line%%\}*}
	re="\"$1\"[[:space:]]*:[[:space:]]*(\"[^\"]*\"|\[[^]]*\]|[^,]*)"
	[[ $line =~ $re ]] || return 0
	v=${BASH_REMATCH[1]}
	v=${v#\"}
	echo "${v%\"}"
}
# status_fields I KEY... — "key=value ..." from node I's status parsed as JSON
# (python3): the first instance's keys, else top-level ones; numbers in %g
# form (0.050000000000000003 -> 0.05), lists comma-joined
status_fields() {
	node_status "$1" | python3 -c '
import json, sys
try:
    d = json.loads(sys.stdin.readline())
    inst = d["instances"][0]
except Exception as e:
    print("invalid status JSON: %s" % e)
    sys.exit(0)
def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "%g" % v
    if isinstance(v, list):
        return ",".join(fmt(x) for x in v)
    return str(v)
out = []
for k in sys.argv[1:]:
    v = inst.get(k, d.get(k, "<missing>"))
    out.append("%s=%s" % (k, fmt(v)))
print(" ".join(out))' "${@:2}"
}
node_state() { node_status "$1" | json_field state; }
# vt_state_line — "n1=MASTER n2=BACKUP holders '1'" for diagnostics; a node
# that does not answer shows why
vt_state_line() {
	local i st out="" err
	for i in $(seq 1 "$VT_NODES"); do
		[[ -n "${VT_IMPL_OF[$i]:-}" ]] || continue
		st=$(node_state "$i")
		if [[ -z "$st" ]]; then
			if ! node_alive "$i"; then st="(not running)"
			elif [[ ${VT_IMPL_OF[$i]} == vipd ]]; then
				err=$("$VIPCTL_BIN" -S "$VT_DIR/n$i.sock" --json status 2>&1 | head -c 200)
				st="(no answer: ${err:-empty})"
			else st="(no state)"; fi
		fi
		out="${out}n$i=$st "
	done
	echo "${out}holders '$(who_holds)'"
}
state_is() { [[ "$(node_state "$1")" == "$2" ]]; }

# ---------------------------------------------------------------- VIP holders
# holds_vip I [ADDR] — node I has ADDR (default $VIP) on any interface (eth0,
# or a VMAC interface), either family
holds_vip() { ip -n "$(node_ns "$1")" -o addr show 2>/dev/null | grep -q " ${2:-$VIP}/"; }
# who_holds — node numbers holding the VIP on eth0, space separated
who_holds() {
	local i out=""
	for i in $(seq 1 "$VT_NODES"); do
		holds_vip "$i" && out="$out $i"
	done
	echo "${out# }"
}
# holders_are "LIST" — exactly these nodes hold the VIP ("" = nobody)
holders_are() { [[ "$(who_holds)" == "$1" ]]; }
# only_master I — node I holds the VIP alone and reports MASTER
only_master() { holders_are "$1" && state_is "$1" MASTER; }

# stable_for SECONDS CMD... — CMD holds at every sample (every 20 ms) during
# SECONDS. Sets VT_SAMPLES; prints the first failing sample's time on failure.
stable_for() {
	local t0 now_ dur
	_sec_to_us dur "$1"; shift
	_now_us t0
	VT_SAMPLES=0
	while :; do
		VT_SAMPLES=$((VT_SAMPLES + 1))
		if ! "$@"; then
			_now_us now_
			diag "condition broke after $(((now_ - t0) / 1000)) ms: $(vt_state_line)"
			return 1
		fi
		_now_us now_
		((now_ - t0 >= dur || VT_SAMPLES >= 10000)) && return 0
		sleep 0.02
	done
}

# client_ping COUNT [ADDR] — the client pings; prints "sent received"
client_ping() {
	ip netns exec "$VT_CL" ping -n -q -c "$1" -i 0.05 -W 1 -w 5 "${2:-$VIP}" 2>/dev/null |
		sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p'
}
# ping_start / ping_stop — background client ping every 10 ms; ping_stop
# prints "sent received"
ping_start() {
	ip netns exec "$VT_CL" ping -n -D -O -i 0.01 -W 1 "$VIP" >"$VT_DIR/ping.out" 2>&1 &
	VT_PING_PID=$!
}
ping_stop() {
	kill -INT "$VT_PING_PID" 2>/dev/null
	wait_for 3 _pid_gone "$VT_PING_PID" || kill -KILL "$VT_PING_PID" 2>/dev/null
	wait "$VT_PING_PID" 2>/dev/null
	sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$VT_DIR/ping.out"
}

# ---------------------------------------------------------------- capture
# cap_start NAME [NODE] — capture everything on br0 into $VT_DIR/NAME.pcap
# (a one-line-per-packet text copy goes to NAME.txt); returns once tcpdump is
# listening and, with NODE, once an advert of NODE has been captured (so a
# "last advert before the event" exists). cap_stop NAME ends it.
cap_start() {
	local f="$VT_DIR/$1.pcap"
	ip netns exec "$VT_SW" tcpdump -i br0 -n -l -U --immediate-mode -s 256 \
		-w "$f" --print >"$VT_DIR/$1.txt" 2>"$f.err" &
	VT_CAP_PID[$1]=$!
	wait_for 5 grep -qs 'listening on' "$f.err" || diag "tcpdump did not start: $(cat "$f.err")"
	if [[ -n "${2:-}" ]]; then
		wait_for "${VT_SETTLE:-2}" cap_has_advert "$1" "$2" ||
			diag "no advert from node $2 captured within ${VT_SETTLE:-2} s"
	fi
}
# cap_has NAME PATTERN — the capture's text copy has a line with PATTERN
cap_has() { grep -qF -- "$2" "$VT_DIR/$1.txt"; }
# cap_has_advert NAME NODE — an advert from NODE (any destination) was captured
cap_has_advert() { grep -qE -- " $(node_src "$2") > [0-9a-f.:]+: (AH\([^)]*\): )?VRRP" "$VT_DIR/$1.txt"; }
cap_stop() {
	local p=${VT_CAP_PID[$1]:-}
	[[ -n "$p" ]] || return 0
	kill -INT "$p" 2>/dev/null
	wait_for 5 _pid_gone "$p" || kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	unset "VT_CAP_PID[$1]"
}
cap_file() { echo "$VT_DIR/$1.pcap"; }

# shellcheck source=tests/netns/measure.sh
. "$VT_LIB_DIR/measure.sh"
# shellcheck source=tests/netns/modes.sh
. "$VT_LIB_DIR/modes.sh"

# ---------------------------------------------------------------- scenario glue
# start_with I IMPL key=value... — write node I's config, start it, wait until
# it answers (5 s at most)
start_with() {
	local i=$1 impl=$2 conf
	shift 2
	conf=$(write_conf "$impl" "$i" "$@")
	start_node "$i" "$impl" "$conf"
	if ! wait_for 5 node_ready "$i"; then
		diag "node $i ($impl) not ready after 5 s"
		return 1
	fi
}

# others_backup I — every node but I reports BACKUP
others_backup() {
	local j
	for j in $(seq 1 "$VT_NODES"); do
		[[ $j == "$1" ]] && continue
		node_alive "$j" || continue
		state_is "$j" BACKUP || return 1
	done
}
# settled I — node I is the only master and holds the VIP alone
settled() { only_master "$1" && others_backup "$1"; }

# reset_nodes — stop every node (SIGKILL) and remove leftover VIPs and VMAC
# interfaces, ports up
reset_nodes() {
	local i a ns l
	for i in $(seq 1 "$VT_NODES"); do
		node_alive "$i" && stop_node "$i" KILL 2
		ns=$(node_ns "$i")
		for l in $(ip -n "$ns" -o link show type macvlan 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
			ip -n "$ns" link del "$l" 2>/dev/null
		done
		for a in "$VIP/$VIP_LEN" ${VIP_LIST:-}; do ip -n "$ns" addr del "$a" dev eth0 2>/dev/null; done
		cable_replug "$i"
	done
	return 0
}

# must DESC CMD... — like check, but a failure ends the file (the remaining
# steps would only report consequences of it)
must() {
	local d=$1
	shift
	if "$@"; then ok "$d"; return 0; fi
	not_ok "$d"
	diag "$(vt_state_line)"
	done_testing
	exit 1
}

# start_pair IMPL1 IMPL2 [key=value...] — node 1 (priority 150) and node 2
# (priority 100) start together; node 1 must end up the only master.
start_pair() {
	local a=$1 b=$2
	shift 2
	start_with 1 "$a" prio=150 "$@" && start_with 2 "$b" prio=100 "$@" &&
		wait_for "${VT_SETTLE:-5}" settled 1
}

# must_check DESC CONF — vipd --check accepts CONF (ok DESC), else the file ends
# with the config and vipd's answer
must_check() {
	if "$VIPD_BIN" --check -f "$2" >"$VT_DIR/check.out" 2>&1; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag "$(cat "$2")" "vipd --check says:" "$(cat "$VT_DIR/check.out")"
	done_testing
	exit 1
}

# vrrp_count CAP FILTER — how many VRRP packets of capture CAP match the tshark FILTER
vrrp_count() {
	tshark -r "$(cap_file "$1")" -Y "vrrp && !icmp && ($2)" -T fields -e frame.number 2>/dev/null | wc -l
}

# pair_steady TAG IMPL1 IMPL2 [WHAT] — start_pair (a failure ends the file; WHAT
# is added to its description), capture TAG from node 1; then node 1 the only
# master with the VIP for 2 s, node 2 silent meanwhile, and a vipd node 2
# naming node 1 (its advert source, node_src) as its master; keys for write_conf
# may follow WHAT
pair_steady() {
	local tag=$1 a=$2 b=$3 t0 t1 n
	must "$tag: node 1 ($a, 150) master, node 2 ($b, 100) backup${4:+, $4}" start_pair "$a" "$b" "${@:5}"
	cap_start "$tag" 1
	t0=$(now)
	if stable_for 2 settled 1; then
		ok "$tag: one master ($a) and the VIP on node 1 only for 2 s ($VT_SAMPLES samples)"
	else
		not_ok "$tag: single master for 2 s (states $(node_state 1)/$(node_state 2))"
	fi
	t1=$(now)
	n=$(count_adverts "$tag" 1 "$t0" "$t1")
	is "$(count_adverts "$tag" 2 "$t0" "$t1")" 0 "$tag: the backup ($b) stayed silent while node 1 sent $n adverts"
	[[ $b == vipd ]] && is "$(node_status 2 | json_field master_address)" "$(node_src 1)" \
		"$tag: vipd (backup) reports master_address $(node_src 1)"
	return 0
}

# pair_pull TAG IMPL2 MDI_MS [WAIT] — cable pull of node 1: node 2 (IMPL2) takes over (polled
# for WAIT seconds, default 3), its first announcement within MDI_MS + 20 ms of node 1's last
# advert on the wire
pair_pull() {
	local tag=$1 b=$2 t_pull
	t_pull=$(now)
	cable_pull 1
	if wait_for "${4:-3}" only_master 2; then
		ok "$tag: cable pull of node 1 -> node 2 ($b) is MASTER and holds the VIP"
	else
		not_ok "$tag: node 2 ($b) takes over (state '$(node_state 2)', holders '$(who_holds)')"
	fi
	takeover "$tag" 1 2 "$t_pull"
	within "$TK_MS" "$(fadd "$3" 20)" "$tag: takeover by $b from the last advert on the wire, ms"
}

# ping_gap_ms — longest time between two consecutive replies of ping_start's
# client, in ms: the outage the client saw
ping_gap_ms() {
	awk -F'[][]' '/bytes from/ { t = $2 + 0; if (p != "" && t - p > g) g = t - p; p = t }
		END { printf "%.1f\n", g * 1000 }' "$VT_DIR/ping.out"
}
# ping helpers for "replies resumed after the takeover"
ping_replies() { local c; c=$(grep -c 'bytes from' "$VT_DIR/ping.out" 2>/dev/null); echo "${c:-0}"; }
_ping_replies_gt() { (($(ping_replies) > $1)); }
