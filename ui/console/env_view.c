/* env_view.c: the console's view of `sparklink env` (key e): the hostfile and the environment
 * for the applied plan (two nodes or a cluster) as the files hold them, checked against the model
 * now; w writes them into ~/sparklink-env here as the user (core/jobs/launch_files.h), as
 * `env --write` does; p writes them on every peer too, as `env --write --on-peers` does: the
 * write job (each peer checked and read over the pairing's SSH, then the same files on each) runs
 * in a worker and reports through the job protocol; this node's copy is written after it, in
 * the loop's after-turn, and every outcome goes to the log. */
#include "ui/console/console_shared.h"
#include "core/base/util.h"
#include "core/net/sysfs.h"
#include "core/guide/actlog.h"
#include "core/jobs/job.h"
#include "core/jobs/launch_env.h"
#include "core/jobs/launch_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The applied plan and this node's environment, or -1 with the reason in err. */
static int make_env(struct console *c, struct launch_plan *lp, const struct launch_opts *lo,
		    struct launch_env *e, char *err, size_t errsize)
{
	char why[512];
	if (launch_plan_read(c->inv.journal, lp, why, sizeof(why)) < 0) {
		if (!c->facts.plan_applied) {
			snprintf(err, errsize,
				 "No plan is applied: address the ports first (step 3); the "
				 "environment is the applied plan's.");
			return -1;
		}
		launch_plan_from_plan(&c->facts.plan, c->facts.plan_peer, lp);
	}
	return launch_env_make(lp, &c->model, lo, e, err, errsize);
}

/* The files for the applied plan (the peers' values from the plan), or -1 with the reason. */
static int make(struct console *c, struct launch_files *f, char *err, size_t errsize)
{
	struct launch_plan *lp = xcalloc(1, sizeof(*lp));
	struct launch_opts lo = { .bootstrap = LAUNCH_BOOT_MGMT };
	struct launch_env e;
	launch_env_init(&e);
	int rc = make_env(c, lp, &lo, &e, err, errsize);
	if (rc == 0) {
		struct launch_env *envs = xcalloc(LAUNCH_MAX_NODES, sizeof(*envs));
		struct buf warn;
		buf_init(&warn);
		launch_envs_make(lp, &lo, &e, NULL, envs, &warn);
		launch_files_make(&e, envs, lp, &lo, f, &warn);
		for (size_t n = 0; n < LAUNCH_MAX_NODES; n++)
			launch_env_free(&envs[n]);
		free(envs);
		buf_free(&warn);
	}
	launch_env_free(&e);
	free(lp);
	return rc;
}

/* The lines of b (a file's bytes) on one line, two spaces apart, without the "# written by"
 * header. */
static void join(const struct buf *b, char *out, size_t size)
{
	out[0] = '\0';
	const char *p = b->data, *end = p ? p + b->len : NULL;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p), used = strlen(out);
		if (l && strncmp(p, "# written by", 12) != 0)
			snprintf(out + used, size - used, "%s%.*s", used ? "  " : "", (int)l, p);
		p += l + 1;
	}
}

void env_view_open(struct console *c)
{
	struct launch_files f;
	char err[2048], text[2400], keys[160];
	const char *title = "The job's environment: sparklink env (Esc closes)";
	if (make(c, &f, err, sizeof(err)) < 0) {
		snprintf(text, sizeof(text), "Not ready:\n%s", err);
		info_dialog_set(&c->info, title, text, "Esc: close", 0);
	} else {
		/* one paragraph each (the dialog puts a blank line between paragraphs) */
		char hosts[400] = "", vars[1600] = "";
		join(&f.data[0], hosts, sizeof(hosts));
		join(&f.data[2], vars, sizeof(vars));
		snprintf(
			text, sizeof(text),
			"hostfile: %s\nThe variables (the same on every node): %s\nw writes "
			"hostfile, env.sh, env.list and env.json into ~/%s here; p writes the same "
			"files on every peer too, over the pairing's SSH, once each peer's rails "
			"are checked.",
			hosts, vars, LAUNCH_FILES_DIR);
		snprintf(keys, sizeof(keys),
			 "w: write ~/%s here    p: here and on the peers    "
			 "Esc: close",
			 LAUNCH_FILES_DIR);
		info_dialog_set(&c->info, title, text, keys, 'w');
		c->info.offer2 = 'p';
		launch_files_free(&f);
	}
	c->state = STATE_INFO;
}

void env_view_write(struct console *c)
{
	struct launch_files f;
	char err[2048], dir[PATH_MAX + 32], list[400];
	if (make(c, &f, err, sizeof(err)) < 0) {
		actlog_add(&c->log, ACTLOG_FAIL, "Environment: not written: %s", err);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/%s", c->inv.user.home, LAUNCH_FILES_DIR);
	launch_files_list(&f, list, sizeof(list));
	if (launch_files_write(&f, dir, &c->inv.user, err, sizeof(err)) < 0)
		actlog_add(&c->log, ACTLOG_FAIL, "Environment: not written: %s", err);
	else
		actlog_add(&c->log, ACTLOG_OK, "Environment: %s/%s written", dir, list);
	launch_files_free(&f);
}

/* ---------------------------------------------------------------- on the peers too */

static void on_msg(const struct worker_msg *m, void *owner)
{
	struct console *c = owner;
	struct env_write *ew = c->envwrite;
	if (!ew)
		return;
	if (m->question) /* the pairing's key logs in: nothing to ask; refuse */
		worker_answer(ew->worker, "");
	if (m->kind == JOB_RESULT)
		actlog_add(&c->log, strcmp(m->extra, "ok") == 0 ? ACTLOG_OK : ACTLOG_FAIL,
			   "Environment on %s", m->text);
	else if (m->kind == JOB_WARN)
		actlog_add(&c->log, ACTLOG_INFO, "Environment: %s", m->text);
	else if (m->kind == JOB_DONE)
		str_copy(ew->summary, m->text, sizeof(ew->summary));
	else if (m->kind == WORKER_DONE)
		ew->done = true;
	c->dirty = true;
}

void env_view_write_peers(struct console *c)
{
	if (c->envwrite) {
		actlog_add(&c->log, ACTLOG_INFO, "Environment: still writing on the peers");
		return;
	}
	struct env_write *ew = xcalloc(1, sizeof(*ew));
	struct launch_write_job *job = &ew->job;
	char err[2048];
	job->opts = (struct launch_opts){ .bootstrap = LAUNCH_BOOT_MGMT };
	launch_env_init(&ew->self);
	if (make_env(c, &ew->plan, &job->opts, &ew->self, err, sizeof(err)) < 0) {
		actlog_add(&c->log, ACTLOG_FAIL, "Environment: not written: %s", err);
		goto fail;
	}
	job->plan = &ew->plan;
	job->self = &ew->self;
	str_copy(job->sysfs_root, sysfs_root(), sizeof(job->sysfs_root));
	str_copy(job->rel, LAUNCH_FILES_DIR, sizeof(job->rel));
	job->user = c->inv.user;
	job->timeout_s = 10;
	for (size_t n = 0; n < ew->plan.nnodes; n++) {
		const struct launch_node *nd = &ew->plan.nodes[n];
		const char *addr = nd->host[0] ? nd->host : nd->mgmt_addr;
		if ((int)n == ew->plan.self)
			continue;
		if (!addr[0]) {
			actlog_add(&c->log, ACTLOG_FAIL,
				   "Environment: not written: %s has no address to reach it at",
				   nd->name);
			goto fail;
		}
		struct launch_peer *p = &job->peers[job->npeers++];
		str_copy(p->address, addr, sizeof(p->address));
		str_copy(p->name, nd->name, sizeof(p->name));
		p->node = n;
	}
	c->envwrite = ew;
	ew->worker = worker_start(c->loop, launch_write_job_run, job, on_msg, c);
	if (!ew->worker) {
		c->envwrite = NULL;
		actlog_add(&c->log, ACTLOG_FAIL, "Environment: cannot start the job");
		goto fail;
	}
	actlog_add(&c->log, ACTLOG_INFO,
		   "Environment: checking %zu peer%s, then writing ~/%s on every node", job->npeers,
		   job->npeers == 1 ? "" : "s", LAUNCH_FILES_DIR);
	return;
fail:
	launch_env_free(&ew->self);
	free(ew);
}

void env_view_after_turn(struct console *c)
{
	struct env_write *ew = c->envwrite;
	if (!ew || !ew->done)
		return;
	worker_free(ew->worker);
	struct launch_write_job *job = &ew->job;
	char err[1024], dir[PATH_MAX + 32], list[400];
	if (job->warnings.len)
		actlog_add(&c->log, ACTLOG_INFO, "Environment: %.*s", (int)job->warnings.len,
			   job->warnings.data);
	if (job->files_made) {
		snprintf(dir, sizeof(dir), "%s/%s", c->inv.user.home, LAUNCH_FILES_DIR);
		launch_files_list(&job->files, list, sizeof(list));
		if (launch_files_write(&job->files, dir, &c->inv.user, err, sizeof(err)) < 0)
			actlog_add(&c->log, ACTLOG_FAIL, "Environment: not written here: %s", err);
		else
			actlog_add(&c->log, ACTLOG_OK, "Environment: %s/%s written here", dir,
				   list);
	}
	actlog_add(&c->log, job->failed ? ACTLOG_FAIL : ACTLOG_OK, "Environment: %s",
		   ew->summary[0] ? ew->summary : "the job ended");
	launch_write_job_free(job);
	launch_env_free(&ew->self);
	free(ew);
	c->envwrite = NULL;
	c->dirty = true;
}

void env_view_free(struct console *c)
{
	struct env_write *ew = c->envwrite;
	if (!ew)
		return;
	worker_free(ew->worker); /* cancels and joins */
	launch_write_job_free(&ew->job);
	launch_env_free(&ew->self);
	free(ew);
	c->envwrite = NULL;
}
