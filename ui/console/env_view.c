/* env_view.c: the console's view of `sparklink env` (key e): the hostfile and the environment
 * for the applied plan as the files hold them, checked against the model now, and w to write
 * them into ~/sparklink-env as the user (core/jobs/launch_files.h), as `env --write` does. The
 * peer's copy is the command line's (`sparklink env --write --on-peers`): it needs SSH. */
#include "ui/console/console_shared.h"
#include "core/base/util.h"
#include "core/guide/actlog.h"
#include "core/jobs/launch_env.h"
#include "core/jobs/launch_files.h"

#include <stdio.h>
#include <string.h>

/* The files for the applied plan, or -1 with the reason in err. */
static int make(struct console *c, struct launch_files *f, char *err, size_t errsize)
{
	if (!c->facts.plan_applied) {
		snprintf(err, errsize,
			 "No plan is applied: address the ports first (step 3); the environment "
			 "is the applied plan's.");
		return -1;
	}
	struct launch_plan lp;
	launch_plan_from_plan(&c->facts.plan,
			      strcmp(c->facts.plan_peer, "-") ? c->facts.plan_peer : NULL, &lp);
	struct launch_opts lo = { .bootstrap = LAUNCH_BOOT_MGMT };
	struct launch_env e;
	launch_env_init(&e);
	int rc = launch_env_make(&lp, &c->model, &lo, &e, err, errsize);
	if (rc == 0) {
		struct buf warn;
		buf_init(&warn);
		launch_files_make(&e, &lp, &lo, f, &warn);
		buf_free(&warn);
	}
	launch_env_free(&e);
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
	char err[2048], text[2400], keys[120];
	const char *title = "The job's environment: sparklink env (Esc closes)";
	if (make(c, &f, err, sizeof(err)) < 0) {
		snprintf(text, sizeof(text), "Not ready:\n%s", err);
		info_dialog_set(&c->info, title, text, "Esc: close", 0);
	} else {
		/* one paragraph each (the dialog puts a blank line between paragraphs) */
		char hosts[400] = "", vars[1600] = "";
		join(&f.data[0], hosts, sizeof(hosts));
		join(&f.data[2], vars, sizeof(vars));
		snprintf(text, sizeof(text),
			 "hostfile: %s\nThe variables (the same on every node): %s\nw writes "
			 "hostfile, env.sh, env.list and env.json into ~/%s here; `sparklink env "
			 "--write --on-peers` also on the peer.",
			 hosts, vars, LAUNCH_FILES_DIR);
		snprintf(keys, sizeof(keys), "w: write ~/%s    Esc: close", LAUNCH_FILES_DIR);
		info_dialog_set(&c->info, title, text, keys, 'w');
		launch_files_free(&f);
	}
	c->state = STATE_INFO;
}

void env_view_write(struct console *c)
{
	struct launch_files f;
	char err[2048], dir[PATH_MAX + 32];
	if (make(c, &f, err, sizeof(err)) < 0) {
		actlog_add(&c->log, ACTLOG_FAIL, "Environment: not written: %s", err);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/%s", c->inv.user.home, LAUNCH_FILES_DIR);
	if (launch_files_write(&f, dir, &c->inv.user, err, sizeof(err)) < 0)
		actlog_add(&c->log, ACTLOG_FAIL, "Environment: not written: %s", err);
	else
		actlog_add(&c->log, ACTLOG_OK,
			   "Environment: %s/{hostfile,env.sh,env.list,env.json} written", dir);
	launch_files_free(&f);
}
