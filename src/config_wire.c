/* config_wire: auth_pass and auth_type, the unicast keys and the multicast keys of an instance (see
 * config_wire.h). An empty peer list is an error, never a quiet fall back to multicast; the
 * unicast keys without unicast_peers are errors too, so that commenting out the peers cannot
 * go unnoticed, and so are the multicast keys with them. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "vipd/config_wire.h"

#define MAX_PEERS VRRP_MAX_ADDRS

static const char *af_label(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* auth_pass: 1..8 characters, VRRPv2 only. The value is never echoed: it is a secret. */
static void load_auth(const struct cv_scope *sc, bool version_ok, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "auth_pass");
	const char *v;

	if (config_value_get_string(sc, "auth_pass", &v) != CV_OK)
		return;
	if (!v[0]) {
		config_value_key_error(sc, s, "auth_pass",
		                       "must not be empty (leave the key out for none)");
		return;
	}
	if (strlen(v) > VRRP_AUTH_LEN) {
		config_value_key_error(sc, s, "auth_pass", "is longer than %d characters",
		                       VRRP_AUTH_LEN);
		return;
	}
	for (const char *p = v; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			config_value_key_error(sc, s, "auth_pass", "contains a control character");
			return;
		}
	}
	if (!version_ok)
		return;
	if (in->version == VIPD_V3) {
		config_value_key_error(
		    sc, s, "auth_pass",
		    "applies to VRRP version 2 only (set version = 2 or \"2+3\")");
		return;
	}
	memcpy(in->auth_pass, v, strlen(v) + 1);
}

/* auth_type: "pass" (the default: Auth Type 1) or "ah" (keepalived's IPsec AH, keyed with
 * auth_pass). keepalived authenticates VRRPv2 alone, and VRRPv2 is IPv4 alone. */
static void load_auth_type(const struct cv_scope *sc, bool version_ok,
                           struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "auth_type");
	const char *v;

	if (config_value_get_string(sc, "auth_type", &v) != CV_OK)
		return;
	if (strcmp(v, "pass") != 0 && strcmp(v, "ah") != 0) {
		config_value_key_error(sc, s, "auth_type", "\"%s\" is not \"pass\" or \"ah\"", v);
		return;
	}
	if (!config_value_member(sc, "auth_pass")) {
		config_value_key_error(sc, s, "auth_type", "needs auth_pass (the password or key)");
		return;
	}
	if (strcmp(v, "ah") != 0 || !version_ok || !in->auth_pass[0])
		return; /* a wrong version or auth_pass has its own error */
	if (in->version != VIPD_V2)
		config_value_key_error(
		    sc, s, "auth_type",
		    "\"ah\" applies to version = 2 only (keepalived's AH is VRRPv2)");
	else if (in->af != AF_INET)
		config_value_key_error(sc, s, "auth_type", "\"ah\" is IPv4 only");
	else
		in->auth_ah = true;
}

/* Element e of key (text like "unicast_peers[2]") as a host address of the instance's family
 * that is not one of its virtual addresses. With host_prefix, a "/32" or "/128" is taken (the
 * host's own length: keepalived configs write peers so); any other length is an error, since
 * a peer is one node, never a subnet. */
static bool parse_host(const struct cv_scope *sc, const config_setting_t *e, const char *key,
                       bool host_prefix, const struct vipd_instance_config *in, union vip_in *out)
{
	struct vip_addr a;
	const char *txt;

	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		config_value_key_error(sc, e, key, "expected a string, got %s",
		                       config_value_type_name(e));
		return false;
	}
	txt = config_setting_get_string(e);
	if (addr_parse(txt, host_prefix, &a) < 0) {
		config_value_key_error(sc, e, key, "\"%s\" is not an address", txt);
		return false;
	}
	if (a.plen != (a.af == AF_INET ? 32 : 128)) {
		config_value_key_error(sc, e, key,
		                       "\"%s\": a peer is one host, its prefix length can only be "
		                       "/%d",
		                       txt, a.af == AF_INET ? 32 : 128);
		return false;
	}
	if (!config_value_unicast_host(&a)) {
		config_value_key_error(sc, e, key, "\"%s\" is not a unicast host address", txt);
		return false;
	}
	if (in->af && a.af != in->af) {
		config_value_key_error(sc, e, key, "\"%s\" is %s but the instance is %s", txt,
		                       af_label(a.af), af_label(in->af));
		return false;
	}
	for (size_t i = 0; i < in->nvips; i++) {
		if (addr_equal(&in->vips[i], &a)) {
			config_value_key_error(sc, e, key,
			                       "\"%s\" is a virtual address of this instance", txt);
			return false;
		}
	}
	*out = a.in;
	return true;
}

static bool same_in(const struct vipd_instance_config *in, const union vip_in *a,
                    const union vip_in *b)
{
	return memcmp(a->bytes, b->bytes, in->af == AF_INET ? 4 : 16) == 0;
}

static void load_peers(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = NULL;
	const char *key = "unicast_peers";
	int n = config_value_get_list(sc, key, MAX_PEERS, "peers",
	                              " (leave the key out for multicast)", &s);

	if (n <= 0)
		return;
	in->unicast_peers = calloc((size_t)n, sizeof(*in->unicast_peers));
	if (!in->unicast_peers) {
		config_value_key_error(sc, s, key, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		char ekey[32];
		union vip_in p;
		bool dup = false;

		snprintf(ekey, sizeof(ekey), "%s[%d]", key, i);
		if (!parse_host(sc, e, ekey, true, in, &p))
			continue;
		for (size_t j = 0; j < in->npeers && !dup; j++)
			dup = same_in(in, &in->unicast_peers[j], &p);
		if (dup) {
			config_value_key_error(sc, e, ekey, "duplicate peer \"%s\"",
			                       config_setting_get_string(e));
			continue;
		}
		in->unicast_peers[in->npeers++] = p;
	}
}

static void load_source(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "unicast_source");
	union vip_in src;

	if (!s)
		return;
	if (!config_value_member(sc, "unicast_peers")) {
		config_value_key_error(sc, s, "unicast_source", "needs unicast_peers");
		return;
	}
	if (!parse_host(sc, s, "unicast_source", false, in, &src))
		return;
	for (size_t j = 0; j < in->npeers; j++) {
		if (same_in(in, &in->unicast_peers[j], &src)) {
			config_value_key_error(sc, s, "unicast_source",
			                       "\"%s\" is also in unicast_peers",
			                       config_setting_get_string(s));
			return;
		}
	}
	in->unicast_source = src;
	in->has_unicast_source = true;
}

/* mcast_group: the destination of a multicast instance's adverts, a multicast address of its
 * family (keepalived's vrrp_mcast_group4/6, to keep VRRP domains apart on one LAN). */
static void load_group(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "mcast_group");
	const char *txt;
	struct vip_addr a;
	union vip_in iana;

	if (!s || config_value_get_string(sc, "mcast_group", &txt) != CV_OK)
		return;
	if (config_value_member(sc, "unicast_peers")) {
		config_value_key_error(sc, s, "mcast_group",
		                       "applies to multicast instances (leave out unicast_peers)");
		return;
	}
	if (addr_parse(txt, false, &a) < 0 ||
	    !(a.af == AF_INET ? IN_MULTICAST(ntohl(a.in.v4.s_addr))
	                      : IN6_IS_ADDR_MULTICAST(&a.in.v6))) {
		config_value_key_error(sc, s, "mcast_group", "\"%s\" is not a multicast address",
		                       txt);
		return;
	}
	if (in->af && a.af != in->af) {
		config_value_key_error(sc, s, "mcast_group", "\"%s\" is %s but the instance is %s",
		                       txt, af_label(a.af), af_label(in->af));
		return;
	}
	vrrp_pkt_group(a.af, &iana);
	/* the IANA group written out is the default: the same config as without the key */
	if (!same_in(in, &a.in, &iana)) {
		in->mcast_group = a.in;
		in->has_mcast_group = true;
	}
}

/* mcast_source: the source of a multicast instance's adverts, as unicast_source is for unicast
 * (keepalived's mcast_src_ip); IPv6 adverts leave from a link-local address (RFC 9568
 * 5.1.2.1). */
static void load_mcast_source(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "mcast_source");
	union vip_in src;

	if (!s)
		return;
	if (config_value_member(sc, "unicast_peers")) {
		config_value_key_error(sc, s, "mcast_source",
		                       "applies to multicast instances (with unicast_peers, use "
		                       "unicast_source)");
		return;
	}
	if (!parse_host(sc, s, "mcast_source", false, in, &src))
		return;
	if (in->af == AF_INET6 && !addr_is_linklocal6(&src.v6)) {
		config_value_key_error(sc, s, "mcast_source",
		                       "\"%s\": IPv6 adverts leave from a link-local address",
		                       config_setting_get_string(s));
		return;
	}
	in->unicast_source = src;
	in->has_unicast_source = true;
}

void config_wire_load(const struct cv_scope *sc, bool version_ok, struct vipd_instance_config *in)
{
	long long ttl;

	in->unicast_ttl_check = true;
	in->unicast_ttl = VRRP_TTL;
	load_auth(sc, version_ok, in);
	load_auth_type(sc, version_ok, in);
	load_peers(sc, in);
	load_source(sc, in);
	load_group(sc, in);
	load_mcast_source(sc, in);
	if (config_value_get_bool(sc, "unicast_ttl_check", &in->unicast_ttl_check) == CV_OK &&
	    !config_value_member(sc, "unicast_peers"))
		config_value_key_error(sc, config_value_member(sc, "unicast_ttl_check"),
		                       "unicast_ttl_check", "needs unicast_peers");
	if (config_value_get_int(sc, "unicast_ttl", 1, VRRP_TTL, &ttl) == CV_OK) {
		if (!config_value_member(sc, "unicast_peers"))
			config_value_key_error(sc, config_value_member(sc, "unicast_ttl"),
			                       "unicast_ttl", "needs unicast_peers");
		else
			in->unicast_ttl = (uint8_t)ttl;
	}
}

void config_wire_print(const struct vipd_instance_config *in, FILE *out)
{
	char buf[ADDR_STRLEN];

	if (in->auth_pass[0]) {
		fprintf(out, "    auth_pass = ");
		config_value_print_string(out, in->auth_pass);
		fprintf(out, ";\n");
	}
	if (in->auth_ah)
		fprintf(out, "    auth_type = \"ah\";\n");
	if (!in->npeers) {
		if (in->has_mcast_group)
			fprintf(out, "    mcast_group = \"%s\";\n",
			        addr_format_in(in->af, &in->mcast_group, buf, sizeof(buf)));
		if (in->has_unicast_source)
			fprintf(out, "    mcast_source = \"%s\";\n",
			        addr_format_in(in->af, &in->unicast_source, buf, sizeof(buf)));
		return;
	}
	if (in->has_unicast_source)
		fprintf(out, "    unicast_source = \"%s\";\n",
		        addr_format_in(in->af, &in->unicast_source, buf, sizeof(buf)));
	fprintf(out, "    unicast_peers = [");
	for (size_t i = 0; i < in->npeers; i++)
		fprintf(out, "%s \"%s\"", i ? "," : "",
		        addr_format_in(in->af, &in->unicast_peers[i], buf, sizeof(buf)));
	fprintf(out, " ];\n    unicast_ttl_check = %s;\n",
	        in->unicast_ttl_check ? "true" : "false");
	if (in->unicast_ttl != VRRP_TTL)
		fprintf(out, "    unicast_ttl = %u;\n", in->unicast_ttl);
}

bool config_wire_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	if (strcmp(a->auth_pass, b->auth_pass) != 0 || a->auth_ah != b->auth_ah ||
	    a->npeers != b->npeers || a->has_unicast_source != b->has_unicast_source ||
	    a->unicast_ttl_check != b->unicast_ttl_check || a->unicast_ttl != b->unicast_ttl)
		return false;
	if (a->has_unicast_source && !same_in(a, &a->unicast_source, &b->unicast_source))
		return false;
	if (a->has_mcast_group != b->has_mcast_group ||
	    (a->has_mcast_group && !same_in(a, &a->mcast_group, &b->mcast_group)))
		return false;
	for (size_t i = 0; i < a->npeers; i++)
		if (!same_in(a, &a->unicast_peers[i], &b->unicast_peers[i]))
			return false;
	return true;
}

void config_wire_free(struct vipd_instance_config *in)
{
	free(in->unicast_peers);
	in->unicast_peers = NULL;
	in->npeers = 0;
}
