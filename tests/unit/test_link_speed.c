/* test_link_speed.c: a netdev's speed read again on each carrier up through a file kept open
 * (core/net/link_speed.c), on Spark-shaped fixture trees (test_fixture.h): the value as the file
 * says it now, a file written anew, a netdev that went or came back under another ifindex, more
 * netdevs than files kept, garbage, and no file left open after link_speed_clear(). */
#include "core/net/link_speed.h"
#include "core/net/sysfs.h"

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <cmocka.h>

#include "test_fixture.h"

/* How many files this process has open (/proc/self/fd, less the directory being read). */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/* Each test: a Spark-shaped tree with port p1 up as the sysfs root, and how many files were open
 * before the test opened any. */
struct tree {
	struct fx f;
	int before;
};

static int tree_setup(void **state)
{
	struct tree *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	fx_make(&t->f, "--up", "p1", NULL);
	sysfs_set_root(t->f.root);
	t->before = open_fds();
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	fx_remove(&t->f);
	sysfs_set_root(NULL);
	free(t);
	return 0;
}

static void test_reads_what_the_file_says_now(void **state)
{
	struct tree *t = *state;
	struct fx *f = &t->f;
	int before = t->before;
	struct link_speed ls;
	link_speed_init(&ls);
	long v = 0;
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, 200000);
	/* the cable came back at 100G: the same file, written again */
	fx_puts(f, "class/net/enp1s0f1np1/speed", "100000\n");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, 100000);
	/* and longer than before, then shorter: nothing of an older value is left */
	fx_puts(f, "class/net/enp1s0f1np1/speed", "4294967295\n");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, 4294967295L);
	fx_puts(f, "class/net/enp1s0f1np1/speed", "-1\n");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(open_fds(), before + 1); /* one file kept for it */
	link_speed_clear(&ls);
	assert_int_equal(open_fds(), before);
}

static void test_missing_and_garbage(void **state)
{
	struct tree *t = *state;
	struct fx *f = &t->f;
	int before = t->before;
	struct link_speed ls;
	link_speed_init(&ls);
	long v = 42;
	assert_int_equal(link_speed_read(&ls, 9, "nosuch0", &v), -ENOENT);
	assert_int_equal(v, 42);
	fx_puts(f, "class/net/enp1s0f1np1/speed", "fast\n");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), -EINVAL);
	fx_puts(f, "class/net/enp1s0f1np1/speed", "200000 Mb/s\n");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), -EINVAL);
	fx_puts(f, "class/net/enp1s0f1np1/speed", "");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), -EINVAL);
	assert_int_equal(v, 42);
	fx_puts(f, "class/net/enp1s0f1np1/speed", "200000\n");
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, 200000);
	link_speed_clear(&ls);
	assert_int_equal(open_fds(), before);
}

/* A netdev that went and came back (a new ifindex), or another netdev under the name: its file
 * is opened again, not the one kept for the old one. */
static void test_netdev_replaced(void **state)
{
	struct tree *t = *state;
	struct fx *f = &t->f;
	struct link_speed ls;
	link_speed_init(&ls);
	long v = 0;
	assert_int_equal(link_speed_read(&ls, 7, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, 200000);
	char p[PATH_MAX], tmp[PATH_MAX];
	fx_path(f, p, sizeof(p), "class/net/enp1s0f1np1/speed");
	snprintf(tmp, sizeof(tmp), "%s.new", p);
	FILE *w = fopen(tmp, "w");
	assert_non_null(w);
	fputs("100000\n", w);
	fclose(w);
	assert_int_equal(rename(tmp, p), 0);
	assert_int_equal(link_speed_read(&ls, 12, "enp1s0f1np1", &v), 0);
	assert_int_equal(v, 100000);
	/* the netdev went: its name is no more */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(link_speed_read(&ls, 13, "enp1s0f1np1", &v), -ENOENT);
	link_speed_clear(&ls);
}

/* More netdevs than files kept: each still reads its own value; the least recently read file
 * is the one closed, and never more than LINK_SPEED_FILES are open. */
static void test_more_netdevs_than_files(void **state)
{
	struct tree *t = *state;
	struct fx *f = &t->f;
	int before = t->before;
	enum { N = LINK_SPEED_FILES + 4 };
	for (int i = 0; i < N; i++) {
		char rel[64], val[32];
		snprintf(rel, sizeof(rel), "class/net/x%d", i);
		char p[PATH_MAX];
		fx_path(f, p, sizeof(p), "%s", rel);
		assert_int_equal(mkdir(p, 0755), 0);
		snprintf(rel, sizeof(rel), "class/net/x%d/speed", i);
		snprintf(val, sizeof(val), "%d\n", 1000 * (i + 1));
		fx_puts(f, rel, val);
	}
	struct link_speed ls;
	link_speed_init(&ls);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++) {
			char name[16];
			snprintf(name, sizeof(name), "x%d", i);
			long v = 0;
			assert_int_equal(link_speed_read(&ls, 100 + i, name, &v), 0);
			assert_int_equal(v, 1000 * (i + 1));
			assert_true(open_fds() <= before + LINK_SPEED_FILES);
		}
	assert_int_equal(open_fds(), before + LINK_SPEED_FILES);
	link_speed_clear(&ls);
	assert_int_equal(open_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reads_what_the_file_says_now, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_garbage, tree_setup,
						tree_teardown),
		cmocka_unit_test_setup_teardown(test_netdev_replaced, tree_setup, tree_teardown),
		cmocka_unit_test_setup_teardown(test_more_netdevs_than_files, tree_setup,
						tree_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
