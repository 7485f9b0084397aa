/* config_metrics: the top-level `metrics_listen` key (see config_metrics.h). */
#include "build_config.h"

#include <arpa/inet.h>
#include <libconfig.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config_metrics.h"

/* PORT: decimal 1..65535, no sign, no leading zero. */
static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || *s == '0' || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int config_metrics_listen_parse(const char *s, struct vipd_listen *out, char *why, size_t whylen)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *h = s;
	size_t hlen;
	struct vipd_listen l = {0};

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || end[1] != ':') {
			snprintf(why, whylen, "an IPv6 address is written \"[ADDRESS]:PORT\"");
			return -1;
		}
		h = s + 1;
		hlen = (size_t)(end - h);
		colon = end + 1;
		l.af = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon) {
			snprintf(why, whylen, "expected \"ADDRESS:PORT\" or \"[IPV6]:PORT\"");
			return -1;
		}
		hlen = (size_t)(colon - s);
		l.af = AF_INET;
		if (memchr(s, ':', hlen)) {
			snprintf(why, whylen, "an IPv6 address is written \"[ADDRESS]:PORT\"");
			return -1;
		}
	}
	if (hlen >= sizeof(host)) {
		snprintf(why, whylen, "not an IP address");
		return -1;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (inet_pton(l.af, host, &l.addr) != 1) {
		snprintf(why, whylen, "\"%s\" is not an %s address", host,
		         l.af == AF_INET6 ? "IPv6" : "IPv4");
		return -1;
	}
	if (parse_port(colon + 1, &l.port) < 0) {
		snprintf(why, whylen, "the port must be 1 to 65535");
		return -1;
	}
	*out = l;
	return 0;
}

const char *config_metrics_listen_format(const struct vipd_listen *l, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!l->af) {
		snprintf(buf, len, "off");
		return buf;
	}
	inet_ntop(l->af, &l->addr, a, sizeof(a));
	snprintf(buf, len, l->af == AF_INET6 ? "[%s]:%u" : "%s:%u", a, (unsigned)l->port);
	return buf;
}

bool config_metrics_listen_equal(const struct vipd_listen *a, const struct vipd_listen *b)
{
	if (a->af != b->af)
		return false;
	return !a->af || (a->port == b->port && memcmp(&a->addr, &b->addr, addr_size(a->af)) == 0);
}

void config_metrics_load(const struct cv_scope *sc, struct vipd_config *cfg)
{
	const config_setting_t *s = config_value_member(sc, "metrics_listen");
	char why[128];
	long long port;

	memset(&cfg->metrics_listen, 0, sizeof(cfg->metrics_listen));
	if (!s)
		return;
	if (config_value_is_int(s)) {
		if (config_value_get_int(sc, "metrics_listen", 1, 65535, &port) != CV_OK)
			return;
		cfg->metrics_listen.af = AF_INET;
		cfg->metrics_listen.addr.v4.s_addr = htonl(INADDR_LOOPBACK);
		cfg->metrics_listen.port = (uint16_t)port;
		return;
	}
	if (!config_value_type_ok(sc, s, "metrics_listen",
	                          config_setting_type(s) == CONFIG_TYPE_STRING,
	                          "a string \"ADDRESS:PORT\" or a port number"))
		return;
	if (config_metrics_listen_parse(config_setting_get_string(s), &cfg->metrics_listen, why,
	                                sizeof(why)) < 0)
		config_value_key_error(sc, s, "metrics_listen", "\"%s\": %s",
		                       config_setting_get_string(s), why);
}

void config_metrics_print(const struct vipd_config *cfg, FILE *out)
{
	char buf[LISTEN_STRLEN];

	if (!cfg->metrics_listen.af)
		return;
	fprintf(out, "metrics_listen = ");
	config_value_print_string(
	    out, config_metrics_listen_format(&cfg->metrics_listen, buf, sizeof(buf)));
	fprintf(out, ";\n");
}
