/* libFuzzer harness for rttab.c, the parser of iproute2's rt_tables files (outside input: any
 * bytes). Whatever it reads must hold the rules of rttab.h, find each name as the first entry
 * of that name, write back as "ID NAME" lines that read to the same entries, and resolve in a
 * route's and a rule's table as that id (unless the id is one the grammars refuse). */
#include "build_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "vipd/route.h"
#include "vipd/rttab.h"
#include "vipd/rule.h"

/* The text of t as "ID NAME" lines; the caller frees it. */
static char *write_back(const struct rttab *t, size_t *len)
{
	size_t cap = t->n * (RTTAB_NAME_MAX + 16) + 1, used = 0;
	char *s = malloc(cap);

	CHECK(s);
	for (size_t i = 0; i < t->n; i++)
		used += (size_t)snprintf(s + used, cap - used, "%u %s\n", t->e[i].id, t->e[i].name);
	*len = used;
	return s;
}

/* A word both grammars read as a table number or main, whatever rt_tables says. */
static bool plain_table(const char *w)
{
	size_t n = strlen(w);
	uint64_t v = 0;

	if (strcmp(w, "main") == 0)
		return true;
	if (n == 0 || n > 10 || strspn(w, "0123456789") != n)
		return false;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(w[i] - '0');
	return v <= UINT32_MAX;
}

/* A route and a rule naming entry e's table: a number or main keeps that meaning; any other word
 * takes the id of the first entry of the name, and is refused only where that id written as a
 * number is. */
static void resolve(const struct rttab *t, const struct rttab_entry *e)
{
	char text[RTTAB_NAME_MAX + 64], num[64], why[256];
	struct vipd_route r, other;
	struct vipd_rule u, uother;
	bool plain = plain_table(e->name);
	uint32_t id;
	int named, ref;

	CHECK(rttab_find(t, e->name, strlen(e->name), &id));
	for (const char *p = e->name; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return; /* a word the grammars refuse whatever it names */
	snprintf(text, sizeof(text), "198.18.0.0/24 table %s", e->name);
	snprintf(num, sizeof(num), "198.18.0.0/24 table %u", id);
	named = route_parse_names(text, 0, t, &r, why, sizeof(why));
	ref = route_parse(plain ? text : num, 0, &other, why, sizeof(why));
	CHECK(named == ref && (named < 0 || r.table == (plain ? other.table : id)));
	snprintf(text, sizeof(text), "from 198.18.0.0/24 table %s priority 9", e->name);
	snprintf(num, sizeof(num), "from 198.18.0.0/24 table %u priority 9", id);
	named = rule_parse_names(text, 0, t, &u, why, sizeof(why));
	ref = rule_parse(plain ? text : num, 0, &uother, why, sizeof(why));
	CHECK(named == ref && (named < 0 || u.table == (plain ? uother.table : id)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rttab t = {0}, back = {0};
	size_t lines = 1, len;
	int bad, bad2;
	char *text;

	if (rttab_parse(&t, (const char *)data, size, &bad) < 0)
		return 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	CHECK(bad >= 0 && (size_t)bad <= lines);
	for (size_t i = 0; i < t.n; i++) {
		const char *name = t.e[i].name;
		size_t nl = strnlen(name, RTTAB_NAME_MAX);

		CHECK(nl > 0 && nl < RTTAB_NAME_MAX);
		CHECK(!strpbrk(name, " \t\r\v\f\n"));
		resolve(&t, &t.e[i]);
	}
	text = write_back(&t, &len);
	CHECK(rttab_parse(&back, text, len, &bad2) == 0 && bad2 == 0 && back.n == t.n);
	for (size_t i = 0; i < t.n; i++)
		CHECK(back.e[i].id == t.e[i].id && strcmp(back.e[i].name, t.e[i].name) == 0);
	free(text);
	rttab_free(&back);
	rttab_free(&t);
	return 0;
}
