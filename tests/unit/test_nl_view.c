/* Unit tests for nl_view_addrs (src/nl_view.c), which finds addresses through a sorted index of
 * the view: random views and address lists (duplicates, IPv4 and IPv6 sharing bytes, other
 * interfaces, links, IPv6 under DAD, prefix lengths that differ) give exactly what the direct
 * search over the view gave (the model below: the code before the index). */
#include "build_config.h"

#include <linux/if_addr.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "vipd/nl_view.h"

static bool model_usable(const struct nl_event *e, unsigned ifindex)
{
	return e->type == NL_EV_ADDR_NEW && e->ifindex == ifindex &&
	       !(e->addr.af == AF_INET6 && (e->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)));
}

static const struct nl_event *model_find(const struct nl_view *v, unsigned ifindex,
                                         const struct vip_addr *a)
{
	for (size_t i = 0; i < v->n; i++)
		if (model_usable(&v->ev[i], ifindex) && addr_equal(&v->ev[i].addr, a))
			return &v->ev[i];
	return NULL;
}

/* The result by direct search: kept ones in place, then the view's others once each. */
static size_t model(const struct nl_view *v, unsigned ifindex, const struct vip_addr *in, size_t n,
                    struct vip_addr *out, struct nl_addr_meta *meta)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (model_find(v, ifindex, &in[i]))
			out[k++] = in[i];
	for (size_t i = 0; i < v->n; i++) {
		bool have = false;

		if (!model_usable(&v->ev[i], ifindex))
			continue;
		for (size_t j = 0; j < k && !have; j++)
			have = addr_equal(&out[j], &v->ev[i].addr);
		if (!have)
			out[k++] = v->ev[i].addr;
	}
	for (size_t i = 0; i < k; i++) {
		const struct nl_event *e = model_find(v, ifindex, &out[i]);

		meta[i] = (struct nl_addr_meta){.flags = e->ifa_flags, .proto = e->ifa_proto};
	}
	return k;
}

static uint32_t x = 2463534242u;

static uint32_t rnd(uint32_t n)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x % n;
}

/* A small random address: few distinct values, so that duplicates are common. */
static struct vip_addr some_addr(void)
{
	struct vip_addr a = {.af = rnd(3) ? AF_INET : AF_INET6, .plen = (uint8_t)(rnd(3) + 23)};

	a.in.bytes[0] = 198;
	a.in.bytes[3] = (uint8_t)rnd(12);
	return a;
}

static void same_as_direct_search(void **state)
{
	(void)state;
	for (int round = 0; round < 3000; round++) {
		struct nl_view v = {0};
		size_t nev = rnd(40), n = rnd(12), cap = n, want_n;
		struct vip_addr *addrs = malloc((n ? n : 1) * sizeof(*addrs));
		struct nl_addr_meta *meta = malloc((n ? n : 1) * sizeof(*meta));
		struct vip_addr want[64];
		struct nl_addr_meta want_meta[64];

		assert_non_null(addrs);
		assert_non_null(meta);
		for (size_t i = 0; i < nev; i++) {
			struct nl_event e = {.type = rnd(6) ? NL_EV_ADDR_NEW : NL_EV_LINK,
			                     .ifindex = 2 + rnd(2),
			                     .addr = some_addr(),
			                     .ifa_flags = rnd(4) ? 0 : IFA_F_TENTATIVE,
			                     .ifa_proto = (uint8_t)rnd(200)};

			nl_view_collect(&v, &e);
		}
		for (size_t i = 0; i < n; i++)
			addrs[i] = some_addr();
		want_n = model(&v, 2, addrs, n, want, want_meta);
		assert_int_equal(nl_view_addrs(&v, 2, &addrs, &meta, &n, &cap), 0);
		assert_int_equal(n, want_n);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(addrs[i].af, want[i].af);
			assert_int_equal(addrs[i].plen, want[i].plen);
			assert_memory_equal(&addrs[i].in, &want[i].in, sizeof(want[i].in));
			assert_int_equal(meta[i].flags, want_meta[i].flags);
			assert_int_equal(meta[i].proto, want_meta[i].proto);
		}
		free(addrs);
		free(meta);
		nl_view_free(&v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(same_as_direct_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
