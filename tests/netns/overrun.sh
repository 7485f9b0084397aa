# shellcheck shell=bash
# tests/netns/overrun.sh — a netlink monitor overrun on demand, for 54-netlink-overrun.sh and
# the chaos suite's "overrun" fault. Sourced after lib.sh.
#
# OV_LINKS veth pairs in a namespace get OV_ADDRS IPv4 addresses each (198.19.0.0/16: the first
# of each /22 the primary, the others its secondaries; vipd reads their events as they come);
# then vipd is stopped (SIGSTOP) for a pause while each primary is deleted (the kernel deletes
# its secondaries with it, one RTM_DELADDR each, ~830 bytes of receive buffer: promote_secondaries
# is off) and each link's MTU changed: 16000 events, ~13 MB, more than vipd's 8 MiB monitor
# buffer holds, so events are lost (ENOBUFS). Whether they really were is read from the
# kernel's drop counter of vipd's monitor socket (/proc/net/netlink).

OV_LINKS=${OV_LINKS:-16}
OV_ADDRS=${OV_ADDRS:-1000}

# ov_mon_field NS COLUMN — a column of /proc/net/netlink for vipd's monitor socket in NS (the
# one route socket there in the link + IPv4/IPv6 address groups: 0x111)
# shellcheck disable=SC2016 # awk fields, not shell expansions
ov_mon_field() {
	ip netns exec "$1" awk -v c="$2" '$2 == 0 && $4 == "00000111" { print $c; exit }' \
		/proc/net/netlink
}
# ov_mon_idle NS — vipd's monitor queue in NS is empty
ov_mon_idle() { [[ "$(ov_mon_field "$1" 5)" == 0 ]]; }

# ov_links NS — the churn links in NS, up (vipd runs on none of them)
ov_links() {
	local k
	for ((k = 0; k < OV_LINKS; k++)); do
		echo "link add ch$k type veth peer name cp$k"
		echo "link set ch$k up"
	done >"$VT_DIR/churn-links.batch"
	ip -n "$1" -batch "$VT_DIR/churn-links.batch" >/dev/null
}
# ov_links_del NS — remove them (their addresses go with them)
ov_links_del() {
	local k
	for ((k = 0; k < OV_LINKS; k++)); do ip -n "$1" link del "ch$k" 2>/dev/null; done
	return 0
}
# ov_setup NS — the addresses on every churn link
ov_setup() {
	local k j
	if [[ ! -s $VT_DIR/churn-setup.batch ]]; then
		for ((k = 0; k < OV_LINKS; k++)); do
			for ((j = 0; j < OV_ADDRS; j++)); do
				echo "addr add 198.19.$((k * 4 + j / 250)).$((j % 250 + 1))/22 dev ch$k"
			done
		done >"$VT_DIR/churn-setup.batch"
	fi
	# -force: addresses a cut-short churn left are there already (EEXIST, not an error here:
	# a round whose setup fell short shows up as no overrun)
	ip -n "$1" -force -batch "$VT_DIR/churn-setup.batch" >/dev/null 2>&1 || true
}
# ov_pause NS PID PAUSE ROUND — stop PID, churn, continue it PAUSE s after the stop, all from
# one process at nice -20 (a bash sleep between two kills would add the shell's own scheduling
# delays to the pause; the churn's ~70 ms of kernel work must fit in the pause on a busy host).
# Prints "PAUSE_MS DROPS_AT_STOP DROPS_AT_CONT DROPS_AFTER CHURN_END": an overrun happened when
# the last drop count is above the first.
ov_pause() {
	local ns=$1 pid=$2 pause=$3 round=$4 k b=$VT_DIR/churn-run.batch
	for ((k = 0; k < OV_LINKS; k++)); do
		echo "addr del 198.19.$((k * 4)).1/22 dev ch$k"
		echo "link set ch$k mtu $((1400 + round % 100))"
	done >"$b"
	nice -n -20 ip netns exec "$ns" python3 -c '
import os, signal, subprocess, sys, time
pid, pause, batch = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
def drops():
    with open("/proc/net/netlink") as f:
        for line in f:
            c = line.split()
            if c[1] == "0" and c[3] == "00000111":
                return int(c[8])
    return -1
os.kill(pid, signal.SIGSTOP)
t0 = time.monotonic()
d0 = drops()
churn = subprocess.Popen(["ip", "-force", "-batch", batch], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
tc = None
while time.monotonic() < t0 + pause:
    if tc is None and churn.poll() is not None:
        tc = time.monotonic()
    time.sleep(min(0.002, max(0.0, t0 + pause - time.monotonic())))
d1 = drops()
os.kill(pid, signal.SIGCONT)
t1 = time.monotonic()
if churn.poll() is None:
    churn.kill()  # a churn at nice -20 must not compete with vipd once it runs again
churn.wait(timeout=10)
print("%.1f %d %d %d %s" % ((t1 - t0) * 1000, d0, d1, drops(),
                            "%.1f ms" % ((tc - t0) * 1000) if tc else "cut at the continue"))' \
		"$pid" "$pause" "$b"
}
