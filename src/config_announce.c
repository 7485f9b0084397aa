/* config_announce: announce_table and announce_backup_metric (see config_announce.h). A master
 * installs a host route per VIP (and a copy of each virtual route) into announce_table, which a
 * routing daemon redistributes; a backup may install the same routes with a worse metric as a
 * standby path. The checks here keep the two sets apart for the kernel (metric is part of a
 * route's key) and keep the standby path worse than the master's. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config_addr.h"
#include "vipd/config_announce.h"

/* The metric the kernel gives r (0 means its family's default). */
static uint32_t effective_metric(const struct vipd_route *r)
{
	if (r->metric)
		return r->metric;
	return r->dst.af == AF_INET6 ? CONFIG_ANNOUNCE_V6_METRIC : 0;
}

size_t config_announce_count(const struct vipd_instance_config *in)
{
	return in->announce_table ? in->nvips + in->nroutes : 0;
}

size_t config_announce_routes(const struct vipd_instance_config *in, bool standby,
                              struct vipd_route *out)
{
	size_t n = 0;

	if (!in->announce_table)
		return 0;
	for (size_t i = 0; i < in->nvips; i++) {
		struct vipd_route *r = &out[n++];

		*r = (struct vipd_route){.dst = in->vips[i], .table = in->announce_table};
		r->dst.plen = in->vips[i].af == AF_INET ? 32 : 128;
		if (in->vip_opts)
			memcpy(r->dev, in->vip_opts[i].dev, sizeof(r->dev));
	}
	for (size_t i = 0; i < in->nroutes; i++) {
		out[n] = in->routes[i];
		out[n++].table = in->announce_table;
	}
	if (standby)
		for (size_t i = 0; i < n; i++)
			out[i].metric = in->announce_backup_metric;
	return n;
}

/* Refuse what the kernel would take for one route, or a standby path not worse than the
 * master's. */
static void check_routes(const struct cv_scope *sc, const struct vipd_instance_config *in)
{
	size_t n = config_announce_count(in);
	struct vipd_route *r = n ? calloc(n, sizeof(*r)) : NULL;
	char buf[ROUTE_STRLEN];
	bool bad = false;

	/* Out of memory: left unchecked, as a load out of memory fails anyway. */
	if (!r)
		return;
	config_announce_routes(in, false, r);
	for (size_t i = 0; i < n && !bad; i++)
		for (size_t j = 0; j < in->nroutes && !bad; j++)
			if (route_same_key(&r[i], &in->routes[j])) {
				config_value_key_error(
				    sc, config_value_member(sc, "announce_table"), "announce_table",
				    "%u would hold %s twice: virtual_routes has it already",
				    in->announce_table, route_format(&r[i], buf, sizeof(buf)));
				bad = true;
			}
	for (size_t i = 0; i < n && !bad && in->announce_backup_metric; i++)
		if (effective_metric(&r[i]) >= in->announce_backup_metric) {
			config_value_key_error(
			    sc, config_value_member(sc, "announce_backup_metric"),
			    "announce_backup_metric",
			    "%u is not worse than the master's metric %u of %s: use more than %u",
			    in->announce_backup_metric, effective_metric(&r[i]),
			    route_format(&r[i], buf, sizeof(buf)), effective_metric(&r[i]));
			bad = true;
		}
	free(r);
}

void config_announce_load(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	long long v;

	if (config_value_get_int(sc, "announce_table", 1, 4294967295LL, &v) == CV_OK) {
		if (v == 253 || v == 255)
			config_value_key_error(sc, config_value_member(sc, "announce_table"),
			                       "announce_table",
			                       "%lld is the kernel's %s table; pick another", v,
			                       v == 253 ? "default" : "local");
		else
			in->announce_table = (uint32_t)v;
	}
	if (config_value_get_int(sc, "announce_backup_metric", 1, 4294967295LL, &v) == CV_OK) {
		if (!config_value_member(sc, "announce_table"))
			config_value_key_error(sc,
			                       config_value_member(sc, "announce_backup_metric"),
			                       "announce_backup_metric", "needs announce_table");
		else
			in->announce_backup_metric = (uint32_t)v;
	}
	if (in->announce_table)
		check_routes(sc, in);
}

void config_announce_print(const struct vipd_instance_config *in, FILE *out)
{
	if (!in->announce_table)
		return;
	fprintf(out, "    announce_table = %u;\n", in->announce_table);
	if (in->announce_backup_metric)
		fprintf(out, "    announce_backup_metric = %u;\n", in->announce_backup_metric);
}

bool config_announce_equal(const struct vipd_instance_config *a,
                           const struct vipd_instance_config *b)
{
	return a->announce_table == b->announce_table &&
	       a->announce_backup_metric == b->announce_backup_metric;
}
