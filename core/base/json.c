/* json.c: streaming JSON writer. */
#include "core/base/json.h"

#include <stdio.h>
#include <string.h>

void json_init(struct json *j, struct buf *out, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
}

static void indent(struct json *j)
{
	if (!j->pretty)
		return;
	buf_puts(j->out, "\n");
	for (int i = 0; i < j->depth; i++)
		buf_puts(j->out, "  ");
}

static void escaped(struct buf *b, const char *s)
{
	buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				buf_printf(b, "\\u%04x", *p);
			else
				buf_add(b, (const char *)p, 1);
		}
	}
	buf_puts(b, "\"");
}

static void member(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		buf_puts(j->out, ",");
	if (j->depth > 0)
		indent(j);
	j->need_comma[j->depth] = true;
	if (key) {
		escaped(j->out, key);
		buf_puts(j->out, j->pretty ? ": " : ":");
	}
}

static void open_(struct json *j, const char *key, const char *c)
{
	member(j, key);
	buf_puts(j->out, c);
	if (j->depth < 31)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_(struct json *j, const char *c)
{
	bool had = j->need_comma[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		indent(j);
	buf_puts(j->out, c);
	if (j->depth == 0 && j->pretty)
		buf_puts(j->out, "\n");
}

void json_object_begin(struct json *j, const char *key)
{
	open_(j, key, "{");
}
void json_object_end(struct json *j)
{
	close_(j, "}");
}
void json_array_begin(struct json *j, const char *key)
{
	open_(j, key, "[");
}
void json_array_end(struct json *j)
{
	close_(j, "]");
}

void json_string(struct json *j, const char *key, const char *value)
{
	member(j, key);
	if (value)
		escaped(j->out, value);
	else
		buf_puts(j->out, "null");
}

void json_int(struct json *j, const char *key, long long value)
{
	member(j, key);
	buf_printf(j->out, "%lld", value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	member(j, key);
	buf_puts(j->out, value ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	buf_puts(j->out, "null");
}
