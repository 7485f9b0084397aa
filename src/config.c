/* config: read a libconfig file into a validated, immutable struct vipd_config.
 * Every error is collected (not just the first) as one "FILE:LINE: message" line naming the key. */
#include "build_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <libconfig.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vipd/config.h"
#include "vipd/events.h"
#include "vipd/config_addr.h"
#include "vipd/config_index.h"
#include "vipd/config_value.h"
#include "vipd/config_wire.h"
#include "vipd/config_route.h"
#include "vipd/config_rule.h"
#include "vipd/config_startup.h"
#include "vipd/config_vmac.h"
#include "vipd/config_garp.h"
#include "vipd/config_rttab.h"
#include "vipd/config_notify.h"
#include "vipd/config_track.h"
#include "vipd/config_metrics.h"
#include "vipd/config_announce.h"

#define V3_ADVER_MAX_CS 4095 /* 12-bit Max Adver Int of a v3 advert */
#define V2_ADVER_MAX_S 255   /* 8-bit Adver Int of a v2 advert */

static bool valid_name(const char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
		            *s))
			return false;
	return true;
}

/* Linux accepts an interface name unless it is "." or "..", or holds '/', ':' or white space. */
static bool valid_ifname(const char *s)
{
	if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strpbrk(s, "/: \t\n\v\f\r") == NULL;
}

static const char *af_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* How messages name instance k: `instance "web"`, or "instances[k]" when it has no valid name. */
static const char *inst_label(const struct vipd_config *cfg, size_t k, char *buf, size_t len)
{
	if (cfg->instances[k].name[0])
		snprintf(buf, len, "instance \"%s\"", cfg->instances[k].name);
	else
		snprintf(buf, len, "instances[%zu]", k);
	return buf;
}

static void load_name(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                      struct config_index *x, struct vipd_instance_config *in)
{
	size_t seen;
	const config_setting_t *s = config_value_member(sc, "name");
	char name[VIPD_NAME_MAX];

	if (config_value_get_text(sc, "name", name, sizeof(name)) != CV_OK)
		return;
	if (!valid_name(name)) {
		config_value_key_error(sc, s, "name", "\"%s\" may only hold A-Z a-z 0-9 _ . -",
		                       name);
		return;
	}
	/* the index says where it is, if anywhere; without it, the scan from the top */
	seen = config_index_find_name(x, name);
	if (seen == CONFIG_INDEX_UNKNOWN)
		for (seen = 0; seen < idx && strcmp(cfg->instances[seen].name, name) != 0; seen++)
			;
	if (seen < idx) {
		config_value_key_error(sc, s, "name",
		                       "duplicate instance name \"%s\" (also at line %d)", name,
		                       cfg->instances[seen].line);
		return;
	}
	memcpy(in->name, name, sizeof(name));
	config_index_add_name(x, in->name, idx);
}

static void load_interface(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "interface");
	char ifname[IF_NAMESIZE];

	if (config_value_get_text(sc, "interface", ifname, sizeof(ifname)) != CV_OK)
		return;
	if (!valid_ifname(ifname)) {
		config_value_key_error(sc, s, "interface", "\"%s\" is not a valid interface name",
		                       ifname);
		return;
	}
	memcpy(in->interface, ifname, sizeof(ifname));
}

/* version: 3, 2 or "2+3". Returns false when it is set but wrong. */
static bool load_version(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "version");
	static const char expected[] = "is not 2, 3 or \"2+3\"";

	if (!s)
		return true;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);

		if (strcmp(v, "2+3") == 0) {
			in->version = VIPD_V2_V3;
			return true;
		}
		config_value_key_error(sc, s, "version", "\"%s\" %s", v, expected);
		return false;
	}
	if (!config_value_type_ok(sc, s, "version", config_value_is_int(s),
	                          "an integer or a string"))
		return false;
	switch (config_setting_get_int64(s)) {
	case 2:
		in->version = VIPD_V2;
		return true;
	case 3:
		in->version = VIPD_V3;
		return true;
	default:
		config_value_key_error(sc, s, "version", "%lld %s", config_setting_get_int64(s),
		                       expected);
		return false;
	}
}

/* advert_interval: v3 0.01..40.95 s in centiseconds; v2 whole seconds 1..255; "2+3" whole
 * seconds that both packet formats carry (1..40). */
static void load_interval(const struct cv_scope *sc, bool version_ok,
                          struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "advert_interval");
	const char *key = "advert_interval";
	char num[32];
	double v, cs;

	if (!s)
		return;
	if (!config_value_type_ok(sc, s, key, config_value_is_number(s), "a number of seconds") ||
	    !version_ok)
		return;
	v = config_value_number(s);
	/* num is formatted for an error only: an snprintf per instance cost a 1000-instance
	 * reload more than the rest of this function */
	if (in->version == VIPD_V3) {
		cs = v * 100.0;
		if (!isfinite(v) || v < 0.01 - 1e-9 || v > 40.95 + 1e-9) {
			config_value_key_error(sc, s, key, "%s is out of range 0.01..40.95",
			                       config_value_fmt_number(s, num, sizeof(num)));
			return;
		}
		if (cs - (double)config_value_round(cs) > 1e-6 ||
		    (double)config_value_round(cs) - cs > 1e-6) {
			config_value_key_error(sc, s, key,
			                       "%s is not a whole number of centiseconds",
			                       config_value_fmt_number(s, num, sizeof(num)));
			return;
		}
		in->adver_int_cs = (uint16_t)config_value_round(cs);
		return;
	}
	long long max = in->version == VIPD_V2 ? V2_ADVER_MAX_S : V3_ADVER_MAX_CS / 100;
	const char *vname = in->version == VIPD_V2 ? "2" : "\"2+3\"";

	if (!isfinite(v) || v < 1 || v > (double)max) {
		config_value_key_error(sc, s, key, "%s is out of range 1..%lld for version %s",
		                       config_value_fmt_number(s, num, sizeof(num)), max, vname);
		return;
	}
	if (v != (double)config_value_round(v)) {
		config_value_key_error(sc, s, key,
		                       "%s is not a whole number of seconds (version %s)",
		                       config_value_fmt_number(s, num, sizeof(num)), vname);
		return;
	}
	in->adver_int_cs = (uint16_t)(config_value_round(v) * 100);
}

static void load_checksum(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const char *v;

	if (config_value_get_string(sc, "checksum", &v) != CV_OK)
		return;
	if (strcmp(v, "rfc5798") == 0)
		in->checksum = VRRP_CSUM_RFC5798;
	else if (strcmp(v, "rfc9568") == 0)
		in->checksum = VRRP_CSUM_RFC9568;
	else
		config_value_key_error(sc, config_value_member(sc, "checksum"), "checksum",
		                       "\"%s\" is not \"rfc5798\" or \"rfc9568\"", v);
}

/* Check address a (element i, setting e) against the ones before it and other instances'. */
static bool vip_unique(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                       const struct config_index *x, const struct vipd_instance_config *in,
                       const config_setting_t *e, size_t i, const struct vip_addr *a)
{
	char buf[ADDR_STRLEN], label[VIPD_NAME_MAX + 16];
	size_t first = config_index_find_vip(x, a);
	int line;

	if (config_addr_excluded_taken(cfg, idx, x, in, a, &line)) {
		config_value_error_at(
		    sc->ld, e,
		    "%s.virtual_addresses[%zu]: %s is also an excluded address of "
		    "the instance at line %d",
		    sc->pfx, i, addr_format(a, false, buf, sizeof(buf)), line);
		return false;
	}
	for (size_t j = 0; j < in->nvips; j++) {
		if (addr_equal(&in->vips[j], a)) {
			config_value_error_at(sc->ld, e,
			                      "%s.virtual_addresses[%zu]: duplicate address %s",
			                      sc->pfx, i, addr_format(a, false, buf, sizeof(buf)));
			return false;
		}
	}
	for (size_t k = first == CONFIG_INDEX_UNKNOWN ? 0 : first; k < idx; k++) {
		const struct vipd_instance_config *o = &cfg->instances[k];

		for (size_t j = 0; j < o->nvips; j++) {
			if (!addr_equal(&o->vips[j], a))
				continue;
			/* A link-local address is scoped to its link: other links may reuse it. */
			if (a->af == AF_INET6 && addr_is_linklocal6(&a->in.v6) &&
			    strcmp(o->interface, in->interface) != 0)
				continue;
			config_value_error_at(
			    sc->ld, e, "%s.virtual_addresses[%zu]: %s is also in %s at line %d",
			    sc->pfx, i, addr_format(a, false, buf, sizeof(buf)),
			    inst_label(cfg, k, label, sizeof(label)), o->line);
			return false;
		}
	}
	return true;
}

static void load_vips(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                      struct config_index *x, bool version_ok, struct vipd_instance_config *in)
{
	const config_setting_t *s = NULL;
	const char *key = "virtual_addresses";
	bool v2_reported = false;
	int n;

	/* None at all is an instance whose failover is its notify scripts' or an API's work. */
	if (!config_value_member(sc, key))
		return;
	n = config_value_get_list(sc, key, VRRP_MAX_ADDRS, "addresses", "", &s);
	if (n <= 0)
		return;
	in->vips = calloc((size_t)n, sizeof(*in->vips));
	in->vip_opts = calloc((size_t)n, sizeof(*in->vip_opts));
	if (!in->vips || !in->vip_opts) {
		config_value_key_error(sc, s, key, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct vipd_addr_opts o;
		struct vip_addr a;
		const char *txt;

		if (!config_addr_read(sc, key, e, i, &a, &o))
			continue;
		txt = config_setting_get_string(e);
		if (in->af && a.af != in->af) {
			config_value_error_at(sc->ld, e,
			                      "%s.%s[%d]: \"%s\" is %s but the instance is %s",
			                      sc->pfx, key, i, txt, af_name(a.af), af_name(in->af));
			continue;
		}
		if (a.af == AF_INET6 && version_ok && in->version != VIPD_V3) {
			if (!v2_reported)
				config_value_error_at(
				    sc->ld, e,
				    "%s.%s[%d]: \"%s\" is IPv6 but VRRP version 2 is IPv4 only",
				    sc->pfx, key, i, txt);
			v2_reported = true;
			continue;
		}
		/* RFC 9568 5.2.9 lists the link-local virtual address first; keepalived sends the
		 * list as written. Either runs: config_warnings names the second form. */
		if (i == 0)
			in->vips_line = config_setting_source_line(e);
		in->af = a.af;
		if (vip_unique(sc, cfg, idx, x, in, e, (size_t)i, &a)) {
			in->vip_opts[in->nvips] = o;
			in->vips[in->nvips++] = a;
			config_index_add_vip(x, &in->vips[in->nvips - 1], idx);
		}
	}
}

/* The same VRID may serve IPv4 and IPv6 on one interface, but not twice the same family. */
static void check_vrid_unique(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                              const struct config_index *x, const struct vipd_instance_config *in)
{
	char label[VIPD_NAME_MAX + 16];

	if (!in->vrid || !in->interface[0] || !in->af)
		return;
	for (size_t k = config_index_scan_from(config_index_find_vrid(x, in), idx); k < idx; k++) {
		const struct vipd_instance_config *o = &cfg->instances[k];

		if (o->vrid != in->vrid || o->af != in->af || strcmp(o->interface, in->interface))
			continue;
		config_value_error_at(sc->ld, config_value_member(sc, "vrid"),
		                      "duplicate vrid %u on interface %s (also %s at line %d)",
		                      in->vrid, in->interface,
		                      inst_label(cfg, k, label, sizeof(label)), o->line);
		return;
	}
}

static const char *const instance_keys[] = {
    "name", "interface", "vrid", "priority", "version", "advert_interval", "preempt",
    "preempt_delay", "accept", "checksum", "garp_repeat", "garp_delay", "garp_refresh",
    "garp_refresh_repeat", "garp_interval", "virtual_addresses", "vmac",
    /* config_vmac.c */
    "vmac_xmit_base",
    /* config_addr.c */
    "excluded_addresses",
    /* config_wire.c */
    "auth_pass", "auth_type", "unicast_source", "unicast_peers", "unicast_ttl_check", "unicast_ttl",
    "mcast_group", "mcast_source",
    /* config_route.c */
    "virtual_routes",
    /* config_rule.c */
    "virtual_rules",
    /* config_announce.c */
    "announce_table", "announce_backup_metric",
    /* config_notify.c */
    "notify", "notify_master", "notify_backup", "notify_fault", "notify_stop",
    "notify_master_rx_lower_pri", "notify_args", "notify_user",
    /* config_track.c */
    "checks", "track_interfaces", "track_link",
    /* config_startup.c */
    "startup_delay", NULL};

/* Read instances[idx] (group g) into cfg->instances[idx]; earlier instances are complete. */
static void load_instance(struct cv_loader *ld, const config_setting_t *g, struct vipd_config *cfg,
                          size_t idx, struct config_index *x)
{
	struct vipd_instance_config *in = &cfg->instances[idx];
	char pfx[32], what[VIPD_NAME_MAX + 16];
	struct cv_scope sc = {.ld = ld, .grp = g, .pfx = pfx, .what = what};
	long long v;
	bool version_ok;

	*in = (struct vipd_instance_config){
	    .priority = 100,
	    .version = VIPD_V3,
	    .adver_int_cs = 100,
	    .preempt = true,
	    .accept = true,
	    .checksum = VRRP_CSUM_RFC5798,
	    .garp_repeat = 5,
	    .garp_delay = 5 * MT_SEC,
	    .line = config_setting_source_line(g),
	};
	snprintf(pfx, sizeof(pfx), "instances[%zu]", idx);
	snprintf(what, sizeof(what), "%s", pfx);

	if (config_value_member(&sc, "name")) {
		load_name(&sc, cfg, idx, x, in);
		if (in->name[0])
			snprintf(what, sizeof(what), "instance \"%s\"", in->name);
	} else {
		config_value_missing(&sc, "name");
	}
	config_value_check_keys(&sc, instance_keys);

	if (config_value_member(&sc, "interface"))
		load_interface(&sc, in);
	else
		config_value_missing(&sc, "interface");
	if (config_value_get_int(&sc, "vrid", 1, 255, &v) == CV_OK)
		in->vrid = (uint8_t)v;
	else if (!config_value_member(&sc, "vrid"))
		config_value_missing(&sc, "vrid");
	if (config_value_get_int(&sc, "priority", 1, 255, &v) == CV_OK)
		in->priority = (uint8_t)v;
	version_ok = load_version(&sc, in);
	load_interval(&sc, version_ok, in);
	config_value_get_bool(&sc, "preempt", &in->preempt);
	config_value_get_seconds(&sc, "preempt_delay", 0, 3600, &in->preempt_delay);
	config_value_get_bool(&sc, "accept", &in->accept);
	load_checksum(&sc, in);
	if (config_value_get_int(&sc, "garp_repeat", 1, 100, &v) == CV_OK)
		in->garp_repeat = (unsigned)v;
	config_value_get_seconds(&sc, "garp_delay", 0, 3600, &in->garp_delay);
	config_value_get_seconds(&sc, "garp_refresh", 0, 86400, &in->garp_refresh);
	/* keepalived's garp_master_refresh_repeat; unset, a refresh burst is a full burst */
	in->garp_refresh_repeat = in->garp_repeat;
	if (config_value_get_int(&sc, "garp_refresh_repeat", 1, 100, &v) == CV_OK)
		in->garp_refresh_repeat = (unsigned)v;
	config_value_get_seconds(&sc, "garp_interval", 0, 10, &in->garp_interval);
	load_vips(&sc, cfg, idx, x, version_ok, in);
	if (!in->af) /* no virtual address: adverts with none, over IPv4 */
		in->af = AF_INET;
	config_addr_load_excluded(&sc, cfg, idx, x, in);
	check_vrid_unique(&sc, cfg, idx, x, in);
	config_vmac_load(&sc, cfg, idx, x, in);
	config_wire_load(&sc, version_ok, in);
	config_route_load(&sc, cfg, idx, in);
	config_rule_load(&sc, cfg, idx, in);
	config_announce_load(&sc, in);
	config_track_load_instance(&sc, cfg, in);
	config_notify_load_instance(&sc, in);
	config_startup_load_instance(&sc, cfg, in);
	config_index_add_instance(x, in, idx);
}

static void load_instances(struct cv_loader *ld, const config_setting_t *root,
                           struct vipd_config *cfg)
{
	const config_setting_t *s = config_setting_get_member(root, "instances");
	struct config_index x = {0};
	int n;

	if (!s) {
		config_value_error(ld, NULL, 1, "missing key \"instances\"");
		return;
	}
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		config_value_error_at(ld, s, "instances: expected a list of groups, got %s",
		                      config_value_type_name(s));
		return;
	}
	n = config_setting_length(s);
	if (n == 0) {
		config_value_error_at(ld, s, "instances: at least one instance is required");
		return;
	}
	cfg->instances = calloc((size_t)n, sizeof(*cfg->instances));
	if (!cfg->instances) {
		config_value_error_at(ld, s, "instances: out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(s, (unsigned)i);

		cfg->ninstances++;
		if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
			config_value_error_at(ld, g, "instances[%d]: expected a group, got %s", i,
			                      config_value_type_name(g));
			cfg->instances[i].line = config_setting_source_line(g);
			continue;
		}
		load_instance(ld, g, cfg, (size_t)i, &x);
	}
	/* the checks scanned without it, but a load short of memory fails (HACKING.md) */
	if (x.failed)
		config_value_error_at(ld, s, "instances: out of memory");
	config_index_free(&x);
}

static const char *const top_keys[] = {
    "router_id", "control_socket", "control_socket_group", "state_dir", "instances",
    /* config_notify.c */
    "notify_fifo", "notify_fifo_format", "notify_fifo_script", "sync_groups", "notify_fifo_cause",
    /* config_track.c */
    "script_user", "user", "checks",
    /* config_metrics.c */
    "metrics_listen",
    /* config_startup.c */
    "startup_delay", "startup_delay_from_boot", "net_namespace", "realtime_priority", "lock_memory",
    /* config_garp.c */
    "garp_groups",
    /* the event ring (events.h) */
    "events_ring_size", NULL};

/* The absolute path set by key into buf (len bytes), dflt when absent. */
static void load_path(struct cv_scope *sc, const char *key, char *buf, size_t len, const char *dflt)
{
	const config_setting_t *s = config_value_member(sc, key);

	snprintf(buf, len, "%s", dflt);
	if (config_value_get_text(sc, key, buf, len) == CV_OK && buf[0] != '/')
		config_value_key_error(sc, s, key, "\"%s\" is not an absolute path", buf);
}

static void load_top(struct cv_loader *ld, const config_setting_t *root, struct vipd_config *cfg)
{
	struct cv_scope sc = {.ld = ld, .grp = root, .pfx = "", .what = ""};
	const config_setting_t *s;
	long long ring = EVENTS_DEFAULT_SIZE;

	config_value_check_keys(&sc, top_keys);
	if (config_value_get_text(&sc, "router_id", cfg->router_id, sizeof(cfg->router_id)) ==
	    CV_ABSENT) {
		char host[HOST_NAME_MAX + 1] = "";

		if (gethostname(host, sizeof(host)) < 0 || !host[0])
			snprintf(host, sizeof(host), "vipd");
		host[sizeof(host) - 1] = '\0';
		snprintf(cfg->router_id, sizeof(cfg->router_id), "%.*s",
		         (int)sizeof(cfg->router_id) - 1, host);
	}
	load_path(&sc, "control_socket", cfg->control_socket, sizeof(cfg->control_socket),
	          VIPD_DEFAULT_SOCKET);
	load_path(&sc, "state_dir", cfg->state_dir, sizeof(cfg->state_dir), VIPD_DEFAULT_STATE_DIR);
	s = config_value_member(&sc, "control_socket_group");
	if (config_value_get_text(&sc, "control_socket_group", cfg->control_socket_group,
	                          sizeof(cfg->control_socket_group)) == CV_OK &&
	    !getgrnam(cfg->control_socket_group))
		config_value_key_error(&sc, s, "control_socket_group",
		                       "no group \"%s\" on this system", cfg->control_socket_group);
	config_value_get_int(&sc, "events_ring_size", EVENTS_MIN_SIZE, EVENTS_MAX_SIZE, &ring);
	cfg->events_ring_size = (size_t)ring;
	config_notify_load_fifo(&sc, cfg);
	config_track_load_top(&sc, cfg);
	config_metrics_load(&sc, cfg);
	config_startup_load_top(&sc, cfg);
	config_garp_load(&sc, cfg);
	config_rttab_load(ld, cfg);
	load_instances(ld, root, cfg);
	config_notify_load_groups(&sc, cfg);
}

struct vipd_config *config_load(const char *path, struct config_errors *errs)
{
	struct cv_loader ld = {.path = path};
	struct vipd_config *cfg;
	config_t lc;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		config_value_error(&ld, NULL, -1, "%s", strerror(errno));
		config_value_flush(&ld, errs);
		return NULL;
	}
	fclose(f);

	cfg = calloc(1, sizeof(*cfg));
	if (cfg)
		cfg->file = strdup(path);
	config_init(&lc);
	if (!cfg || !cfg->file) {
		config_value_error(&ld, NULL, 0, "out of memory");
	} else if (!config_read_file(&lc, path)) {
		/* an I/O error (a directory, an unreadable @include) has no line */
		config_value_error(
		    &ld, config_error_file(&lc),
		    config_error_type(&lc) == CONFIG_ERR_FILE_IO ? -1 : config_error_line(&lc),
		    "%s", config_error_text(&lc));
	} else {
		load_top(&ld, config_root_setting(&lc), cfg);
	}
	config_destroy(&lc);
	if (ld.nerrs || ld.failed) {
		config_value_flush(&ld, errs);
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void config_free(struct vipd_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->ninstances; i++) {
		free(cfg->instances[i].vips);
		config_addr_free(&cfg->instances[i]);
		config_wire_free(&cfg->instances[i]);
		config_route_free(&cfg->instances[i]);
		config_rule_free(&cfg->instances[i]);
		config_track_free_instance(&cfg->instances[i]);
		config_notify_free_instance(&cfg->instances[i]);
	}
	config_track_free_top(cfg);
	config_notify_free(cfg);
	config_garp_free(cfg);
	rttab_free(&cfg->rt_tables);
	free(cfg->instances);
	free(cfg->file);
	free(cfg);
}

static void print_string(FILE *out, const char *s)
{
	config_value_print_string(out, s);
}

static void print_instance(const struct vipd_config *cfg, const struct vipd_instance_config *in,
                           FILE *out)
{
	char buf[ADDR_STRLEN > 32 ? ADDR_STRLEN : 32], abuf[CONFIG_ADDR_STRLEN];

	fprintf(out, "  {\n    name = ");
	print_string(out, in->name);
	fprintf(out, ";\n    interface = ");
	print_string(out, in->interface);
	fprintf(out, ";\n    vrid = %u;\n    priority = %u;\n", in->vrid, in->priority);
	if (in->version == VIPD_V2_V3)
		fprintf(out, "    version = \"2+3\";\n");
	else
		fprintf(out, "    version = %d;\n", (int)in->version);
	fprintf(out, "    advert_interval = %s;\n",
	        config_value_fmt_seconds(in->adver_int_cs * MT_CSEC, buf, sizeof(buf)));
	fprintf(out, "    preempt = %s;\n", in->preempt ? "true" : "false");
	fprintf(out, "    preempt_delay = %s;\n",
	        config_value_fmt_seconds(in->preempt_delay, buf, sizeof(buf)));
	fprintf(out, "    accept = %s;\n", in->accept ? "true" : "false");
	fprintf(out, "    checksum = \"%s\";\n",
	        in->checksum == VRRP_CSUM_RFC9568 ? "rfc9568" : "rfc5798");
	fprintf(out, "    garp_repeat = %u;\n", in->garp_repeat);
	fprintf(out, "    garp_delay = %s;\n",
	        config_value_fmt_seconds(in->garp_delay, buf, sizeof(buf)));
	fprintf(out, "    garp_refresh = %s;\n",
	        config_value_fmt_seconds(in->garp_refresh, buf, sizeof(buf)));
	fprintf(out, "    garp_refresh_repeat = %u;\n", in->garp_refresh_repeat);
	fprintf(out, "    garp_interval = %s;\n",
	        config_value_fmt_seconds(in->garp_interval, buf, sizeof(buf)));
	config_vmac_print(in, out);
	config_wire_print(in, out);
	config_route_print(in, out);
	config_rule_print(in, out);
	config_announce_print(in, out);
	config_track_print_instance(in, out);
	config_notify_print_instance(in, out);
	config_startup_print_instance(cfg, in, out);
	config_addr_print_excluded(in, out);
	if (in->nvips) {
		fprintf(out, "    virtual_addresses = [");
		for (size_t i = 0; i < in->nvips; i++)
			fprintf(
			    out, "%s \"%s\"", i ? "," : "",
			    config_addr_format(&in->vips[i], &in->vip_opts[i], abuf, sizeof(abuf)));
		fprintf(out, " ];\n");
	}
	fprintf(out, "  }");
}

void config_print(const struct vipd_config *cfg, FILE *out)
{
	fprintf(out, "router_id = ");
	print_string(out, cfg->router_id);
	fprintf(out, ";\ncontrol_socket = ");
	print_string(out, cfg->control_socket);
	fprintf(out, ";\nstate_dir = ");
	print_string(out, cfg->state_dir);
	fprintf(out, ";\n");
	if (cfg->control_socket_group[0]) {
		fprintf(out, "control_socket_group = ");
		print_string(out, cfg->control_socket_group);
		fprintf(out, ";\n");
	}
	if (cfg->events_ring_size != EVENTS_DEFAULT_SIZE)
		fprintf(out, "events_ring_size = %zu;\n", cfg->events_ring_size);
	config_notify_print_top(cfg, out);
	config_track_print_top(cfg, out);
	config_metrics_print(cfg, out);
	config_startup_print_top(cfg, out);
	fprintf(out, "\ninstances = (\n");
	for (size_t i = 0; i < cfg->ninstances; i++) {
		print_instance(cfg, &cfg->instances[i], out);
		fprintf(out, "%s\n", i + 1 < cfg->ninstances ? "," : "");
	}
	fprintf(out, ");\n");
	config_notify_print_groups(cfg, out);
	config_garp_print(cfg, out);
}

const struct vipd_instance_config *config_instance(const struct vipd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ninstances; i++)
		if (strcmp(cfg->instances[i].name, name) == 0)
			return &cfg->instances[i];
	return NULL;
}

bool config_instance_equal(const struct vipd_instance_config *a,
                           const struct vipd_instance_config *b)
{
	/* Field by field: the structs hold padding and a pointer, and the line may move freely. */
	if (strcmp(a->name, b->name) != 0 || strcmp(a->interface, b->interface) != 0 ||
	    a->vrid != b->vrid || a->priority != b->priority || a->version != b->version ||
	    a->adver_int_cs != b->adver_int_cs || a->preempt != b->preempt ||
	    a->preempt_delay != b->preempt_delay || a->accept != b->accept ||
	    a->checksum != b->checksum || a->garp_repeat != b->garp_repeat ||
	    a->garp_delay != b->garp_delay || a->garp_refresh != b->garp_refresh ||
	    a->garp_refresh_repeat != b->garp_refresh_repeat ||
	    a->garp_interval != b->garp_interval || !config_vmac_equal(a, b) || a->af != b->af ||
	    a->nvips != b->nvips || a->startup_delay != b->startup_delay ||
	    !config_wire_equal(a, b) || !config_route_equal(a, b) || !config_rule_equal(a, b) ||
	    !config_notify_equal(a, b) || !config_track_instance_equal(a, b) ||
	    !config_addr_equal(a, b) || !config_announce_equal(a, b))
		return false;
	for (size_t i = 0; i < a->nvips; i++)
		if (!addr_equal(&a->vips[i], &b->vips[i]) || a->vips[i].plen != b->vips[i].plen)
			return false;
	return true;
}

void config_warnings(const struct vipd_config *cfg, struct config_errors *out)
{
	for (size_t i = 0; i < cfg->ninstances; i++) {
		const struct vipd_instance_config *in = &cfg->instances[i];
		char list[4 * (ADDR_STRLEN + 2) + 8] = "", buf[ADDR_STRLEN];
		size_t n = 0;

		if (!config_keepalived_list(in))
			continue;
		for (size_t k = 0; k < in->nvips && k < 4; k++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", k ? ", " : "",
			                      addr_format(&in->vips[k], false, buf, sizeof(buf)));
		if (in->nvips > 4)
			snprintf(list + n, sizeof(list) - n, ", ...");
		config_errors_add(out,
		                  "%s:%d: warning: instance \"%s\": virtual_addresses[0] is not "
		                  "link-local: adverts will list %s as written, as keepalived does "
		                  "(RFC 9568 5.2.9 puts a link-local virtual address first)",
		                  cfg->file, in->vips_line ? in->vips_line : in->line, in->name,
		                  list);
	}
}

bool config_keepalived_list(const struct vipd_instance_config *in)
{
	return in->af == AF_INET6 && in->nvips && !addr_is_linklocal6(&in->vips[0].in.v6);
}

void config_errors_add(struct config_errors *errs, const char *fmt, ...)
{
	char *text, **lines;
	va_list ap;
	int n;

	if (!errs)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	lines = realloc(errs->lines, (errs->n + 1) * sizeof(*lines));
	if (!lines) {
		free(text);
		return;
	}
	errs->lines = lines;
	errs->lines[errs->n++] = text;
}

void config_errors_clear(struct config_errors *errs)
{
	if (!errs)
		return;
	for (size_t i = 0; i < errs->n; i++)
		free(errs->lines[i]);
	free(errs->lines);
	errs->lines = NULL;
	errs->n = 0;
}
