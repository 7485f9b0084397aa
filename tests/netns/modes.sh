# shellcheck shell=bash
# tests/netns/modes.sh — the protocol modes of issue 3 and what a scenario
# needs to know about them. Sourced by lib.sh. Without mode_set everything is
# issue 2's mode (v3, IPv4 multicast, one VIP on eth0).
#
#   v2            VRRPv2 (RFC 3768), IPv4, auth_pass (Auth Type 1), 1 s adverts
#   v3            VRRPv3, IPv4 multicast 224.0.0.18
#   v3-ipv6       VRRPv3, IPv6 ff02::12, VIPs fe80::51 (first) and fd00::100
#   v3-unicast    VRRPv3, IPv4, unicast_source = the node, unicast_peers = the others
#   v3-vmac       VRRPv3, IPv4, virtual MAC 00:00:5e:00:01:VRID
#   v3-ipv6-vmac  VRRPv3, IPv6, virtual MAC 00:00:5e:00:02:VRID
#   v3-vmac-named VRRPv3, IPv4, virtual MAC on a VMAC named vmac-web (use_vmac NAME)
#   v3-unicast-vmac-base  VRRPv3, IPv4 unicast, VMAC vrrp.VRID, adverts from the
#                 interface (vmac_xmit_base, which keepalived needs with unicast)
#
# mode_set sets VT_CONF_DEFAULTS (keys write_conf applies before its own
# arguments), VIP / VIP_LEN (the address the scenarios check) and VIP_LIST
# (every configured address, in order), ADVERT, VT_SETTLE (seconds to wait
# for an election).

# shellcheck disable=SC2153 # VT_CL and friends: lib.sh
# shellcheck disable=SC2034 # read by lib.sh and measure.sh
M_NAME=v3 M_FAM=4 M_VER=3 M_AUTH="" M_UNICAST=0 M_VMAC=0 M_VMAC_NAME="" M_XBASE=0
VT_CONF_DEFAULTS=()
VIP_LIST=""
MODES="v2 v3 v3-ipv6 v3-unicast v3-vmac v3-ipv6-vmac v3-vmac-named v3-unicast-vmac-base"
declare -A VT_LL=()

# mode_set MODE — switch the scenario to MODE (one of $MODES)
mode_set() {
	# shellcheck disable=SC2034
	M_NAME=$1 M_FAM=4 M_VER=3 M_AUTH="" M_UNICAST=0 M_VMAC=0 M_VMAC_NAME="" M_XBASE=0
	case $1 in
	v2) M_VER=2 M_AUTH=s3cret ADVERT=1 VT_SETTLE=8 ;;
	v3) ;;
	v3-ipv6) M_FAM=6 ;;
	v3-unicast) M_UNICAST=1 ;;
	v3-vmac) M_VMAC=1 ;;
	v3-ipv6-vmac) M_FAM=6 M_VMAC=1 ;;
	v3-vmac-named) M_VMAC=1 M_VMAC_NAME=vmac-web ;;
	v3-unicast-vmac-base) M_UNICAST=1 M_VMAC=1 M_XBASE=1 ;;
	*) bail_out "mode_set: unknown mode $1 (one of: $MODES)" ;;
	esac
	if ((M_FAM == 6)); then
		VIP=fd00::100 VIP_LEN=64 VIP_LIST="fe80::51/64 fd00::100/64"
	else
		VIP_LIST="$VIP/$VIP_LEN"
	fi
	VT_CONF_DEFAULTS=("version=$M_VER" "vip=$VIP_LIST" "interval=$ADVERT")
	[[ -n $M_AUTH ]] && VT_CONF_DEFAULTS+=("auth_pass=$M_AUTH")
	((M_UNICAST)) && VT_CONF_DEFAULTS+=(unicast=1)
	((M_VMAC)) && VT_CONF_DEFAULTS+=("vmac=${M_VMAC_NAME:-true}")
	# With vmac_xmit_base no advert refreshes the switch's entry for the virtual MAC: only
	# announcements do. A keepalived master still answering the new master's gratuitous ARPs
	# (from the same MAC) points the switch at itself until the next one, so the second
	# burst comes 0.5 s after a takeover instead of 5 s (a unicast advert can wait that long
	# for ARP after a replug).
	((M_XBASE)) && VT_CONF_DEFAULTS+=(vmac_xmit_base=true garp_delay=0.5)
	return 0
}

# mode_desc — one line about the current mode, for diagnostics
mode_desc() {
	local d="VRRPv$M_VER IPv$M_FAM"
	((M_UNICAST)) && d="$d unicast" || d="$d multicast"
	((M_VMAC)) && d="$d, VMAC ${M_VMAC_NAME:-vrrp.$VRID} $(vmac_mac)"
	((M_XBASE)) && d="$d, adverts from the interface (vmac_xmit_base)"
	[[ -n $M_AUTH ]] && d="$d, auth PASS"
	echo "$d, ${ADVERT} s adverts, VIPs $VIP_LIST"
}

# vip_addrs — the configured VIPs without prefix length, one per line
vip_addrs() { local a; for a in ${VIP_LIST:-$VIP/$VIP_LEN}; do echo "${a%/*}"; done; }
# _conf_list WORD... — "a", "b" for a libconfig list
# _conf_csv "A dev x,B" — comma-separated entries (words kept) as a libconfig list body
_conf_csv() {
	local e out="" IFS=,
	for e in $1; do
		e=${e# }
		out="$out${out:+, }\"$e\""
	done
	echo "$out"
}
_conf_list() { local w out=""; for w in "$@"; do out="$out${out:+, }\"$w\""; done; echo "$out"; }
# unicast_peers_of I — every other node's address
unicast_peers_of() { local j; for j in $(seq 1 "$VT_NODES"); do [[ $j == "$1" ]] || node_ip "$j"; done; }
# vmac_mac — the virtual MAC of the mode's family for $VRID
vmac_mac() { printf '00:00:5e:00:%02x:%02x\n' $((M_FAM == 6 ? 2 : 1)) "$VRID"; }

# node_ll I — node I's own eth0 link-local (not a configured VIP), cached
node_ll() {
	local a
	if [[ -z "${VT_LL[$1]:-}" ]]; then
		a=$(ip -n "$(node_ns "$1")" -6 -o addr show dev eth0 scope link 2>/dev/null |
			awk '{ sub(/\/.*/, "", $4); print $4 }' | grep -vxF -f <(vip_addrs) | head -n 1)
		[[ -n "$a" ]] && VT_LL[$1]=$a
	fi
	echo "${VT_LL[$1]:-}"
}
# node_src I — the source address of node I's adverts in this mode
node_src() { if ((M_FAM == 6)); then node_ll "$1"; else node_ip "$1"; fi; }
# node_amac I — the Ethernet source of node I's announcements ("-", none we
# can tell apart, with a VMAC)
node_amac() { if ((M_VMAC)); then echo -; else node_mac "$1"; fi; }
# any_of FIELD VALUE... — tshark "(FIELD == V1 || FIELD == V2 ...)" (sets in
# braces do not take IPv6 addresses)
any_of() {
	local f=$1 v out=""
	shift
	for v in "$@"; do out="$out${out:+ || }$f == $v"; done
	echo "($out)"
}
# ip_field NAME — tshark's field of the mode's family: ip.NAME or ipv6.NAME
ip_field() { if ((M_FAM == 6)); then echo "ipv6.$1"; else echo "ip.$1"; fi; }

# wire_filter NODE PRIO — tshark display filter a well-formed advert of NODE
# (priority PRIO or 0) matches in this mode
wire_filter() {
	local n=$1 prio=$2 g j macs=()
	if ((M_FAM == 6)); then
		g="ipv6.hlim == 255 && ipv6.dst == ff02::12 && eth.dst == 33:33:00:00:00:12"
		g="$g && ipv6.src == fe80::/10"
	elif ((M_UNICAST)); then
		for j in $(seq 1 "$VT_NODES"); do [[ $j == "$n" ]] || macs+=("$(node_mac "$j")"); done
		# shellcheck disable=SC2046 # one word per peer
		g="ip.ttl == 255 && $(any_of ip.dst $(unicast_peers_of "$n")) && $(any_of eth.dst "${macs[@]}")"
	else
		g="ip.ttl == 255 && ip.dst == 224.0.0.18 && eth.dst == 01:00:5e:00:00:12"
	fi
	if ((M_VMAC && !M_XBASE)); then g="$g && eth.src == $(vmac_mac)"; else g="$g && eth.src == $(node_mac "$n")"; fi
	g="$g && vrrp.version == $M_VER && vrrp.type == 1 && vrrp.virt_rtr_id == $VRID"
	g="$g && (vrrp.prio == $prio || vrrp.prio == 0)"
	if ((M_VER == 2)); then
		g="$g && vrrp.adver_int == $ADVERT && vrrp.auth_type == 1 && vrrp.auth_string == \"$M_AUTH\""
	else
		g="$g && vrrp.short_adver_int == $(awk -v i="$ADVERT" 'BEGIN { printf "%d", i * 100 + 0.5 }')"
	fi
	echo "$g && vrrp.addr_count == $(vip_addrs | wc -l) && vrrp.checksum.status == \"Good\""
}
# wire_desc PRIO — the same, in words
wire_desc() {
	local d
	if ((M_FAM == 6)); then d="hop limit 255, link-local source, ff02::12"
	elif ((M_UNICAST)); then d="TTL 255, to the peer"
	else d="TTL 255, 224.0.0.18"; fi
	((M_VMAC && !M_XBASE)) && d="$d, from $(vmac_mac)"
	d="$d, v$M_VER, VRID $VRID, prio $1/0"
	if ((M_VER == 2)); then d="$d, ${ADVERT} s, auth PASS '$M_AUTH'"
	else d="$d, $(awk -v i="$ADVERT" 'BEGIN { printf "%d", i * 100 + 0.5 }') cs"; fi
	echo "$d, addresses $(vip_addrs | paste -sd, -), checksum Good"
}

# client_lladdr ADDR — the client's neighbour entry for ADDR (the MAC), or
# "none"; client_knows ADDR MAC — the entry is MAC and usable
client_lladdr() {
	local l
	l=$(ip -n "$VT_CL" neigh show "$1" dev eth0 2>/dev/null | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
	echo "${l:-none}"
}
client_knows() { [[ "$(client_lladdr "$1")" == "$2" ]]; }

# ---------------------------------------------------------------- injected adverts
# Hand-made adverts sent with scapy (vrrp_inject.py) from the client namespace.
VT_PY=${VT_PY:-/usr/bin/python3} # Debian's python3, where python3-scapy lives

# vt_require_scapy — skip the whole file without python3-scapy
vt_require_scapy() {
	"$VT_PY" -c 'import scapy.layers.inet6' 2>/dev/null ||
		skip_all "python3-scapy not installed ($VT_PY; scripts/install-deps installs it)"
}
# inject ARG... — vrrp_inject.py in the client namespace (see its --help)
inject() { ip netns exec "$VT_CL" "$VT_PY" "$VT_LIB_DIR/vrrp_inject.py" "$@"; }
# inject_bg NAME ARG... — the same in the background; its current phase is in
# $VT_DIR/NAME.phase (phase_is NAME PHASE), its errors in $VT_DIR/NAME.log
inject_bg() {
	local n=$1
	shift
	rm -f "$VT_DIR/$n.phase"
	inject --mark "$VT_DIR/$n.phase" "$@" >"$VT_DIR/$n.log" 2>&1 &
}
phase_is() { [[ "$(cat "$VT_DIR/$1.phase" 2>/dev/null)" == "$2" ]]; }
# backup_during I NAME PHASE — once injector NAME is in PHASE (5 s at most),
# node I reports BACKUP at every sample (20 ms) until the phase ends (10 s at most)
backup_during() {
	local i=$1 n=$2 p=$3 t0 now_
	wait_for 5 phase_is "$n" "$p" || { diag "injector $n never reached phase $p: $(cat "$VT_DIR/$n.log")"; return 1; }
	_now_us t0
	while phase_is "$n" "$p"; do
		if ! state_is "$i" BACKUP; then
			_now_us now_
			diag "node $i left BACKUP $(((now_ - t0) / 1000)) ms into phase $p: $(vt_state_line)"
			return 1
		fi
		_now_us now_
		((now_ - t0 < 10000000)) || return 1
		sleep 0.02
	done
}
