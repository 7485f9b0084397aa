/* peers: the routers an instance hears on its VRID (vipctl peers), a small table fed with every
 * advert that passed the receive checks. Pure: no system call, no logging; time comes in. */
#ifndef VIPD_PEERS_H
#define VIPD_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/addr.h"
#include "vipd/monotime.h"

/* Routers kept per instance: a VRID is shared by a handful of routers; more means a
 * misconfiguration, which the first 16 already show. The least recently heard one makes room. */
#define PEERS_MAX 16
/* A router silent for PEERS_AGE_INTERVALS of its advert intervals, and at least PEERS_AGE_MIN,
 * leaves the table: long past any Master_Down_Interval of it, long enough to be read after an
 * incident. */
#define PEERS_AGE_MIN (60 * MT_SEC)
#define PEERS_AGE_INTERVALS 10

/* What the table records of one advert. */
struct peers_advert {
	int af;
	union vip_in src;
	uint8_t priority;
	uint8_t version;
	uint16_t interval_cs; /* advert interval in centiseconds (v2: seconds x 100) */
	int8_t csum_form;     /* enum vrrp_csum_form of a v3 IPv4 advert; -1 for v2 and IPv6 */
	bool addrs_differ;    /* it lists other addresses than ours */
};

/* One router heard: its last advert's fields and when it was heard. */
struct peer {
	struct peers_advert adv; /* the last advert */
	uint64_t adverts;        /* adverts heard from it */
	uint64_t csum_changes;   /* times its checksum form changed */
	monotime first, last;    /* first and last heard */
};

/* The entries live on the heap, grown as routers appear up to PEERS_MAX: a VRID has one or two
 * routers, and a fixed array of PEERS_MAX would be 1 kB of every instance (issue 13). */
struct peers {
	struct peer *e; /* cap entries, n of them used */
	size_t n, cap;
	uint64_t evicted; /* routers dropped to make room for another */
	uint64_t aged;    /* routers removed after their silence (peers_age) */
};

/* Record advert a heard at now: update its router's entry or add one (evicting the least
 * recently heard when full, or when the table cannot grow). *before gets the entry as it was
 * (zeroed for a new router, *is_new set). Returns the entry (valid until the next change of t),
 * or NULL (ENOMEM) for a new router when the table is empty and cannot grow. */
struct peer *peers_heard(struct peers *t, const struct peers_advert *a, monotime now,
                         struct peer *before, bool *is_new);

/* Free the entries (t is empty afterwards; the counters stay). */
void peers_free(struct peers *t);

/* Whether router p, last heard at p->last, is past its age at now (see PEERS_AGE_MIN). */
bool peers_stale(const struct peer *p, monotime now);

/* Remove the routers past their age at now, keeping the order of the others; how many went. */
size_t peers_age(struct peers *t, monotime now);

/* The entry of src (family af), or NULL. */
const struct peer *peers_find(const struct peers *t, int af, const union vip_in *src);

/* Routers in t not past their age at now. */
size_t peers_count(const struct peers *t, monotime now);

/* "rfc5798", "rfc9568" or NULL (-1: no such form, v2 or IPv6) for a checksum form. */
const char *peers_csum_name(int form);

#endif
