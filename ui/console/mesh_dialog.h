/* mesh_dialog.h: pairing the cluster's nodes as a mesh from the console (core/jobs/mesh.h's job):
 * a state, never a nested loop.
 *
 * Phases: confirm (the nodes and where each is reached; the addresses are picked again on Enter)
 * -> job (the job view: each node's host key shown and accepted once, y or n; each password a
 * node needs in the one secret field; "the same on the others?" y or n; every direction as it is
 * verified, then the summary). Esc cancels at any point; nothing is written before every node is
 * connected, known and logged in to. */
#ifndef SPARKLINK_MESH_DIALOG_H
#define SPARKLINK_MESH_DIALOG_H

#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/jobs/mesh.h"
#include "core/guide/cluster_state.h"
#include "ui/console/job_view.h"
#include "ui/console/screen.h"

#include <stdbool.h>
#include <stddef.h>

enum md_phase { MD_CONFIRM, MD_JOB };

struct mesh_dialog {
	enum md_phase phase;
	struct mesh_job job;
	struct job_view view;
	char hosts[MESH_MAX_PEERS][256]; /* the members as mDNS lists them, in the job's order */
	size_t n;
	const struct peers *peers; /* the console's, live: addresses picked again at start */
	const struct model *model;
};

/* Prepare for every member of cl (each must be seen now); false with a sentence in why. */
struct invocation;
bool mesh_dialog_open(struct mesh_dialog *d, const struct peers *peers,
		      const struct cluster_state *cl, const struct model *m,
		      const struct invocation *inv, char *why, size_t whysize);
unsigned mesh_dialog_key(struct mesh_dialog *d, struct loop *loop, int key, bool is_char);
void mesh_dialog_draw(const struct screen *s, struct mesh_dialog *d);
void mesh_dialog_close(struct mesh_dialog *d);
/* How the job ended for member i: PAIR_OK when every direction with it was verified; the words
 * for the log. */
enum pair_status mesh_dialog_node_status(const struct mesh_dialog *d, size_t i, char *words,
					 size_t size);

#endif
