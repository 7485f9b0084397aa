/* instance_batch: VIP changes of a state change queued for one netlink batch per loop iteration
 * (see instance_batch.h), with each instance's results, retry and Accept_Mode drop handled as
 * apply_vips (instance.c) does them when it applies at once. */
#include "build_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/instance_batch.h"
#include "vipd/instance_int.h"
#include "vipd/log.h"
#include "vipd/loop.h"
#include "vipd/nl_msg.h"

struct instance_batch_entry {
	struct instance *in;
	struct nl_change *ch;
	size_t n, max;
	int failed; /* left out at build time */
	bool add;
};

int instance_batch_changes_done(struct instance *in, bool add, const struct nl_change *ch, size_t n,
                                int failed)
{
	char buf[NL_MSG_STRLEN];
	const struct iface *vif = instance_vip_iface(in);

	for (size_t i = 0; i < n; i++) {
		const struct nl_change *c = &ch[i];
		bool route = nl_msg_is_route(c);

		if (!route)
			instance_vip_note_result(in, c);
		if (instance_change_done(c))
			continue;
		failed++;
		in->stats.nl_errors++;
		if (in->io->nl_failed) {
			char what[NL_MSG_STRLEN + 16];

			snprintf(what, sizeof(what), "%s %s", add ? "add" : "delete",
			         nl_msg_format(c, true, buf, sizeof(buf)));
			in->io->nl_failed(in->io->ctx, in, c, what);
		}
		instance_log(in, LOG_WARNING, "%s %s%s%s: %s%s%s", add ? "add" : "delete",
		             nl_msg_format(c, true, buf, sizeof(buf)),
		             c->op == NL_RULE_ADD || c->op == NL_RULE_DEL ? "" : " on ",
		             c->op == NL_RULE_ADD || c->op == NL_RULE_DEL ? ""
		             : route && c->route.dev[0]                   ? c->route.dev
		                                                          : vif->name,
		             strerror(-c->error), c->msg[0] ? ": " : "", c->msg);
	}
	return failed;
}

/* What follows the kernel's answer (rc: the apply call's, -1 nothing sent): as apply_vips. */
static void done(struct instance_batch_entry *e, int rc, int err)
{
	struct instance *in = e->in;
	int failed;

	if (rc < 0) {
		errno = err;
		instance_log_errno(in, LOG_WARNING, "netlink batch");
		in->stats.nl_errors++;
		failed = (int)e->max;
	} else {
		failed = instance_batch_changes_done(in, e->add, e->ch, e->n, e->failed);
	}
	if (!e->add && !failed && instance_accept_set(in, NULL, 0) < 0)
		failed++;
	if (failed > 0)
		loop_timer_set(in->loop, &in->retry_timer, monotime_now() + NL_RETRY);
}

int instance_batch_vips(struct instance *in, bool add)
{
	struct instance_batch *b = in->io->batch;
	struct instance_batch_entry *e;
	size_t n, max;
	int failed;
	struct nl_change *ch;

	if (!b)
		return -1;
	if (add && instance_accept_set(in, in->cfg->vips,
	                               instance_accept_filters(in->cfg) ? in->cfg->nvips : 0) < 0)
		return (int)(in->cfg->nvips + in->cfg->nroutes);
	ch = instance_changes_build(in, add, &n, &max, &failed);
	if (!ch)
		return failed;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 64;
		void *p = realloc(b->e, cap * sizeof(*b->e));

		if (!p) {
			/* No room to queue: the caller applies at once. */
			free(ch);
			return -1;
		}
		b->e = p;
		b->cap = cap;
	}
	e = &b->e[b->n++];
	*e = (struct instance_batch_entry){
	    .in = in, .ch = ch, .n = n, .max = max, .failed = failed, .add = add};
	return 0;
}

void instance_batch_flush(struct instance_batch *b, instance_batch_apply_fn apply, void *ctx)
{
	struct instance_batch_entry *e = b->e;
	size_t ne = b->n, total = 0, off = 0;
	struct nl_change *all;
	int rc = 0, err = 0;

	if (ne == 0)
		return;
	/* Taken out first: a synchronous apply told of results may queue again. */
	b->e = NULL;
	b->n = b->cap = 0;
	for (size_t i = 0; i < ne; i++)
		total += e[i].n;
	all = total ? calloc(total, sizeof(*all)) : NULL;
	if (total && !all) {
		/* No room for the merged batch: each instance's own, as before batching. */
		for (size_t i = 0; i < ne; i++) {
			rc = e[i].n ? apply(ctx, e[i].ch, e[i].n) : 0;
			b->flushes += e[i].n > 0;
			done(&e[i], rc, errno);
			free(e[i].ch);
		}
		free(e);
		return;
	}
	for (size_t i = 0; i < ne; i++) {
		if (e[i].n == 0)
			continue; /* nothing to add (an owner's FAULT): e[i].ch and all may be NULL */
		memcpy(all + off, e[i].ch, e[i].n * sizeof(*all));
		off += e[i].n;
	}
	if (total) {
		rc = apply(ctx, all, total);
		err = errno;
		b->flushes++;
	}
	b->last = total;
	off = 0;
	for (size_t i = 0; i < ne; i++) {
		if (e[i].n)
			memcpy(e[i].ch, all + off, e[i].n * sizeof(*all));
		off += e[i].n;
		done(&e[i], e[i].n ? rc : 0, err);
		free(e[i].ch);
	}
	free(all);
	free(e);
}

size_t instance_batch_pending(const struct instance_batch *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n; i++)
		n += b->e[i].n;
	return n;
}

void instance_batch_free(struct instance_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		free(b->e[i].ch);
	free(b->e);
	b->e = NULL;
	b->n = b->cap = 0;
}
