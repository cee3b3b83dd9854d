/* console_shared.h: what the console's files share: the console's state (one struct, owned by
 * console.c's console_main) and the functions one file offers the others. Only ui/console/ includes
 * it. */
#ifndef SPARKLINK_CONSOLE_SHARED_H
#define SPARKLINK_CONSOLE_SHARED_H

#include "core/base/loop.h"
#include "core/net/model.h"
#include "core/net/netmon.h"
#include "core/net/nmwatch.h"
#include "core/mdns/peers.h"
#include "core/ssh/sshfiles.h"
#include "core/jobs/invocation.h"
#include "core/jobs/launch_files.h"
#include "core/jobs/pair.h"
#include "core/guide/actlog.h"
#include "core/guide/steps.h"
#include "core/guide/cluster_state.h"
#include "ui/console/addr_dialog.h"
#include "ui/console/bgcheck.h"
#include "ui/console/cabling_view.h"
#include "ui/console/cluster_dialog.h"
#include "ui/console/cluster_read.h"
#include "ui/console/info_dialog.h"
#include "ui/console/keys.h"
#include "ui/console/log_view.h"
#include "ui/console/mesh_dialog.h"
#include "ui/console/monitor_view.h"
#include "ui/console/pair_dialog.h"
#include "ui/console/peer_dialog.h"
#include "ui/console/rollback_dialog.h"
#include "ui/console/screen.h"
#include "ui/console/widgets.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum state {
	STATE_MAIN,
	STATE_HELP,
	STATE_PAIR,
	STATE_ADDR,
	STATE_ROLLBACK,
	STATE_LOG,
	STATE_INFO,
	STATE_PEERS,
	STATE_MONITOR,
	STATE_MESH, /* pairing the cluster's nodes as a mesh */
	STATE_CLUSTER, /* addressing the cluster */
	STATE_CABLING /* the cluster's cable map (step 2) */
};
enum focus { FOCUS_STEPS, FOCUS_PEERS };

#define MIN_COLS 80
#define MIN_ROWS 24
#define MAX_PEER_ROWS 32
#define MAX_HITS 64
#define MAX_KNOWN 32
#define MAX_PORTS 8

/* Where the last draw put something a click can choose. */
enum hit_kind { HIT_STEP, HIT_PEER, HIT_KEY, HIT_DIALOG_PEER };

struct hit {
	int y, x, w;
	enum hit_kind kind;
	int index; /* the step, the peer, or the key's action */
};

/* env_view.c's write on the peers: the job and what it needs while it runs. */
struct env_write {
	struct worker *worker;
	bool done;
	struct launch_plan plan;
	struct launch_env self;
	struct launch_write_job job;
	char summary[512];
};

struct console {
	struct loop *loop;
	struct screen scr;
	struct model model;
	struct netmon *netmon;
	struct nmwatch *nmwatch; /* NetworkManager and /etc/netplan, by their own events */
	struct peers peers;
	struct discovery *discovery;
	struct actlog log;
	struct ssh_user user;
	struct invocation inv; /* who runs this, its journals */
	char journal_path[PATH_MAX], user_journal_path[PATH_MAX];
	struct steps_facts facts;
	struct step steps[STEP_COUNT];
	enum step_mark marks[STEP_COUNT]; /* as last logged */
	bool marks_known;
	unsigned long steps_ports_gen; /* the model's ports_generation the steps were made from */
	int step_sel;
	bool step_follow; /* the selection follows the next step not done */
	enum focus focus;
	size_t peer_sel;
	char peer_host[256]; /* the chosen peer ("" = the first on a cable, else the first) */
	char known_peers[MAX_KNOWN][256]; /* for "seen" / "gone" in the log */
	size_t nknown;
	int cabled[MAX_PORTS]; /* -1 unknown, for "cable in/out" in the log */
	struct cluster_state cluster; /* the peers marked (Space), the topology chosen (t) */
	struct cablemap cmap; /* the cluster's map, made again after each turn */
	struct cluster_read cread; /* its members' cables, read in the background */
	struct mesh_dialog mesh;
	struct cluster_dialog cdlg;
	struct cabling_view cabling;
	bool mesh_learned, cluster_learned;
	struct pair_dialog pair;
	struct addr_dialog addr;
	struct rollback_dialog rollback;
	struct info_dialog info;
	struct peer_dialog peerdlg;
	struct scroll_text help;
	struct log_view logview;
	struct monitor_view monview; /* its timer runs only while the view is open */
	bool pair_learned, addr_learned, rollback_learned;
	struct bgcheck bgcheck;
	struct env_write *envwrite; /* env's files being written on the peers (p), or NULL */
	struct hit hits[MAX_HITS];
	size_t nhits;
	enum state state;
	bool dirty;
	char hostname[64];
};

/* guide.c: the chosen peer, the facts jobs learned, the steps after each turn. */
const struct peer *guide_peer(struct console *c);
void guide_choose_peer(struct console *c, size_t index);
void guide_reread_journal(struct console *c);
void guide_update(struct console *c);
/* Whether the steps may have changed since guide_update(): something set c->dirty (keys, jobs,
 * peers, new facts), a change to the ports (a twin's netdev), cluster mode, or an applied plan
 * naming a netdev that is not a twin. A change to other interfaces only leaves them as they
 * are. */
bool guide_steps_stale(const struct console *c);
void guide_learn_pair(struct console *c);
void guide_learn_addr(struct console *c);
void guide_learn_rollback(struct console *c);
void guide_learn_mesh(struct console *c);
void guide_learn_cluster(struct console *c);
/* A cluster is formed: at least one peer is marked. */
bool guide_cluster_mode(const struct console *c);
const char *guide_peer_ssh_status(const struct peer *p, void *arg);

/* actions.c: what the keys do on the main screen: open a dialog, a step, move the selection. */
void actions_run(struct console *c, enum key_action a);
void actions_open_step(struct console *c, enum step_id id);
void actions_open_pair(struct console *c, bool verify, bool create_user);
void actions_select_step(struct console *c, int i);
void actions_next_topology(struct console *c);
/* The open dialog's key handler, then its closing (logged) when its flags say so. */
void actions_dialog_key(struct console *c, int key, bool is_char);

/* env_view.c: the job's environment for the applied plan (key e), writing it here (w) or on
 * every node (p: a job; its end handled after the loop's turn). */
void env_view_open(struct console *c);
void env_view_write(struct console *c);
void env_view_write_peers(struct console *c);
void env_view_after_turn(struct console *c);
void env_view_free(struct console *c);

/* layout.c: the whole screen from the state; draws only. */
void layout_draw(struct console *c);

#endif
