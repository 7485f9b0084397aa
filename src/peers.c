/* peers: the table of routers an instance hears on its VRID, bounded (PEERS_MAX, least recently
 * heard evicted) and aged (PEERS_AGE_MIN), so a foreign flood of sources costs a fixed amount of
 * memory and an old router does not stay listed forever. */
#include "build_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "vipd/peers.h"

static ssize_t find(const struct peers *t, int af, const union vip_in *src)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->e[i].adv.af == af && addr_cmp_in(af, &t->e[i].adv.src, src) == 0)
			return (ssize_t)i;
	return -1;
}

static size_t least_recent(const struct peers *t)
{
	size_t old = 0;

	for (size_t i = 1; i < t->n; i++)
		if (t->e[i].last < t->e[old].last)
			old = i;
	return old;
}

/* Room for one more router: twice the entries, at most PEERS_MAX. 0, or -1 (unchanged). */
static int grow(struct peers *t)
{
	size_t cap = t->cap ? 2 * t->cap : 1;
	struct peer *e;

	if (cap > PEERS_MAX)
		cap = PEERS_MAX;
	e = realloc(t->e, cap * sizeof(*e));
	if (!e)
		return -1;
	t->e = e;
	t->cap = cap;
	return 0;
}

struct peer *peers_heard(struct peers *t, const struct peers_advert *a, monotime now,
                         struct peer *before, bool *is_new)
{
	ssize_t i = find(t, a->af, &a->src);
	struct peer *p;

	memset(before, 0, sizeof(*before));
	*is_new = i < 0;
	if (i >= 0) {
		p = &t->e[i];
		*before = *p;
	} else {
		if (t->n < PEERS_MAX && t->n == t->cap && grow(t) < 0 && t->n == 0) {
			errno = ENOMEM;
			return NULL;
		}
		if (t->n == t->cap) {
			t->evicted++;
			p = &t->e[least_recent(t)];
		} else {
			p = &t->e[t->n++];
		}
		memset(p, 0, sizeof(*p));
		p->first = now;
	}
	if (!*is_new && before->adv.csum_form >= 0 && a->csum_form >= 0 &&
	    before->adv.csum_form != a->csum_form)
		p->csum_changes++;
	p->adv = *a;
	p->adverts++;
	p->last = now;
	return p;
}

void peers_free(struct peers *t)
{
	free(t->e);
	t->e = NULL;
	t->n = t->cap = 0;
}

bool peers_stale(const struct peer *p, monotime now)
{
	monotime age = (monotime)p->adv.interval_cs * PEERS_AGE_INTERVALS * MT_CSEC;

	if (age < PEERS_AGE_MIN)
		age = PEERS_AGE_MIN;
	return now > p->last && now - p->last >= age;
}

size_t peers_age(struct peers *t, monotime now)
{
	size_t kept = 0, gone;

	for (size_t i = 0; i < t->n; i++)
		if (!peers_stale(&t->e[i], now))
			t->e[kept++] = t->e[i];
	gone = t->n - kept;
	t->n = kept;
	t->aged += gone;
	return gone;
}

const struct peer *peers_find(const struct peers *t, int af, const union vip_in *src)
{
	ssize_t i = find(t, af, src);

	return i < 0 ? NULL : &t->e[i];
}

size_t peers_count(const struct peers *t, monotime now)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += !peers_stale(&t->e[i], now);
	return n;
}

const char *peers_csum_name(int form)
{
	return form == 0 ? "rfc5798" : form == 1 ? "rfc9568" : NULL;
}
