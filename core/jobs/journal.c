/* journal.c: append-only, fsync'ed JSON-lines record of changes, and reading it back. */
#include "core/jobs/journal.h"
#include "core/base/files.h"
#include "core/base/json.h"
#include "core/base/util.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct journal {
	int fd;
	unsigned long seq;
	pthread_mutex_t lock; /* one record at a time: several threads of one job may write */
};

void journal_default_path(char *out, size_t size)
{
	state_path("journal.jsonl", out, size);
}

void journal_user_path(const char *home, char *out, size_t size)
{
	snprintf(out, size, "%s/.local/state/sparklink/journal.jsonl", home);
}

struct journal *journal_open(const char *path, char *err, size_t errsize)
{
	int r = dir_make_parents(path);
	if (r < 0) {
		snprintf(err, errsize, "cannot create the directory of %s: %s", path, strerror(-r));
		return NULL;
	}
	int fd = file_open_owned(path, O_WRONLY | O_APPEND | O_CREAT, geteuid(), "journal", err,
				 errsize);
	if (fd == -ENOENT)
		snprintf(err, errsize, "cannot open the journal %s: %s", path, strerror(ENOENT));
	if (fd < 0)
		return NULL;
	struct journal *j = xcalloc(1, sizeof(*j));
	j->fd = fd;
	pthread_mutex_init(&j->lock, NULL);
	return j;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	close(j->fd);
	pthread_mutex_destroy(&j->lock);
	free(j);
}

int journal_record(struct journal *j, const char *op, const char *host, const char *path,
		   const char *data)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char when[40];
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct buf b;
	buf_init(&b);
	struct json js;
	json_init(&js, &b, false);
	pthread_mutex_lock(&j->lock);
	json_object_begin(&js, NULL);
	json_string(&js, "time", when);
	json_int(&js, "pid", getpid());
	json_int(&js, "seq", (long long)++j->seq);
	json_string(&js, "op", op);
	json_string(&js, "host", host);
	json_string(&js, "path", path);
	json_string(&js, "data", data);
	json_object_end(&js);
	buf_puts(&b, "\n");
	int rc = 0;
	/* one write() of the whole line: O_APPEND keeps concurrent records whole */
	if (write(j->fd, b.data, b.len) != (ssize_t)b.len || fsync(j->fd) < 0)
		rc = errno ? -errno : -EIO;
	pthread_mutex_unlock(&j->lock);
	buf_free(&b);
	return rc;
}

/* A JSON string at *p (after the opening quote) into out (malloc'ed); NULL on bad input. */
static char *json_str(const char **p)
{
	struct buf b;
	buf_init(&b);
	const char *s = *p;
	while (*s && *s != '"') {
		if (*s == '\\') {
			s++;
			char c = 0;
			switch (*s) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case '/': c = '/'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'u': {
				unsigned v;
				if (strspn(s + 1, "0123456789abcdefABCDEF") < 4 ||
				    sscanf(s + 1, "%4x", &v) != 1 || v >= 0x80 || v == 0) {
					buf_free(&b);
					return NULL; /* the journal writer escapes only ASCII controls */
				}
				c = (char)v;
				s += 4;
				break;
			}
			default: buf_free(&b); return NULL;
			}
			buf_add(&b, &c, 1);
			s++;
			continue;
		}
		buf_add(&b, s++, 1);
	}
	if (*s != '"') {
		buf_free(&b);
		return NULL;
	}
	*p = s + 1;
	if (!b.data)
		buf_add(&b, "", 0);
	return b.data;
}

/* One flat record {"k":"v"|number|null,...} as journal_record() writes it. */
bool journal_record_parse(const char *line, struct journal_record *r)
{
	memset(r, 0, sizeof(*r));
	r->seq = -1;
	const char *p = line;
	if (*p++ != '{')
		return false;
	bool have_op = false, have_data = false;
	while (*p && *p != '}') {
		if (*p == ',')
			p++;
		if (*p++ != '"')
			return false;
		char *key = json_str(&p);
		if (!key || *p++ != ':') {
			free(key);
			return false;
		}
		char *val = NULL;
		long num = 0;
		bool isnull = false;
		if (*p == '"') {
			p++;
			val = json_str(&p);
			if (!val) {
				free(key);
				return false;
			}
		} else if (strncmp(p, "null", 4) == 0) {
			isnull = true;
			p += 4;
		} else {
			char *end;
			num = strtol(p, &end, 10);
			if (end == p) {
				free(key);
				return false;
			}
			p = end;
		}
		if (strcmp(key, "op") == 0 && val) {
			str_copy(r->op, val, sizeof(r->op));
			have_op = true;
		} else if (strcmp(key, "host") == 0 && val) {
			str_copy(r->host, val, sizeof(r->host));
		} else if (strcmp(key, "path") == 0 && val) {
			str_copy(r->path, val, sizeof(r->path));
		} else if (strcmp(key, "data") == 0) {
			if (have_data) { /* never written twice: not a record of ours */
				free(key);
				free(val);
				return false;
			}
			have_data = true;
			if (!isnull) {
				r->data = val;
				val = NULL;
			}
		} else if (strcmp(key, "seq") == 0) {
			r->seq = num;
		}
		free(key);
		free(val);
	}
	return *p == '}' && have_op;
}

int journal_read(const char *path, uid_t owner, struct journal_record **out, char *err,
		 size_t errsize)
{
	*out = NULL;
	int fd = file_open_owned(path, O_RDONLY, owner, "journal", err, errsize);
	if (fd == -ENOENT)
		return 0; /* nothing was ever changed */
	if (fd < 0)
		return fd;
	FILE *f = fdopen(fd, "r");
	if (!f) {
		int e = errno;
		close(fd);
		snprintf(err, errsize, "cannot read the journal %s: %s", path, strerror(e));
		return -e;
	}
	struct journal_record *v = NULL;
	size_t n = 0, lineno = 0, bad = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (!len)
			continue;
		struct journal_record r;
		if (!journal_record_parse(line, &r)) {
			/* a torn last line (a crash mid-write) or a foreign one: skip, say so */
			if (!bad++)
				snprintf(err, errsize, "%s:%zu is not a journal record; skipped",
					 path, lineno);
			free(r.data);
			continue;
		}
		r.line = (long)lineno;
		v = xrealloc(v, n + 1, sizeof(*v));
		v[n++] = r;
	}
	free(line);
	fclose(f);
	/* "undone" records name the line of a record rollback has undone */
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].op, "undone") != 0 || !v[i].data)
			continue;
		long target = strtol(v[i].data, NULL, 10);
		for (size_t k = 0; k < i; k++)
			if (v[k].line == target)
				v[k].undone = true;
		v[i].undone = true; /* the marker itself is nothing to undo */
	}
	*out = v;
	return (int)n;
}

void journal_records_free(struct journal_record *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].data);
	free(v);
}
