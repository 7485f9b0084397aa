/* daemon_debug: the daemon's side of the debug categories (log.h, vipd(8) DEBUG CATEGORIES):
 * the control command {"command":"debug"} that shows and switches them, and the debug lines of
 * the daemon layer (packets dropped before an instance saw them, adverts sent, netlink batches
 * and events, control requests). Callers test the category bit first, so nothing here runs on
 * the receive path while its category is off. */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vipd/daemon_int.h"
#include "vipd/log.h"
#include "vipd/nl_msg.h"
#include "vipd/route.h"
#include "vipd/vrrp_pkt.h"

/* {"enabled":[NAME...]}: the categories on. */
static struct json_object *cats_json(unsigned cats)
{
	struct json_object *o = json_object_new_object(), *list = json_object_new_array();

	for (unsigned bit = 1; bit & LOG_CAT_ALL; bit <<= 1)
		if (cats & bit)
			json_object_array_add(list, json_object_new_string(log_cat_name(bit)));
	json_object_object_add(o, "enabled", list);
	return o;
}

/* The categories listed in req's member key (absent: none) into *cats; NULL, or the error to
 * answer (an unknown name is named, with the valid ones). */
static struct json_object *cats_member(struct json_object *req, const char *key, unsigned *cats)
{
	struct json_object *list;
	char msg[200];

	*cats = 0;
	if (!json_object_object_get_ex(req, key, &list))
		return NULL;
	if (!json_object_is_type(list, json_type_array)) {
		snprintf(msg, sizeof(msg), "debug: \"%s\" must be an array of category names", key);
		return ctl_reply_error(msg);
	}
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *v = json_object_array_get_idx(list, i);
		unsigned bit = json_object_is_type(v, json_type_string)
		                   ? log_cat_parse(json_object_get_string(v))
		                   : 0;

		if (!bit) {
			snprintf(msg, sizeof(msg), "unknown debug category \"%.40s\" (valid: %s)",
			         json_object_get_string(v), LOG_CAT_NAMES);
			return ctl_reply_error(msg);
		}
		*cats |= bit;
	}
	return NULL;
}

struct json_object *daemon_debug_command(struct json_object *req)
{
	struct json_object *err;
	unsigned on, off;
	char text[64];

	/* Both lists are checked before anything changes: a refused request changes nothing. */
	if ((err = cats_member(req, "disable", &off)) || (err = cats_member(req, "enable", &on)))
		return err;
	if (on | off) {
		unsigned before = log_cats_on;

		log_cats_set((log_cats_on & ~off) | on);
		if (log_cats_on != before)
			log_info("debug categories on: %s",
			         log_cats_format(log_cats_on, text, sizeof(text)));
	}
	return ctl_reply_ok(cats_json(log_cats_on));
}

void daemon_debug_ctl(struct daemon *d, struct json_object *req, struct json_object *reply)
{
	struct json_object *cmd, *ok, *error;
	long uid = ctl_client_uid(d->ctl);
	const char *name = "?";

	if (json_object_object_get_ex(req, "command", &cmd) &&
	    json_object_is_type(cmd, json_type_string))
		name = json_object_get_string(cmd);
	if (json_object_object_get_ex(reply, "ok", &ok) && json_object_get_boolean(ok))
		log_cat_write(LOG_CAT_CTL, "uid %ld: %.40s: ok", uid, name);
	else
		log_cat_write(LOG_CAT_CTL, "uid %ld: %.40s: error: %s", uid, name,
		              json_object_object_get_ex(reply, "error", &error)
		                  ? json_object_get_string(error)
		                  : "?");
}

void daemon_debug_rx_drop(const struct iface *ifc, const struct vrrp_rx_meta *meta,
                          const uint8_t *msg, size_t len, enum vrrp_reason r)
{
	char src[ADDR_STRLEN];

	addr_format_in(meta->af, &meta->src, src, sizeof(src));
	if (msg && len >= 2 && r != VRRP_RX_IP_HEADER)
		log_cat_write(LOG_CAT_PACKETS, "%s: advert from %s vrid %u: dropped (%s)",
		              ifc->name, src, msg[1], vrrp_pkt_reason_name(r));
	else
		log_cat_write(LOG_CAT_PACKETS, "%s: packet from %s: dropped (%s)", ifc->name, src,
		              vrrp_pkt_reason_name(r));
}

void daemon_debug_tx(const struct instance *in, const union vip_in *src, const union vip_in *dst,
                     const uint8_t *msg, size_t len, int rc)
{
	char from[ADDR_STRLEN], to[ADDR_STRLEN];
	int err = errno;

	/* Version and VRID, then the priority in the third byte, in VRRPv2 and v3 alike. */
	log_cat_write(LOG_CAT_PACKETS, "%s: advert sent v%u vrid %u prio %u from %s to %s: %s",
	              in->cfg->name, len ? msg[0] >> 4 : 0u, len > 1 ? msg[1] : 0u,
	              len > 2 ? msg[2] : 0u, addr_format_in(in->cfg->af, src, from, sizeof(from)),
	              addr_format_in(in->cfg->af, dst, to, sizeof(to)),
	              rc < 0   ? strerror(err)
	              : rc > 0 ? "queued"
	                       : "ok");
	errno = err;
}

void daemon_debug_nl_batch(struct daemon *d, const struct nl_change *ch, size_t n, int rc)
{
	static const char *const ops[] = {"add address",  "delete address", "add route",
	                                  "delete route", "add rule",       "delete rule"};
	char what[NL_MSG_STRLEN];
	int err = errno;

	log_cat_write(LOG_CAT_NETLINK, "batch of %zu change(s): %s", n,
	              rc < 0 ? strerror(err) : "sent");
	for (size_t i = 0; i < n && rc >= 0; i++) {
		const struct nl_change *c = &ch[i];
		const struct iface *ifc = daemon_iface_by_index(d, c->ifindex);

		log_cat_write(LOG_CAT_NETLINK, "  %s %s on %s (index %u): %s%s%s", ops[c->op],
		              nl_msg_format(c, false, what, sizeof(what)), ifc ? ifc->name : "?",
		              c->ifindex, c->error ? strerror(-c->error) : "ok",
		              c->msg[0] ? ": " : "", c->msg);
	}
	errno = err;
}

void daemon_debug_nl_event(const struct nl_event *ev)
{
	static const char *const types[] = {"link", "link deleted", "address added",
	                                    "address deleted", "dump restarted"};
	char a[ADDR_STRLEN];

	switch (ev->type) {
	case NL_EV_LINK:
	case NL_EV_LINK_DEL:
		log_cat_write(LOG_CAT_NETLINK, "event: %s %s (index %u, flags 0x%x, %s)",
		              types[ev->type], ev->link.name, ev->link.ifindex, ev->link.flags,
		              ev->link.running ? "running" : "not running");
		break;
	case NL_EV_ADDR_NEW:
	case NL_EV_ADDR_DEL:
		log_cat_write(LOG_CAT_NETLINK, "event: %s %s on index %u (flags 0x%x, proto %u)",
		              types[ev->type], addr_format(&ev->addr, true, a, sizeof(a)),
		              ev->ifindex, (unsigned)ev->ifa_flags, ev->ifa_proto);
		break;
	case NL_EV_DUMP_RESTART:
		log_cat_write(LOG_CAT_NETLINK, "event: %s", types[ev->type]);
		break;
	}
}
