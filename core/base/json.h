/* json.h: a small streaming JSON writer into a struct buf. Strings are escaped (controls as
 * \uXXXX); the caller passes clean UTF-8 (see text.h). Commas are placed automatically. */
#ifndef SPARKLINK_JSON_H
#define SPARKLINK_JSON_H

#include "core/base/util.h"

#include <stdbool.h>

struct json {
	struct buf *out;
	int depth;
	bool need_comma[32];
	bool pretty;
};

void json_init(struct json *j, struct buf *out, bool pretty);
void json_object_begin(struct json *j, const char *key); /* key NULL inside arrays / at top */
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key);
void json_array_end(struct json *j);
void json_string(struct json *j, const char *key, const char *value); /* NULL value: null */
void json_int(struct json *j, const char *key, long long value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);

#endif
