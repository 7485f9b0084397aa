/* sync_group: instances that move together (sync_groups in vipd.conf(5)). When a member
 * leaves MASTER (fault or lost election) or enters FAULT, every other member in MASTER resigns
 * (priority 0, VIPs released, BACKUP); while any member is in FAULT the others are held in
 * BACKUP (their Master_Down_Timer re-arms instead of taking over). A member entering INIT
 * (shutdown, reload) moves nobody; a demoted member handing over (vrrp_fsm_demote) is left to
 * finish it. An owner (priority 255) starts as MASTER regardless.
 * Never logs: the instances log their own transitions (cause "sync-group"). */
#ifndef VIPD_SYNC_GROUP_H
#define VIPD_SYNC_GROUP_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/config.h"
#include "vipd/instance.h"
#include "vipd/vrrp_fsm.h"

struct sync_set;

/* The decision for one group of n members whose states are states[]: member changed went from
 * prev to states[changed]. Sets resign[i] for each other member that must leave MASTER, and
 * returns whether the members must be held in BACKUP (a member is in FAULT). Pure. */
bool sync_group_decide(const enum vrrp_state *states, size_t n, size_t changed,
                       enum vrrp_state prev, bool *resign);

/* How many of a group's n members are in each state. */
struct sync_counts {
	size_t n, master, backup, fault, init;
};

/* The group's own state, for its notify scripts, from its members' (c) and its last (prev):
 * FAULT while a member is in FAULT, MASTER once all are, INIT (stopped) once all are, else
 * BACKUP while one is; masters and stopped members only (a stop under way) keep prev. Pure. */
enum vrrp_state sync_group_derive(const struct sync_counts *c, enum vrrp_state prev);

/* After in's state change: its group's new state into *state and the group's config, or NULL
 * when in is in no group or its group's state did not change. A set made by sync_group_new
 * starts from the members' states as they are (a reload notifies nothing). */
const struct vipd_sync_group *sync_group_moved(struct sync_set *s, const struct instance *in,
                                               enum vrrp_state *state);

/* The sync groups of cfg bound to the running instances list[0..n) (found by name; a member
 * without a running instance is left out). NULL on out of memory. */
struct sync_set *sync_group_new(const struct vipd_config *cfg, struct instance *const *list,
                                size_t n);

/* Free a set (NULL is fine); the holds stay as they are. */
void sync_group_free(struct sync_set *s);

/* The name of in's group, or NULL. */
const char *sync_group_of(const struct sync_set *s, const struct instance *in);

/* in just changed state (in->fsm.prev_state -> in->fsm.state): resign the members the rule
 * names and set every member's hold. No-op for an instance in no group. 0, or -1 (ENOMEM)
 * with nothing done. */
int sync_group_state_changed(struct sync_set *s, struct instance *in, monotime now);

/* Set every member's hold from the current states (after sync_group_new), and resign the
 * masters of a group with a member in FAULT (a group formed by a reload). */
void sync_group_refresh(struct sync_set *s, monotime now);

#endif
