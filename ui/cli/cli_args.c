/* cli_args.c: checking the command line's values before any work: getopt's refusals in our own
 * words, numbers, hosts, interface lists and file names. Every message names the option and the
 * value it got, cleaned of control characters and escape sequences (text_clean). */
#include "core/ssh/sshfiles.h"
#include "core/base/text.h"
#include "core/base/util.h"
#include "ui/cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cli_arg(const char *s, char *buf, size_t size)
{
	size_t n = s ? strlen(s) : 0;
	char *full = xcalloc(n + 1, 1);
	text_clean(full, n + 1, s ? s : "", n, 0); /* never longer than s */
	size_t len = strlen(full);
	if (len < size) {
		memcpy(buf, full, len + 1);
	} else if (size > 4) { /* too long to show whole: cut between characters, say so */
		len = size - 4;
		while (len && ((unsigned char)full[len] & 0xc0) == 0x80)
			len--;
		memcpy(buf, full, len);
		memcpy(buf + len, "...", 4);
	} else if (size) {
		buf[0] = '\0';
	}
	free(full);
	return buf;
}

void cli_getopt_error(const char *cmd, int argc, char **argv, const struct option *opts)
{
	char q[CLI_ARG_MAX], q2[CLI_ARG_MAX];
	/* getopt has moved past the option it refuses, unless it stopped inside a cluster (-vx) */
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (!str_starts(arg, "--")) {
		if (optopt)
			fprintf(stderr, "%s: unknown option '-%s'\n", cmd,
				cli_arg((char[]){ (char)optopt, '\0' }, q, sizeof(q)));
		else
			fprintf(stderr, "%s: unknown option '%s'\n", cmd,
				cli_arg(arg, q, sizeof(q)));
		return;
	}
	const char *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *hit = NULL;
	int nhits = 0;
	for (const struct option *o = opts; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len) { /* an exact name wins over abbreviations */
			hit = o;
			nhits = 1;
			break;
		}
		hit = o;
		nhits++;
	}
	if (nhits == 0 || len == 0) {
		fprintf(stderr, "%s: unknown option '%s'\n", cmd, cli_arg(arg, q, sizeof(q)));
	} else if (nhits > 1) {
		fprintf(stderr, "%s: '%s' is ambiguous: write the option out in full\n", cmd,
			cli_arg(arg, q, sizeof(q)));
	} else if (hit->has_arg == no_argument && eq) {
		fprintf(stderr, "%s: --%s takes no value, not '%s'\n", cmd, hit->name,
			cli_arg(eq + 1, q, sizeof(q)));
	} else if (hit->has_arg == required_argument) {
		fprintf(stderr, "%s: --%s needs a value\n", cmd, hit->name);
	} else {
		fprintf(stderr, "%s: bad option '%s' (--%s)\n", cmd, cli_arg(arg, q, sizeof(q)),
			cli_arg(hit->name, q2, sizeof(q2)));
	}
}

int cli_seconds(const char *cmd, const char *opt, const char *s, int min, int max, int *out)
{
	char q[CLI_ARG_MAX];
	char *end = NULL;
	long v = 0;
	/* digits only: no sign, no blanks, no hex, nothing after the number */
	if (s[0] && strspn(s, "0123456789") == strlen(s) && strlen(s) <= 9) {
		errno = 0;
		v = strtol(s, &end, 10);
	}
	if (!end || *end || errno || v < min || v > max) {
		fprintf(stderr, "%s: %s takes whole seconds from %d to %d, not '%s'\n", cmd, opt,
			min, max, cli_arg(s, q, sizeof(q)));
		return -1;
	}
	*out = (int)v;
	return 0;
}

bool cli_host_ok(const char *cmd, const char *what, const char *host)
{
	char q[CLI_ARG_MAX];
	if (!host[0]) {
		fprintf(stderr, "%s: %s is empty: give a host name (spark-2.local) or an address\n",
			cmd, what);
		return false;
	}
	if (host[0] == '-' || !ssh_name_valid(host)) {
		fprintf(stderr, "%s: %s '%s' is not a host name or an address%s\n", cmd, what,
			cli_arg(host, q, sizeof(q)),
			host[0] == '-' ? " (it looks like an option: is the value missing?)" : "");
		return false;
	}
	return true;
}

int cli_ifnames(const char *cmd, const char *opt, const char *list, char (*out)[16], size_t max,
		size_t *n)
{
	char q[CLI_ARG_MAX], one[CLI_ARG_MAX];
	cli_arg(list, q, sizeof(q));
	*n = 0;
	if (!list[0]) {
		fprintf(stderr,
			"%s: %s is empty: name the interfaces (IF,IF), or leave the option "
			"out for the cabled ones\n",
			cmd, opt);
		return -1;
	}
	for (const char *p = list;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char name[64];
		if (len == 0) {
			fprintf(stderr,
				"%s: %s '%s' has an empty name (two commas, or one at an "
				"end)\n",
				cmd, opt, q);
			return -1;
		}
		if (len >= sizeof(name)) {
			memcpy(name, p, sizeof(name) - 1);
			name[sizeof(name) - 1] = '\0';
		} else {
			memcpy(name, p, len);
			name[len] = '\0';
		}
		if (len >= sizeof(name) || !text_is_ifname(name) || name[0] == '-') {
			fprintf(stderr,
				"%s: %s: '%s' is not an interface name (1 to 15 of A-Z a-z 0-9 "
				". _ -, not starting with -)\n",
				cmd, opt, cli_arg(name, one, sizeof(one)));
			return -1;
		}
		for (size_t i = 0; i < *n; i++) {
			if (strcmp(out[i], name) == 0) {
				fprintf(stderr, "%s: %s '%s' names %s twice\n", cmd, opt, q, name);
				return -1;
			}
		}
		if (*n == max) {
			fprintf(stderr, "%s: %s '%s' names more than %zu interfaces\n", cmd, opt, q,
				max);
			return -1;
		}
		str_copy(out[(*n)++], name, 16);
		if (!comma)
			break;
		p = comma + 1;
	}
	return 0;
}

bool cli_outfile_ok(const char *cmd, const char *opt, const char *path)
{
	char q[CLI_ARG_MAX];
	if (!path[0]) {
		fprintf(stderr, "%s: %s is empty: give a file name\n", cmd, opt);
		return false;
	}
	cli_arg(path, q, sizeof(q));
	if (path[0] == '-') {
		fprintf(stderr,
			"%s: %s '%s' looks like an option (is the file name missing? write "
			"./%s for a file of that name)\n",
			cmd, opt, q, q);
		return false;
	}
	struct stat st;
	if (path[strlen(path) - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
		fprintf(stderr, "%s: %s '%s' is a directory: give a file name\n", cmd, opt, q);
		return false;
	}
	/* the directory it goes in must exist: the file is replaced there at the end */
	char dir[PATH_MAX];
	if (str_copy(dir, path, sizeof(dir)) >= sizeof(dir)) {
		fprintf(stderr, "%s: %s '%s' is too long\n", cmd, opt, q);
		return false;
	}
	char *slash = strrchr(dir, '/');
	if (!slash)
		str_copy(dir, ".", sizeof(dir));
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		char qd[CLI_ARG_MAX];
		fprintf(stderr, "%s: %s '%s': the directory %s does not exist\n", cmd, opt, q,
			cli_arg(dir, qd, sizeof(qd)));
		return false;
	}
	return true;
}

bool cli_user_ok(const char *cmd, const char *name, size_t size)
{
	char q[CLI_ARG_MAX];
	if (name[0] && name[0] != '-' && strlen(name) < size &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789._-") == strlen(name))
		return true;
	fprintf(stderr,
		"%s: --user '%s' is not a user name (letters, digits, . _ -, not starting with "
		"-)\n",
		cmd, cli_arg(name, q, sizeof(q)));
	return false;
}
