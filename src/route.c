/* route: parse and print virtual_routes entries (see route.h for the rules). Pure. */
#include "build_config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/route.h"

#define TABLE_DEFAULT 253u /* RT_TABLE_DEFAULT */
#define TABLE_LOCAL 255u   /* RT_TABLE_LOCAL */
/* Words in the longest valid entry: type, prefix, seven keyword/value pairs and onlink, then
 * the nexthops (nexthop, via GW, dev IF, weight W, onlink). */
#define MAX_WORDS (17 + 8 * ROUTE_NEXTHOPS_MAX)
#define RT_SCOPE_LINK_ 253u /* RT_SCOPE_LINK: the default of an IPv4 route without gateway */
#define PROTO_VIPD 112u     /* NL_RTPROT_VIPD, the default proto (stored as 0) */
#define GRAMMAR                                                                                    \
	"[TYPE] PREFIX [via GW] [dev IF] [src ADDR] [scope S] [onlink] [metric N] [table N] "      \
	"[proto P] [nexthop via GW [dev IF] [weight W] [onlink]]..."
/* A word quoted back in a reason, cut at 64 bytes: printf arguments for "%.*s". */
#define QUOTE(w) (int)((w)->len < 64 ? (w)->len : 64), (w)->p

enum kw { KW_VIA, KW_DEV, KW_METRIC, KW_TABLE, KW_SRC, KW_SCOPE, KW_PROTO, KW_ONLINK, KW__COUNT };
static const char *const kw_names[KW__COUNT] = {"via", "dev",   "metric", "table",
                                                "src", "scope", "proto",  "onlink"};
#define NAMES(t) (sizeof(t) / sizeof((t)[0]))
static const char *const type_names[] = {"unicast", "blackhole", "unreachable", "prohibit"};

/* A name for a number (scopes and protocols of /etc/iproute2, as ip-route(8) prints them). */
struct named {
	const char *name;
	uint8_t value;
};
static const struct named scope_names[] = {
    {"global", 0}, {"site", 200}, {"link", 253}, {"host", 254}, {"nowhere", 255}};
static const struct named proto_names[] = {{"kernel", 2}, {"boot", 3},  {"static", 4},
                                           {"ra", 9},     {"dhcp", 16}, {"keepalived", 18}};

struct word {
	const char *p;
	size_t len;
};

static int fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *af_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* Copy word w into buf (NUL-terminated); false when it does not fit. */
static bool word_copy(const struct word *w, char *buf, size_t len)
{
	if (w->len >= len)
		return false;
	memcpy(buf, w->p, w->len);
	buf[w->len] = '\0';
	return true;
}

static bool word_is(const struct word *w, const char *s)
{
	return w->len == strlen(s) && memcmp(w->p, s, w->len) == 0;
}

/* Split s at blanks (space, tab) into at most max words. Returns the count, or -1 with a reason
 * for a control character or too many words. */
static int split(const char *s, struct word *w, int max, char *why, size_t whylen)
{
	int n = 0;

	for (const char *p = s; *p;) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if (n == max)
			return fail(why, whylen, "too many words (" GRAMMAR ")");
		w[n].p = p;
		while (*p && *p != ' ' && *p != '\t') {
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return fail(why, whylen, "contains a control character");
			p++;
		}
		w[n].len = (size_t)(p - w[n].p);
		n++;
	}
	return n;
}

/* Decimal digits only (no sign, no blanks), at most 2^32-1. */
static bool parse_u32(const struct word *w, uint32_t *out)
{
	uint64_t v = 0;

	if (w->len == 0 || w->len > 10)
		return false;
	for (size_t i = 0; i < w->len; i++) {
		if (w->p[i] < '0' || w->p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(w->p[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Zero the bits of a past its prefix length. */
static void mask_host_bits(struct vip_addr *a)
{
	size_t bytes = addr_size(a->af);

	for (size_t i = 0; i < bytes; i++) {
		unsigned keep = a->plen >= (i + 1) * 8 ? 8 : a->plen > i * 8 ? a->plen - i * 8 : 0;

		a->in.bytes[i] &= (uint8_t)(0xff00u >> keep);
	}
}

/* The prefix word: ADDR/PLEN, ADDR or "default" (family left 0 for the caller to fill). */
static int parse_prefix(const struct word *w, struct vip_addr *dst, char *why, size_t whylen)
{
	char buf[ADDR_STRLEN + 8], net[ADDR_STRLEN];
	struct vip_addr masked;

	if (word_is(w, "default")) {
		memset(dst, 0, sizeof(*dst));
		return 0;
	}
	if (!word_copy(w, buf, sizeof(buf)) || addr_parse(buf, true, dst) < 0)
		return fail(why, whylen, "\"%.*s\" is not a prefix (ADDR/PLEN, ADDR or default)",
		            QUOTE(w));
	masked = *dst;
	mask_host_bits(&masked);
	if (memcmp(masked.in.bytes, dst->in.bytes, addr_size(dst->af)) != 0)
		return fail(why, whylen, "%s has host bits set (the network is %s)", buf,
		            addr_format(&masked, true, net, sizeof(net)));
	return 0;
}

static int parse_gw(const struct word *w, struct vip_addr *gw, char *why, size_t whylen)
{
	char buf[INET6_ADDRSTRLEN];

	if (!word_copy(w, buf, sizeof(buf)) || addr_parse(buf, false, gw) < 0)
		return fail(why, whylen, "via \"%.*s\" is not an address", QUOTE(w));
	/* A next hop must be an address a neighbour can hold. */
	if (!addr_is_unicast_host(gw))
		return fail(why, whylen, "via %s is not a unicast address", buf);
	return 0;
}

/* Linux takes any interface name of 1..15 bytes but ".", ".." and names with '/' or ':'. */
static int parse_dev(const struct word *w, char *dev, char *why, size_t whylen)
{
	if (!word_copy(w, dev, IF_NAMESIZE))
		return fail(why, whylen, "dev \"%.*s...\" is longer than %d characters", 15, w->p,
		            IF_NAMESIZE - 1);
	if (strcmp(dev, ".") == 0 || strcmp(dev, "..") == 0 || strpbrk(dev, "/:"))
		return fail(why, whylen, "dev \"%s\" is not an interface name", dev);
	return 0;
}

static int parse_table(const struct word *w, const struct rttab *names, uint32_t *table, char *why,
                       size_t whylen)
{
	if (word_is(w, "main")) {
		*table = ROUTE_TABLE_MAIN;
		return 0;
	}
	if ((!parse_u32(w, table) && !(names && rttab_find(names, w->p, w->len, table))) ||
	    *table == 0)
		return fail(why, whylen,
		            "table \"%.*s\" is not main, a number 1..4294967295 or a name of "
		            "rt_tables",
		            QUOTE(w));
	if (*table == TABLE_DEFAULT || *table == TABLE_LOCAL)
		return fail(why, whylen, "table %u is the kernel's \"%s\" table", *table,
		            *table == TABLE_LOCAL ? "local" : "default");
	return 0;
}

/* The value of keyword kw: a name of table t (n entries), or a number lo..255. */
static int parse_named(const struct word *w, const char *kw, const struct named *t, size_t n,
                       uint32_t lo, uint8_t *out, char *why, size_t whylen)
{
	char names[96] = "";
	size_t used = 0;
	uint32_t v;

	for (size_t i = 0; i < n; i++)
		if (word_is(w, t[i].name)) {
			*out = t[i].value;
			return 0;
		}
	if (parse_u32(w, &v) && v >= lo && v <= 255) {
		*out = (uint8_t)v;
		return 0;
	}
	for (size_t i = 0; i < n && used < sizeof(names); i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s, ", t[i].name);
	return fail(why, whylen, "%s \"%.*s\" is not %sor a number %u..255", kw, QUOTE(w), names,
	            lo);
}

static const char *name_of(const struct named *t, size_t n, uint8_t v, char *buf, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	snprintf(buf, len, "%u", v);
	return buf;
}

/* The value word of keyword k into r (gw into *gw, src into *src). */
static int parse_value(enum kw k, const struct word *v, const struct rttab *names,
                       struct vipd_route *r, struct vip_addr *gw, struct vip_addr *src, char *why,
                       size_t whylen)
{
	char buf[INET6_ADDRSTRLEN];

	switch (k) {
	case KW_VIA:
		return parse_gw(v, gw, why, whylen);
	case KW_SRC:
		if (!word_copy(v, buf, sizeof(buf)) || addr_parse(buf, false, src) < 0)
			return fail(why, whylen, "src \"%.*s\" is not an address", QUOTE(v));
		if (!addr_is_unicast_host(src))
			return fail(why, whylen, "src %s is not a unicast address", buf);
		return 0;
	case KW_SCOPE:
		r->has_scope = true;
		return parse_named(v, "scope", scope_names, NAMES(scope_names), 0, &r->scope, why,
		                   whylen);
	case KW_PROTO:
		if (parse_named(v, "proto", proto_names, NAMES(proto_names), 1, &r->proto, why,
		                whylen) < 0)
			return -1;
		if (r->proto == PROTO_VIPD)
			r->proto = 0;
		return 0;
	case KW_DEV:
		return parse_dev(v, r->dev, why, whylen);
	case KW_METRIC:
		if (!parse_u32(v, &r->metric))
			return fail(why, whylen, "metric \"%.*s\" is not a number 0..4294967295",
			            QUOTE(v));
		return 0;
	case KW_TABLE:
	default:
		return parse_table(v, names, &r->table, why, whylen);
	}
}

/* The rules between keywords, once every word is read. */
static int check_combination(const struct vipd_route *r, const bool *seen, char *why, size_t whylen)
{
	if (r->type != ROUTE_UNICAST) {
		for (int k = KW_VIA; k < KW__COUNT; k++)
			if (seen[k] &&
			    (k == KW_VIA || k == KW_DEV || k == KW_SRC || k == KW_ONLINK))
				return fail(why, whylen, "%s takes no %s (no next hop)",
				            type_names[r->type], kw_names[k]);
	}
	if (seen[KW_ONLINK] && !seen[KW_VIA])
		return fail(why, whylen, "onlink needs via");
	return 0;
}

/* The words w[i..n) after the first "nexthop" into r->nh; gateways into gw[]. */
static int parse_nexthops(const struct word *w, int i, int n, struct vipd_route *r,
                          struct vip_addr *gw, char *why, size_t whylen)
{
	while (i < n) {
		struct route_nexthop *nh;
		bool via = false;

		if (!word_is(&w[i], "nexthop"))
			return fail(why, whylen,
			            "\"%.*s\" after a nexthop (expected via, dev, weight, "
			            "onlink or nexthop)",
			            QUOTE(&w[i]));
		if (r->nnh == ROUTE_NEXTHOPS_MAX)
			return fail(why, whylen, "more than %d nexthops", ROUTE_NEXTHOPS_MAX);
		nh = &r->nh[r->nnh];
		nh->weight = 1;
		for (i++; i < n && !word_is(&w[i], "nexthop"); i++) {
			uint32_t v;

			if (word_is(&w[i], "onlink")) {
				nh->onlink = true;
				continue;
			}
			if (i + 1 == n)
				return fail(why, whylen, "nexthop %.*s needs a value",
				            QUOTE(&w[i]));
			if (word_is(&w[i], "via") && !via) {
				via = true;
				if (parse_gw(&w[++i], &gw[r->nnh], why, whylen) < 0)
					return -1;
			} else if (word_is(&w[i], "dev") && !nh->dev[0]) {
				if (parse_dev(&w[++i], nh->dev, why, whylen) < 0)
					return -1;
			} else if (word_is(&w[i], "weight")) {
				if (!parse_u32(&w[++i], &v) || v < 1 || v > 256)
					return fail(
					    why, whylen,
					    "nexthop weight \"%.*s\" is not a number 1..256",
					    QUOTE(&w[i]));
				nh->weight = (uint16_t)v;
			} else {
				return fail(
				    why, whylen,
				    "nexthop: unexpected \"%.*s\" (via GW [dev IF] [weight W] "
				    "[onlink], each once)",
				    QUOTE(&w[i]));
			}
		}
		if (!via)
			return fail(why, whylen, "a nexthop needs via");
		r->nnh++;
	}
	return 0;
}

/* Check that address a (named what) is of the prefix's family. */
static int same_family(const char *what, const struct vip_addr *a, int af, char *why, size_t whylen)
{
	char buf[ADDR_STRLEN];

	if (a->af == af)
		return 0;
	return fail(why, whylen, "%s %s is %s but the prefix is %s", what,
	            addr_format(a, false, buf, sizeof(buf)), af_name(a->af), af_name(af));
}

int route_parse(const char *s, int af, struct vipd_route *r, char *why, size_t whylen)
{
	return route_parse_names(s, af, NULL, r, why, whylen);
}

int route_parse_names(const char *s, int af, const struct rttab *names, struct vipd_route *r,
                      char *why, size_t whylen)
{
	struct word w[MAX_WORDS];
	struct vipd_route out = {.table = ROUTE_TABLE_MAIN};
	struct vip_addr gw = {0}, src = {0};
	bool seen[KW__COUNT] = {false};
	struct vip_addr nh_gw[ROUTE_NEXTHOPS_MAX];
	bool is_default;
	int n, i = 0;

	if (strnlen(s, ROUTE_TEXT_MAX) >= ROUTE_TEXT_MAX)
		return fail(why, whylen, "longer than %d characters", ROUTE_TEXT_MAX - 1);
	n = split(s, w, MAX_WORDS, why, whylen);
	if (n < 0)
		return -1;
	if (n == 0)
		return fail(why, whylen, "empty (" GRAMMAR ")");
	for (int t = ROUTE_BLACKHOLE; t <= ROUTE_PROHIBIT; t++)
		if (word_is(&w[0], type_names[t])) {
			out.type = (enum route_type)t;
			i = 1;
		}
	if (i == n)
		return fail(why, whylen, "%s needs a prefix", type_names[out.type]);
	if (parse_prefix(&w[i], &out.dst, why, whylen) < 0)
		return -1;
	is_default = out.dst.af == 0;

	for (i++; i < n; i++) {
		int k = 0;

		if (word_is(&w[i], "nexthop")) {
			if (out.type != ROUTE_UNICAST)
				return fail(why, whylen, "%s takes no nexthop",
				            type_names[out.type]);
			if (seen[KW_VIA] || seen[KW_DEV] || seen[KW_ONLINK])
				return fail(
				    why, whylen,
				    "a route with nexthops takes no via, dev or onlink of its own");
			if (parse_nexthops(w, i, n, &out, nh_gw, why, whylen) < 0)
				return -1;
			break;
		}
		while (k < KW__COUNT && !word_is(&w[i], kw_names[k]))
			k++;
		if (k == KW__COUNT)
			return fail(why, whylen,
			            "unknown word \"%.*s\" (expected via, dev, src, scope, onlink, "
			            "metric, table, proto or nexthop)",
			            QUOTE(&w[i]));
		if (seen[k])
			return fail(why, whylen, "%s given twice", kw_names[k]);
		seen[k] = true;
		if (k == KW_ONLINK) {
			out.onlink = true;
			continue;
		}
		if (i + 1 == n)
			return fail(why, whylen, "%s needs a value", kw_names[k]);
		if (parse_value((enum kw)k, &w[++i], names, &out, &gw, &src, why, whylen) < 0)
			return -1;
	}
	if (check_combination(&out, seen, why, whylen) < 0)
		return -1;

	out.has_gw = seen[KW_VIA];
	out.has_src = seen[KW_SRC];
	if (is_default) {
		int fam = out.has_gw ? gw.af : out.nnh ? nh_gw[0].af : out.has_src ? src.af : af;

		if (fam != AF_INET && fam != AF_INET6)
			return fail(why, whylen, "default needs a gateway to tell its family");
		out.dst.af = fam;
		out.dst.plen = 0;
	}
	if (out.has_gw) {
		if (same_family("via", &gw, out.dst.af, why, whylen) < 0)
			return -1;
		out.gw = gw.in;
	}
	if (out.has_src) {
		if (same_family("src", &src, out.dst.af, why, whylen) < 0)
			return -1;
		out.src = src.in;
	}
	for (size_t k = 0; k < out.nnh; k++) {
		if (same_family("nexthop via", &nh_gw[k], out.dst.af, why, whylen) < 0)
			return -1;
		out.nh[k].gw = nh_gw[k].in;
	}
	*r = out;
	return 0;
}

/* Append to buf at *used what fmt says, never past len. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

const char *route_format(const struct vipd_route *r, char *buf, size_t len)
{
	char a[ADDR_STRLEN], g[ADDR_STRLEN], num[4];
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	if (r->type != ROUTE_UNICAST)
		append(buf, len, &used, "%s ", type_names[r->type]);
	append(buf, len, &used, "%s", addr_format(&r->dst, true, a, sizeof(a)));
	if (r->has_gw)
		append(buf, len, &used, " via %s", addr_format_in(r->dst.af, &r->gw, g, sizeof(g)));
	if (r->dev[0])
		append(buf, len, &used, " dev %.*s", IF_NAMESIZE - 1, r->dev);
	if (r->has_src)
		append(buf, len, &used, " src %s",
		       addr_format_in(r->dst.af, &r->src, g, sizeof(g)));
	if (r->has_scope)
		append(buf, len, &used, " scope %s",
		       name_of(scope_names, NAMES(scope_names), r->scope, num, sizeof(num)));
	if (r->onlink)
		append(buf, len, &used, " onlink");
	if (r->metric)
		append(buf, len, &used, " metric %u", r->metric);
	if (r->table != ROUTE_TABLE_MAIN)
		append(buf, len, &used, " table %u", r->table);
	if (r->proto)
		append(buf, len, &used, " proto %s",
		       name_of(proto_names, NAMES(proto_names), r->proto, num, sizeof(num)));
	for (size_t i = 0; i < r->nnh && i < ROUTE_NEXTHOPS_MAX; i++) {
		const struct route_nexthop *nh = &r->nh[i];

		append(buf, len, &used, " nexthop via %s",
		       addr_format_in(r->dst.af, &nh->gw, g, sizeof(g)));
		if (nh->dev[0])
			append(buf, len, &used, " dev %.*s", IF_NAMESIZE - 1, nh->dev);
		if (nh->weight != 1)
			append(buf, len, &used, " weight %u", nh->weight);
		if (nh->onlink)
			append(buf, len, &used, " onlink");
	}
	return buf;
}

uint8_t route_scope(const struct vipd_route *r)
{
	if (r->has_scope)
		return r->scope;
	return r->type == ROUTE_UNICAST && !r->has_gw && !r->nnh && r->dst.af == AF_INET
	           ? RT_SCOPE_LINK_
	           : 0;
}

static bool nexthops_equal(const struct vipd_route *a, const struct vipd_route *b)
{
	if (a->nnh != b->nnh)
		return false;
	for (size_t i = 0; i < a->nnh; i++) {
		const struct route_nexthop *x = &a->nh[i], *y = &b->nh[i];

		if (addr_cmp_in(a->dst.af, &x->gw, &y->gw) != 0 ||
		    strncmp(x->dev, y->dev, IF_NAMESIZE) != 0 || x->weight != y->weight ||
		    x->onlink != y->onlink)
			return false;
	}
	return true;
}

bool route_equal(const struct vipd_route *a, const struct vipd_route *b)
{
	return a->dst.af == b->dst.af && a->dst.plen == b->dst.plen &&
	       addr_cmp_in(a->dst.af, &a->dst.in, &b->dst.in) == 0 && a->has_gw == b->has_gw &&
	       (!a->has_gw || addr_cmp_in(a->dst.af, &a->gw, &b->gw) == 0) &&
	       strncmp(a->dev, b->dev, IF_NAMESIZE) == 0 && a->metric == b->metric &&
	       a->table == b->table && a->type == b->type && a->has_src == b->has_src &&
	       (!a->has_src || addr_cmp_in(a->dst.af, &a->src, &b->src) == 0) &&
	       a->has_scope == b->has_scope && (!a->has_scope || a->scope == b->scope) &&
	       a->onlink == b->onlink && a->proto == b->proto && nexthops_equal(a, b);
}

/* The metric the kernel stores: IPv6 turns 0 into 1024 (IP6_RT_PRIO_USER). */
static uint32_t kernel_metric(const struct vipd_route *r)
{
	return r->dst.af == AF_INET6 && r->metric == 0 ? 1024 : r->metric;
}

bool route_same_key(const struct vipd_route *a, const struct vipd_route *b)
{
	return a->dst.af == b->dst.af && a->dst.plen == b->dst.plen &&
	       addr_cmp_in(a->dst.af, &a->dst.in, &b->dst.in) == 0 && a->table == b->table &&
	       kernel_metric(a) == kernel_metric(b);
}
