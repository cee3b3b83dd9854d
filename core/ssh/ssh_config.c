/* ssh_config.c: ~/.ssh/config: HashKnownHosts as ssh(1) resolves it, and the Host block
 * sparklink adds for a peer. */
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

#define CFG_MAXARGS 64

/* Split a config line as readconf.c does: the keyword ends at white space or one '=', the
 * arguments are separated by white space, "double" or 'single' quotes group, a backslash
 * escapes, an unquoted '#' starting an argument ends the line. The strings point into buf.
 * Returns the number of words (keyword included), 0 for a blank or comment line, -1 if
 * malformed. */
static int cfg_split(const char *p, size_t n, char *buf, char **argv, int max)
{
	const char *e = p + n;
	int argc = 0;
	char *o = buf;
	p = sshf_skip_ws(p, e);
	if (p == e || *p == '#')
		return 0;
	argv[argc++] = o;
	while (p < e && *p != ' ' && *p != '\t' && *p != '=')
		*o++ = *p++;
	*o++ = '\0';
	p = sshf_skip_ws(p, e);
	if (p < e && *p == '=')
		p = sshf_skip_ws(p + 1, e);
	while (p < e) {
		if (*p == '#')
			break;
		if (argc == max)
			return -1;
		argv[argc++] = o;
		char quote = 0;
		while (p < e && (quote || (*p != ' ' && *p != '\t'))) {
			if (quote && *p == quote) {
				quote = 0;
				p++;
			} else if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p++;
			} else if (*p == '\\' && p + 1 < e &&
				   (p[1] == '"' || p[1] == '\'' || p[1] == '\\' || p[1] == ' ')) {
				*o++ = p[1];
				p += 2;
			} else {
				*o++ = *p++;
			}
		}
		if (quote)
			return -1;
		*o++ = '\0';
		p = sshf_skip_ws(p, e);
	}
	return argc;
}

/* OpenSSH refuses a config nested deeper than 16 Includes; a config that reads itself several
 * times per line would otherwise take exponential time (root reads the user's config). */
#define CFG_MAX_DEPTH 16
#define CFG_MAX_READS 256

struct cfg_scan {
	const char *home;
	char reldir[PATH_MAX];
	int value; /* -1: not found yet */
	unsigned reads; /* files read so far */
	bool broken; /* too deep or too many files: ssh(1) would refuse it; stop */
};

static void cfg_file(struct cfg_scan *s, const char *path, bool *active, int depth);

static void cfg_include(struct cfg_scan *s, const char *arg, bool active, int depth)
{
	char pattern[PATH_MAX];
	if (arg[0] == '~' && (arg[1] == '/' || !arg[1])) {
		if (!s->home)
			return;
		snprintf(pattern, sizeof(pattern), "%s%s", s->home, arg + 1);
	} else if (arg[0] == '~') {
		return; /* ~otheruser: not for us */
	} else if (arg[0] == '/') {
		str_copy(pattern, arg, sizeof(pattern));
	} else {
		snprintf(pattern, sizeof(pattern), "%s/%s", s->reldir, arg);
	}
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		globfree(&g);
		return;
	}
	for (size_t i = 0; i < g.gl_pathc && s->value < 0 && !s->broken; i++) {
		bool a = active; /* an included file's Host lines do not leak out (readconf.c) */
		cfg_file(s, g.gl_pathv[i], &a, depth + 1);
	}
	globfree(&g);
}

static void cfg_file(struct cfg_scan *s, const char *path, bool *active, int depth)
{
	if (s->broken || s->value >= 0)
		return;
	if (depth > CFG_MAX_DEPTH || ++s->reads > CFG_MAX_READS) {
		s->broken = true;
		return;
	}
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return;
	char *data = NULL, err[8];
	size_t len = 0;
	struct stat st;
	int r = sshf_read_fd(fd, path, &st, &data, &len, err, sizeof(err));
	close(fd);
	if (r < 0)
		return;
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	char *buf = xcalloc(len + 2, 2);
	char *argv[CFG_MAXARGS];
	while (s->value < 0 && !s->broken && sshf_line_next(data, len, &pos, &no, &l)) {
		int argc = cfg_split(l.p, l.len, buf, argv, CFG_MAXARGS);
		if (argc <= 0)
			continue;
		if (!strcasecmp(argv[0], "host")) {
			*active = false;
			for (int i = 1; i < argc; i++)
				if (!strcmp(argv[i], "*"))
					*active = true;
		} else if (!strcasecmp(argv[0], "match")) {
			*active = argc == 2 && !strcasecmp(argv[1], "all");
		} else if (!strcasecmp(argv[0], "include")) {
			for (int i = 1; i < argc && *active && !s->broken; i++)
				cfg_include(s, argv[i], *active, depth);
		} else if (!strcasecmp(argv[0], "hashknownhosts") && *active && argc >= 2) {
			if (!strcasecmp(argv[1], "yes") || !strcasecmp(argv[1], "true"))
				s->value = 1;
			else if (!strcasecmp(argv[1], "no") || !strcasecmp(argv[1], "false"))
				s->value = 0;
		}
	}
	free(buf);
	free(data);
}

bool ssh_config_hash_known_hosts(const char *home, const char *user_config,
				 const char *system_config)
{
	struct cfg_scan s = { .home = home, .value = -1 };
	if (user_config) {
		snprintf(s.reldir, sizeof(s.reldir), "%s/.ssh", home ? home : "");
		bool active = true;
		cfg_file(&s, user_config, &active, 0);
	}
	if (s.value < 0 && system_config) {
		s.broken = false; /* the system's file on its own (as before for a user's loop) */
		s.reads = 0;
		str_copy(s.reldir, system_config, sizeof(s.reldir));
		char *slash = strrchr(s.reldir, '/');
		if (slash)
			*(slash == s.reldir ? slash + 1 : slash) = '\0';
		else
			str_copy(s.reldir, ".", sizeof(s.reldir));
		bool active = true;
		cfg_file(&s, system_config, &active, 0);
	}
	return s.value == 1;
}

bool ssh_hash_known_hosts(const struct ssh_user *u)
{
	char user_config[PATH_MAX], err[256];
	const char *sys = getenv("SPARKLINK_SSH_SYSTEM_CONFIG");
	if (!sys || !*sys)
		sys = "/etc/ssh/ssh_config";
	if (sshf_user_path(u, "config", user_config, sizeof(user_config), err, sizeof(err)) < 0)
		return ssh_config_hash_known_hosts(NULL, NULL, sys);
	return ssh_config_hash_known_hosts(u->home, user_config, sys);
}

/* The words of a config line into a fresh buffer (free *buf). */
static int cfg_words(const struct line *l, char **buf, char **argv)
{
	*buf = xcalloc(l->len + 2, 2);
	return cfg_split(l->p, l->len, *buf, argv, CFG_MAXARGS);
}

static bool cfg_is_block_start(int argc, char **argv)
{
	return argc > 0 && (!strcasecmp(argv[0], "host") || !strcasecmp(argv[0], "match"));
}

/* Our block for alias: the marker line, a Host line whose first pattern is the alias, and the
 * HostName/User lines after it. [off, end) in the file; after: the first line after it. */
struct cfg_block {
	bool found;
	size_t off, end;
	bool last_nl; /* the block's last line ends with "\n" */
	unsigned first; /* line number of the marker */
};

static bool marker_for(const struct line *l, const char *alias)
{
	size_t ml = strlen(CONFIG_MARK), al = strlen(alias);
	return l->len >= ml + al && !memcmp(l->p, CONFIG_MARK, ml) &&
	       sshf_mem_caseeq_str(l->p + ml, al, alias) &&
	       (l->len == ml + al || l->p[ml + al] == ' ');
}

static void cfg_find_block(const char *data, size_t size, const char *alias, struct cfg_block *b)
{
	memset(b, 0, sizeof(*b));
	size_t pos = 0;
	unsigned no = 0;
	struct line l;
	char *argv[CFG_MAXARGS];
	while (sshf_line_next(data, size, &pos, &no, &l)) {
		if (!marker_for(&l, alias))
			continue;
		size_t p2 = pos;
		unsigned no2 = no;
		struct line h;
		char *buf;
		if (!sshf_line_next(data, size, &p2, &no2, &h))
			return;
		int argc = cfg_words(&h, &buf, argv);
		bool ok = argc >= 2 && !strcasecmp(argv[0], "host") && !strcasecmp(argv[1], alias);
		free(buf);
		if (!ok)
			continue;
		b->found = true;
		b->off = l.off;
		b->first = l.no;
		b->end = h.end;
		b->last_nl = h.nl;
		struct line o;
		while (sshf_line_next(data, size, &p2, &no2, &o)) {
			argc = cfg_words(&o, &buf, argv);
			bool ours = argc == 2 && (!strcasecmp(argv[0], "hostname") ||
						  !strcasecmp(argv[0], "user"));
			free(buf);
			if (!ours)
				break;
			b->end = o.end;
			b->last_nl = o.nl;
		}
		return;
	}
}

struct cfg_ctx {
	const char *alias;
	char *block; /* lines joined by "\n", no final newline */
	bool done;
};

static int cfg_add_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
			size_t errsize)
{
	struct cfg_ctx *c = vctx;
	c->done = false;
	struct cfg_block b;
	cfg_find_block(f->data, f->len, c->alias, &b);
	if (b.found) {
		buf_add(out, f->data, b.off);
		buf_puts(out, c->block);
		if (b.last_nl)
			buf_add(out, "\n", 1);
		buf_add(out, f->data + b.end, f->len - b.end);
		if (out->len == f->len && !memcmp(out->data, f->data, f->len))
			return 0;
		c->done = true;
		return 1;
	}
	size_t pos = 0, insert = SIZE_MAX;
	unsigned no = 0;
	struct line l;
	char *argv[CFG_MAXARGS];
	while (sshf_line_next(f->data, f->len, &pos, &no, &l)) {
		char *buf;
		int argc = cfg_words(&l, &buf, argv);
		bool start = cfg_is_block_start(argc, argv);
		bool conflict = false;
		for (int i = 1; start && i < argc && !strcasecmp(argv[0], "host"); i++)
			conflict |= !strcasecmp(argv[i], c->alias);
		free(buf);
		if (conflict) {
			snprintf(err, errsize,
				 "%s:%u already has a Host line for %s that sparklink did not "
				 "write; sparklink leaves it as it is",
				 f->path, l.no, c->alias);
			return -EEXIST;
		}
		if (start && insert == SIZE_MAX)
			insert = l.off;
	}
	if (insert == SIZE_MAX) {
		sshf_append_text(out, f->data, f->len, c->block);
	} else {
		/* Before the first Host/Match line: the lines above it stay global, and ours
		 * come before "Host *" (ssh takes the first value it finds). */
		buf_add(out, f->data, insert);
		buf_puts(out, c->block);
		buf_add(out, "\n", 1);
		buf_add(out, f->data + insert, f->len - insert);
	}
	c->done = true;
	return 1;
}

static int cfg_remove_edit(void *vctx, const struct sfile *f, struct buf *out, char *err,
			   size_t errsize)
{
	struct cfg_ctx *c = vctx;
	c->done = false;
	struct cfg_block b;
	cfg_find_block(f->data, f->len, c->alias, &b);
	if (!b.found)
		return 0;
	size_t pos = b.end;
	unsigned no = 0;
	struct line l;
	char *argv[CFG_MAXARGS];
	/* Line numbers after the block: count the lines before it. */
	for (size_t i = 0; i < b.end; i++)
		no += f->data[i] == '\n';
	while (sshf_line_next(f->data, f->len, &pos, &no, &l)) {
		char *buf;
		int argc = cfg_words(&l, &buf, argv);
		bool start = cfg_is_block_start(argc, argv);
		free(buf);
		if (start)
			break;
		if (argc != 0) {
			snprintf(err, errsize,
				 "%s:%u belongs to the Host block that sparklink wrote for %s "
				 "(line %u) but sparklink did not write it; removing the block "
				 "would move it into another one. Remove the block by hand",
				 f->path, l.no, c->alias, b.first);
			return -EBUSY;
		}
	}
	pos = 0;
	no = 0;
	struct line_filter lf = { .out = out };
	while (sshf_line_next(f->data, f->len, &pos, &no, &l))
		sshf_filter_line(&lf, &l, l.off < b.off || l.off >= b.end);
	sshf_filter_finish(&lf);
	c->done = true;
	return 1;
}

int ssh_config_add_host(const struct ssh_user *u, const char *alias, const char *const *names,
			size_t nnames, const char *user, bool *changed, char *err, size_t errsize)
{
	if (changed)
		*changed = false;
	if (!ssh_name_valid(alias)) {
		snprintf(err, errsize, "the alias is not a plain host name or numeric address");
		return -EINVAL;
	}
	for (size_t i = 0; i < nnames; i++) {
		if (!ssh_name_valid(names[i])) {
			snprintf(err, errsize,
				 "name %zu is not a plain host name or numeric address; "
				 "nothing was changed",
				 i + 1);
			return -EINVAL;
		}
	}
	if (user && *user && !sshf_login_valid(user)) {
		snprintf(err, errsize,
			 "the user name is not a plain login name; nothing was changed");
		return -EINVAL;
	}
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s%s (sparklink replaces or removes this block)\nHost %s", CONFIG_MARK,
		   alias, alias);
	const char *hostname = NULL;
	for (size_t i = 0; i < nnames; i++) {
		bool dup = !strcasecmp(names[i], alias);
		for (size_t j = 0; j < i && !dup; j++)
			dup = !strcasecmp(names[i], names[j]);
		if (!dup)
			buf_printf(&b, " %s", names[i]);
		/* HostName expands %-tokens: a %scope would be one. */
		if (!hostname && !strchr(names[i], '%'))
			hostname = names[i];
	}
	if (hostname)
		buf_printf(&b, "\n\tHostName %s", hostname);
	if (user && *user)
		buf_printf(&b, "\n\tUser %s", user);
	struct cfg_ctx c = { .alias = alias, .block = b.data };
	char path[PATH_MAX];
	int r = sshf_user_path(u, "config", path, sizeof(path), err, errsize);
	if (r == 0)
		r = sshf_file_edit(u, path, true, cfg_add_edit, &c, err, errsize);
	if (r == 0 && changed)
		*changed = c.done;
	buf_free(&b);
	return r;
}

int ssh_config_remove_host(const struct ssh_user *u, const char *alias, bool *removed, char *err,
			   size_t errsize)
{
	if (removed)
		*removed = false;
	if (!ssh_name_valid(alias)) {
		snprintf(err, errsize, "the alias is not a plain host name or numeric address");
		return -EINVAL;
	}
	struct cfg_ctx c = { .alias = alias };
	char path[PATH_MAX];
	int r = sshf_user_path(u, "config", path, sizeof(path), err, errsize);
	if (r == 0)
		r = sshf_file_edit(u, path, false, cfg_remove_edit, &c, err, errsize);
	if (r == 0 && removed)
		*removed = c.done;
	return r;
}
