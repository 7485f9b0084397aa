/* instance_stats: what an instance counts beyond its packet counters: state changes by kind
 * (from -> to) and the availability history (avail.h), fed by small hooks in instance.c, and
 * the object the ctl "stats" command shows for one instance. */
#ifndef VIPD_INSTANCE_STATS_H
#define VIPD_INSTANCE_STATS_H

#include <json-c/json.h>
#include <stdbool.h>

#include "vipd/instance.h"

/* A state change is being logged: in->last_state is the old state, in->fsm.state the new. */
void instance_stats_transition(struct instance *in, monotime now);

/* Before vrrp_fsm_expire: true when a Backup's Master_Down_Timer is due at now and not to
 * preempt a lower-priority master (the master is lost: call avail_master_lost after). */
bool instance_stats_master_due(const struct instance *in, monotime now);

/* An advert that passed the receive checks was handled by the FSM (in->fsm.state is the state
 * after it): a Backup hears priority prio from src. */
void instance_stats_heard(struct instance *in, uint8_t prio, const union vip_in *src, monotime now);

/* The "stats" entry of in: name, state, counters, availability (vipctl(8), stats); NULL when
 * out of memory. */
struct json_object *instance_stats_json(const struct instance *in, monotime now);

/* "FROM->TO" for a transition, e.g. "BACKUP->MASTER", in buf. */
const char *instance_stats_transition_name(enum vrrp_state from, enum vrrp_state to, char *buf,
                                           size_t len);

#endif
