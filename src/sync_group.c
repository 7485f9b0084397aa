/* sync_group: the sync group rule (see sync_group.h), a pure decision plus the set of groups
 * bound to the running instances. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>

#include "vipd/sync_group.h"

struct sync_bound {
	const char *name; /* points into the config */
	const struct vipd_sync_group *cfg;
	struct instance **members;
	size_t n;
	enum vrrp_state state; /* the group's, for its notify scripts (sync_group_derive) */
};

struct sync_set {
	struct sync_bound *groups;
	size_t n;
};

bool sync_group_decide(const enum vrrp_state *states, size_t n, size_t changed,
                       enum vrrp_state prev, bool *resign)
{
	enum vrrp_state now = states[changed];
	bool left = prev == VRRP_STATE_MASTER && now != VRRP_STATE_MASTER && now != VRRP_STATE_INIT;
	bool hold = false;

	for (size_t i = 0; i < n; i++) {
		resign[i] = (left || now == VRRP_STATE_FAULT) && i != changed &&
		            states[i] == VRRP_STATE_MASTER;
		hold |= states[i] == VRRP_STATE_FAULT;
	}
	return hold;
}

enum vrrp_state sync_group_derive(const struct sync_counts *c, enum vrrp_state prev)
{
	if (c->fault)
		return VRRP_STATE_FAULT;
	if (c->master == c->n)
		return VRRP_STATE_MASTER;
	if (c->init == c->n)
		return VRRP_STATE_INIT;
	if (c->backup)
		return VRRP_STATE_BACKUP;
	return prev; /* masters and stopped members: a stop under way */
}

/* The state b's members make now, from prev. */
static enum vrrp_state bound_state(const struct sync_bound *b, enum vrrp_state prev)
{
	struct sync_counts c = {.n = b->n};

	for (size_t k = 0; k < b->n; k++) {
		enum vrrp_state st = b->members[k]->fsm.state;

		c.master += st == VRRP_STATE_MASTER;
		c.backup += st == VRRP_STATE_BACKUP;
		c.fault += st == VRRP_STATE_FAULT;
		c.init += st == VRRP_STATE_INIT;
	}
	return sync_group_derive(&c, prev);
}

struct sync_set *sync_group_new(const struct vipd_config *cfg, struct instance *const *list,
                                size_t n)
{
	struct sync_set *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if (!cfg->nsync_groups)
		return s;
	s->groups = calloc(cfg->nsync_groups, sizeof(*s->groups));
	if (!s->groups) {
		free(s);
		return NULL;
	}
	s->n = cfg->nsync_groups;
	for (size_t g = 0; g < cfg->nsync_groups; g++) {
		const struct vipd_sync_group *cg = &cfg->sync_groups[g];
		struct sync_bound *b = &s->groups[g];

		b->name = cg->name;
		b->cfg = cg;
		b->members = calloc(cg->nmembers ? cg->nmembers : 1, sizeof(*b->members));
		if (!b->members) {
			sync_group_free(s);
			return NULL;
		}
		for (size_t k = 0; k < cg->nmembers; k++) {
			const char *name = cfg->instances[cg->members[k]].name;

			for (size_t i = 0; i < n; i++)
				if (strcmp(list[i]->cfg->name, name) == 0)
					b->members[b->n++] = list[i];
		}
		/* A reload rebuilding the set notifies nothing: the group is where it was. */
		b->state = bound_state(b, VRRP_STATE_INIT);
	}
	return s;
}

void sync_group_free(struct sync_set *s)
{
	if (!s)
		return;
	for (size_t g = 0; g < s->n; g++)
		free(s->groups[g].members);
	free(s->groups);
	free(s);
}

static struct sync_bound *group_of(const struct sync_set *s, const struct instance *in, size_t *idx)
{
	for (size_t g = 0; s && g < s->n; g++)
		for (size_t k = 0; k < s->groups[g].n; k++)
			if (s->groups[g].members[k] == in) {
				if (idx)
					*idx = k;
				return &s->groups[g];
			}
	return NULL;
}

const char *sync_group_of(const struct sync_set *s, const struct instance *in)
{
	const struct sync_bound *b = group_of(s, in, NULL);

	return b ? b->name : NULL;
}

static bool any_fault(const struct sync_bound *b)
{
	for (size_t k = 0; k < b->n; k++)
		if (b->members[k]->fsm.state == VRRP_STATE_FAULT)
			return true;
	return false;
}

static void set_hold(struct sync_bound *b, bool hold)
{
	for (size_t k = 0; k < b->n; k++)
		instance_hold_backup(b->members[k], hold);
}

int sync_group_state_changed(struct sync_set *s, struct instance *in, monotime now)
{
	size_t idx, n;
	struct sync_bound *b = group_of(s, in, &idx);
	enum vrrp_state *states;
	bool *resign, hold;

	if (!b)
		return 0;
	n = b->n;
	/* Per call, not kept in the set: instance_resign below comes back here for the member. */
	states = calloc(n, sizeof(*states));
	resign = calloc(n, sizeof(*resign));
	if (!states || !resign) {
		free(states);
		free(resign);
		return -1;
	}
	for (size_t k = 0; k < n; k++)
		states[k] = b->members[k]->fsm.state;
	hold = sync_group_decide(states, n, idx, in->fsm.prev_state, resign);
	/* Hold first: a resigned member must not take over again while a member is in FAULT. */
	set_hold(b, hold);
	for (size_t k = 0; k < n; k++)
		/* A demoted member handing over leaves by itself, make before break. */
		if (resign[k] && !b->members[k]->fsm.handover_timer)
			instance_resign(b->members[k], now); /* no-op if it already left */
	set_hold(b, any_fault(b));
	free(states);
	free(resign);
	return 0;
}

const struct vipd_sync_group *sync_group_moved(struct sync_set *s, const struct instance *in,
                                               enum vrrp_state *state)
{
	struct sync_bound *b = group_of(s, in, NULL);
	enum vrrp_state st;

	if (!b)
		return NULL;
	st = bound_state(b, b->state);
	if (st == b->state)
		return NULL;
	b->state = *state = st;
	return b->cfg;
}

void sync_group_refresh(struct sync_set *s, monotime now)
{
	for (size_t g = 0; s && g < s->n; g++) {
		struct sync_bound *b = &s->groups[g];
		bool hold = any_fault(b);

		set_hold(b, hold);
		for (size_t k = 0; hold && k < b->n; k++)
			instance_resign(b->members[k], now);
	}
}
