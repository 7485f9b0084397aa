/* rule: parse and print virtual_rules entries (see rule.h for the grammar). Pure. */
#include "build_config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/rule.h"

#define TABLE_MAIN 254u /* RT_TABLE_MAIN */
#define BLANKS " \t"
#define GRAMMAR "[not] [from P] [to P] [iif IF] [oif IF] [fwmark M[/MASK]] table N priority N"

enum key { K_FROM, K_TO, K_IIF, K_OIF, K_FWMARK, K_TABLE, K_PRIORITY, K__N };
static const char *const key_names[K__N] = {"from",   "to",    "iif",     "oif",
                                            "fwmark", "table", "priority"};

/* Write the reason for a refusal into why (when there is room) and evaluate to -1. */
#define reason(why, whylen, ...) ((whylen) ? (void)snprintf(why, whylen, __VA_ARGS__) : (void)0, -1)

/* A number: decimal, or hexadecimal after 0x when hex; at most 2^32-1. */
static bool number(const char *s, bool hex, uint32_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (hex && (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)) {
		base = 16;
		s += 2;
	}
	if (!*s || strlen(s) > (base == 16 ? 8 : 10))
		return false;
	for (; *s; s++) {
		const char *digits = "0123456789abcdef";
		const char *d = strchr(digits, *s >= 'A' && *s <= 'F' ? *s + 32 : *s);

		if (!d || (unsigned)(d - digits) >= base)
			return false;
		v = v * base + (uint64_t)(d - digits);
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* A selector prefix: "all" (none) or ADDR[/PLEN] with zero host bits. */
static int selector(const char *kw, const char *v, bool *has, struct vip_addr *a, char *why,
                    size_t whylen)
{
	struct vip_addr net;
	char buf[ADDR_STRLEN];

	if (strcmp(v, "all") == 0)
		return 0;
	if (strlen(v) >= ADDR_STRLEN || addr_parse(v, true, a) < 0)
		return reason(why, whylen, "%s \"%.64s\" is not a prefix (ADDR/PLEN, ADDR or all)",
		              kw, v);
	net = *a;
	for (size_t i = 0; i < addr_size(a->af); i++) {
		unsigned bits = a->plen > i * 8 ? a->plen - i * 8 : 0;

		if (bits < 8)
			net.in.bytes[i] &= (uint8_t)(0xff00u >> bits);
	}
	if (memcmp(&net.in, &a->in, addr_size(a->af)) != 0)
		return reason(why, whylen, "%s %s has host bits set (the network is %s)", kw, v,
		              addr_format(&net, true, buf, sizeof(buf)));
	*has = true;
	return 0;
}

static int ifname(const char *kw, const char *v, char *out, char *why, size_t whylen)
{
	if (strlen(v) >= IF_NAMESIZE)
		return reason(why, whylen, "%s \"%.15s...\" is longer than %d characters", kw, v,
		              IF_NAMESIZE - 1);
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0 || strpbrk(v, "/:"))
		return reason(why, whylen, "%s \"%s\" is not an interface name", kw, v);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

static int fwmark(const char *v, struct vipd_rule *r, char *why, size_t whylen)
{
	char mark[24];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);

	r->fwmask = UINT32_MAX;
	if (n < sizeof(mark)) {
		memcpy(mark, v, n);
		mark[n] = '\0';
	}
	if (n >= sizeof(mark) || !number(mark, true, &r->fwmark) ||
	    (slash && !number(slash + 1, true, &r->fwmask)))
		return reason(
		    why, whylen,
		    "fwmark \"%.64s\" is not M or M/MASK (0..4294967295, decimal or 0x hex)", v);
	r->has_fwmark = true;
	return 0;
}

/* The value v of keyword k into r. */
static int value(enum key k, const char *v, const struct rttab *names, struct vipd_rule *r,
                 char *why, size_t whylen)
{
	switch (k) {
	case K_FROM:
		return selector("from", v, &r->has_from, &r->from, why, whylen);
	case K_TO:
		return selector("to", v, &r->has_to, &r->to, why, whylen);
	case K_IIF:
		return ifname("iif", v, r->iif, why, whylen);
	case K_OIF:
		return ifname("oif", v, r->oif, why, whylen);
	case K_FWMARK:
		return fwmark(v, r, why, whylen);
	case K_TABLE:
		if (strcmp(v, "main") == 0)
			r->table = TABLE_MAIN;
		else if ((!number(v, false, &r->table) &&
		          !(names && rttab_find(names, v, strlen(v), &r->table))) ||
		         r->table == 0)
			return reason(why, whylen,
			              "table \"%.64s\" is not main, a number 1..4294967295 or a "
			              "name of rt_tables",
			              v);
		if (r->table == 253 || r->table == 255)
			return reason(why, whylen, "table %u is the kernel's \"%s\" table",
			              r->table, r->table == 255 ? "local" : "default");
		return 0;
	case K_PRIORITY:
	default:
		if (!number(v, false, &r->priority) || r->priority == 0)
			return reason(why, whylen,
			              "priority \"%.64s\" is not a number 1..4294967295", v);
		return 0;
	}
}

static int keyword(const char *w)
{
	if (strcmp(w, "pref") == 0 || strcmp(w, "preference") == 0)
		return K_PRIORITY;
	for (int k = 0; k < K__N; k++)
		if (strcmp(w, key_names[k]) == 0)
			return k;
	return -1;
}

/* The family of r from its selectors, else af; -1 with a reason when they disagree. */
static int family(struct vipd_rule *r, int af, char *why, size_t whylen)
{
	if (r->has_from && r->has_to && r->from.af != r->to.af)
		return reason(why, whylen, "from and to are of two families");
	r->af = r->has_from ? r->from.af : r->has_to ? r->to.af : af;
	if (r->af != AF_INET && r->af != AF_INET6)
		return reason(why, whylen, "no from or to to tell the family");
	return 0;
}

int rule_parse(const char *s, int af, struct vipd_rule *r, char *why, size_t whylen)
{
	return rule_parse_names(s, af, NULL, r, why, whylen);
}

int rule_parse_names(const char *s, int af, const struct rttab *names, struct vipd_rule *r,
                     char *why, size_t whylen)
{
	char text[RULE_TEXT_MAX], *w[2 * K__N + 2];
	struct vipd_rule out = {0};
	bool seen[K__N] = {false};
	size_t n = 0, i = 0;

	if (strnlen(s, RULE_TEXT_MAX) >= RULE_TEXT_MAX)
		return reason(why, whylen, "longer than %d characters", RULE_TEXT_MAX - 1);
	memcpy(text, s, strlen(s) + 1);
	for (const char *p = text; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return reason(why, whylen, "contains a control character");
	for (char *p = text + strspn(text, BLANKS); *p; p += strspn(p, BLANKS)) {
		size_t len = strcspn(p, BLANKS);

		if (n == sizeof(w) / sizeof(w[0]))
			return reason(why, whylen, "too many words (" GRAMMAR ")");
		w[n++] = p;
		p += len;
		if (*p)
			*p++ = '\0';
	}
	if (n == 0)
		return reason(why, whylen, "empty (" GRAMMAR ")");
	if (strcmp(w[0], "not") == 0) {
		out.invert = true;
		i = 1;
	}
	for (; i < n; i += 2) {
		int k = keyword(w[i]);

		if (k < 0)
			return reason(
			    why, whylen,
			    "unknown word \"%.64s\" (expected from, to, iif, oif, fwmark, "
			    "table or priority)",
			    w[i]);
		if (seen[k])
			return reason(why, whylen, "%s given twice", key_names[k]);
		seen[k] = true;
		if (i + 1 == n)
			return reason(why, whylen, "%s needs a value", key_names[k]);
		if (value((enum key)k, w[i + 1], names, &out, why, whylen) < 0)
			return -1;
	}
	if (!seen[K_TABLE])
		return reason(why, whylen, "table is required");
	if (!seen[K_PRIORITY])
		return reason(why, whylen,
		              "priority is required (without one the kernel numbers the rule and a "
		              "retry would add it twice)");
	if (family(&out, af, why, whylen) < 0)
		return -1;
	*r = out;
	return 0;
}

const char *rule_format(const struct vipd_rule *r, char *buf, size_t len)
{
	char a[ADDR_STRLEN], mask[16] = "";
	int n;

	if (r->has_fwmark && r->fwmask != UINT32_MAX)
		snprintf(mask, sizeof(mask), "/0x%x", r->fwmask);
	n = snprintf(buf, len, "%s%s%s%s", r->invert ? "not " : "", r->has_from ? "from " : "",
	             r->has_from ? addr_format(&r->from, true, a, sizeof(a)) : "",
	             r->has_from ? " " : "");
	if (n < 0 || (size_t)n >= len)
		return buf;
	if (r->has_to) {
		n += snprintf(buf + n, len - (size_t)n, "to %s ",
		              addr_format(&r->to, true, a, sizeof(a)));
		if ((size_t)n >= len)
			return buf;
	}
	if (r->iif[0])
		n += snprintf(buf + n, len - (size_t)n, "iif %.15s ", r->iif);
	if ((size_t)n < len && r->oif[0])
		n += snprintf(buf + n, len - (size_t)n, "oif %.15s ", r->oif);
	if ((size_t)n < len && r->has_fwmark)
		n += snprintf(buf + n, len - (size_t)n, "fwmark 0x%x%s ", r->fwmark, mask);
	if ((size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "table %u priority %u", r->table, r->priority);
	return buf;
}

/* Same family, prefix length and network (addr_equal leaves the length out). */
static bool same_prefix(const struct vip_addr *a, const struct vip_addr *b)
{
	return a->af == b->af && a->plen == b->plen && addr_cmp_in(a->af, &a->in, &b->in) == 0;
}

bool rule_equal(const struct vipd_rule *a, const struct vipd_rule *b)
{
	return a->af == b->af && a->invert == b->invert && a->has_from == b->has_from &&
	       (!a->has_from || same_prefix(&a->from, &b->from)) && a->has_to == b->has_to &&
	       (!a->has_to || same_prefix(&a->to, &b->to)) &&
	       strncmp(a->iif, b->iif, IF_NAMESIZE) == 0 &&
	       strncmp(a->oif, b->oif, IF_NAMESIZE) == 0 && a->has_fwmark == b->has_fwmark &&
	       (!a->has_fwmark || (a->fwmark == b->fwmark && a->fwmask == b->fwmask)) &&
	       a->table == b->table && a->priority == b->priority;
}
