/* steps.h: the playbook's six steps (1 same user, 2 cable, 3 addressing, 4 SSH, 5 verify,
 * 6 rollback; step 2 is "Cabling"), each with a mark (done, to do, failing, n.a.) and the reason in words.
 *
 * The marks are computed by a pure function (steps_compute) from what is true now: the live
 * model (ports with carrier, addresses and MTU from netlink), the chosen peer (and where it is
 * seen), and facts that jobs learned (struct steps_facts): how pairing or a keys-only check
 * with each peer ended, the applied plan and the pending changes as the journal has them
 * (re-read after every job that writes it), and the last result of each rail. Never from which
 * keys were pressed: pulling the cable turns steps 2 and 5 to failing on the next redraw, and a
 * rollback (the journal has no plan left) turns steps 3 and 5 back to "to do". A reason suggests
 * actions, never keys: the front end puts its own key for each (step_render). */
#ifndef SPARKLINK_STEPS_H
#define SPARKLINK_STEPS_H

#include "core/jobs/apply.h"
#include "core/jobs/cluster_record.h"
#include "core/net/model.h"
#include "core/jobs/pair.h"
#include "core/mdns/peers.h"
#include "core/jobs/plan.h"

#include <stdbool.h>
#include <stddef.h>

enum step_id { STEP_USER, STEP_CABLE, STEP_ADDR, STEP_SSH, STEP_VERIFY, STEP_ROLLBACK, STEP_COUNT };
enum step_mark { STEP_TODO, STEP_DONE, STEP_FAILING, STEP_NA };

/* What a reason suggests doing; the front end names the key that does it (step_render). */
enum step_action {
	STEP_DO_PAIR,
	STEP_DO_CHECK, /* SSH both ways with keys only */
	STEP_DO_ADDR,
	STEP_DO_VERIFY,
	STEP_DO_ROLLBACK,
	STEP_DO_UNDO_SSH, /* in the rollback's list: the SSH pairing lines too */
	STEP_DO_PEERS, /* choose another peer */
	STEP_DO_USER, /* create this user on the peer */
	STEP_DO_COUNT
};

#define STEP_MAX_ACTIONS 4

struct step_action_at {
	enum step_action action;
	size_t at; /* the byte in reason where its key goes */
};

struct step {
	enum step_mark mark;
	char reason[320]; /* a sentence: what is true, and what to do when not done (no keys) */
	struct step_action_at actions[STEP_MAX_ACTIONS]; /* the actions it suggests, in order */
	size_t nactions;
};

#define STEPS_MAX_PEERS 32
#define STEPS_MAX_HOSTS 8

/* How one pair job with a peer ended (pairing, or a keys-only check). */
struct steps_pair_result {
	bool known;
	enum pair_status status;
	char login[64]; /* the user it logged in as, or tried to */
	char summary[320]; /* the job's own sentence */
	unsigned long seq; /* order of learning: the newer of pairing and check wins for step 4 */
};

struct steps_peer_facts {
	char host[256]; /* the peer's mDNS host name, as the peers list has it */
	struct steps_pair_result pairing, check;
};

struct steps_rail {
	char ifname[16];
	bool ok;
	char text[200];
};

struct steps_facts {
	char self[64]; /* this machine's host name */
	char user[64]; /* whose SSH: the invoking user (under sudo too) */
	struct steps_peer_facts peers[STEPS_MAX_PEERS];
	size_t npeers;
	unsigned long seq;
	/* from the journal(s), steps_read_journal */
	bool journal_read;
	char journal_error[256];
	bool plan_applied; /* a plan record not undone */
	struct plan plan;
	char plan_peer[130]; /* the peer address the plan was applied with, "-" for none */
	int pending_net; /* network changes rollback would undo */
	int pending_ssh; /* SSH pairing changes it would undo with "s" */
	int refused; /* records refused or ignored (journal_ops.h): never acted on */
	char ssh_hosts[STEPS_MAX_HOSTS][128]; /* peers named by pairing records not undone */
	size_t nssh_hosts;
	/* the last rails verified (by apply or verify), for the plan's interfaces */
	struct steps_rail rails[PLAN_MAX_IFS];
	size_t nrails;
	/* a cluster plan applied from this node (cluster_record.h), read with the journal */
	bool cluster_applied;
	struct cluster_record cluster;
	/* the last rails of a cluster verified (its apply pings every rail from both ends) */
	bool cluster_rails_known;
	size_t cluster_rails, cluster_rails_ok;
	char cluster_rail_failed[200]; /* the first that did not answer */
	/* the last bandwidth test (bench.json beside the journal), read with the journal */
	bool bench_known;
	char bench[160]; /* "bandwidth 18.20 Gb/s (TCP, pass)" */
	/* the last rollback that ran (not a listing) */
	bool rollback_failed;
	char rollback_summary[320];
};

void steps_facts_init(struct steps_facts *f, const char *self, const char *user);
/* A pair job with host ended (verify_only: a keys-only check). */
void steps_learn_pair(struct steps_facts *f, const char *host, bool verify_only,
		      enum pair_status status, const char *login, const char *summary);
/* An apply or verify job ended with these rails (replacing the earlier ones). */
void steps_learn_rails(struct steps_facts *f, const struct rail *rails, size_t n);
/* A cluster apply (or its verify) pinged n rails, ok of them answered; failed: the first that did
 * not (its words). */
void steps_learn_cluster_rails(struct steps_facts *f, size_t n, size_t ok, const char *failed);
/* A bandwidth test ended (words: bench_record_words()'s), or was read from its record. */
void steps_learn_bench(struct steps_facts *f, const char *words);
/* A rollback ended (status 0 ok). With include_ssh, pairing facts are forgotten (its lines are
 * gone, the keys kept); the rails go with the plan. Re-read the journal after this. */
void steps_learn_rollback(struct steps_facts *f, int status, const char *summary, bool include_ssh);
/* Re-read this process's journal (and, for root acting for a user, that user's own): the
 * newest plan not undone, the pending changes judged within their rules (journal_ops.h), the
 * records refused, the peers pairing records name. Returns 0 or -errno (journal_error then says
 * why; the facts keep "no plan"). */
struct invocation;
int steps_read_journal(struct steps_facts *f, const struct invocation *inv);

/* The marks, from the model, the chosen peer (NULL: none) and the facts. Pure. */
void steps_compute(const struct model *m, const struct peer *peer, const struct steps_facts *f,
		   struct step out[STEP_COUNT]);

/* The reason as shown: each suggested action's key, key(action, arg) ("r"), at its place. */
typedef const char *step_key_fn(enum step_action a, void *arg);
void step_render(const struct step *s, step_key_fn *key, void *arg, char *out, size_t size);

/* The marks of a cluster (the peers marked in the console, cluster_state.h) with its cable map
 * (cluster_state_map()): each step names the node that is not there yet ("spark-3: not paired",
 * "spark-2 p0 has no cable to another node"). Pure. */
struct cluster_state;
void steps_compute_cluster(const struct model *m, const struct cluster_state *cl,
			   const struct cablemap *map, const struct steps_facts *f,
			   struct step out[STEP_COUNT]);

const char *step_title(enum step_id id); /* "Same user", "Cabling", ... */
const char *step_mark_word(enum step_mark mark); /* "done", "to do", "FAILING", "n.a." */
/* The first of steps 1-5 that is not done (STEP_COUNT if all are). */
enum step_id steps_next(const struct step *s);
/* Facts about host, or NULL. */
/* Does the journal have pairing lines (not undone) for this peer (any of its names)? */
bool steps_journal_names_peer(const struct steps_facts *f, const struct peer *p);
const struct steps_peer_facts *steps_peer(const struct steps_facts *f, const char *host);

#endif
