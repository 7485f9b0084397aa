/* instance_admin: the operator's planned switchover (vipctl demote / promote). The protocol side
 * (priority-0 handover, grace, priority 1) is in the FSM; this file applies it to an instance,
 * keeps the instance's flag and logs what happens. */
#include "build_config.h"

#include "vipd/instance.h"
#include "vipd/instance_int.h"
#include "vipd/log.h"

int instance_admin_demote(struct instance *in, monotime now, const char **why)
{
	unsigned acts;

	if (in->cfg->priority == VRRP_PRIO_OWNER) {
		*why = "address owner (priority 255) cannot be demoted";
		return -1;
	}
	if (in->demoted && in->fsm.state != VRRP_STATE_MASTER) {
		instance_log(in, LOG_INFO, "already demoted");
		return 0;
	}
	in->demoted = true;
	acts = vrrp_fsm_demote(&in->fsm, now);
	if (acts & VRRP_ACT_SEND_PRIO0)
		instance_log(in, LOG_NOTICE,
		             "demoted: handing mastership over (priority 0 every %.2f s, at most "
		             "%.0f ms); the virtual addresses stay until another router advertises",
		             in->cfg->adver_int_cs / 100.0,
		             monotime_to_sec(in->fsm.handover_timer - now) * 1e3);
	else
		instance_log(in, LOG_NOTICE, "demoted: effective priority 1, no preemption");
	instance_run_actions(in, acts, now);
	return 0;
}

int instance_admin_promote(struct instance *in, monotime now, const char **why)
{
	unsigned acts;

	if (!in->demoted) {
		*why = "not demoted";
		return -1;
	}
	in->demoted = false;
	acts = vrrp_fsm_promote(&in->fsm, now);
	instance_log(in, LOG_NOTICE, "promoted: effective priority %u", in->fsm.priority);
	instance_run_actions(in, acts, now);
	return 0;
}

void instance_admin_note(struct instance *in, unsigned acts)
{
	if (acts & VRRP_ACT_HANDOVER_END)
		instance_log(
		    in, LOG_WARNING,
		    "demoted, but no router took over within Master_Down_Interval; staying "
		    "master, advertising priority 1");
	if ((acts & VRRP_ACT_DEL_VIPS) && !(acts & VRRP_ACT_STATE) &&
	    in->fsm.state == VRRP_STATE_BACKUP)
		instance_log(in, LOG_INFO, "virtual addresses released after the handover");
}

void instance_admin_start(struct instance *in, monotime now)
{
	if (!in->demoted || in->fsm.demoted)
		return;
	if (in->cfg->priority == VRRP_PRIO_OWNER) {
		instance_log(in, LOG_WARNING,
		             "address owner (priority 255) now: no longer demoted");
		in->demoted = false;
		return;
	}
	/* Not Master yet (INIT or FAULT): no action, the Backup it becomes runs at priority 1. */
	vrrp_fsm_demote(&in->fsm, now);
	instance_log(in, LOG_NOTICE, "starts demoted: effective priority 1, no preemption");
}
