/* Test helper for the config tests: load a config from text through a temporary file and get
 * its error lines without the file name. Shared by any config test that wants it. */
#ifndef VIPD_TEST_CONFIG_FIXTURE_H
#define VIPD_TEST_CONFIG_FIXTURE_H

#include "vipd/config.h"

/* Load text as a config file. Returns the config (NULL on errors); *msgs gets the error lines
 * as "LINE: message" joined by \n, or "" (the caller frees it). Fails the test when the result
 * and the messages disagree. */
struct vipd_config *config_fixture_load(const char *text, char **msgs);

/* Load the top-level settings top (on line 1, so an error of theirs reads "1: ...") followed by
 * one instance "web" (eth0, vrid 51, one VIP) on line 2, as config_fixture_load. */
struct vipd_config *config_fixture_load_top(const char *top, char **msgs);

/* Fails the test unless config_fixture_load_top(top) is refused with exactly the lines want. */
void config_fixture_bad_top(const char *top, const char *want);

/* Print cfg and load the text again (failing the test if it does not load); caller frees. */
struct vipd_config *config_fixture_reprint(const struct vipd_config *cfg);

/* Print cfg with config_print and load the text back; fails the test unless it loads and every
 * instance compares equal. */
void config_fixture_round_trip(const struct vipd_config *cfg);

#endif
