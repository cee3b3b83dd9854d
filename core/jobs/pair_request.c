/* pair_request.c: a pairing request from what discovery saw: the address the rule in
 * core/mdns/peers.h picks for the purpose, and every name the peer is known by (pair.h). */
#include "core/jobs/pair.h"
#include "core/jobs/pair_steps.h"
#include "core/base/files.h"
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"
#include "core/jobs/journal_ops.h"
#include "core/net/model.h"
#include "core/mdns/peers.h"
#include "core/ssh/sshsession.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <libssh/libssh.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void pair_request_add_name(char (*v)[256], size_t *n, const char *name)
{
	if (!name || !name[0] || *n >= PAIR_MAX_NAMES)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(v[i], name) == 0)
			return;
	str_copy(v[(*n)++], name, 256);
}

bool pair_request_from_peer(struct pair_request *r, const struct peer *p, const struct model *m,
			    enum peer_purpose why)
{
	if (p->host_ok)
		pair_request_add_name(r->peer_names, &r->npeer_names, p->host);
	for (size_t k = 0; k < p->naddrs; k++) {
		const struct peer_addr *a = &p->addrs[k];
		if (a->family == AF_INET && peer_addr_live(m, a))
			pair_request_add_name(r->peer_names, &r->npeer_names, a->addr);
	}
	const struct peer_addr *best =
		peers_pick_address(p, m, why, r->address, sizeof(r->address));
	if (!best)
		return false;
	pair_request_add_name(r->peer_names, &r->npeer_names, best->addr);
	return true;
}

bool pair_request_repick(struct pair_request *r, const struct peer *p, const struct model *m)
{
	struct pair_request *was = xcalloc(1, sizeof(*was));
	memcpy(was->address, r->address, sizeof(r->address));
	memcpy(was->peer_names, r->peer_names, sizeof(r->peer_names));
	was->npeer_names = r->npeer_names;
	r->address[0] = '\0';
	r->npeer_names = 0;
	bool ok = pair_request_from_peer(r, p, m, PEER_FOR_PAIRING);
	if (!ok) {
		memcpy(r->address, was->address, sizeof(r->address));
		memcpy(r->peer_names, was->peer_names, sizeof(r->peer_names));
		r->npeer_names = was->npeer_names;
	}
	free(was);
	return ok;
}

void pair_request_add_self(struct pair_request *r, const struct model *m)
{
	char host[128] = "";
	if (gethostname(host, sizeof(host) - 1) == 0 && host[0]) {
		text_clean_inplace(host, TEXT_NAME);
		pair_request_add_name(r->self_names, &r->nself_names, host);
		if (!strchr(host, '.')) {
			char fq[160];
			snprintf(fq, sizeof(fq), "%s.local", host);
			pair_request_add_name(r->self_names, &r->nself_names, fq);
		}
	}
	for (size_t i = 0; i < m->nnetdevs; i++)
		for (size_t a = 0; a < m->netdevs[i].naddrs; a++) {
			const struct netdev_addr *na = &m->netdevs[i].addrs[a];
			if (na->family == AF_INET && strcmp(m->netdevs[i].name, "lo") != 0)
				pair_request_add_name(r->self_names, &r->nself_names, na->text);
		}
}

bool pair_request_for_peer(struct pair_request *r, const struct peer *p, const struct model *m,
			   bool verify, const struct invocation *inv, char *why, size_t whysize)
{
	memset(r, 0, sizeof(*r));
	r->port = 22;
	r->timeout_s = SSHSESSION_TIMEOUT_S;
	r->verify_only = verify;
	if (!pair_request_from_peer(r, p, m, PEER_FOR_PAIRING)) {
		snprintf(why, whysize, "%s has no address that is reachable now", p->host);
		return false;
	}
	pair_request_add_self(r, m);
	r->local = inv->user;
	str_copy(r->journal_path, inv->journal, sizeof(r->journal_path));
	return true;
}
