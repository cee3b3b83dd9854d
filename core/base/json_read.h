/* json_read.h: a small strict JSON reader (RFC 8259) into a tree, for answers that other
 * programs print as JSON (busctl --json=short on the peer). Strings are kept as the bytes the
 * escapes give (\u escapes as UTF-8); callers clean them (text.h) before storing them. Depth is
 * limited; numbers are kept as doubles. */
#ifndef SPARKLINK_JSON_READ_H
#define SPARKLINK_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
	enum jv_type type;
	bool b;
	double num;
	char *str; /* JV_STRING: NUL-terminated (an embedded NUL ends it) */
	struct jv *items; /* JV_ARRAY, JV_OBJECT: n values */
	char **keys; /* JV_OBJECT: n keys */
	size_t n;
};

/* Parse text (len bytes; white space around the value is fine, anything else is not): 0 or -1. */
int jv_parse(const char *text, size_t len, struct jv *out);
void jv_free(struct jv *v);
/* The member key of an object (NULL if v is not an object or has none). */
const struct jv *jv_member(const struct jv *v, const char *key);
/* busctl's {"type":"...","data":X}: X, or X[0] when X is an array of one (a call's answer). */
const struct jv *jv_busctl_data(const struct jv *v);

#endif
