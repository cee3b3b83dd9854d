/* journal.c: append-only, fsync'ed JSON-lines record of changes. */
#include "core/journal.h"
#include "core/json.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct journal {
	int fd;
	unsigned long seq;
};

void journal_default_path(char *out, size_t size)
{
	const char *dir = getenv("SPARKLINK_STATE_DIR");
	if (dir && dir[0]) {
		snprintf(out, size, "%s/journal.jsonl", dir);
		return;
	}
	if (geteuid() == 0) {
		snprintf(out, size, "/var/lib/sparklink/journal.jsonl");
		return;
	}
	const char *xdg = getenv("XDG_STATE_HOME");
	if (xdg && xdg[0] == '/') {
		snprintf(out, size, "%s/sparklink/journal.jsonl", xdg);
		return;
	}
	const char *home = getenv("HOME");
	struct passwd *pw = home ? NULL : getpwuid(getuid());
	snprintf(out, size, "%s/.local/state/sparklink/journal.jsonl",
		 home ? home : pw ? pw->pw_dir : "/tmp");
}

/* mkdir -p with 0700 for what it creates */
static int make_dirs(const char *path)
{
	char tmp[PATH_MAX];
	str_copy(tmp, path, sizeof(tmp));
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

struct journal *journal_open(const char *path, char *err, size_t errsize)
{
	int r = make_dirs(path);
	if (r < 0) {
		snprintf(err, errsize, "cannot create the directory of %s: %s", path, strerror(-r));
		return NULL;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errsize, "cannot open the journal %s: %s", path, strerror(errno));
		return NULL;
	}
	struct journal *j = xcalloc(1, sizeof(*j));
	j->fd = fd;
	return j;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	close(j->fd);
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
	buf_free(&b);
	return rc;
}
