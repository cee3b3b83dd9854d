/* bench.h: the bandwidth test as a worker job: for each cabled twin (a rail: this node's
 * interface and address, the peer's address on the same cable), a server on the peer over the
 * pairing's SSH as the login user (one connection per twin, each in its own thread) and a client
 * here bound to the rail's address, all twins in parallel; each figure read by bwtest.h, the
 * whole judged there.
 *
 * RDMA: perftest's `ib_write_bw -d DEV -p PORT --report_gbits -F -D N` (the server on the peer
 * on the RDMA device of the peer's rail address, the client here with this twin's device and the
 * peer's address). TCP (--tcp): `iperf3 -s -1 -B PEER_ADDR -p PORT -J` there and
 * `iperf3 -c PEER_ADDR -B ADDR -p PORT -t N -J` here: the same orchestration with real traffic,
 * whose figures are TCP's, not RDMA's.
 *
 * The job speaks job.h: JOB_PROGRESS, JOB_WARN (each finding of the verdict, a rail whose
 * carrier changed during the run), JOB_RESULT per twin (code = its index, text "IF -> ADDR: N
 * Gb/s" or why there is no figure), JOB_DONE (code = enum bench_status, text = the summary).
 * It asks nothing: the pairing's key logs in, the peer's host key must be known already.
 * A cluster (req.peers): every peer probed first, each twin matched to the peer at its far end
 * (the peer with an address in the twin's subnet), every twin to every peer in parallel; the
 * result line names the peer ("IF -> ADDR on LABEL: N Gb/s"). */
#ifndef SPARKLINK_BENCH_H
#define SPARKLINK_BENCH_H

#include "core/base/worker.h"
#include "core/ssh/sshfiles.h"
#include "core/jobs/bwtest.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define BENCH_MAX_RAILS 8
#define BENCH_MAX_PEERS 7 /* a cluster of 8: this node's twins to the node at each far end */
#define BENCH_SECONDS 10 /* the default run, per twin (all in parallel) */
#define BENCH_IPERF3_PORT 5201 /* twin i listens on port + i */
#define BENCH_PERFTEST_PORT 18515
#define BENCH_IPERF3_PKG "iperf3"
#define BENCH_PERFTEST_PKG "perftest"

enum bench_status {
	BENCH_OK = 0, /* every twin measured, verdict pass */
	BENCH_VERDICT, /* measured, but the verdict is not pass (half, degraded, low, no figure) */
	BENCH_FAILED, /* the test could not run (the message says why) */
	BENCH_REFUSED, /* nothing to test, or the peer cannot be reached with the pairing's key */
	BENCH_NO_TOOL, /* iperf3 or perftest is missing here or on the peer (the package named) */
	BENCH_CANCELLED,
};

struct bench_rail {
	char ifname[16]; /* this node's interface */
	char cidr[48]; /* its address with the prefix, "192.168.100.10/24" */
	char peer_addr[48]; /* the peer's address on this cable; "" = ask the peer */
	char ibdev[64]; /* this twin's RDMA device (RDMA mode) */
	int port; /* the physical port: twins of one port are judged together */
	long link_mbps; /* the speed the link reports, -1 unknown */
};

/* A node at the far end of some of this node's twins (a cluster: --peers). */
struct bench_peer {
	char address[128]; /* where the pairing's SSH reaches it */
	char label[64]; /* how the results name it */
	char names[8][256]; /* other names it is known by in known_hosts */
	size_t nnames;
};

struct bench_request {
	bool rdma; /* false: iperf3 (--tcp) */
	int seconds;
	char peer_address[128]; /* where the pairing's SSH reaches the peer (npeers 0); with
				 * peers, what the record names ("HOST,HOST") */
	char peer_names[8][256]; /* other names it is known by in known_hosts */
	size_t npeer_names;
	/* a cluster: each twin runs against the peer holding an address in its subnet (its
	 * peer_addr when given), all twins at once; 0 = the one peer above */
	struct bench_peer peers[BENCH_MAX_PEERS];
	size_t npeers;
	struct ssh_user user; /* whose key logs in, and the login name */
	struct bench_rail rails[BENCH_MAX_RAILS];
	size_t nrails;
	int timeout_s; /* SSH connect; 0 = SSHSESSION_TIMEOUT_S */
};

struct bench_outcome {
	enum bench_status status;
	struct bwtest_twin twins[BENCH_MAX_RAILS];
	char peer_addrs[BENCH_MAX_RAILS][48];
	int twin_peer[BENCH_MAX_RAILS]; /* the peer each twin ran against (req.peers), -1 none */
	size_t ntwins;
	struct bwtest_outcome verdict;
	char summary[512];
};

struct bench_job {
	struct bench_request req;
	struct bench_outcome out; /* read after WORKER_DONE */
};

/* What the peer's probe printed (`ip -o -4 addr show` lines, "--", then "IF IBDEV" lines), read
 * strictly: interface names valid, addresses IPv4 with a prefix, device names plain; anything
 * else is skipped. */
struct bench_peer_view {
	size_t naddrs;
	struct {
		char ifname[16];
		char cidr[48];
	} addrs[64];
	size_t ndevs;
	struct {
		char ifname[16];
		char ibdev[64];
	} devs[64];
};
void bench_peer_view_parse(const char *text, size_t len, struct bench_peer_view *v);

void bench_job_run(struct worker *w, void *arg /* struct bench_job */);
const char *bench_status_word(enum bench_status s);

/* The last bench, as status and the console's step 5 show it: kept in bench.json beside the
 * journal of whoever ran it (journal_dir), replaced atomically, owned by owner. */
struct bench_record {
	long long time; /* seconds since the epoch */
	bool rdma;
	double sum_gbps;
	enum bwtest_verdict verdict;
	char peer[128];
	size_t ntwins;
	struct {
		char ifname[16];
		bool ran;
		double gbps;
	} twins[BENCH_MAX_RAILS];
};
void bench_record_from(const struct bench_job *job, struct bench_record *r);
int bench_record_write(const char *journal_path, uid_t owner, const struct bench_record *r,
		       char *err, size_t errsize);
/* The record beside journal_path, if it belongs to owner: 0, -ENOENT when there is none, or
 * -errno (err says why). Read strictly (it is data). */
int bench_record_read(const char *journal_path, uid_t owner, struct bench_record *r, char *err,
		      size_t errsize);
/* The newer of the records beside journal (owned by owner) and beside user_journal (owned by
 * user_uid; "" for none): 0, or -ENOENT when neither is there and readable. */
int bench_record_newest(const char *journal, uid_t owner, const char *user_journal, uid_t user_uid,
			struct bench_record *r);
/* "bandwidth 189.85 Gb/s (RDMA, pass)" */
void bench_record_words(const struct bench_record *r, char *out, size_t size);

#endif
