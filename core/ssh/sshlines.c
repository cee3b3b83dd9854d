/* sshlines.c: lines and tokens of OpenSSH's files, and rebuilding a file line by line
 * without losing a byte. */
#include "core/ssh/sshfiles_shared.h"
#include "core/base/base64.h"
#include "core/base/files.h"
#include "core/base/sha1.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

bool sshf_line_next(const char *data, size_t size, size_t *pos, unsigned *no, struct line *l)
{
	if (*pos >= size)
		return false;
	const char *s = data + *pos;
	const char *nl = memchr(s, '\n', size - *pos);
	size_t full = nl ? (size_t)(nl - s) + 1 : size - *pos;
	l->p = s;
	l->off = *pos;
	l->end = *pos + full;
	l->nl = nl != NULL;
	l->len = nl ? full - 1 : full;
	if (l->len && s[l->len - 1] == '\r')
		l->len--;
	l->no = ++*no;
	*pos += full;
	return true;
}

const char *sshf_skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

const char *sshf_skip_tok(const char *p, const char *e)
{
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* out = old + text (lines joined by "\n", no final newline). A file without a final newline
 * gets "\n" + text and still has none, so that removing text restores it byte for byte. */
void sshf_append_text(struct buf *out, const char *old, size_t oldlen, const char *text)
{
	buf_add(out, old, oldlen);
	if (oldlen && old[oldlen - 1] != '\n') {
		buf_add(out, "\n", 1);
		buf_puts(out, text);
	} else {
		buf_puts(out, text);
		buf_add(out, "\n", 1);
	}
}

void sshf_filter_line(struct line_filter *lf, const struct line *l, bool keep)
{
	if (keep)
		buf_add(lf->out, l->p, l->end - l->off);
	else if (!l->nl)
		lf->dropped_unterminated = true;
}

void sshf_filter_finish(struct line_filter *lf)
{
	/* The removed last line had no newline: the line before it was the last one when the
	 * text was appended (append_text), so it loses the "\n" that append_text gave it. */
	if (lf->dropped_unterminated && lf->out->len && lf->out->data[lf->out->len - 1] == '\n')
		lf->out->data[--lf->out->len] = '\0';
}

/* Replace every occurrence of from in s (size bytes) by to. */
void sshf_replace_all(char *s, size_t size, const char *from, const char *to)
{
	struct buf b;
	buf_init(&b);
	size_t fl = strlen(from);
	const char *p = s, *hit;
	while (fl && (hit = strstr(p, from))) {
		buf_add(&b, p, (size_t)(hit - p));
		buf_puts(&b, to);
		p = hit + fl;
	}
	buf_puts(&b, p);
	str_copy(s, b.data, size);
	buf_free(&b);
}
