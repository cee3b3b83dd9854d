/* rollback.c: reading the journal and undoing this machine's SSH changes. */
#include "core/rollback.h"
#include "core/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
				if (sscanf(s + 1, "%4x", &v) != 1 || v >= 0x80 || v == 0) {
					buf_free(&b);
					return NULL; /* the journal writer escapes only ASCII controls */
				}
				c = (char)v;
				s += 4;
				break;
			}
			default:
				buf_free(&b);
				return NULL;
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
static bool parse_record(const char *line, struct journal_record *r)
{
	memset(r, 0, sizeof(*r));
	r->seq = -1;
	const char *p = line;
	if (*p++ != '{')
		return false;
	bool have_op = false;
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

int journal_read(const char *path, struct journal_record **out, char *err, size_t errsize)
{
	*out = NULL;
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		if (e == ENOENT)
			return 0; /* nothing was ever changed */
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
		if (!parse_record(line, &r)) {
			/* a torn last line (a crash mid-write) or a foreign one: skip, say so */
			if (!bad++)
				snprintf(err, errsize, "%s:%zu is not a journal record; skipped", path, lineno);
			free(r.data);
			continue;
		}
		v = xrealloc(v, n + 1, sizeof(*v));
		v[n++] = r;
	}
	free(line);
	fclose(f);
	*out = v;
	return (int)n;
}

void journal_records_free(struct journal_record *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].data);
	free(v);
}

/* "n1,n2 type key" -> names (pointers into a copy), type, key */
static size_t split_known_hosts(char *data, const char **names, size_t max, char **type, char **key)
{
	char *sp = strchr(data, ' ');
	if (!sp)
		return 0;
	*sp = '\0';
	*type = sp + 1;
	char *sp2 = strchr(*type, ' ');
	if (!sp2)
		return 0;
	*sp2 = '\0';
	*key = sp2 + 1;
	size_t n = 0;
	for (char *tok = strtok(data, ","); tok && n < max; tok = strtok(NULL, ","))
		names[n++] = tok;
	return n;
}

int rollback_ssh_local(const struct journal_record *v, size_t n, const struct ssh_user *u,
		       bool dry_run, struct buf *log, struct rollback_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	char err[512];
	for (size_t i = n; i-- > 0;) {
		const struct journal_record *r = &v[i];
		bool local = strcmp(r->host, "local") == 0;
		if (!local) {
			if (str_starts(r->op, "authkeys-") || str_starts(r->op, "known-hosts-") ||
			    strcmp(r->op, "user-create") == 0) {
				rep->remote++;
				buf_printf(log, "on %s: undo %s in %s (over SSH)\n", r->host, r->op, r->path);
			}
			continue;
		}
		if (strcmp(r->op, "authkeys-add") == 0 && r->data) {
			if (dry_run) {
				buf_printf(log, "remove the key line added to %s\n", r->path);
				continue;
			}
			bool removed = false;
			if (authkeys_remove(u, r->data, &removed, err, sizeof(err)) < 0) {
				rep->failed++;
				buf_printf(log, "FAILED: %s\n", err);
			} else {
				removed ? rep->undone++ : rep->already++;
				buf_printf(log, "%s the key line in %s\n", removed ? "removed" : "already gone:",
					   r->path);
			}
		} else if (strcmp(r->op, "known-hosts-add") == 0 && r->data) {
			char *copy = xstrdup(r->data), *type, *key;
			const char *names[16];
			size_t nn = split_known_hosts(copy, names, 16, &type, &key);
			if (!nn) {
				rep->failed++;
				buf_printf(log, "FAILED: a known_hosts record of %s is malformed\n", r->path);
			} else if (dry_run) {
				buf_printf(log, "remove the host key lines for %s from %s\n", names[0], r->path);
			} else {
				int removed = 0;
				if (known_hosts_remove(u, r->path, names, nn, 22, type, key, &removed, err,
						       sizeof(err)) < 0) {
					rep->failed++;
					buf_printf(log, "FAILED: %s\n", err);
				} else {
					removed ? rep->undone++ : rep->already++;
					buf_printf(log, "%s %d host key line%s for %s in %s\n",
						   removed ? "removed" : "already gone:", removed,
						   removed == 1 ? "" : "s", names[0], r->path);
				}
			}
			free(copy);
		} else if (strcmp(r->op, "ssh-config-host") == 0 && r->data) {
			if (dry_run) {
				buf_printf(log, "remove the Host %s block from %s\n", r->data, r->path);
				continue;
			}
			bool removed = false;
			if (ssh_config_remove_host(u, r->data, &removed, err, sizeof(err)) < 0) {
				rep->failed++;
				buf_printf(log, "FAILED: %s\n", err);
			} else {
				removed ? rep->undone++ : rep->already++;
				buf_printf(log, "%s the Host %s block in %s\n", removed ? "removed" : "already gone:",
					   r->data, r->path);
			}
		} else if (strcmp(r->op, "key-create") == 0) {
			rep->kept++;
			buf_printf(log, "kept your key %s (it may be in use elsewhere)\n", r->path);
		}
	}
	return rep->failed ? -1 : 0;
}
