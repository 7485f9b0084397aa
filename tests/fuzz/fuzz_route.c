/* libFuzzer harness for route.c. The first byte picks the family hint for "default" (0, IPv4 or
 * IPv6) and a buffer size for a cut format; the rest is the entry text. Whatever route_parse
 * accepts must satisfy the rules of route.h, print within ROUTE_STRLEN, and read back from its
 * printed form to an equal route that prints the same again. */
#include "build_config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "vipd/route.h"

static const int hints[] = {0, AF_INET, AF_INET6};

/* The rules route.h promises for a parsed route. */
static void check_rules(const struct vipd_route *r)
{
	size_t alen = addr_size(r->dst.af);
	size_t devlen = strnlen(r->dev, sizeof(r->dev));

	CHECK(r->dst.af == AF_INET || r->dst.af == AF_INET6);
	CHECK(r->dst.plen <= alen * 8);
	for (size_t bit = r->dst.plen; bit < alen * 8; bit++)
		CHECK(!(r->dst.in.bytes[bit / 8] & (0x80 >> (bit % 8))));
	CHECK(r->table != 0 && r->table != 253 && r->table != 255);
	CHECK(devlen < sizeof(r->dev));
	CHECK(!strpbrk(r->dev, "/: \t") && strcmp(r->dev, ".") != 0 && strcmp(r->dev, "..") != 0);
	CHECK(r->type <= ROUTE_PROHIBIT);
	/* No next hop for the other types; onlink only with a gateway. */
	CHECK(r->type == ROUTE_UNICAST || (!r->has_gw && !r->dev[0] && !r->has_src && !r->onlink));
	CHECK(!r->onlink || r->has_gw);
	/* Nexthops: only on a unicast route without a gateway, dev or onlink of its own. */
	CHECK(r->nnh <= ROUTE_NEXTHOPS_MAX);
	CHECK(!r->nnh || (r->type == ROUTE_UNICAST && !r->has_gw && !r->dev[0] && !r->onlink));
	for (size_t i = 0; i < r->nnh; i++)
		CHECK(r->nh[i].weight >= 1 && r->nh[i].weight <= 256 &&
		      strnlen(r->nh[i].dev, sizeof(r->nh[i].dev)) < sizeof(r->nh[i].dev));
	CHECK(r->proto != 112 && (r->has_scope || r->scope == 0));
	CHECK(route_equal(r, r) && route_same_key(r, r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vipd_route r, back;
	char why[128], text[ROUTE_STRLEN], again[ROUTE_STRLEN];
	char *s, *cut;
	size_t cutlen;

	if (size < 1 || size > 2 * ROUTE_TEXT_MAX)
		return 0;
	/* An exact-size copy so that ASan sees any read past the end. */
	s = malloc(size);
	CHECK(s);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';

	memset(why, 0x55, sizeof(why));
	if (route_parse(s, hints[data[0] % 3], &r, why, sizeof(why)) < 0) {
		CHECK(memchr(why, '\0', sizeof(why)) && why[0]);
		free(s);
		return 0;
	}
	/* What parses once parses the same with a too short reason buffer or none. */
	CHECK(route_parse(s, hints[data[0] % 3], &back, why, 1) == 0 && route_equal(&r, &back));
	CHECK(route_parse(s, hints[data[0] % 3], &back, NULL, 0) == 0 && route_equal(&r, &back));
	check_rules(&r);

	route_format(&r, text, sizeof(text));
	CHECK(strlen(text) < sizeof(text) - 1);
	CHECK(route_parse(text, 0, &back, why, sizeof(why)) == 0);
	CHECK(route_equal(&r, &back));
	route_format(&back, again, sizeof(again));
	CHECK(strcmp(text, again) == 0);

	/* A cut format stays in its buffer and is a prefix of the full one. */
	cutlen = 1 + (size_t)(data[0] / 3) % sizeof(text);
	cut = malloc(cutlen);
	CHECK(cut);
	route_format(&r, cut, cutlen);
	CHECK(strlen(cut) < cutlen && strncmp(cut, text, strlen(cut)) == 0);
	free(cut);
	free(s);
	return 0;
}
