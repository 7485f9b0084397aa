/* config_rule: virtual_rules (see config_rule.h). No rule may be given twice, in this instance
 * or another: the second add would find the first (EEXIST, taken as done) and the first
 * instance to leave Master would delete the rule the other still needs. */
#include "build_config.h"

#include <stdlib.h>
#include <string.h>

#include "vipd/config_rule.h"

#define KEY "virtual_rules"

/* Where an earlier entry equal to r is: its instance index (idx for this one) and position,
 * or false. */
static bool find_twin(const struct vipd_config *cfg, size_t idx,
                      const struct vipd_instance_config *in, const struct vipd_rule *r,
                      size_t *where)
{
	for (size_t k = 0; k <= idx; k++) {
		const struct vipd_instance_config *o = k == idx ? in : &cfg->instances[k];

		for (size_t j = 0; j < o->nrules; j++)
			if (rule_equal(&o->rules[j], r)) {
				*where = k;
				return true;
			}
	}
	return false;
}

/* Entry e (key ekey) into *r; false when it was reported. */
static bool read_entry(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                       const struct vipd_instance_config *in, const config_setting_t *e,
                       const char *ekey, struct vipd_rule *r)
{
	char why[480];
	const char *txt;
	size_t k;
	bool quotable = true;

	if (config_setting_type(e) != CONFIG_TYPE_STRING) {
		config_value_key_error(sc, e, ekey, "expected a string, got %s",
		                       config_value_type_name(e));
		return false;
	}
	txt = config_setting_get_string(e);
	for (const char *p = txt; *p; p++)
		quotable = quotable && (unsigned char)*p >= 0x20 && *p != 0x7f;
	if (rule_parse_names(txt, in->af, &cfg->rt_tables, r, why, sizeof(why)) < 0) {
		/* ip(8) stopped at that line too: the name the operator means may be after it */
		if (cfg->rt_tables_bad[0] && strstr(why, "rt_tables"))
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
			         " (%.200s is malformed: ip(8) and vipd read no further)",
			         cfg->rt_tables_bad);
		if (quotable && strlen(txt) < RULE_TEXT_MAX)
			config_value_key_error(sc, e, ekey, "\"%s\": %s", txt, why);
		else
			config_value_key_error(sc, e, ekey, "%s", why);
		return false;
	}
	if (!find_twin(cfg, idx, in, r, &k))
		return true;
	if (k == idx)
		config_value_key_error(sc, e, ekey, "\"%s\" is given twice", txt);
	else
		config_value_key_error(sc, e, ekey,
		                       "\"%s\" is also a rule of instance \"%s\" at line %d", txt,
		                       cfg->instances[k].name, cfg->instances[k].line);
	return false;
}

void config_rule_load(const struct cv_scope *sc, const struct vipd_config *cfg, size_t idx,
                      struct vipd_instance_config *in)
{
	const config_setting_t *s = NULL;
	int n = config_value_get_list(sc, KEY, VIPD_RULES_MAX, "rules", NULL, &s);

	if (n <= 0)
		return;
	in->rules = calloc((size_t)n, sizeof(*in->rules));
	if (!in->rules) {
		config_value_key_error(sc, s, KEY, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		char ekey[32];
		struct vipd_rule r;

		snprintf(ekey, sizeof(ekey), KEY "[%d]", i);
		if (read_entry(sc, cfg, idx, in, config_setting_get_elem(s, (unsigned)i), ekey, &r))
			in->rules[in->nrules++] = r;
	}
}

void config_rule_print(const struct vipd_instance_config *in, FILE *out)
{
	char buf[RULE_STRLEN];

	if (in->nrules == 0)
		return;
	fputs("    " KEY " = [", out);
	for (size_t i = 0; i < in->nrules; i++) {
		fputs(i == 0 ? " " : ", ", out);
		config_value_print_string(out, rule_format(&in->rules[i], buf, sizeof(buf)));
	}
	fputs(" ];\n", out);
}

bool config_rule_equal(const struct vipd_instance_config *a, const struct vipd_instance_config *b)
{
	size_t i = 0;

	while (a->nrules == b->nrules && i < a->nrules && rule_equal(&a->rules[i], &b->rules[i]))
		i++;
	return a->nrules == b->nrules && i == a->nrules;
}

void config_rule_free(struct vipd_instance_config *in)
{
	free(in->rules);
	in->rules = NULL;
	in->nrules = 0;
}
