/* launch_files.h: `sparklink env --write`: the hostfile and the environment in its three forms
 * as files, the same bytes on every node of the plan (so one file is copied, or sourced, the same
 * way everywhere), written atomically as the invoking user, and on the peer over the pairing's
 * SSH as the login user (--on-peers), after the peer's rails were checked as they are now.
 *
 * The files (in DIR, by default ~/sparklink-env): hostfile; env.sh (export lines; the
 * variables that differ between nodes, VLLM_HOST_IP always, set by a case on `hostname`);
 * env.list (docker --env-file: the shared variables, the per-node ones in comments, to pass
 * with -e); env.json ({"hostfile", "env", "nodes": {NAME: {per-node variables}}, and on a ring
 * "hostfiles": {NAME: [...]}}); on a ring hostfile.NAME per node. */
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
#define LAUNCH_MAX_FILES (4 + LAUNCH_MAX_NODES)

struct launch_files {
	size_t n;
	char names[LAUNCH_MAX_FILES][80]; /* "hostfile", "env.sh", "env.list", "env.json", then
					    * "hostfile.NAME" per node on a ring */
	struct buf data[LAUNCH_MAX_FILES];
};

/* Every node's environment: envs[plan->self] is left empty (self is this node's, made by
 * launch_env_make); a peer's from facts[n] (facts NULL or facts[n] all "": from the plan only,
 * launch_env_peer). A peer whose values are not known here is left empty with a line in
 * warnings. Each envs[n] is launch_env_init'ed here: free them with launch_env_free. */
void launch_envs_make(const struct launch_plan *plan, const struct launch_opts *o,
		      const struct launch_env *self, const struct launch_facts *facts,
		      struct launch_env envs[LAUNCH_MAX_NODES], struct buf *warnings);

/* The files for every node (the same bytes for each): self is this node's environment, envs[n]
 * each peer's (nvars 0: not known, left out with a line in warnings). A variable with the same
 * value on every node known is written once; one whose values differ, and VLLM_HOST_IP always,
 * per host name. On a ring, where the nodes reach each other at different addresses,
 * hostfile.NAME is node NAME's hostfile (hostfile itself is this node's). */
void launch_files_make(const struct launch_env *self, const struct launch_env *envs,
		       const struct launch_plan *plan, const struct launch_opts *o,
		       struct launch_files *f, struct buf *warnings);
void launch_files_free(struct launch_files *f);
/* "{hostfile,env.sh,...}" */
void launch_files_list(const struct launch_files *f, char *out, size_t size);

/* Write the files into dir as user (a child process with only that user's rights when we are
 * root; the directory is made, 0755, when missing), each replaced atomically, mode 0644. 0, or
 * -1 with a sentence in err. */
int launch_files_write(const struct launch_files *f, const char *dir, const struct ssh_user *user,
		       char *err, size_t errsize);

/* What a peer's check printed ("down IF", "noaddr IF ADDR", "boot IF", "dev IBDEV PCI NETDEV
 * CARRIER" lines), read strictly, into the facts for node (its planned rails): its boot
 * interface, and NCCL_IB_HCA from the devices of both twins of each rail's port (twins: one PCI
 * bus, slot and function in two domains). 0, or -1 with the first problem in why. */
int launch_facts_parse(const char *text, size_t len, const struct launch_node *node,
		       const char *name, struct launch_facts *f, char *why, size_t whysize);

/* The job for --on-peers: every peer's rails checked over SSH (each planned interface up with
 * its address) and its facts read (the management interface, the RDMA devices under the same
 * sysfs root as here); only when every peer holds, the files made from every node's values
 * (launch_files_make) and written on each peer in ~/REL as the login user. JOB_RESULT per
 * peer. The caller writes this node's copy after the job when files_made. */
struct launch_peer {
	char address[128]; /* where the pairing's SSH reaches it */
	char name[64];
	size_t node; /* its index in the plan */
};
struct launch_write_job {
	const struct launch_plan *plan;
	struct launch_opts opts;
	const struct launch_env *self;
	char sysfs_root[PATH_MAX];
	char rel[PATH_MAX]; /* DIR relative to the home directory */
	struct ssh_user user;
	struct launch_peer peers[LAUNCH_MAX_NODES];
	size_t npeers;
	int timeout_s;
	/* out, read after WORKER_DONE */
	bool files_made;
	struct launch_files files;
	struct buf warnings;
	int failed; /* peers that did not get the files */
};
void launch_write_job_free(struct launch_write_job *job); /* what the job made */
void launch_write_job_run(struct worker *w, void *arg /* struct launch_write_job */);

#endif
