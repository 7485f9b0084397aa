/* Unit tests for the state kept across restarts: statefile.c (read, atomic write, every kind of
 * bad file refused with a reason) and daemon_state.c (demoted instances marked at load, the
 * names of removed instances dropped, a bad file ignored then replaced, no needless write). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vipd/daemon_state.h"
#include "vipd/statefile.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/vipd-test-state-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(statefile_path(dir, path, sizeof(path)), 0);
	return 0;
}

/* Empty dir of plain files and links, then remove it. */
static int teardown(void **state)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[512];

	(void)state;
	while (dp && (e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (unlink(p) < 0)
			rmdir(p);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
	return 0;
}

/* Write len bytes of text (0: strlen) as the state file. */
static void put(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (len == 0)
		len = strlen(text);
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* The file's text, NUL-terminated, in a static buffer. */
static const char *content(void)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t files_in_dir(void)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)) != NULL)
		n += e->d_name[0] != '.';
	closedir(dp);
	return n;
}

/* 1. Written, read back: the same names; the temporary file is gone; the file is replaced. */
static void write_read_back(void **state)
{
	struct statefile sf = {0}, back = {0};
	char err[256] = "";

	(void)state;
	assert_int_equal(statefile_add(&sf, "web"), 0);
	assert_int_equal(statefile_add(&sf, "db-2.x"), 0);
	assert_int_equal(statefile_write(path, &sf, err, sizeof(err)), 0);
	assert_string_equal(content(), "{\"version\":1,\"demoted\":[\"web\",\"db-2.x\"]}\n");
	assert_int_equal(files_in_dir(), 1);
	assert_int_equal(statefile_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.ndemoted, 2);
	assert_true(statefile_demoted(&back, "web"));
	assert_true(statefile_demoted(&back, "db-2.x"));
	assert_false(statefile_demoted(&back, "we"));
	/* Promote: the list empties, the file stays (an empty list). */
	statefile_clear(&sf);
	assert_int_equal(statefile_write(path, &sf, err, sizeof(err)), 0);
	assert_int_equal(statefile_read(path, &back, err, sizeof(err)), 0);
	assert_int_equal(back.ndemoted, 0);
	assert_int_equal(files_in_dir(), 1);
	statefile_clear(&back);
}

/* 2. No file, or no folder: an empty state when read; a write into a missing folder fails with a
 * reason naming it, and creates nothing. */
static void missing_file_and_folder(void **state)
{
	struct statefile sf = {0};
	char err[256] = "", gone[192];

	(void)state;
	assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), 0);
	assert_int_equal(sf.ndemoted, 0);
	snprintf(gone, sizeof(gone), "%s/nosuch/%s", dir, STATEFILE_NAME);
	assert_int_equal(statefile_read(gone, &sf, err, sizeof(err)), 0);
	assert_int_equal(statefile_add(&sf, "web"), 0);
	assert_int_equal(statefile_write(gone, &sf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nosuch/"));
	assert_non_null(strstr(err, "No such file or directory"));
	assert_int_equal(files_in_dir(), 0);
	statefile_clear(&sf);
}

/* 3. Every kind of bad file is refused with a reason and an empty state, never a crash. */
static void corrupt_files_refused(void **state)
{
	static const struct {
		const char *text;
		size_t len; /* 0: strlen */
		const char *why;
	} bad[] = {
	    {"", 0, "JSON"},
	    {"garbage", 0, "JSON"},
	    {"{\"version\":1,\"demoted\":[\"we", 0, "JSON"}, /* torn write */
	    {"{\"version\":1,\"demoted\":[]} x", 0, "JSON"}, /* trailing garbage */
	    {"{\"version\":1,\"demoted\":[\"web\"]}\0\0", 33, "JSON"},
	    {"[\"web\"]", 0, "not a JSON object"},
	    {"{\"demoted\":[\"web\"]}", 0, "version"},
	    {"{\"version\":2,\"demoted\":[\"web\"]}", 0, "version"},
	    {"{\"version\":\"1\",\"demoted\":[\"web\"]}", 0, "version"},
	    {"{\"version\":1,\"demoted\":\"web\"}", 0, "not a list"},
	    {"{\"version\":1,\"demoted\":[\"web\",7]}", 0, "non-string"},
	    {"{\"version\":1,\"demoted\":[\"\"]}", 0, "invalid instance name"},
	    {"{\"version\":1,\"demoted\":[\"w\\u0000b\"]}", 0, "invalid instance name"},
	    {"{\"version\":1,\"demoted\":[\"a234567890123456789012345678901234567890123456789012"
	     "345678901234\"]}",
	     0, "invalid instance name"},
	};
	struct statefile sf = {0};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put(bad[i].text, bad[i].len);
		err[0] = '\0';
		assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), -1);
		assert_int_equal(sf.ndemoted, 0);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].why);
		assert_non_null(strstr(err, path));
	}
	/* Unknown keys are for later versions: ignored. */
	put("{\"version\":1,\"demoted\":[\"web\"],\"later\":{}}\n", 0);
	assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), 0);
	assert_true(statefile_demoted(&sf, "web"));
	statefile_clear(&sf);
}

/* 4. Not a regular file, or too large: refused without reading (a FIFO would block). */
static void not_a_plain_file(void **state)
{
	struct statefile sf = {0};
	char err[256], big[STATEFILE_MAX_BYTES + 2];

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), -1);
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), -1);
	rmdir(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), -1);
	/* A write replaces the link itself, never its target. */
	assert_int_equal(statefile_write(path, &sf, err, sizeof(err)), 0);
	assert_string_equal(content(), "{\"version\":1,\"demoted\":[]}\n");
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"version\":1}", 13);
	put(big, sizeof(big));
	assert_int_equal(statefile_read(path, &sf, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
	assert_int_equal(sf.ndemoted, 0);
}

/* The daemon's state and instances named names[] (what daemon_state.c uses). */
struct fake_daemon {
	struct daemon_state st;
	struct vipd_instance_config ic[3];
	struct instance in[3];
	struct instance *list[3];
	size_t n;
};

static void fake_daemon(struct fake_daemon *f, const char *const *names, size_t n)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		snprintf(f->ic[i].name, sizeof(f->ic[i].name), "%s", names[i]);
		f->in[i].cfg = &f->ic[i];
		f->list[i] = &f->in[i];
	}
	f->n = n;
	snprintf(f->st.path, sizeof(f->st.path), "%s", path);
}

/* 5. A restart: the listed instances start demoted; a name no longer configured is dropped from
 * the file by the first save; the next save with nothing changed does not write. */
static void restart_keeps_demoted_drops_removed(void **state)
{
	static const char *const names[] = {"web", "db", "mail"};
	struct fake_daemon f;
	struct stat st1, st2;

	(void)state;
	put("{\"version\":1,\"demoted\":[\"gone\",\"db\",\"mail\"]}\n", 0);
	fake_daemon(&f, names, 3);
	daemon_state_load(&f.st, f.list, f.n);
	assert_false(f.in[0].demoted);
	assert_true(f.in[1].demoted);
	assert_true(f.in[2].demoted);
	daemon_state_save(&f.st, f.list, f.n);
	assert_string_equal(content(), "{\"version\":1,\"demoted\":[\"db\",\"mail\"]}\n");
	assert_int_equal(stat(path, &st1), 0);
	daemon_state_save(&f.st, f.list, f.n);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino); /* not replaced */
	/* promote db, demote web */
	f.in[1].demoted = false;
	f.in[0].demoted = true;
	daemon_state_save(&f.st, f.list, f.n);
	assert_string_equal(content(), "{\"version\":1,\"demoted\":[\"web\",\"mail\"]}\n");
	free(f.st.saved);
}

/* 6. A corrupt file: logged and ignored (nobody demoted), then replaced by the running state. */
static void corrupt_file_ignored_then_replaced(void **state)
{
	static const char *const names[] = {"web"};
	struct fake_daemon f;

	(void)state;
	put("{\"version\":1,\"demoted\":[\"web\"", 0);
	fake_daemon(&f, names, 1);
	daemon_state_load(&f.st, f.list, f.n);
	assert_false(f.in[0].demoted);
	daemon_state_save(&f.st, f.list, f.n);
	assert_string_equal(content(), "{\"version\":1,\"demoted\":[]}\n");
	free(f.st.saved);
}

/* 7. No file and nothing demoted: nothing is written (a host that never demotes has no file);
 * a missing folder makes the save fail, logged, without harm. */
static void no_needless_file(void **state)
{
	static const char *const names[] = {"web"};
	struct fake_daemon f;

	(void)state;
	fake_daemon(&f, names, 1);
	daemon_state_load(&f.st, f.list, f.n);
	daemon_state_save(&f.st, f.list, f.n);
	assert_int_equal(files_in_dir(), 0);
	snprintf(f.st.path, sizeof(f.st.path), "%s/nosuch/%s", dir, STATEFILE_NAME);
	f.in[0].demoted = true;
	daemon_state_save(&f.st, f.list, f.n);
	assert_true(f.in[0].demoted);
	assert_int_equal(files_in_dir(), 0);
	free(f.st.saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(write_read_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(missing_file_and_folder, setup, teardown),
	    cmocka_unit_test_setup_teardown(corrupt_files_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(not_a_plain_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(restart_keeps_demoted_drops_removed, setup, teardown),
	    cmocka_unit_test_setup_teardown(corrupt_file_ignored_then_replaced, setup, teardown),
	    cmocka_unit_test_setup_teardown(no_needless_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
