/* Test helper for the vipctl formatter tests (see json_fixture.h). */
#include "build_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "json_fixture.h"

char *json_fixture_render(void (*fn)(FILE *, struct json_object *), const char *json)
{
	struct json_object *o = json_tokener_parse(json);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(o);
	assert_non_null(out);
	fn(out, o);
	fclose(out);
	json_object_put(o);
	return text;
}
