/* tests/netns/chaos/sampler.c — the chaos suite's monitor and clock tools.
 *
 *   sampler now
 *       print CLOCK_MONOTONIC in microseconds (the one clock of the suite)
 *   sampler run -o FILE -a VIP -p PERIOD_MS [-c CLIENT_NS -t TARGET -i PING_MS] NS...
 *       every PERIOD_MS (and at once on an address event of VIP or a link
 *       event) ask each node namespace NS (by netlink, RTM_GETADDR of its eth0,
 *       renamed or not) whether it holds VIP; with -c,
 *       ping TARGET from CLIENT_NS every PING_MS. Until SIGTERM/SIGINT, lines:
 *         S T MASK      the set of holders changed (bit i-1 = the i-th NS)
 *         G T GAP       two samples GAP us apart (more than 3 periods)
 *         L T SEQ       the ping sent at T got no reply within 1 s
 *         X T SAMPLES SENT RECEIVED LOST MAXGAP   (at exit)
 *       T is CLOCK_MONOTONIC in microseconds.
 *   sampler jump SECONDS HOLD_MS SAVEFILE
 *       move the wall clock by SECONDS, keep it there HOLD_MS (measured on
 *       the monotonic clock), put it back; SAVEFILE holds the offset meanwhile
 *       (signals are blocked: no exit path leaves the clock moved); prints
 *       how far the wall clock was off from before, read during the hold
 *   sampler restore SAVEFILE
 *       if SAVEFILE exists, put the wall clock back from it and remove it
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXNS 8
#define RING 65536
#define PING_TIMEOUT_US 1000000

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what)
{
	fprintf(stderr, "sampler: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ---- clock jump ---- */

static int64_t ts_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int set_real_ns(int64_t ns)
{
	struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};

	return clock_settime(CLOCK_REALTIME, &ts);
}

/* The wall clock = monotonic + the offset saved in FILE. */
static int restore(const char *file)
{
	FILE *f = fopen(file, "r");
	long long off;
	struct timespec m;

	if (!f)
		return errno == ENOENT ? 0 : -1;
	if (fscanf(f, "%lld", &off) != 1) {
		fclose(f);
		return -1;
	}
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &m);
	if (set_real_ns(ts_ns(&m) + off) < 0)
		return -1;
	return unlink(file);
}

static int jump(double secs, long hold_ms, const char *file)
{
	struct timespec r, m, now;
	sigset_t all;
	int64_t off, end;
	FILE *f;
	int rc = 0;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	clock_gettime(CLOCK_REALTIME, &r);
	clock_gettime(CLOCK_MONOTONIC, &m);
	off = ts_ns(&r) - ts_ns(&m);
	f = fopen(file, "w");
	if (!f || fprintf(f, "%lld\n", (long long)off) < 0 || fclose(f) != 0)
		die(file);
	if (set_real_ns(ts_ns(&r) + (int64_t)(secs * 1e9)) < 0) {
		rc = -1;
		fprintf(stderr, "sampler: clock_settime: %s\n", strerror(errno));
	} else {
		/* what a wall-clock reader sees now, against the saved offset */
		clock_gettime(CLOCK_REALTIME, &r);
		clock_gettime(CLOCK_MONOTONIC, &now);
		printf("%.3f\n", (double)(ts_ns(&r) - ts_ns(&now) - off) / 1e9);
		fflush(stdout);
		end = ts_ns(&m) + (int64_t)hold_ms * 1000000;
		for (int i = 0; i < 100000; i++) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (ts_ns(&now) >= end)
				break;
			usleep(1000);
		}
	}
	if (restore(file) < 0)
		die("restoring the wall clock");
	return rc;
}

/* ---- netlink ---- */

static int ns_socket(const char *ns, int groups)
{
	char path[256];
	int self, fd, s;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = (unsigned)groups};
	int rcv = 1 << 20;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0)
		die(path);
	if (setns(fd, CLONE_NEWNET) < 0)
		die("setns");
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (s < 0)
		die("netlink socket");
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink bind");
	if (setns(self, CLONE_NEWNET) < 0)
		die("setns back");
	close(fd);
	close(self);
	return s;
}

/* Does address message nh name vip? */
static int names_vip(struct nlmsghdr *nh, struct in_addr vip)
{
	struct ifaddrmsg *ifa = NLMSG_DATA(nh);
	int len = (int)IFA_PAYLOAD(nh);

	for (struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if ((rta->rta_type == IFA_LOCAL || rta->rta_type == IFA_ADDRESS) &&
		    RTA_PAYLOAD(rta) == 4 && memcmp(RTA_DATA(rta), &vip, 4) == 0)
			return 1;
	return 0;
}

/* The index of eth0 in the namespace behind S, 0 when none is named so (renamed or deleted). */
static int eth0_index(int s, unsigned seq)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[16];
	} req = {.nh = {.nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = seq},
	         .ifi = {.ifi_family = AF_UNSPEC}};
	struct rtattr *rta = (struct rtattr *)req.attrs;
	static char buf[1 << 16];

	rta->rta_type = IFLA_IFNAME;
	rta->rta_len = RTA_LENGTH(sizeof("eth0"));
	memcpy(RTA_DATA(rta), "eth0", sizeof("eth0"));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) + RTA_ALIGN(rta->rta_len);
	if (send(s, &req, req.nh.nlmsg_len, 0) < 0)
		return 0;
	for (int rounds = 0; rounds < 100; rounds++) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return 0;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == RTM_NEWLINK)
				return ((struct ifinfomsg *)NLMSG_DATA(nh))->ifi_index;
			return 0; /* NLMSG_ERROR: no such link */
		}
	}
	return 0;
}

/* Does the link IFINDEX behind the netlink socket S hold VIP? -1 on error. The dump asks for
 * that link only (NETLINK_GET_STRICT_CHK): a namespace with thousands of other addresses (the
 * overrun fault's churn) costs a sample no more than one with three. A link gone: 0, and
 * *ifindex is forgotten. */
static int holds(int s, struct in_addr vip, unsigned seq, int *ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifaddrmsg ifa;
	} req = {.nh = {.nlmsg_len = sizeof(req),
	                .nlmsg_type = RTM_GETADDR,
	                .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
	                .nlmsg_seq = seq},
	         .ifa = {.ifa_family = AF_INET, .ifa_index = (unsigned)*ifindex}};
	static char buf[1 << 16];
	int found = 0;

	if (*ifindex == 0)
		return 0;
	if (send(s, &req, sizeof(req), 0) < 0)
		return -1;
	for (int rounds = 0; rounds < 1000; rounds++) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != seq)
				continue;
			if (nh->nlmsg_type == NLMSG_DONE)
				return found;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				if (e->error == -ENODEV) {
					*ifindex = 0;
					return 0;
				}
				return -1;
			}
			if (nh->nlmsg_type == RTM_NEWADDR && names_vip(nh, vip))
				found = 1;
		}
	}
	return -1;
}

/* Read what the monitor socket S holds. Returns a mask: 1 a sample is due (an address event of
 * VIP, or events lost), 2 eth0's index must be looked up again (a link event). */
static int drain(int s, struct in_addr vip)
{
	static char buf[1 << 16];
	int what = 0;
	ssize_t n;

	while ((n = recv(s, buf, sizeof(buf), MSG_DONTWAIT)) != 0) {
		if (n < 0) {
			if (errno == ENOBUFS) {
				what |= 3;
				continue;
			}
			break;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == RTM_NEWLINK || nh->nlmsg_type == RTM_DELLINK)
				what |= 3;
			else if ((nh->nlmsg_type == RTM_NEWADDR || nh->nlmsg_type == RTM_DELADDR) &&
			         names_vip(nh, vip))
				what |= 1;
		}
	}
	return what;
}

/* ---- ping ---- */

static uint16_t csum(const void *p, size_t len)
{
	const uint16_t *w = p;
	uint32_t sum = 0;

	for (; len > 1; len -= 2)
		sum += *w++;
	if (len)
		sum += *(const uint8_t *)w;
	sum = (sum >> 16) + (sum & 0xffff);
	sum += sum >> 16;
	return (uint16_t)~sum;
}

struct pinger {
	int fd;
	struct sockaddr_in to;
	uint16_t id;
	uint64_t sent, received, lost, checked; /* checked: pings judged so far */
	int64_t when[RING];
	uint8_t got[RING];
};

static void ping_send(struct pinger *p, int64_t now)
{
	struct icmphdr h = {.type = ICMP_ECHO};
	unsigned seq = (unsigned)(p->sent % RING);

	h.un.echo.id = htons(p->id);
	h.un.echo.sequence = htons((uint16_t)seq);
	h.checksum = csum(&h, sizeof(h));
	p->when[seq] = now;
	p->got[seq] = 0;
	p->sent++;
	/* a send error (no route during a fault) is a lost ping like any other */
	(void)sendto(p->fd, &h, sizeof(h), MSG_DONTWAIT, (struct sockaddr *)&p->to, sizeof(p->to));
}

static void ping_recv(struct pinger *p, int64_t now)
{
	char buf[1500];

	for (int i = 0; i < 256; i++) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct iphdr *ip = (struct iphdr *)buf;
		struct icmphdr *h;
		unsigned seq;

		if (n < (ssize_t)sizeof(*ip))
			return;
		if (n < (ssize_t)(ip->ihl * 4 + sizeof(*h)))
			continue;
		h = (struct icmphdr *)(buf + ip->ihl * 4);
		if (h->type != ICMP_ECHOREPLY || ntohs(h->un.echo.id) != p->id)
			continue;
		seq = ntohs(h->un.echo.sequence);
		if (!p->got[seq] && now - p->when[seq] <= PING_TIMEOUT_US) {
			p->got[seq] = 1;
			p->received++;
		}
	}
}

static void ping_judge(struct pinger *p, FILE *out, int64_t now, int all)
{
	while (p->checked < p->sent) {
		unsigned seq = (unsigned)(p->checked % RING);

		if (!all && now - p->when[seq] <= PING_TIMEOUT_US)
			return;
		if (!p->got[seq]) {
			p->lost++;
			fprintf(out, "L %lld %u\n", (long long)p->when[seq], seq);
		}
		p->checked++;
	}
}

/* ---- run ---- */

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int run(int argc, char **argv)
{
	const char *outfile = NULL, *client = NULL, *target = NULL;
	struct in_addr vip = {0};
	long period_ms = 5, ping_ms = 5;
	int nns = 0, dump[MAXNS], mon[MAXNS], ifidx[MAXNS], relink[MAXNS], opt;
	struct pinger *p = NULL;
	struct pollfd pfd[MAXNS + 1];
	struct sigaction sa = {.sa_handler = on_signal};
	int64_t now, next_sample, next_ping, last_sample = 0, maxgap = 0;
	uint64_t samples = 0;
	unsigned seq = 1;
	int last_mask = -1, need = 1;
	FILE *out;

	while ((opt = getopt(argc, argv, "o:a:p:c:t:i:")) != -1) {
		switch (opt) {
		case 'o':
			outfile = optarg;
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &vip) != 1)
				die("bad -a address");
			break;
		case 'p':
			period_ms = atol(optarg);
			break;
		case 'c':
			client = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'i':
			ping_ms = atol(optarg);
			break;
		default:
			return 2;
		}
	}
	if (!outfile || !vip.s_addr || optind >= argc || period_ms < 1 || ping_ms < 1) {
		fprintf(stderr,
		        "usage: sampler run -o FILE -a VIP -p MS [-c NS -t IP -i MS] NS...\n");
		return 2;
	}
	out = fopen(outfile, "w");
	if (!out)
		die(outfile);
	for (; optind < argc && nns < MAXNS; optind++, nns++) {
		int one = 1;

		dump[nns] = ns_socket(argv[optind], 0);
		/* dumps filtered by link (holds): kernels before 4.20 ignore it and dump all */
		setsockopt(dump[nns], SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
		ifidx[nns] = 0;
		relink[nns] = 1;
		mon[nns] = ns_socket(argv[optind], RTMGRP_IPV4_IFADDR | RTMGRP_LINK);
		pfd[nns] = (struct pollfd){.fd = mon[nns], .events = POLLIN};
	}
	if (client && target) {
		char path[256];
		int self, fd;

		p = calloc(1, sizeof(*p));
		if (!p)
			die("calloc");
		p->id = (uint16_t)getpid();
		p->to.sin_family = AF_INET;
		if (inet_pton(AF_INET, target, &p->to.sin_addr) != 1)
			die("bad -t address");
		snprintf(path, sizeof(path), "/run/netns/%s", client);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET) < 0)
			die(path);
		p->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
		if (p->fd < 0 || setns(self, CLONE_NEWNET) < 0)
			die("icmp socket");
		close(fd);
		close(self);
	}
	pfd[nns] = (struct pollfd){.fd = p ? p->fd : -1, .events = POLLIN};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	now = mono_us();
	next_sample = next_ping = now;
	while (!stop) {
		int64_t next = p && next_ping < next_sample ? next_ping : next_sample;
		int timeout = (int)((next - now + 999) / 1000);

		if (timeout < 0)
			timeout = 0;
		if (poll(pfd, (nfds_t)nns + 1, timeout) < 0 && errno != EINTR)
			die("poll");
		now = mono_us();
		for (int i = 0; i < nns; i++)
			if (pfd[i].revents) {
				int what = drain(mon[i], vip);

				need |= what & 1;
				relink[i] |= what & 2;
			}
		if (p && pfd[nns].revents)
			ping_recv(p, now);
		if (need || now >= next_sample) {
			int mask = 0;

			for (int i = 0; i < nns; i++) {
				int h;

				if (relink[i] || !ifidx[i]) {
					/* renamed away, eth0 keeps its index; deleted, holds()
					 * forgets it */
					int k = eth0_index(dump[i], seq++);

					if (k)
						ifidx[i] = k;
					relink[i] = 0;
				}
				h = holds(dump[i], vip, seq++, &ifidx[i]);

				if (h < 0)
					die("address dump");
				mask |= h << i;
			}
			now = mono_us();
			samples++;
			if (last_sample && now - last_sample > maxgap)
				maxgap = now - last_sample;
			if (last_sample && now - last_sample > 3 * period_ms * 1000)
				fprintf(out, "G %lld %lld\n", (long long)now,
				        (long long)(now - last_sample));
			last_sample = now;
			if (mask != last_mask) {
				fprintf(out, "S %lld %d\n", (long long)now, mask);
				fflush(out);
				last_mask = mask;
			}
			need = 0;
			/* never a burst to catch up: the next one a period from now */
			next_sample += period_ms * 1000;
			if (next_sample <= now)
				next_sample = now + period_ms * 1000;
		}
		if (p && now >= next_ping) {
			ping_send(p, now);
			next_ping += ping_ms * 1000;
			if (next_ping <= now)
				next_ping = now + ping_ms * 1000;
		}
		if (p) {
			ping_judge(p, out, now, 0);
			fflush(out);
		}
	}
	if (p) {
		/* the last pings sent get 100 ms for their replies before they are judged */
		int64_t end = mono_us() + 100000;

		while ((now = mono_us()) < end) {
			struct pollfd q = {.fd = p->fd, .events = POLLIN};

			if (poll(&q, 1, 10) > 0)
				ping_recv(p, mono_us());
		}
		ping_judge(p, out, now, 1);
	}
	now = mono_us();
	fprintf(out, "X %lld %llu %llu %llu %llu %lld\n", (long long)now,
	        (unsigned long long)samples, (unsigned long long)(p ? p->sent : 0),
	        (unsigned long long)(p ? p->received : 0), (unsigned long long)(p ? p->lost : 0),
	        (long long)maxgap);
	return fclose(out) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", (long long)mono_us());
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return run(argc - 1, argv + 1);
	if (argc == 5 && strcmp(argv[1], "jump") == 0)
		return jump(atof(argv[2]), atol(argv[3]), argv[4]) < 0 ? 1 : 0;
	if (argc == 3 && strcmp(argv[1], "restore") == 0)
		return restore(argv[2]) < 0 ? 1 : 0;
	fprintf(stderr, "usage: sampler now | run ... | jump SECONDS HOLD_MS SAVEFILE | "
	                "restore SAVEFILE\n");
	return 2;
}
