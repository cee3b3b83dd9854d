/* test_fixture.h: Spark-shaped sysfs trees for unit tests, made at test time by the fixture
 * generator named in $SPARK_SYSFS (assets/lab/spark-sysfs, copied into the build tree) inside a
 * private mkdtemp directory, and removed afterwards. Include after <cmocka.h>. */
#ifndef SPARKLINK_TEST_FIXTURE_H
#define SPARKLINK_TEST_FIXTURE_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The four twins as the fixture generator (and a real Spark) names them, in `ls` order. */
struct fx_twin {
	const char *ibdev, *netdev, *pci, *pp;
};
static const struct fx_twin FX_TWINS[4] = {
	{ "roceP2p1s0f0", "enP2p1s0f0np0", "0002:01:00.0", "p0" },
	{ "roceP2p1s0f1", "enP2p1s0f1np1", "0002:01:00.1", "p1" },
	{ "rocep1s0f0", "enp1s0f0np0", "0000:01:00.0", "p0" },
	{ "rocep1s0f1", "enp1s0f1np1", "0000:01:00.1", "p1" },
};

struct fx {
	char root[PATH_MAX];
};

/* Make a tree: args are passed to `spark-sysfs make ROOT` (e.g. "--up", "p1", NULL).
 * Skips the test when $SPARK_SYSFS is not set (outside CTest). */
__attribute__((unused, sentinel)) static void fx_make(struct fx *f, ...)
{
	const char *gen = getenv("SPARK_SYSFS");
	if (!gen || !gen[0]) {
		print_message("SPARK_SYSFS is not set (run through ctest)\n");
		skip();
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(f->root, sizeof(f->root), "%s/sl-unit-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->root));
	chmod(f->root, 0755);
	strncat(f->root, "/sys", sizeof(f->root) - strlen(f->root) - 1);
	const char *argv[16] = { "sh", gen, "make", f->root };
	int argc = 4;
	va_list ap;
	va_start(ap, f);
	const char *a;
	while ((a = va_arg(ap, const char *)) && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		umask(022);
		execv("/bin/sh", (char *const *)argv);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int fx_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP || flag == FTW_D || flag == FTW_DNR)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static int fx_chmod_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag == FTW_D || flag == FTW_DNR || flag == FTW_DP)
		chmod(path, (sb->st_mode & 07777) | 0700);
	return 0;
}

/* Remove the whole temporary directory (the parent of root). */
__attribute__((unused)) static void fx_remove(struct fx *f)
{
	if (!f->root[0])
		return;
	char top[PATH_MAX];
	snprintf(top, sizeof(top), "%s", f->root);
	char *slash = strrchr(top, '/');
	if (slash)
		*slash = '\0';
	if (!strstr(top, "/sl-unit-"))
		return; /* never remove anything we did not make */
	nftw(top, fx_chmod_one, 16, FTW_PHYS);
	nftw(top, fx_rm_one, 16, FTW_PHYS | FTW_DEPTH);
	f->root[0] = '\0';
}

/* ROOT/rel as a full path. */
__attribute__((unused, format(printf, 4, 5))) static void fx_path(const struct fx *f, char *buf,
								  size_t size, const char *fmt, ...)
{
	int n = snprintf(buf, size, "%s/", f->root);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Write len bytes to ROOT/rel (replacing what is there, following links as sysfs does). */
__attribute__((unused)) static void fx_write(const struct fx *f, const char *rel, const void *data,
					     size_t len)
{
	char p[PATH_MAX];
	fx_path(f, p, sizeof(p), "%s", rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

__attribute__((unused)) static void fx_puts(const struct fx *f, const char *rel, const char *s)
{
	fx_write(f, rel, s, strlen(s));
}

/* rm -rf ROOT/rel */
__attribute__((unused)) static void fx_delete(const struct fx *f, const char *rel)
{
	char p[PATH_MAX];
	fx_path(f, p, sizeof(p), "%s", rel);
	struct stat st;
	if (lstat(p, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode))
		nftw(p, fx_rm_one, 16, FTW_PHYS | FTW_DEPTH);
	else
		assert_int_equal(unlink(p), 0);
}

/* ROOT/rel becomes a symlink to target */
__attribute__((unused)) static void fx_symlink(const struct fx *f, const char *rel,
					       const char *target)
{
	char p[PATH_MAX];
	fx_path(f, p, sizeof(p), "%s", rel);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

__attribute__((unused)) static void fx_mkdir(const struct fx *f, const char *rel)
{
	char p[PATH_MAX];
	fx_path(f, p, sizeof(p), "%s", rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

/* A cmocka fixture: state is a struct fx, removed even when the test fails. */
__attribute__((unused)) static int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	*state = f;
	return 0;
}

__attribute__((unused)) static int fx_teardown(void **state)
{
	struct fx *f = *state;
	fx_remove(f);
	free(f);
	return 0;
}

/* True if s holds only text a terminal shows as is: valid UTF-8, no C0/C1 control, no DEL. */
__attribute__((unused)) static bool fx_is_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (*p < 0x80) {
			p++;
			continue;
		}
		int n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
		if (!n || *p > 0xf4)
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			return false; /* C1 */
		if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
			return false; /* overlong, surrogate */
		if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
			return false;
		p += n;
	}
	return true;
}

#endif
