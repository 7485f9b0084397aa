/* config_garp: `garp_groups`, the announcement pacing of an interface (keepalived's garp_group).
 * A switch that rate-limits ARP counts the frames of the port, not of one VRRP instance: several
 * instances failing over together on one interface must share one pace. Pure: the daemon asks
 * config_garp_interval for an interface at each announcement. */
#include "build_config.h"

#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config_garp.h"

/* Interfaces one group may name: a switch's ports, more than any host has. */
#define GARP_IFACES_MAX 64

static const char *const group_keys[] = {"interfaces", "garp_interval", "gna_interval", NULL};

/* The group that names ifname, or NULL. */
static const struct vipd_garp_group *group_of(const struct vipd_config *cfg, const char *ifname)
{
	for (size_t i = 0; i < cfg->ngarp_groups; i++)
		for (size_t k = 0; k < cfg->garp_groups[i].nifaces; k++)
			if (strcmp(cfg->garp_groups[i].ifaces[k], ifname) == 0)
				return &cfg->garp_groups[i];
	return NULL;
}

static void load_ifaces(const struct cv_scope *sc, struct vipd_config *cfg,
                        struct vipd_garp_group *g)
{
	const config_setting_t *s;
	int n = config_value_get_list(sc, "interfaces", GARP_IFACES_MAX, "interfaces", "", &s);

	if (n == 0 && !config_value_member(sc, "interfaces"))
		config_value_missing(sc, "interfaces");
	if (n <= 0)
		return;
	g->ifaces = calloc((size_t)n, sizeof(*g->ifaces));
	if (!g->ifaces) {
		config_value_key_error(sc, s, "interfaces", "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_get_string(e);
		const struct vipd_garp_group *other;

		if (!name || !name[0] || strlen(name) >= IF_NAMESIZE || strcmp(name, ".") == 0 ||
		    strcmp(name, "..") == 0 || strpbrk(name, "/: \t\n\v\f\r")) {
			config_value_error_at(sc->ld, e, "%s.interfaces[%d]: not an interface name",
			                      sc->pfx, i);
			continue;
		}
		for (size_t k = 0; k < g->nifaces; k++)
			if (strcmp(g->ifaces[k], name) == 0)
				name = NULL;
		if (!name) {
			config_value_error_at(sc->ld, e, "%s.interfaces[%d]: listed twice", sc->pfx,
			                      i);
			continue;
		}
		other = group_of(cfg, name);
		if (other) {
			config_value_error_at(
			    sc->ld, e,
			    "%s.interfaces[%d]: \"%s\" is already in the garp group "
			    "at line %d",
			    sc->pfx, i, name, other->line);
			continue;
		}
		memcpy(g->ifaces[g->nifaces++], name, strlen(name) + 1);
	}
}

void config_garp_load(const struct cv_scope *sc, struct vipd_config *cfg)
{
	const config_setting_t *s = config_value_member(sc, "garp_groups");
	int n;

	if (!s)
		return;
	if (config_setting_type(s) != CONFIG_TYPE_LIST) {
		config_value_error_at(sc->ld, s, "garp_groups: expected a list of groups, got %s",
		                      config_value_type_name(s));
		return;
	}
	n = config_setting_length(s);
	if (n == 0)
		return;
	cfg->garp_groups = calloc((size_t)n, sizeof(*cfg->garp_groups));
	if (!cfg->garp_groups) {
		config_value_error_at(sc->ld, s, "garp_groups: out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *gs = config_setting_get_elem(s, (unsigned)i);
		struct vipd_garp_group *g = &cfg->garp_groups[i];
		char pfx[32];
		struct cv_scope gsc = {.ld = sc->ld, .grp = gs, .pfx = pfx, .what = pfx};

		snprintf(pfx, sizeof(pfx), "garp_groups[%d]", i);
		if (config_setting_type(gs) != CONFIG_TYPE_GROUP) {
			config_value_error_at(sc->ld, gs, "%s: expected a group, got %s", pfx,
			                      config_value_type_name(gs));
			continue;
		}
		g->line = config_setting_source_line(gs);
		config_value_check_keys(&gsc, group_keys);
		load_ifaces(&gsc, cfg, g);
		/* counted only now: group_of looks at the groups read before */
		cfg->ngarp_groups = (size_t)i + 1;
		config_value_get_seconds(&gsc, "garp_interval", 0, CONFIG_GARP_INTERVAL_MAX,
		                         &g->garp_interval);
		config_value_get_seconds(&gsc, "gna_interval", 0, CONFIG_GARP_INTERVAL_MAX,
		                         &g->gna_interval);
		if (!config_value_member(&gsc, "garp_interval") &&
		    !config_value_member(&gsc, "gna_interval"))
			config_value_error_at(
			    sc->ld, gs, "%s: needs garp_interval or gna_interval (or both)", pfx);
	}
	cfg->ngarp_groups = (size_t)n;
}

void config_garp_print(const struct vipd_config *cfg, FILE *out)
{
	char buf[32];

	if (!cfg->ngarp_groups)
		return;
	fprintf(out, "\ngarp_groups = (\n");
	for (size_t i = 0; i < cfg->ngarp_groups; i++) {
		const struct vipd_garp_group *g = &cfg->garp_groups[i];

		fprintf(out, "  { interfaces = [");
		for (size_t k = 0; k < g->nifaces; k++) {
			fprintf(out, "%s ", k ? "," : "");
			config_value_print_string(out, g->ifaces[k]);
		}
		fprintf(out, " ]; garp_interval = %s;",
		        config_value_fmt_seconds(g->garp_interval, buf, sizeof(buf)));
		fprintf(out, " gna_interval = %s; }%s\n",
		        config_value_fmt_seconds(g->gna_interval, buf, sizeof(buf)),
		        i + 1 < cfg->ngarp_groups ? "," : "");
	}
	fprintf(out, ");\n");
}

bool config_garp_equal(const struct vipd_config *a, const struct vipd_config *b)
{
	if (a->ngarp_groups != b->ngarp_groups)
		return false;
	for (size_t i = 0; i < a->ngarp_groups; i++) {
		const struct vipd_garp_group *x = &a->garp_groups[i], *y = &b->garp_groups[i];

		if (x->nifaces != y->nifaces || x->garp_interval != y->garp_interval ||
		    x->gna_interval != y->gna_interval)
			return false;
		for (size_t k = 0; k < x->nifaces; k++)
			if (strcmp(x->ifaces[k], y->ifaces[k]) != 0)
				return false;
	}
	return true;
}

monotime config_garp_interval(const struct vipd_config *cfg, const char *ifname, int af)
{
	const struct vipd_garp_group *g = group_of(cfg, ifname);

	if (!g)
		return 0;
	return af == AF_INET6 ? g->gna_interval : g->garp_interval;
}

void config_garp_free(struct vipd_config *cfg)
{
	for (size_t i = 0; i < cfg->ngarp_groups; i++)
		free(cfg->garp_groups[i].ifaces);
	free(cfg->garp_groups);
	cfg->garp_groups = NULL;
	cfg->ngarp_groups = 0;
}
