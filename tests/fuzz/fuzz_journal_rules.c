/* fuzz_journal_ops.c: a whole journal (lines as journal_read() reads them), every record
 * judged as root's journal and as a user's (journal_ops.h), as rollback, status and the
 * console judge them before anything is listed or undone. What a verdict of OK promises is
 * checked independently of how the rules are written: in root's journal a restored file is a
 * netplan file or a backup, an interface change follows a plan record (or a cluster plan giving
 * that interface to that host), an SSH file is the
 * user's own; in a user's journal only what pairing writes is OK. */
#include "tests/fuzz/fuzz.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"

#define HOME "/home/nvidia"
#define MAXREC 64

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* A cluster-plan record's data gives ifname to the node written under host: its "node=HOST,"
 * entry (up to the next space) holds ",IFNAME=". */
static bool cluster_names(const char *data, const char *host, const char *ifname)
{
	char want[300], ifw[40];
	snprintf(want, sizeof(want), "node=%s,", host);
	snprintf(ifw, sizeof(ifw), ",%s=", ifname);
	for (const char *p = strstr(data, want); p; p = strstr(p + 1, want)) {
		if (p != data && p[-1] != ' ')
			continue;
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *f = strstr(p, ifw);
		if (f && f < p + len)
			return true;
	}
	return false;
}

static void check(const struct journal_record *v, size_t n, size_t i, bool user)
{
	struct journal_scope s = { .user_journal = user, .home = HOME };
	char why[512];
	enum journal_verdict jv = journal_judge(v, n, i, &s, why, sizeof(why));
	FZ_CHECK(jv == JOURNAL_OK || jv == JOURNAL_REFUSED || jv == JOURNAL_IGNORED, "verdict %d",
		 jv);
	FZ_CHECK(jv == JOURNAL_OK || why[0], "a refusal without a reason");
	if (jv != JOURNAL_OK)
		return;
	const struct journal_record *r = &v[i];
	bool local = strcmp(r->host, "local") == 0;
	const char *op = r->op;
	if (user)
		FZ_CHECK(journal_op_is_ssh(op) || strcmp(op, "undone") == 0,
			 "a user's journal had %s accepted", op);
	if (strcmp(op, "file-write") == 0 || strcmp(op, "backup") == 0) {
		const char *dir = starts(r->path, "/etc/netplan/")	    ? "/etc/netplan/"
				  : starts(r->path, JOURNAL_BACKUP_DIR "/") ? JOURNAL_BACKUP_DIR "/"
									    : NULL;
		FZ_CHECK(dir && r->path[strlen(dir)] && r->path[strlen(dir)] != '.' &&
				 !strchr(r->path + strlen(dir), '/'),
			 "%s of %s accepted", op, r->path);
	}
	if (strcmp(op, "addr-add") == 0 || strcmp(op, "mtu-set") == 0 ||
	    strcmp(op, "link-up") == 0 || strcmp(op, "ll4") == 0 || strcmp(op, "ll6") == 0) {
		bool plan = false;
		for (size_t k = 0; k < i; k++)
			plan |= (strcmp(v[k].op, "plan") == 0 && v[k].data &&
				 strstr(v[k].data, r->path) != NULL) ||
				(strcmp(v[k].op, "cluster-plan") == 0 && v[k].data &&
				 strcmp(v[k].host, "local") == 0 &&
				 cluster_names(v[k].data, r->host, r->path));
		FZ_CHECK(plan, "%s on %s accepted without a plan naming it", op, r->path);
	}
	if (local && (strcmp(op, "authkeys-add") == 0 || strcmp(op, "known-hosts-add") == 0 ||
		      strcmp(op, "ssh-config-host") == 0 || strcmp(op, "key-create") == 0))
		FZ_CHECK(starts(r->path, HOME "/.ssh/") &&
				 !strchr(r->path + strlen(HOME "/.ssh/"), '/'),
			 "%s of %s accepted", op, r->path);
	if (!local && journal_op_is_ssh(op) && strcmp(op, "user-create") != 0)
		FZ_CHECK(starts(r->path, "~/.ssh/"), "%s of %s on a peer accepted", op, r->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fz_strndup(data, size);
	struct journal_record v[MAXREC];
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && n < MAXREC;
	     line = strtok_r(NULL, "\n", &save)) {
		if (journal_record_parse(line, &v[n]))
			n++;
		else
			free(v[n].data);
	}
	for (size_t i = 0; i < n; i++) {
		check(v, n, i, false);
		check(v, n, i, true);
	}
	struct journal_scope s = { .user_journal = false, .home = HOME };
	struct journal_counts c;
	journal_count(v, n, &s, &c);
	FZ_CHECK(c.pending_net >= 0 && c.pending_ssh >= 0 && c.refused >= 0 &&
			 (size_t)(c.pending_net + c.pending_ssh + c.refused) <= n,
		 "counts beyond the records");
	for (size_t i = 0; i < n; i++)
		free(v[i].data);
	free(text);
	return 0;
}
