/* argv: a command line of the config split into words like a shell without expansion. Pure (no
 * system call, no logging) so that the config layer can check a command when it loads it and
 * proc.c, track.c and notify.c can split it to run it. */
#include "build_config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/argv.h"

struct strbuf {
	char *s;
	size_t len, cap;
};

static int sb_put(struct strbuf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		char *n = realloc(b->s, cap);

		if (!n)
			return -1;
		b->s = n;
		b->cap = cap;
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
	return 0;
}

static int argv_push(char ***argv, size_t *n, char *word)
{
	char **v = realloc(*argv, (*n + 2) * sizeof(**argv));

	if (!v)
		return -1;
	v[(*n)++] = word;
	v[*n] = NULL;
	*argv = v;
	return 0;
}

int argv_split(const char *cmd, char ***argvp, char *err, size_t errlen)
{
	char **argv = NULL;
	size_t n = 0;
	const char *p = cmd;

	*argvp = NULL;
	for (;;) {
		struct strbuf w = {0};
		bool have = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			int rc = 0;

			have = true;
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q) {
					snprintf(err, errlen, "unterminated single quote");
					goto fail_w;
				}
				for (p++; p < q && rc == 0; p++)
					rc = sb_put(&w, *p);
				p = q + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"' && rc == 0; p++) {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					rc = sb_put(&w, *p);
				}
				if (*p != '"') {
					snprintf(err, errlen, "unterminated double quote");
					goto fail_w;
				}
				p++;
			} else if (*p == '\\') {
				if (!p[1]) {
					snprintf(err, errlen, "backslash at the end");
					goto fail_w;
				}
				rc = sb_put(&w, p[1]);
				p += 2;
			} else {
				rc = sb_put(&w, *p++);
			}
			if (rc < 0) {
				snprintf(err, errlen, "out of memory");
				goto fail_w;
			}
		}
		if (have && !w.s && sb_put(&w, '\0') == 0)
			w.len = 0;
		if (!w.s) {
			snprintf(err, errlen, "out of memory");
			goto fail_w;
		}
		if (argv_push(&argv, &n, w.s) < 0) {
			snprintf(err, errlen, "out of memory");
			goto fail_w;
		}
		continue;
	fail_w:
		free(w.s);
		argv_free(argv);
		return -1;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty command");
		argv_free(argv);
		return -1;
	}
	*argvp = argv;
	return 0;
}

void argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}
