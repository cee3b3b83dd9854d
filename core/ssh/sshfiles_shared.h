/* sshfiles_shared.h: what the pieces of core/ssh's file handling share (private to core/ssh:
 * the public API is sshfiles.h): line and token scanning, the key checks, the edit engine. */
#ifndef SPARKLINK_SSHFILES_SHARED_H
#define SPARKLINK_SSHFILES_SHARED_H

#include "core/base/util.h"
#include "core/ssh/sshfiles.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <limits.h>

#define KEYTYPE_MAX 64
#define KEYLINE_MAX 16384
#define CONFIG_MARK "# sparklink: peer "

struct line {
	const char *p; /* content */
	size_t len; /* without "\n" and a "\r" before it */
	size_t off, end; /* bytes in the file, end after the terminator */
	bool nl; /* ended by "\n" */
	unsigned no; /* 1-based */
};

/* Builds a copy without some lines: keep each line that stays, then finish. */
struct line_filter {
	struct buf *out;
	bool dropped_unterminated;
};

struct sfile {
	char path[PATH_MAX]; /* as the messages name it */
	char dir[PATH_MAX];
	char base[NAME_MAX + 1];
	char io[PATH_MAX + 64]; /* what file_replace gets: /proc/self/fd/N/base */
	char iodir[64];
	int dirfd;
	bool exists;
	struct stat st;
	char *data;
	size_t len;
};

struct key_ref {
	const char *type, *b64;
	size_t tn, bn;
	bool ca; /* the line has the cert-authority option */
};

typedef int (*edit_fn)(void *ctx, const struct sfile *f, struct buf *out, char *err,
		       size_t errsize);

char sshf_ascii_lower(char c);
bool sshf_blob_matches_type(const char *b64, size_t n, const char *type, size_t tn);
bool sshf_login_valid(const char *s);
bool sshf_mem_caseeq_str(const char *a, size_t an, const char *s);
bool sshf_mem_eq(const char *a, size_t an, const char *b, size_t bn);
bool sshf_mem_eq_str(const char *a, size_t an, const char *s);
void sshf_append_text(struct buf *out, const char *old, size_t oldlen, const char *text);
void sshf_filter_finish(struct line_filter *lf);
void sshf_filter_line(struct line_filter *lf, const struct line *l, bool keep);
bool sshf_line_next(const char *data, size_t size, size_t *pos, unsigned *no, struct line *l);
const char *sshf_skip_tok(const char *p, const char *e);
const char *sshf_skip_ws(const char *p, const char *e);
void sshf_replace_all(char *s, size_t size, const char *from, const char *to);
int sshf_file_edit(const struct ssh_user *u, const char *path, bool create, edit_fn fn, void *ctx,
		   char *err, size_t errsize);
int sshf_read_fd(int fd, const char *path, struct stat *st, char **data, size_t *len, char *err,
		 size_t errsize);
int sshf_read_nofollow(const char *path, char **data, size_t *len, bool *exists, char *err,
		       size_t errsize);
int sshf_user_path(const struct ssh_user *u, const char *name, char *path, size_t size, char *err,
		   size_t errsize);

#endif
