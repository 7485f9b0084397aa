/* config_addr: keepalived's address options ("dev IF label L scope S brd B noprefixroute
 * no_track") on virtual_addresses and excluded_addresses entries, and excluded_addresses itself:
 * addresses added and removed with the master state that no advert lists (keepalived's
 * virtual_ipaddress_excluded; Neutron keeps every router address there). Pure. */
#include "build_config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config.h"
#include "vipd/config_addr.h"
#include "vipd/config_value.h"

#define KEY "excluded_addresses"

/* The names of /etc/iproute2/rt_scopes that iproute2 and keepalived know without the file. */
static const struct {
	const char *name;
	int value;
} scopes[] = {{"global", 0}, {"site", 200}, {"link", 253}, {"host", 254}, {"nowhere", 255}};

static int parse_scope(const char *s)
{
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (strcmp(s, scopes[i].name) == 0)
			return scopes[i].value;
	v = strtol(s, &end, 10);
	if (end == s || *end || v < 0 || v > 255)
		return -1;
	return (int)v;
}

/* A name the kernel takes for an interface: 1..15 bytes, no '/', blank or control byte. */
static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IF_NAMESIZE || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || (unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* A label: the interface name, then optionally ':' and more, 15 bytes at most (IFNAMSIZ). */
static bool label_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IF_NAMESIZE)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '/')
			return false;
	return true;
}

/* The broadcast address of a/plen: the host bits set (iproute2's "brd +"). */
static struct in_addr brd_plus(const struct vip_addr *a)
{
	uint32_t host = a->plen >= 32 ? 0 : 0xffffffffu >> a->plen;
	struct in_addr b = {.s_addr = htonl(ntohl(a->in.v4.s_addr) | host)};

	return b;
}

static int opt_word(const char *w, const char *v, struct vip_addr *a, struct vipd_addr_opts *o,
                    char *err, size_t errlen)
{
	if (strcmp(w, "noprefixroute") == 0) {
		if (o->noprefixroute)
			goto twice;
		o->noprefixroute = true;
		return 0;
	}
	if (strcmp(w, "no_track") == 0) {
		if (o->no_track)
			goto twice;
		o->no_track = true;
		return 0;
	}
	if (strcmp(w, "dev") && strcmp(w, "label") && strcmp(w, "scope") && strcmp(w, "brd")) {
		snprintf(err, errlen,
		         "unknown option \"%s\" (expected dev, label, scope, brd, noprefixroute or "
		         "no_track)",
		         w);
		return -1;
	}
	if (!v) {
		snprintf(err, errlen, "\"%s\" needs a value", w);
		return -1;
	}
	if (strcmp(w, "dev") == 0) {
		if (o->dev[0])
			goto twice;
		if (!ifname_ok(v)) {
			snprintf(err, errlen, "dev \"%s\" is not an interface name", v);
			return -1;
		}
		snprintf(o->dev, sizeof(o->dev), "%s", v);
	} else if (strcmp(w, "label") == 0) {
		if (o->label[0])
			goto twice;
		if (a->af != AF_INET) {
			snprintf(err, errlen, "label is for IPv4 addresses only");
			return -1;
		}
		if (!label_ok(v)) {
			snprintf(err, errlen, "label \"%s\" is not a label (1 to 15 characters)",
			         v);
			return -1;
		}
		snprintf(o->label, sizeof(o->label), "%s", v);
	} else if (strcmp(w, "scope") == 0) {
		if (o->scope >= 0)
			goto twice;
		o->scope = parse_scope(v);
		if (o->scope < 0) {
			snprintf(err, errlen,
			         "scope \"%s\" is not global, site, link, host, nowhere or 0..255",
			         v);
			return -1;
		}
	} else {
		if (o->has_brd)
			goto twice;
		if (a->af != AF_INET) {
			snprintf(err, errlen, "brd is for IPv4 addresses only");
			return -1;
		}
		if (strcmp(v, "+") == 0)
			o->brd = brd_plus(a);
		else if (inet_pton(AF_INET, v, &o->brd) != 1) {
			snprintf(err, errlen, "brd \"%s\" is not an IPv4 address or +", v);
			return -1;
		}
		o->has_brd = true;
	}
	return 0;
twice:
	snprintf(err, errlen, "\"%s\" given twice", w);
	return -1;
}

int config_addr_parse(const char *text, struct vip_addr *a, struct vipd_addr_opts *o, char *err,
                      size_t errlen)
{
	char *copy = strdup(text), *save = NULL, *w;
	int rc = 0;

	*o = CONFIG_ADDR_OPTS_NONE;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w = strtok_r(copy, " \t", &save);
	if (!w || addr_parse(w, true, a) < 0) {
		snprintf(err, errlen, "is not an address (ADDR or ADDR/PLEN)");
		free(copy);
		return -1;
	}
	while (rc == 0 && (w = strtok_r(NULL, " \t", &save))) {
		bool flag = strcmp(w, "noprefixroute") == 0 || strcmp(w, "no_track") == 0;
		const char *v = flag ? NULL : strtok_r(NULL, " \t", &save);

		rc = opt_word(w, v, a, o, err, errlen) < 0 ? -2 : 0;
	}
	free(copy);
	return rc;
}

const char *config_addr_format(const struct vip_addr *a, const struct vipd_addr_opts *o, char *buf,
                               size_t len)
{
	char ab[ADDR_STRLEN], bb[INET_ADDRSTRLEN] = "";
	char sb[16] = "";
	const char *scope = NULL;

	/* most addresses have no option: no formatting beyond the address (the status of 1000
	 * instances) */
	if (o->scope < 0 && !o->has_brd && !o->dev[0] && !o->label[0] && !o->noprefixroute &&
	    !o->no_track)
		return addr_format(a, true, buf, len);
	if (o->scope >= 0) {
		for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
			if (scopes[i].value == o->scope)
				scope = scopes[i].name;
		if (!scope) {
			snprintf(sb, sizeof(sb), "%d", o->scope);
			scope = sb;
		}
	}
	if (o->has_brd)
		inet_ntop(AF_INET, &o->brd, bb, sizeof(bb));
	snprintf(buf, len, "%s%s%s%s%s%s%s%s%s%s%s", addr_format(a, true, ab, sizeof(ab)),
	         o->dev[0] ? " dev " : "", o->dev, o->label[0] ? " label " : "", o->label,
	         scope ? " scope " : "", scope ? scope : "", o->has_brd ? " brd " : "", bb,
	         o->noprefixroute ? " noprefixroute" : "", o->no_track ? " no_track" : "");
	return buf;
}

bool config_addr_opts_equal(const struct vipd_addr_opts *a, const struct vipd_addr_opts *b)
{
	return strcmp(a->dev, b->dev) == 0 && strcmp(a->label, b->label) == 0 &&
	       a->scope == b->scope && a->has_brd == b->has_brd &&
	       (!a->has_brd || a->brd.s_addr == b->brd.s_addr) &&
	       a->noprefixroute == b->noprefixroute && a->no_track == b->no_track;
}

static bool in_list(const struct vip_addr *list, size_t n, const struct vip_addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (addr_equal(&list[i], a))
			return true;
	return false;
}

bool config_addr_excluded_taken(const struct vipd_config *cfg, size_t idx,
                                const struct config_index *x, const struct vipd_instance_config *in,
                                const struct vip_addr *a, int *line)
{
	if (in_list(in->excluded, in->nexcluded, a)) {
		*line = in->line;
		return true;
	}
	for (size_t k = config_index_scan_from(config_index_find_excluded(x, a), idx); k < idx;
	     k++) {
		const struct vipd_instance_config *o = &cfg->instances[k];

		if (!o->nexcluded)
			continue;
		/* A link-local address is scoped to its link: other links may reuse it. */
		if (a->af == AF_INET6 && addr_is_linklocal6(&a->in.v6) &&
		    strcmp(o->interface, in->interface) != 0)
			continue;
		if (in_list(o->excluded, o->nexcluded, a)) {
			*line = o->line;
			return true;
		}
	}
	return false;
}

/* Is a free: not a VIP or excluded address of this instance or an earlier one? */
static bool excluded_unique(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                            const struct config_index *x, const struct vipd_instance_config *in,
                            const config_setting_t *e, size_t i, const struct vip_addr *a)
{
	char buf[ADDR_STRLEN];
	int line;

	addr_format(a, false, buf, sizeof(buf));
	if (in_list(in->vips, in->nvips, a) || in_list(in->excluded, in->nexcluded, a)) {
		config_value_error_at(sc->ld, e, "%s.%s[%zu]: duplicate address %s", sc->pfx, KEY,
		                      i, buf);
		return false;
	}
	if (config_addr_excluded_taken(cfg, idx, x, in, a, &line)) {
		config_value_error_at(sc->ld, e,
		                      "%s.%s[%zu]: %s is also in the instance at line %d", sc->pfx,
		                      KEY, i, buf, line);
		return false;
	}
	for (size_t k = config_index_scan_from(config_index_find_vip(x, a), idx); k < idx; k++) {
		const struct vipd_instance_config *o = &cfg->instances[k];

		if (a->af == AF_INET6 && addr_is_linklocal6(&a->in.v6) &&
		    strcmp(o->interface, in->interface) != 0)
			continue;
		if (!in_list(o->vips, o->nvips, a))
			continue;
		config_value_error_at(sc->ld, e,
		                      "%s.%s[%zu]: %s is also in the instance at line %d", sc->pfx,
		                      KEY, i, buf, o->line);
		return false;
	}
	return true;
}

bool config_addr_read(const struct cv_scope *sc, const char *key, const config_setting_t *e, int i,
                      struct vip_addr *a, struct vipd_addr_opts *o)
{
	const char *txt;
	char err[160];
	int rc;

	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		config_value_error_at(sc->ld, e, "%s.%s[%d]: expected a string, got %s", sc->pfx,
		                      key, i, config_value_type_name(e));
		return false;
	}
	txt = config_setting_get_string(e);
	rc = config_addr_parse(txt, a, o, err, sizeof(err));
	if (rc < 0) {
		config_value_error_at(sc->ld, e, "%s.%s[%d]: \"%s\"%s%s", sc->pfx, key, i, txt,
		                      rc == -1 ? " " : ": ", err);
		return false;
	}
	/* A unicast address a host can hold. */
	if (!config_value_unicast_host(a)) {
		config_value_error_at(sc->ld, e, "%s.%s[%d]: \"%s\" is not a unicast host address",
		                      sc->pfx, key, i, txt);
		return false;
	}
	return true;
}

void config_addr_load_excluded(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                               const struct config_index *x, struct vipd_instance_config *in)
{
	const config_setting_t *s = NULL;
	int n;

	if (!config_value_member(sc, KEY))
		return;
	n = config_value_get_list(sc, KEY, VIPD_EXCLUDED_MAX, "addresses", "", &s);
	if (n <= 0)
		return;
	in->excluded = calloc((size_t)n, sizeof(*in->excluded));
	in->excluded_opts = calloc((size_t)n, sizeof(*in->excluded_opts));
	if (!in->excluded || !in->excluded_opts) {
		config_value_key_error(sc, s, KEY, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		struct vipd_addr_opts o;
		struct vip_addr a;

		if (!config_addr_read(sc, KEY, e, i, &a, &o))
			continue;
		if (excluded_unique(sc, cfg, idx, x, in, e, (size_t)i, &a)) {
			in->excluded_opts[in->nexcluded] = o;
			in->excluded[in->nexcluded++] = a;
		}
	}
}

void config_addr_print_excluded(const struct vipd_instance_config *in, FILE *out)
{
	char buf[CONFIG_ADDR_STRLEN];

	if (!in->nexcluded)
		return;
	fprintf(out, "    %s = [", KEY);
	for (size_t i = 0; i < in->nexcluded; i++)
		fprintf(
		    out, "%s \"%s\"", i ? "," : "",
		    config_addr_format(&in->excluded[i], &in->excluded_opts[i], buf, sizeof(buf)));
	fprintf(out, " ];\n");
}

bool config_addr_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	if (a->nvips != b->nvips || a->nexcluded != b->nexcluded)
		return false;
	for (size_t i = 0; i < a->nvips; i++)
		if (!config_addr_opts_equal(&a->vip_opts[i], &b->vip_opts[i]))
			return false;
	for (size_t i = 0; i < a->nexcluded; i++)
		if (!addr_equal(&a->excluded[i], &b->excluded[i]) ||
		    a->excluded[i].plen != b->excluded[i].plen ||
		    !config_addr_opts_equal(&a->excluded_opts[i], &b->excluded_opts[i]))
			return false;
	return true;
}

void config_addr_free(struct vipd_instance_config *in)
{
	free(in->vip_opts);
	free(in->excluded);
	free(in->excluded_opts);
	in->vip_opts = NULL;
	in->excluded = NULL;
	in->excluded_opts = NULL;
	in->nexcluded = 0;
}
