/* config_rttab: the files behind `table NAME` (see config_rttab.h). The only reading of the
 * system the config module does besides the file itself: the parse is rttab.c's, pure and
 * fuzzed; here are the paths, the order ip(8) reads them in, and a bound on their size. */
#include "build_config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vipd/config_rttab.h"
#include "vipd/rttab.h"

/* A larger rt_tables is not one: read this much of it. */
#define RTTAB_FILE_MAX (1024 * 1024)
/* .conf files of one rt_tables.d read at most */
#define RTTAB_DIR_MAX 256
/* a folder given by a test, plus "/rt_tables.d/" and a file name */
#define RTTAB_PATH_MAX 512

static const char *dirs[2] = {"/etc/iproute2", "/usr/share/iproute2"};

void config_rttab_set_dirs(const char *etc, const char *usr)
{
	dirs[0] = etc ? etc : "/etc/iproute2";
	dirs[1] = usr ? usr : "/usr/share/iproute2";
}

/* Add path's names: 1 read, 0 missing or unreadable, -1 out of memory (reported). */
static int read_one(struct cv_loader *ld, struct vipd_config *cfg, const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;
	int bad, rc;

	if (!f && errno == ENOMEM) {
		config_value_error(ld, path, -1, "out of memory");
		return -1;
	}
	if (!f)
		return 0;
	buf = malloc(RTTAB_FILE_MAX);
	if (!buf) {
		fclose(f);
		config_value_error(ld, path, -1, "out of memory");
		return -1;
	}
	n = fread(buf, 1, RTTAB_FILE_MAX, f);
	rc = ferror(f) ? 0 : 1;
	fclose(f);
	if (rc && rttab_parse(&cfg->rt_tables, buf, n, &bad) < 0) {
		config_value_error(ld, path, -1, "out of memory");
		rc = -1;
	} else if (rc && bad && !cfg->rt_tables_bad[0]) {
		snprintf(cfg->rt_tables_bad, sizeof(cfg->rt_tables_bad), "%s:%d", path, bad);
	}
	free(buf);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf names of dir/rt_tables.d added to names (n of them, at most RTTAB_DIR_MAX, each
 * once); -1 when out of memory. */
static int list_conf(const char *dir, char **names, size_t *n)
{
	char path[RTTAB_PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/rt_tables.d", dir);
	d = opendir(path);
	if (!d)
		return 0;
	while (rc == 0 && *n < RTTAB_DIR_MAX && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		bool dup = false;

		if (len <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		for (size_t i = 0; i < *n && !dup; i++)
			dup = strcmp(names[i], de->d_name) == 0;
		if (dup)
			continue;
		names[*n] = strdup(de->d_name);
		if (names[*n])
			(*n)++;
		else
			rc = -1;
	}
	closedir(d);
	return rc;
}

void config_rttab_load(struct cv_loader *ld, struct vipd_config *cfg)
{
	char path[RTTAB_PATH_MAX], *names[RTTAB_DIR_MAX];
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/rt_tables", dirs[0]);
	if (read_one(ld, cfg, path) == 0) {
		snprintf(path, sizeof(path), "%s/rt_tables", dirs[1]);
		read_one(ld, cfg, path);
	}
	if (list_conf(dirs[0], names, &n) < 0 || list_conf(dirs[1], names, &n) < 0)
		config_value_error(ld, NULL, -1, "rt_tables.d: out of memory");
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/rt_tables.d/%s", dirs[0], names[i]);
		if (read_one(ld, cfg, path) == 0) {
			snprintf(path, sizeof(path), "%s/rt_tables.d/%s", dirs[1], names[i]);
			read_one(ld, cfg, path);
		}
		free(names[i]);
	}
}
