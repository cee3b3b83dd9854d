/* launch_env.h: what a distributed job needs to run across the nodes of an applied plan: an MPI
 * hostfile and the environment NVIDIA's playbooks and the launchers use, in three forms (shell
 * `export`, a docker --env-file, JSON), every value checked against the machine as it is now.
 *
 * - hostfile: one line per node, its first rail's cable address as this node reaches it
 *   (launch_plan_seen: on a ring each neighbour's end of the shared cable; `slots=N` when
 *   asked).
 * - NCCL_SOCKET_IFNAME, GLOO_SOCKET_IFNAME, TP_SOCKET_IFNAME: the bootstrap interface: the
 *   management interface (as NVIDIA's current NCCL launcher does; the default) or the first cable
 *   interface (as the older playbooks do). MASTER_ADDR: node 1's address on that network;
 *   VLLM_HOST_IP: this node's.
 * - UCX_NET_DEVICES, OMPI_MCA_btl_tcp_if_include: this node's cabled interfaces.
 * - NCCL_IB_HCA: the RDMA devices of BOTH twins of every cabled port (naming one twin halves
 *   the bandwidth).
 * - NCCL_IB_SUBNET_AWARE_ROUTING=1 for a ring (every cable its own subnets). A ring has no
 *   cable subnet every node shares, so its bootstrap is the management interface: --bootstrap
 *   cable is refused there.
 * - NCCL_IB_GID_INDEX only when asked: the RoCE v2 GID index as read now (it can move when
 *   netplan or NetworkManager re-applies), with a warning.
 * An interface of the plan that is down, unaddressed or without its RDMA device is an error, not
 * a silent line. */
#ifndef SPARKLINK_LAUNCH_ENV_H
#define SPARKLINK_LAUNCH_ENV_H

#include "core/base/util.h"
#include "core/jobs/launch_plan.h"
#include "core/net/model.h"

#include <stdbool.h>
#include <stddef.h>

#define LAUNCH_MAX_VARS 16

enum launch_bootstrap { LAUNCH_BOOT_MGMT, LAUNCH_BOOT_CABLE };

struct launch_opts {
	enum launch_bootstrap bootstrap;
	const char *mgmt_if; /* the management interface; NULL: the one holding this node's
				  * management address, else the first non-RDMA interface with IPv4 */
	bool gid;
	unsigned slots; /* 0: no slots= */
};

struct launch_env {
	struct buf hostfile;
	size_t nvars;
	struct {
		char name[40];
		char value[256];
	} vars[LAUNCH_MAX_VARS];
	struct buf warnings; /* one sentence per line */
};

void launch_env_init(struct launch_env *e);
void launch_env_free(struct launch_env *e);

/* Build the environment for this node (plan->self) from the plan and the machine's model (its
 * RDMA inventory, netdevs and addresses). Returns 0, or -1 with every problem found in err (one
 * sentence per line). */
int launch_env_make(const struct launch_plan *plan, const struct model *m,
		    const struct launch_opts *o, struct launch_env *e, char *err, size_t errsize);

/* What a peer says of itself, read over the pairing's SSH (launch_files.c): the interface
 * holding its management address and the RDMA devices of both twins of each of its rails'
 * ports, as NCCL_IB_HCA lists them. "" = not known. */
struct launch_facts {
	char boot_if[16];
	char hcas[256];
};

/* Node n's environment (n != plan->self), next to this node's (self, made by launch_env_make):
 * the interface lists from the plan's rails of n, VLLM_HOST_IP its own address, the devices
 * and the management interface from f (read on n), or, with f NULL, this node's when n's rails
 * have the same interface names (Sparks cabled alike). 0, or -1 with the reason in err (a value
 * not known here). */
int launch_env_peer(const struct launch_plan *plan, size_t n, const struct launch_opts *o,
		    const struct launch_env *self, const struct launch_facts *f,
		    struct launch_env *out, char *err, size_t errsize);
/* The value of a variable in e, or NULL. */
const char *launch_env_get(const struct launch_env *e, const char *name);

/* The three forms. */
void launch_env_shell(const struct launch_env *e, struct buf *out);
void launch_env_docker(const struct launch_env *e, struct buf *out);
void launch_env_json(const struct launch_env *e, struct buf *out);
/* The hostfile as the JSON array "hostfile" (each line a string), into an object being written. */
struct json;
void launch_env_json_hostfile(const struct launch_env *e, struct json *j);
/* A hostfile's lines (b) as the JSON array key. */
void launch_env_json_lines(struct json *j, const char *key, const struct buf *b);

#endif
