/* peers_anomaly: the rules that tell, from one advert and the table entry of its router, what is
 * wrong on a VRID: another master while we are master (split brain, an episode with a duration),
 * a different advert interval or address list, an unexpected address owner, a router changing
 * its checksum form; and drop counts crossing a threshold. Pure: the instance records and logs
 * what they return (instance_anomaly). */
#ifndef VIPD_PEERS_ANOMALY_H
#define VIPD_PEERS_ANOMALY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vipd/peers.h"

enum peers_anomaly_kind {
	PEERS_ANOMALY_SPLIT_BRAIN,     /* another master heard while master: an episode begins */
	PEERS_ANOMALY_SPLIT_BRAIN_END, /* the episode ended (silence or one side yielded) */
	PEERS_ANOMALY_INTERVAL,        /* a router advertises another interval than ours */
	PEERS_ANOMALY_ADDR_LIST,       /* a router lists other addresses than ours */
	PEERS_ANOMALY_OWNER,           /* a router claims priority 255 where we expect none */
	PEERS_ANOMALY_CSUM_FORM,       /* a router's v3 IPv4 checksum form changed */
	PEERS_ANOMALY_DROPS,           /* drops of one reason crossed a threshold */
	PEERS_ANOMALY__COUNT
};

/* One anomaly, with what an operator needs to act on it. */
struct peers_anomaly {
	enum peers_anomaly_kind kind;
	int af;                 /* 0 for drops */
	union vip_in src;       /* the router */
	uint8_t priority;       /* its priority */
	uint16_t interval_cs;   /* its interval */
	uint16_t ours_cs;       /* interval: ours */
	int csum_from, csum_to; /* csum_form: the forms (enum vrrp_csum_form) */
	monotime duration;      /* split_brain_end: how long the episode lasted */
	int reason;             /* drops: the enum vrrp_reason */
	uint64_t count;         /* drops: the count reached */
};

/* A split-brain episode (at most one at a time: the first other master heard) and the totals. */
struct peers_split {
	bool active;
	int af;
	union vip_in src;     /* the other master */
	uint8_t priority;     /* its priority */
	uint8_t version;      /* its version and interval: its Master_Down_Interval ends the */
	uint16_t interval_cs; /* episode once it is silent that long */
	monotime start, last; /* its first and last advert heard while we were master */
	uint64_t episodes;    /* episodes begun */
	monotime total;       /* duration of the ended episodes */
};

/* What an instance keeps of its anomalies: the episode, a count per kind, the last one, and
 * what its rate-limited log lines need. */
struct peers_watch {
	struct peers_split split;
	uint64_t count[PEERS_ANOMALY__COUNT];
	struct peers_anomaly last; /* the last anomaly, at last_at (0: none yet) */
	monotime last_at;
	monotime logged[PEERS_ANOMALY__COUNT];     /* last line written of each kind */
	uint64_t suppressed[PEERS_ANOMALY__COUNT]; /* lines held back since */
};

/* What the rules know of the instance that heard an advert. */
struct peers_self {
	bool master_before;    /* Master when the advert arrived */
	bool master_after;     /* Master after the FSM handled it (false: we yielded) */
	monotime master_since; /* when we last became Master */
	uint16_t interval_cs;  /* our advert interval */
	bool owner;            /* we are the address owner (priority 255) */
	bool src_is_vip; /* the advert's source is one of our VIPs (an owner's usual source) */
};

/* The anomalies advert a shows, heard at now from router p (before: its entry before a, zeroed
 * when is_new), given self; updates the episode sb. Fills out[] (room for PEERS_ANOMALY__COUNT),
 * returns how many. Each anomaly is reported when it appears, not for every advert that goes on
 * showing it. A Master hearing a master it did not yield to, more than one of that router's
 * intervals after becoming Master (adverts in flight when it took over), begins an episode. */
size_t peers_anomaly_advert(struct peers_split *sb, const struct peers_self *self,
                            const struct peer *p, const struct peer *before, bool is_new,
                            monotime now, struct peers_anomaly *out);

/* The episode sb at now, master telling whether we still are: it ends when we are not (we
 * yielded: it lasted until now) or when the other master has been silent for its
 * Master_Down_Interval (it lasted until its last advert). True with *out filled when it ended. */
bool peers_anomaly_tick(struct peers_split *sb, bool master, monotime now,
                        struct peers_anomaly *out);

/* How long the episodes of sb lasted: the ended ones plus the current one up to its last advert. */
monotime peers_anomaly_split_total(const struct peers_split *sb);

/* Whether a drop count that just reached count crossed a threshold: 10, 100, 1000, ... */
bool peers_anomaly_drops_crossed(uint64_t count);

/* Short stable name of a kind ("split_brain", "interval", ...). */
const char *peers_anomaly_kind_name(enum peers_anomaly_kind k);

#endif
