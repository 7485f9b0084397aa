/* statefile: the state vipd keeps across restarts. The file is outside input (an operator may
 * edit it, a full disk may truncate it): every failure is a reason in err, never a crash; json-c
 * does the parsing. */
#include "build_config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/config.h"
#include "vipd/statefile.h"

#define STATEFILE_VERSION 1

int statefile_path(const char *dir, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, STATEFILE_NAME);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int statefile_add(struct statefile *sf, const char *name)
{
	char **list = realloc(sf->demoted, (sf->ndemoted + 1) * sizeof(*list));

	if (!list)
		return -1;
	sf->demoted = list;
	list[sf->ndemoted] = strdup(name);
	if (!list[sf->ndemoted])
		return -1;
	sf->ndemoted++;
	return 0;
}

bool statefile_demoted(const struct statefile *sf, const char *name)
{
	for (size_t i = 0; i < sf->ndemoted; i++)
		if (strcmp(sf->demoted[i], name) == 0)
			return true;
	return false;
}

void statefile_clear(struct statefile *sf)
{
	for (size_t i = 0; i < sf->ndemoted; i++)
		free(sf->demoted[i]);
	free(sf->demoted);
	sf->demoted = NULL;
	sf->ndemoted = 0;
}

/* The whole file (NUL-terminated, malloc'd) or NULL with errno; ENOENT when missing. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	ssize_t r;
	int e;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL; /* a FIFO or a folder would block or mislead */
		goto fail;
	}
	if (st.st_size > STATEFILE_MAX_BYTES) {
		errno = EFBIG;
		goto fail;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto fail;
	*len = 0;
	while (*len < (size_t)st.st_size &&
	       (r = read(fd, buf + *len, (size_t)st.st_size - *len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		*len += (size_t)r;
	}
	buf[*len] = '\0';
	close(fd);
	return buf;
fail:
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	return NULL;
}

/* Take the demoted names of a parsed file into sf. NULL, or what is wrong with it. */
static const char *take(struct json_object *root, struct statefile *sf)
{
	struct json_object *v, *list;

	if (!json_object_is_type(root, json_type_object))
		return "not a JSON object";
	if (!json_object_object_get_ex(root, "version", &v) ||
	    !json_object_is_type(v, json_type_int) || json_object_get_int(v) != STATEFILE_VERSION)
		return "no \"version\": 1";
	if (!json_object_object_get_ex(root, "demoted", &list))
		return NULL;
	if (!json_object_is_type(list, json_type_array))
		return "\"demoted\" is not a list";
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *n = json_object_array_get_idx(list, i);
		const char *s;

		if (!json_object_is_type(n, json_type_string))
			return "\"demoted\" holds a non-string";
		s = json_object_get_string(n);
		if (!s[0] || strlen(s) >= VIPD_NAME_MAX ||
		    (size_t)json_object_get_string_len(n) != strlen(s))
			return "\"demoted\" holds an invalid instance name";
		if (!statefile_demoted(sf, s) && statefile_add(sf, s) < 0)
			return "out of memory";
	}
	return NULL;
}

/* True when the n bytes at s are white space only (what may follow the JSON object). */
static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n", s[i]) || s[i] == '\0')
			return false;
	return true;
}

int statefile_read(const char *path, struct statefile *sf, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *root;
	const char *why;
	size_t len = 0;
	char *buf;

	statefile_clear(sf);
	buf = slurp(path, &len);
	if (!buf) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	tok = json_tokener_new();
	root = tok ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
	if (!tok)
		why = "out of memory";
	else if (!root && json_tokener_get_error(tok) == json_tokener_continue)
		why = "not valid JSON: truncated";
	else if (!root || json_tokener_get_error(tok) != json_tokener_success)
		why = "not valid JSON";
	else if ((size_t)tok->char_offset > len ||
	         !blank(buf + tok->char_offset, len - (size_t)tok->char_offset))
		why = "not valid JSON: more after the object";
	else
		why = take(root, sf);
	if (why)
		snprintf(err, errlen, "%s: %s", path, why);
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	free(buf);
	if (why) {
		statefile_clear(sf);
		return -1;
	}
	return 0;
}

char *statefile_format(const struct statefile *sf)
{
	struct json_object *root = json_object_new_object(), *list = json_object_new_array();
	char *text = NULL;

	if (root && list) {
		const char *json;

		json_object_object_add(root, "version", json_object_new_int(STATEFILE_VERSION));
		for (size_t i = 0; i < sf->ndemoted; i++)
			json_object_array_add(list, json_object_new_string(sf->demoted[i]));
		json_object_object_add(root, "demoted", list);
		list = NULL;
		json = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
		if (!json || asprintf(&text, "%s\n", json) < 0)
			text = NULL;
	}
	json_object_put(list);
	json_object_put(root);
	return text;
}

/* Write all of buf to fd. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t r = write(fd, buf, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* fsync the folder of path, so that the rename itself survives a power cut. */
static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int statefile_write(const char *path, const struct statefile *sf, char *err, size_t errlen)
{
	char tmp[PATH_MAX], *text = statefile_format(sf);
	const char *step = "write";
	int fd = -1;

	if (!text) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		step = "open";
		goto fail;
	}
	/* O_NOFOLLOW: a link planted in the folder does not redirect the write. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		step = "open";
		goto fail;
	}
	if (write_all(fd, text, strlen(text)) < 0)
		goto fail;
	step = "fsync";
	if (fsync(fd) < 0)
		goto fail;
	step = "close";
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (rename(tmp, path) < 0)
		goto fail;
	free(text);
	if (sync_dir(path) < 0) {
		snprintf(err, errlen, "%s: fsync of its folder: %s", path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s: %s", tmp, step, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (strcmp(step, "open") != 0)
		unlink(tmp);
	free(text);
	return -1;
}
