/* config_vmac: `vmac` and `vmac_xmit_base` (see config_vmac.h). A VMAC is an interface of its
 * own, so its name must be one the kernel takes (IFNAMSIZ) and must not clash: two instances on
 * one VMAC would fight over its addresses, and an instance running on another one's VMAC would
 * lose its interface whenever that VMAC is re-created. Names, not VRIDs, are what must differ:
 * one VRID may have a VMAC on each of several VLAN interfaces (keepalived's vrrp.eth0.5.51). */
#include "build_config.h"

#include <libconfig.h>
#include <string.h>
#include <sys/socket.h>

#include "vipd/config_vmac.h"

void config_vmac_name(int af, uint8_t vrid, char name[IF_NAMESIZE])
{
	snprintf(name, IF_NAMESIZE, "%s.%u", af == AF_INET6 ? "vrrp6" : "vrrp", vrid);
}

/* Letters, digits, '.', '_' and '-', as keepalived's and ip(8)'s examples: a name the kernel takes
 * (not "." or "..", no '/', ':' or white space) and that a shell or a sysctl path reads as is. */
static bool name_ok(const char *s)
{
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
			return false;
	return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* Read vmac into in->vmac and in->vmac_name ("" until the default is known). */
static void load_vmac(const struct cv_scope *sc, struct vipd_instance_config *in)
{
	const config_setting_t *s = config_value_member(sc, "vmac");

	if (!s)
		return;
	if (config_setting_type(s) == CONFIG_TYPE_BOOL) {
		in->vmac = config_setting_get_bool(s) != 0;
		return;
	}
	if (!config_value_type_ok(sc, s, "vmac", config_setting_type(s) == CONFIG_TYPE_STRING,
	                          "a boolean or an interface name"))
		return;
	if (config_value_get_text(sc, "vmac", in->vmac_name, sizeof(in->vmac_name)) != CV_OK)
		return;
	if (!name_ok(in->vmac_name)) {
		config_value_key_error(
		    sc, s, "vmac", "\"%s\": an interface name of letters, digits, '_', '.' and '-'",
		    in->vmac_name);
		in->vmac_name[0] = '\0';
		return;
	}
	in->vmac = true;
}

/* The VMAC's name against the earlier instances' VMACs and interfaces, and theirs against ours. */
static void check_unique(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                         const struct config_index *x, const struct vipd_instance_config *in)
{
	char lbl[VIPD_NAME_MAX + 16];
	/* the first earlier instance that can clash: one whose VMAC is our interface, or, with a
	 * VMAC of ours, one with its name as VMAC or interface; none: no scan */
	size_t from = config_index_scan_from(config_index_find_vmac(x, in->interface), idx);

	if (in->vmac && strcmp(in->vmac_name, in->interface) == 0) {
		config_value_key_error(sc, config_value_member(sc, "vmac"), "vmac",
		                       "%s is the instance's own interface", in->vmac_name);
		return;
	}
	if (in->vmac) {
		size_t v = config_index_scan_from(config_index_find_vmac(x, in->vmac_name), idx),
		       i = config_index_scan_from(config_index_find_iface(x, in->vmac_name), idx);

		from = v < from ? v : from;
		from = i < from ? i : from;
	}
	for (size_t k = from; k < idx; k++) {
		const struct vipd_instance_config *o = &cfg->instances[k];

		if (!in->vmac && !o->vmac)
			continue;
		/* The same VRID and family twice on one interface is reported by its vrid. */
		if (o->vrid == in->vrid && o->af == in->af &&
		    strcmp(o->interface, in->interface) == 0)
			continue;
		/* Built for an error only: an snprintf per pair was most of a 1000-instance load.
		 */
		if (o->name[0])
			snprintf(lbl, sizeof(lbl), "instance \"%s\"", o->name);
		else
			snprintf(lbl, sizeof(lbl), "instances[%zu]", k);
		if (in->vmac && o->vmac && strcmp(o->vmac_name, in->vmac_name) == 0) {
			config_value_key_error(
			    sc, config_value_member(sc, "vmac"), "vmac",
			    "VMAC %s is also used by %s at line %d (on %s): give "
			    "one of them another name (vmac = \"NAME\")",
			    in->vmac_name, lbl, o->line, o->interface);
			return;
		}
		if (in->vmac && strcmp(o->interface, in->vmac_name) == 0) {
			config_value_key_error(
			    sc, config_value_member(sc, "vmac"), "vmac",
			    "%s would be this instance's VMAC, but %s at line %d runs on it",
			    in->vmac_name, lbl, o->line);
			return;
		}
		if (o->vmac && in->interface[0] && strcmp(in->interface, o->vmac_name) == 0) {
			config_value_key_error(sc, config_value_member(sc, "interface"),
			                       "interface", "%s is the VMAC of %s at line %d",
			                       o->vmac_name, lbl, o->line);
			return;
		}
	}
}

void config_vmac_load(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                      const struct config_index *x, struct vipd_instance_config *in)
{
	const config_setting_t *xb = config_value_member(sc, "vmac_xmit_base");

	load_vmac(sc, in);
	config_value_get_bool(sc, "vmac_xmit_base", &in->vmac_xmit_base);
	if (in->vmac_xmit_base && !in->vmac)
		config_value_key_error(sc, xb, "vmac_xmit_base",
		                       "needs vmac (adverts leave from the interface anyway)");
	if (in->vmac && !in->vmac_name[0]) {
		if (in->vrid && in->af)
			config_vmac_name(in->af, in->vrid, in->vmac_name);
		else
			in->vmac = false; /* an error elsewhere already refuses the file */
	}
	check_unique(sc, cfg, idx, x, in);
}

void config_vmac_print(const struct vipd_instance_config *in, FILE *out)
{
	char def[IF_NAMESIZE];

	config_vmac_name(in->af, in->vrid, def);
	if (!in->vmac || strcmp(in->vmac_name, def) == 0) {
		fprintf(out, "    vmac = %s;\n", in->vmac ? "true" : "false");
	} else {
		fputs("    vmac = ", out);
		config_value_print_string(out, in->vmac_name);
		fputs(";\n", out);
	}
	fprintf(out, "    vmac_xmit_base = %s;\n", in->vmac_xmit_base ? "true" : "false");
}

bool config_vmac_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	return a->vmac == b->vmac && strcmp(a->vmac_name, b->vmac_name) == 0 &&
	       a->vmac_xmit_base == b->vmac_xmit_base;
}
