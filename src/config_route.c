/* config_route: virtual_routes (see config_route.h). Entries may be of either family (a
 * "default" without gateway or src takes the instance's), and no two entries, in this instance or
 * any other, may be one route for the kernel (same prefix, table and metric): the second add would
 * find the first, and the first instance to leave Master would delete the route the other still
 * needs. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config_route.h"

#define KEY "virtual_routes"

/* True when s can be quoted in a one-line message. */
static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* How an instance is named in messages. */
static const char *label(const struct vipd_config *cfg, size_t k, char *buf, size_t len)
{
	if (cfg->instances[k].name[0])
		snprintf(buf, len, "instance \"%s\"", cfg->instances[k].name);
	else
		snprintf(buf, len, "instances[%zu]", k);
	return buf;
}

/* Is r the same kernel route as an earlier entry or one of an earlier instance? */
static bool route_unique(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                         const struct vipd_instance_config *in, const config_setting_t *e,
                         const char *ekey, const struct vipd_route *r)
{
	const char *txt = config_setting_get_string(e);
	char who[VIPD_NAME_MAX + 16];

	for (size_t j = 0; j < in->nroutes; j++) {
		char other[ROUTE_STRLEN];

		if (!route_same_key(&in->routes[j], r))
			continue;
		config_value_key_error(
		    sc, e, ekey,
		    "\"%s\" is the same route as \"%s\" (same prefix, table and metric)", txt,
		    route_format(&in->routes[j], other, sizeof(other)));
		return false;
	}
	for (size_t k = 0; k < idx; k++) {
		const struct vipd_instance_config *o = &cfg->instances[k];

		for (size_t j = 0; j < o->nroutes; j++) {
			if (!route_same_key(&o->routes[j], r))
				continue;
			config_value_key_error(sc, e, ekey,
			                       "\"%s\" is also a route of %s at line %d", txt,
			                       label(cfg, k, who, sizeof(who)), o->line);
			return false;
		}
	}
	return true;
}

/* Element i (setting e) into *r; false when it was reported. */
static bool load_one(const struct cv_scope *sc, const struct vipd_config *cfg,
                     const struct vipd_instance_config *in, const config_setting_t *e,
                     const char *ekey, struct vipd_route *r)
{
	char why[480];
	const char *txt;

	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		config_value_key_error(sc, e, ekey, "expected a string, got %s",
		                       config_value_type_name(e));
		return false;
	}
	txt = config_setting_get_string(e);
	if (route_parse_names(txt, in->af, &cfg->rt_tables, r, why, sizeof(why)) < 0) {
		/* ip(8) stopped at that line too: the name the operator means may be after it */
		if (cfg->rt_tables_bad[0] && strstr(why, "rt_tables"))
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
			         " (%.200s is malformed: ip(8) and vipd read no further)",
			         cfg->rt_tables_bad);
		if (printable(txt) && strlen(txt) < ROUTE_TEXT_MAX)
			config_value_key_error(sc, e, ekey, "\"%s\": %s", txt, why);
		else
			config_value_key_error(sc, e, ekey, "%s", why);
		return false;
	}
	return true;
}

void config_route_load(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                       struct vipd_instance_config *in)
{
	const config_setting_t *s = NULL;
	int n = config_value_get_list(sc, KEY, VIPD_ROUTES_MAX, "routes", NULL, &s);

	if (n <= 0)
		return; /* absent, empty (no routes), or reported */
	in->routes = calloc((size_t)n, sizeof(*in->routes));
	if (!in->routes) {
		config_value_key_error(sc, s, KEY, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct vipd_route r;
		char ekey[32];

		snprintf(ekey, sizeof(ekey), "%s[%d]", KEY, i);
		if (load_one(sc, cfg, in, e, ekey, &r) &&
		    route_unique(sc, cfg, idx, in, e, ekey, &r))
			in->routes[in->nroutes++] = r;
	}
}

void config_route_print(const struct vipd_instance_config *in, FILE *out)
{
	char buf[ROUTE_STRLEN];

	if (!in->nroutes)
		return;
	fprintf(out, "    virtual_routes = [");
	for (size_t i = 0; i < in->nroutes; i++) {
		fprintf(out, "%s ", i ? "," : "");
		config_value_print_string(out, route_format(&in->routes[i], buf, sizeof(buf)));
	}
	fprintf(out, " ];\n");
}

bool config_route_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	if (a->nroutes != b->nroutes)
		return false;
	for (size_t i = 0; i < a->nroutes; i++)
		if (!route_equal(&a->routes[i], &b->routes[i]))
			return false;
	return true;
}

void config_route_free(struct vipd_instance_config *in)
{
	free(in->routes);
	in->routes = NULL;
	in->nroutes = 0;
}
