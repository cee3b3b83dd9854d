/* launch_files.h: `sparklink env --write`: the hostfile and the environment in its three forms
 * as files, the same bytes on every node of the plan (so one file is copied, or sourced, the same
 * way everywhere), written atomically as the invoking user, and on the peer over the pairing's
 * SSH as the login user (--on-peers), after the peer's rails were checked as they are now.
 *
 * The files (in DIR, by default ~/sparklink-env): hostfile; env.sh (export lines; the one
 * variable that differs between nodes, VLLM_HOST_IP, set by a case on `hostname`); env.list
 * (docker --env-file: the shared variables, VLLM_HOST_IP per node in a comment, to pass with -e);
 * env.json ({"hostfile", "env", "nodes": {NAME: {"VLLM_HOST_IP"}}}). */
#ifndef SPARKLINK_LAUNCH_FILES_H
#define SPARKLINK_LAUNCH_FILES_H

#include "core/base/util.h"
#include "core/base/worker.h"
#include "core/jobs/launch_env.h"
#include "core/ssh/sshfiles.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define LAUNCH_FILES_DIR "sparklink-env" /* under the user's home */
#define LAUNCH_NFILES 4

struct launch_files {
	const char *names[LAUNCH_NFILES]; /* "hostfile", "env.sh", "env.list", "env.json" */
	struct buf data[LAUNCH_NFILES];
};

/* The files for env (made by launch_env_make for this node) and the plan: node-independent.
 * A node whose VLLM_HOST_IP is not known here (its management address, for bootstrap mgmt) is
 * left out of the per-node part with a line in warnings. */
void launch_files_make(const struct launch_env *e, const struct launch_plan *plan,
		       const struct launch_opts *o, struct launch_files *f, struct buf *warnings);
void launch_files_free(struct launch_files *f);

/* Write the files into dir as user (a child process with only that user's rights when we are
 * root; the directory is made, 0755, when missing), each replaced atomically, mode 0644. 0, or
 * -1 with a sentence in err. */
int launch_files_write(const struct launch_files *f, const char *dir, const struct ssh_user *user,
		       char *err, size_t errsize);

/* The job for --on-peers: the files on each peer, in ~/REL as the login user, after its rails
 * (interface up, planned address there) were checked over SSH. JOB_RESULT per peer. */
struct launch_peer {
	char address[128]; /* where the pairing's SSH reaches it */
	char name[64];
	const struct launch_node *node; /* its part of the plan */
};
struct launch_write_job {
	const struct launch_files *files;
	char rel[PATH_MAX]; /* DIR relative to the home directory */
	struct ssh_user user;
	struct launch_peer peers[LAUNCH_MAX_NODES];
	size_t npeers;
	int timeout_s;
	int failed; /* peers that did not get the files */
};
void launch_write_job_run(struct worker *w, void *arg /* struct launch_write_job */);

#endif
