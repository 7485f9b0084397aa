/* instance_log: every log line about one instance starts with its name, from here, so operators
 * and the netns tests can grep "NAME: " and no call site spells the prefix by hand. */
#include "build_config.h"

#include "vipd/instance.h"
#include "vipd/log.h"

void instance_log(const struct instance *in, int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprefixed(pri, false, in->cfg->name, fmt, ap);
	va_end(ap);
}

void instance_log_errno(const struct instance *in, int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprefixed(pri, true, in->cfg->name, fmt, ap);
	va_end(ap);
}
