/* libFuzzer harness for rule.c. The first byte picks the family hint for a rule without from
 * or to (0, IPv4 or IPv6) and a buffer size for a cut format; the rest is the entry text.
 * Whatever rule_parse accepts must satisfy the rules of rule.h, print within RULE_STRLEN, and
 * read back from its printed form (with the same hint) to an equal rule that prints the same. */
#include "build_config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "vipd/rule.h"

static const int hints[] = {0, AF_INET, AF_INET6};

/* A prefix of rule r: its family, host bits zero. */
static void check_prefix(const struct vipd_rule *r, const struct vip_addr *p)
{
	size_t alen = addr_size(p->af);

	CHECK(p->af == r->af && p->plen <= alen * 8);
	for (size_t bit = p->plen; bit < alen * 8; bit++)
		CHECK(!(p->in.bytes[bit / 8] & (0x80 >> (bit % 8))));
}

static void check_rules(const struct vipd_rule *r)
{
	CHECK(r->af == AF_INET || r->af == AF_INET6);
	if (r->has_from)
		check_prefix(r, &r->from);
	if (r->has_to)
		check_prefix(r, &r->to);
	CHECK(strnlen(r->iif, sizeof(r->iif)) < sizeof(r->iif));
	CHECK(strnlen(r->oif, sizeof(r->oif)) < sizeof(r->oif));
	CHECK(!strpbrk(r->iif, "/: \t") && !strpbrk(r->oif, "/: \t"));
	CHECK(r->has_fwmark || (r->fwmark == 0 && r->fwmask == 0));
	CHECK(r->table != 0 && r->table != 253 && r->table != 255);
	CHECK(r->priority != 0);
	CHECK(rule_equal(r, r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vipd_rule r, back;
	char why[128], text[RULE_STRLEN], again[RULE_STRLEN];
	char *s, *cut;
	size_t cutlen;
	int hint;

	if (size < 1 || size > 2 * RULE_TEXT_MAX)
		return 0;
	hint = hints[data[0] % 3];
	/* An exact-size copy so that ASan sees any read past the end. */
	s = malloc(size);
	CHECK(s);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	memset(why, 0x55, sizeof(why));
	if (rule_parse(s, hint, &r, why, sizeof(why)) < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0]);
		free(s);
		return 0;
	}
	CHECK(rule_parse(s, hint, &back, why, 1) == 0 && rule_equal(&r, &back));
	CHECK(rule_parse(s, hint, &back, NULL, 0) == 0 && rule_equal(&r, &back));
	check_rules(&r);

	rule_format(&r, text, sizeof(text));
	CHECK(strlen(text) < sizeof(text) - 1);
	CHECK(rule_parse(text, r.af, &back, why, sizeof(why)) == 0);
	CHECK(rule_equal(&r, &back));
	rule_format(&back, again, sizeof(again));
	CHECK(strcmp(text, again) == 0);

	cutlen = 1 + (size_t)(data[0] / 3) % sizeof(text);
	cut = malloc(cutlen);
	CHECK(cut);
	rule_format(&r, cut, cutlen);
	CHECK(strlen(cut) < cutlen && strncmp(cut, text, strlen(cut)) == 0);
	free(cut);
	free(s);
	return 0;
}
