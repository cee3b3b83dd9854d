/* actlog.c: the console's action log, in memory and appended to a file. */
#include "core/guide/actlog.h"
#include "core/base/files.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void actlog_default_path(char *out, size_t size)
{
	state_path("console.log", out, size);
}

int actlog_open(struct actlog *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->v = xcalloc(ACTLOG_KEEP, sizeof(*l->v));
	if (!path || !path[0])
		return 0;
	str_copy(l->path, path, sizeof(l->path));
	char err[600];
	int r = dir_make_parents(path);
	if (r < 0)
		snprintf(err, sizeof(err), "%s", strerror(-r));
	else if ((r = file_open_owned(path, O_WRONLY | O_APPEND | O_CREAT, geteuid(), "log", err,
				      sizeof(err))) >= 0)
		l->fd = r;
	if (r < 0)
		snprintf(l->error, sizeof(l->error),
			 "cannot write the log %s: %s (kept on screen only)", path, err);
	return r < 0 ? r : 0;
}

void actlog_close(struct actlog *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->v);
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

const char *actlog_level_word(enum actlog_level level)
{
	switch (level) {
	case ACTLOG_OK: return "OK";
	case ACTLOG_FAIL: return "FAILED";
	default: return "INFO";
	}
}

void actlog_format(const struct actlog_entry *e, bool with_date, char *out, size_t size)
{
	struct tm tm;
	char when[48];
	localtime_r(&e->when, &tm);
	strftime(when, sizeof(when), with_date ? "%Y-%m-%d %H:%M:%S %z" : "%H:%M:%S", &tm);
	snprintf(out, size, "%s %-6s %s", when, actlog_level_word(e->level), e->text);
}

void actlog_add(struct actlog *l, enum actlog_level level, const char *fmt, ...)
{
	if (!l->v)
		return;
	char raw[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	struct actlog_entry *e;
	if (l->n < ACTLOG_KEEP) {
		e = &l->v[(l->first + l->n++) % ACTLOG_KEEP];
	} else {
		e = &l->v[l->first];
		l->first = (l->first + 1) % ACTLOG_KEEP;
	}
	e->when = time(NULL);
	e->level = level;
	text_clean(e->text, sizeof(e->text), raw, strlen(raw), 0); /* one line, no controls */
	l->generation++;
	if (l->fd < 0)
		return;
	char line[600];
	actlog_format(e, true, line, sizeof(line));
	size_t n = strlen(line);
	if (n < sizeof(line) - 1) {
		line[n++] = '\n';
		line[n] = '\0';
	}
	if (write(l->fd, line, n) != (ssize_t)n && !l->error[0])
		snprintf(l->error, sizeof(l->error), "cannot write the log %s: %s", l->path,
			 strerror(errno));
}

size_t actlog_count(const struct actlog *l)
{
	return l->n;
}

const struct actlog_entry *actlog_get(const struct actlog *l, size_t i)
{
	if (i >= l->n)
		return NULL;
	return &l->v[(l->first + i) % ACTLOG_KEEP];
}
