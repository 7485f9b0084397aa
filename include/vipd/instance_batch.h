/* instance_batch: the VIP changes of the instances that change state in one loop iteration
 * (a mass takeover: 1000 masters at a cable pull), applied to the kernel as one netlink batch
 * at the end of the iteration instead of one round trip per instance, each instance then told
 * its own results (failures counted, logged and retried as when it applies them alone). */
#ifndef VIPD_INSTANCE_BATCH_H
#define VIPD_INSTANCE_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "vipd/instance.h"

struct instance_batch_entry;

/* Embed in the owner, zeroed; give its address as instance_io.batch. */
struct instance_batch {
	struct instance_batch_entry *e;
	size_t n, cap;
	unsigned long flushes; /* apply calls made by instance_batch_flush, for tests */
	size_t last;           /* changes in the last flush */
};

/* Apply changes ch[0..n) in one go, filling each one's error: failures, or -1 (errno) when
 * nothing was sent (instance_io.apply's contract). */
typedef int (*instance_batch_apply_fn)(void *ctx, struct nl_change *ch, size_t n);

/* Apply everything queued with one call of apply, then tell each instance its results in the
 * order they were queued. Nothing queued: no call. */
void instance_batch_flush(struct instance_batch *b, instance_batch_apply_fn apply, void *ctx);

/* Changes queued, not yet flushed. */
size_t instance_batch_pending(const struct instance_batch *b);

/* Free what b holds (flush first: the queued changes are dropped untold). */
void instance_batch_free(struct instance_batch *b);

#endif
