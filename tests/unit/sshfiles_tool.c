/* sshfiles_tool.c: a command-line driver for core/ssh (sshfiles.h), so that the CLI test can hold
 * the files it writes against OpenSSH's own tools (ssh-keygen, ssh-keyscan, ssh, sshd).
 *
 *   sshfiles_tool [--home DIR] [--uid N --gid N] COMMAND ARGS...
 *     check FILE PORT TYPE B64 NAME...            prints "<status> <where>"
 *     add FILE PORT TYPE B64 hashed|plain NAME... prints "added N"
 *     remove FILE PORT TYPE B64 NAME...           prints "removed N"
 *     authadd KEYLINE | authremove KEYLINE        prints "added|removed yes|no"
 *     hash USERCONFIG|- SYSTEMCONFIG|-            prints "yes" or "no"
 *     hash-user                                   ssh_hash_known_hosts() for the user
 *     config-add ALIAS USER|- NAME...             prints "changed yes|no"
 *     config-remove ALIAS                         prints "removed yes|no"
 *     sshdir                                      prints the directory and "fixed yes|no"
 *     valid KEYLINE                               exit 0 if pubkey_line_valid
 *     batch                                       the commands above, one per line of stdin,
 *                                                 arguments separated by tabs; a command that
 *                                                 fails also prints "exit N" on stdout
 * Errors: the sentence on stderr, exit 1. Usage errors: exit 2. (batch: the worst exit.) */
#include "core/ssh/sshfiles.h"
#include "core/base/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
	fprintf(stderr, "usage: sshfiles_tool [--home DIR] [--uid N --gid N] COMMAND ARGS...\n");
	return 2;
}

static int failed(const char *err)
{
	fprintf(stderr, "sshfiles_tool: %s\n", err);
	return 1;
}

static unsigned port_arg(const char *s)
{
	return (unsigned)strtoul(s, NULL, 10);
}

static const char *yes(bool b)
{
	return b ? "yes" : "no";
}

/* One command: cmd with its n arguments a. */
static int run(struct ssh_user *ur, const char *cmd, int n, char **a)
{
	struct ssh_user u = *ur;
	char err[1024];

	if (!strcmp(cmd, "check") && n >= 5) {
		char where[PATH_MAX + 1024];
		enum kh_status s = known_hosts_check(a[0], (const char *const *)a + 4,
						     (size_t)n - 4, port_arg(a[1]), a[2], a[3],
						     where, sizeof(where));
		printf("%s %s\n", kh_status_word(s), where);
		return s == KH_ERROR ? 1 : 0;
	}
	if (!strcmp(cmd, "add") && n >= 6) {
		int added = 0;
		if (known_hosts_add(&u, a[0], (const char *const *)a + 5, (size_t)n - 5,
				    port_arg(a[1]), a[2], a[3], !strcmp(a[4], "hashed"), &added,
				    err, sizeof(err)) < 0)
			return failed(err);
		printf("added %d\n", added);
		return 0;
	}
	if (!strcmp(cmd, "remove") && n >= 5) {
		int removed = 0;
		if (known_hosts_remove(&u, a[0], (const char *const *)a + 4, (size_t)n - 4,
				       port_arg(a[1]), a[2], a[3], &removed, err, sizeof(err)) < 0)
			return failed(err);
		printf("removed %d\n", removed);
		return 0;
	}
	if ((!strcmp(cmd, "authadd") || !strcmp(cmd, "authremove")) && n == 1) {
		bool done = false;
		bool add = !strcmp(cmd, "authadd");
		int r = add ? authkeys_add(&u, a[0], &done, err, sizeof(err))
			    : authkeys_remove(&u, a[0], &done, err, sizeof(err));
		if (r < 0)
			return failed(err);
		printf("%s %s\n", add ? "added" : "removed", yes(done));
		return 0;
	}
	if (!strcmp(cmd, "hash") && n == 2) {
		const char *uc = strcmp(a[0], "-") ? a[0] : NULL;
		const char *sc = strcmp(a[1], "-") ? a[1] : NULL;
		printf("%s\n", yes(ssh_config_hash_known_hosts(u.home, uc, sc)));
		return 0;
	}
	if (!strcmp(cmd, "hash-user") && n == 0) {
		printf("%s\n", yes(ssh_hash_known_hosts(&u)));
		return 0;
	}
	if (!strcmp(cmd, "config-add") && n >= 2) {
		bool changed = false;
		if (ssh_config_add_host(&u, a[0], (const char *const *)a + 2, (size_t)n - 2,
					strcmp(a[1], "-") ? a[1] : NULL, &changed, err,
					sizeof(err)) < 0)
			return failed(err);
		printf("changed %s\n", yes(changed));
		return 0;
	}
	if (!strcmp(cmd, "config-remove") && n == 1) {
		bool removed = false;
		if (ssh_config_remove_host(&u, a[0], &removed, err, sizeof(err)) < 0)
			return failed(err);
		printf("removed %s\n", yes(removed));
		return 0;
	}
	if (!strcmp(cmd, "sshdir") && n == 0) {
		char dir[PATH_MAX];
		bool fixed = false;
		if (sshdir_ensure(&u, dir, sizeof(dir), &fixed, err, sizeof(err)) < 0)
			return failed(err);
		printf("%s fixed %s\n", dir, yes(fixed));
		return 0;
	}
	if (!strcmp(cmd, "valid") && n == 1)
		return pubkey_line_valid(a[0]) ? 0 : 1;
	return usage();
}

/* Commands from stdin, one per line, tab-separated: one process for many checks. */
static int batch(struct ssh_user *u)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int worst = 0;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		char *a[64];
		int n = 0;
		for (char *p = line; p && n < 64;) {
			a[n++] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (!line[0])
			continue;
		int r = run(u, a[0], n - 1, a + 1);
		if (r)
			printf("exit %d\n", r);
		fflush(stdout);
		fflush(stderr);
		worst = r > worst ? r : worst;
	}
	free(line);
	return worst;
}

int main(int argc, char **argv)
{
	struct ssh_user u;
	char err[1024];
	int i = 1;
	if (ssh_user_current(&u, err, sizeof(err)) < 0)
		return failed(err);
	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
		if (!strcmp(argv[i], "--home"))
			str_copy(u.home, argv[i + 1], sizeof(u.home));
		else if (!strcmp(argv[i], "--uid"))
			u.uid = (uid_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--gid"))
			u.gid = (gid_t)strtoul(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	if (!strcmp(argv[i], "batch") && i + 1 == argc)
		return batch(&u);
	return run(&u, argv[i], argc - i - 1, argv + i + 1);
}
