/* rttab: iproute2's rt_tables format, hand-parsed from bytes a file gave (see rttab.h). The files
 * come from outside vipd, so the parser takes any bytes: it never reads past len, and a line it
 * cannot read ends the file as it ends ip(8)'s reading, so vipd and ip name the same tables. */
#include "build_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/rttab.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The number at p..end (decimal, or 0x hex), up to a blank; false when it is not one or does not
 * fit in 32 bits. *p is left after it. */
static bool number(const char **p, const char *end, uint32_t *out)
{
	const char *s = *p;
	unsigned base = 10;
	uint64_t v = 0;
	int d;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s == end || blank(*s))
		return false;
	for (; s < end && !blank(*s); s++) {
		d = hexval(*s);
		if (d < 0 || (unsigned)d >= base)
			return false;
		v = v * base + (unsigned)d;
		if (v > UINT32_MAX)
			return false;
	}
	*p = s;
	*out = (uint32_t)v;
	return true;
}

static int add(struct rttab *t, uint32_t id, const char *name, size_t len)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct rttab_entry *e = realloc(t->e, cap * sizeof(*e));

		if (!e) {
			errno = ENOMEM;
			return -1;
		}
		t->e = e;
		t->cap = cap;
	}
	t->e[t->n].id = id;
	memcpy(t->e[t->n].name, name, len);
	t->e[t->n].name[len] = '\0';
	t->n++;
	return 0;
}

/* One line (without its newline): 0 read or skipped, 1 malformed, -1 out of memory. */
static int line(struct rttab *t, const char *p, const char *end)
{
	const char *name;
	uint32_t id;

	while (p < end && blank(*p))
		p++;
	if (p == end || *p == '#')
		return 0;
	if (!number(&p, end, &id) || p == end)
		return 1;
	while (p < end && blank(*p))
		p++;
	name = p;
	while (p < end && !blank(*p))
		p++;
	if (p == name || (size_t)(p - name) >= RTTAB_NAME_MAX)
		return 1;
	return add(t, id, name, (size_t)(p - name)) < 0 ? -1 : 0;
}

int rttab_parse(struct rttab *t, const char *text, size_t len, int *bad_line)
{
	const char *p = text, *end = text + len;
	size_t n0 = t->n;
	int no = 0;

	*bad_line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *nul = memchr(p, '\0', (size_t)(eol - p));
		int rc;

		no++;
		/* as fgets + sscanf: a NUL byte ends what the line says */
		rc = line(t, p, nul ? nul : eol);
		if (rc < 0) {
			t->n = n0;
			return -1;
		}
		if (rc > 0) {
			*bad_line = no;
			return 0;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

bool rttab_find(const struct rttab *t, const char *name, size_t len, uint32_t *id)
{
	if (len >= RTTAB_NAME_MAX)
		return false;
	for (size_t i = 0; i < t->n; i++)
		if (strncmp(t->e[i].name, name, len) == 0 && t->e[i].name[len] == '\0') {
			*id = t->e[i].id;
			return true;
		}
	return false;
}

void rttab_free(struct rttab *t)
{
	free(t->e);
	t->e = NULL;
	t->n = t->cap = 0;
}
