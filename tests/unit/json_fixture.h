/* Test helper for the tests of the text vipctl prints from control-socket answers: run a
 * formatter on parsed JSON and get what it wrote. */
#ifndef VIPD_TEST_JSON_FIXTURE_H
#define VIPD_TEST_JSON_FIXTURE_H

#include <json-c/json.h>
#include <stdio.h>

/* What fn(out, the parsed json) writes, as a malloc'd string (the caller frees it). Fails the
 * test when json does not parse. */
char *json_fixture_render(void (*fn)(FILE *, struct json_object *), const char *json);

#endif
