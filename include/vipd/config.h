/* config: the libconfig file turned into an immutable struct vipd_config.
 * All validation happens here; every error names FILE:LINE and the key. */
#ifndef VIPD_CONFIG_H
#define VIPD_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vipd/addr.h"
#include "vipd/monotime.h"
#include "vipd/route.h"
#include "vipd/rule.h"
#include "vipd/vrrp_pkt.h"

#define VIPD_NAME_MAX 64
#define VIPD_PATH_MAX 108   /* sun_path */
#define VIPD_SCRIPT_MAX 256 /* notify script and notify_fifo paths */

/* Which adverts an instance sends: v3 (default), v2, or both for a migration (RFC 5798 8.4). */
enum vipd_version { VIPD_V3 = 3, VIPD_V2 = 2, VIPD_V2_V3 = 23 };

/* The arguments the generic notify script gets: vipd's `INSTANCE STATE PRIORITY` or
 * keepalived's `INSTANCE NAME STATE PRIORITY` (STOP for INIT). */
enum vipd_notify_args { VIPD_NOTIFY_ARGS_VIPD, VIPD_NOTIFY_ARGS_KEEPALIVED };

struct vipd_track_if;
struct vipd_addr_opts;
struct vipd_check_config;

struct vipd_instance_config {
	char name[VIPD_NAME_MAX]; /* unique, [A-Za-z0-9_.-]+ */
	char interface[IF_NAMESIZE];
	uint8_t vrid;     /* 1..255 */
	uint8_t priority; /* 1..255 */
	enum vipd_version version;
	uint16_t adver_int_cs;        /* centiseconds; v2 and 2+3: a multiple of 100 */
	bool preempt;                 /* default true */
	monotime preempt_delay;       /* default 0 */
	bool accept;                  /* Accept_Mode, default true */
	enum vrrp_csum_form checksum; /* v3 IPv4 send form, default RFC 5798 */
	unsigned garp_repeat;         /* announcements per burst, default 5 */
	monotime garp_delay; /* second burst this long after the takeover, default 5 s; 0 = none */
	monotime garp_refresh;        /* periodic re-announce while master; 0 = off */
	unsigned garp_refresh_repeat; /* per refresh burst; default garp_repeat (0: the same) */
	/* between two announcements of a burst, one at a time (switches that rate-limit ARP);
	 * 0 = default: every VIP at once in each round, rounds 10 ms apart */
	monotime garp_interval;
	bool vmac; /* VIPs on a virtual MAC interface vmac_name; default false */
	/* with vmac: the VMAC's name, as written or the default vrrp.VRID / vrrp6.VRID */
	char vmac_name[IF_NAMESIZE];
	bool vmac_xmit_base; /* with vmac: adverts leave from the interface, not the VMAC */
	char auth_pass[VRRP_AUTH_LEN + 1]; /* VRRPv2 simple password; "" = none (Auth Type 0) */
	union vip_in *unicast_peers;       /* unicast_peers, family af; NULL = multicast */
	size_t npeers;                     /* > 0 with unicast_peers */
	union vip_in unicast_source;       /* advert source when has_unicast_source (unicast_source,
	                                    * or mcast_source for a multicast instance) */
	bool has_unicast_source;           /* else the interface's primary address */
	union vip_in mcast_group; /* multicast destination when has_mcast_group (family af) */
	bool has_mcast_group;     /* else the IANA group, 224.0.0.18 or ff02::12 */
	bool unicast_ttl_check;   /* check TTL 255 on unicast adverts; default true */
	uint8_t unicast_ttl;      /* TTL / hop limit of the unicast adverts sent; default 255 */
	/* After vipd starts, the Master_Down_Timer does not fire for this long (config_startup.c);
	 * default: the top-level startup_delay */
	monotime startup_delay;
	/* auth_type = "ah": auth_pass keys keepalived's IPsec AH (config_wire.c); default false */
	bool auth_ah;

	int af;                /* family of the virtual addresses; AF_INET when there are none */
	struct vip_addr *vips; /* virtual_addresses, none or more (in the adverts) */
	size_t nvips;
	struct vipd_addr_opts *vip_opts; /* options of vips[i] (config_addr.h) */
	struct vip_addr *excluded; /* excluded_addresses: with the master state, not in adverts */
	struct vipd_addr_opts *excluded_opts; /* options of excluded[i] */
	size_t nexcluded;
	struct vipd_route *routes; /* virtual_routes (either family); added on master */
	size_t nroutes;
	struct vipd_rule *rules; /* virtual_rules; added on master (config_rule.c) */
	size_t nrules;
	/* announce_table: a host route per VIP and a copy of each virtual route go into this table
	 * on master, for a routing daemon to redistribute; 0 = none (config_announce.c) */
	uint32_t announce_table;
	/* announce_backup_metric: a backup installs the same routes with this metric; 0 = none */
	uint32_t announce_backup_metric;
	/* The scripts (config_notify.c), each on the heap only when set (at most
	 * VIPD_SCRIPT_MAX - 1 characters), NULL = none: six fixed buffers were 1.5 kB of every
	 * instance, most of which run no script. notify: the generic script (absolute path). */
	char *notify;
	/* Per-state scripts, run as written (no arguments added). */
	char *notify_master;
	char *notify_backup;
	char *notify_fault;
	char *notify_stop;
	char *notify_master_rx_lower_pri;  /* a Master heard a lower priority */
	enum vipd_notify_args notify_args; /* the generic notify's arguments, default vipd */
	/* Who its notify scripts run as; "" = script_user (config_notify.c; allowed or not by
	 * daemon_priv_check_config, as script_user). */
	char notify_user[VIPD_NAME_MAX];
	int notify_user_line;          /* its line in the file when set */
	char (*checks)[VIPD_NAME_MAX]; /* names from the top-level checks (config_track.c) */
	size_t nchecks;
	struct vipd_track_if *track_ifs; /* track_interfaces (config_track.h) */
	size_t ntrack_ifs;
	bool ignore_link; /* track_link = false: the interface's link state puts the instance in
	                   * no FAULT (keepalived's dont_track_primary); default false */
	int line;         /* line of the instance in the file */
	int vips_line;    /* line of virtual_addresses[0]; 0 when there is none */
};

/* A sync group (config_notify.c): instances that move together. */
struct vipd_sync_group {
	char name[VIPD_NAME_MAX];
	size_t *members; /* indices into vipd_config.instances, at least 2 */
	size_t nmembers;
	int line;
	/* As the instance keys, for the group (config_notify.c); NULL = none. */
	char *notify;
	char *notify_master;
	char *notify_backup;
	char *notify_fault;
	char *notify_stop;
	enum vipd_notify_args notify_args;
	char notify_user[VIPD_NAME_MAX];
	int notify_user_line;
};

/* A TCP listening address (metrics_listen); af 0 = not set. */
struct vipd_listen {
	int af; /* AF_INET, AF_INET6, or 0 */
	union vip_in addr;
	uint16_t port;
};

/* One garp_groups entry: announcements on each of its interfaces, of every instance together, at
 * least garp_interval (gratuitous ARP) or gna_interval (unsolicited NA) apart; 0 = not paced. */
struct vipd_garp_group {
	char (*ifaces)[IF_NAMESIZE];
	size_t nifaces;
	monotime garp_interval, gna_interval;
	int line;
};

struct vipd_config {
	char *file;                               /* path it was read from */
	char router_id[VIPD_NAME_MAX];            /* default: hostname */
	char control_socket[VIPD_PATH_MAX];       /* default: VIPD_DEFAULT_SOCKET */
	char control_socket_group[VIPD_NAME_MAX]; /* socket group; "" = the daemon's (root) */
	char state_dir[VIPD_PATH_MAX]; /* kept across restarts (statefile.h); default below */
	size_t events_ring_size; /* events kept for vipctl events/history; EVENTS_DEFAULT_SIZE */
	struct vipd_instance_config *instances;
	size_t ninstances;
	char script_user[VIPD_NAME_MAX];  /* "" = not set (daemon_priv_script_user) */
	int script_user_line;             /* its line in the file when set */
	char user[VIPD_NAME_MAX];         /* user vipd runs as; "" = default (daemon_priv.h) */
	int user_line;                    /* its line in the file when set */
	struct vipd_check_config *checks; /* top-level checks (config_track.h) */
	size_t nchecks;
	char notify_fifo[VIPD_SCRIPT_MAX]; /* "" = none (config_notify.c) */
	/* The FIFO's lines: vipd's or keepalived's (INSTANCE "NAME" STATE PRIORITY...). */
	enum vipd_notify_args notify_fifo_format;
	bool notify_fifo_cause; /* vipd's FIFO lines end with the cause (default false) */
	/* A reader of notify_fifo that vipd starts (SCRIPT... FIFO) and restarts; "" = none. */
	char notify_fifo_script[VIPD_SCRIPT_MAX];
	int notify_fifo_script_line;
	struct vipd_sync_group *sync_groups;
	size_t nsync_groups;
	struct vipd_listen metrics_listen; /* HTTP /metrics (config_metrics.c); af 0 = off */
	monotime startup_delay;            /* default of the instances' startup_delay; default 0 */
	bool startup_delay_from_boot; /* startup delays count from boot, not from vipd's start */
	char net_namespace[VIPD_NAME_MAX]; /* entered at start (netns.h); "" = the one vipd is in */
	int net_namespace_line;            /* its line in the file when set */
	struct vipd_garp_group *garp_groups; /* announcement pacing per interface (config_garp.c) */
	size_t ngarp_groups;
	/* iproute2's table names, read at load for `table NAME` (config_rttab.c) */
	struct rttab rt_tables;
	char rt_tables_bad[600]; /* "FILE:LINE" of a malformed line that ended a file, or "" */
	/* SCHED_RR priority vipd runs at (daemon_rt.c), 1..99; 0 = off (the default) */
	int realtime_priority;
	int realtime_priority_line; /* its line in the file when set */
	bool lock_memory;           /* mlockall(MCL_CURRENT | MCL_FUTURE) at start; default false */
	int lock_memory_line;       /* its line in the file when set */
};

/* Error lines of a failed load, each "FILE:LINE: message". */
struct config_errors {
	char **lines;
	size_t n;
};

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define VIPD_DEFAULT_CONFIG SYSCONFDIR "/vipd/vipd.conf"
#define VIPD_DEFAULT_SOCKET RUNSTATEDIR "/vipd/vipd.sock"
#define VIPD_DEFAULT_PIDFILE RUNSTATEDIR "/vipd/vipd.pid"
#define VIPD_DEFAULT_STATE_DIR "/var/lib/vipd"

/* Read and validate path. On success returns the config; on failure NULL with every error found
 * appended to errs (which may be NULL). Does not look at the system (interfaces need not exist)
 * but for iproute2's rt_tables files (config_rttab.h). */
struct vipd_config *config_load(const char *path, struct config_errors *errs);

/* Free a config from config_load (NULL is fine). */
void config_free(struct vipd_config *cfg);

/* Write cfg with every default filled in, in a form config_load reads back to an equal config. */
void config_print(const struct vipd_config *cfg, FILE *out);

/* Find an instance by name; NULL if none. */
const struct vipd_instance_config *config_instance(const struct vipd_config *cfg, const char *name);

/* The default VMAC name of (af, vrid): "vrrp.VRID" or "vrrp6.VRID" (at most 9 characters), in
 * config_vmac.c, because loading a config checks that the names are unique without linking libnl.
 */
void config_vmac_name(int af, uint8_t vrid, char name[IF_NAMESIZE]);

/* True when two instance configs would run identically (the line in the file may differ). */
bool config_instance_equal(const struct vipd_instance_config *a,
                           const struct vipd_instance_config *b);

/* Append a "FILE:LINE: warning: ..." line to out for each setting that loads but leaves the RFC:
 * an IPv6 instance in keepalived's address-list form (config_keepalived_list). */
void config_warnings(const struct vipd_config *cfg, struct config_errors *out);

/* True for an IPv6 instance whose first virtual address is not link-local: its adverts list the
 * addresses as written and accept a list without a link-local first, as keepalived does. */
bool config_keepalived_list(const struct vipd_instance_config *in);

/* Append one printf-formatted line to errs (NULL is fine); a failed allocation drops it. */
void config_errors_add(struct config_errors *errs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Free the lines of errs and empty it. */
void config_errors_clear(struct config_errors *errs);

#endif
