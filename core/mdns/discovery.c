/* discovery.c: mDNS discovery of Sparks with avahi-client on the core loop: the browsers, the
 * resolvers (a bounded number in flight, ConnectX interfaces first) and the client's life (a
 * daemon that goes away, no D-Bus); what it finds is published into the peer list (peers.h). */
#include "core/mdns/discovery.h"
#include "core/mdns/avahi_poll.h"
#include "core/mdns/self_announce.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <arpa/inet.h>
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define SERVICE_TYPE "_ssh._tcp"
#define RETRY_MIN_MS 1000
#define RETRY_MAX_MS 10000
/* A crowded LAN (hundreds of _ssh._tcp services) must not delay the Spark on the cable, nor
 * grow without bound: records are kept up to MAX_RECORDS (the last CABLE_RESERVE of them only
 * for ConnectX interfaces); they wait in two queues, ConnectX interfaces first, and at most
 * MAX_INFLIGHT resolvers wait for their first answer at a time. An answered resolver goes on
 * following its record (a changed address), all those on a ConnectX interface and the first
 * MAX_KEPT_LAN of the others; later LAN records are resolved once. avahi-daemon allows 1024
 * objects per client. A LAN answer rebuilds the peer list at most every PUBLISH_LAN_MS. */
#define MAX_RECORDS PEERS_MAX_RECORDS
#define CABLE_RESERVE 256
#define MAX_INFLIGHT 16
#define MAX_KEPT_LAN 128
#define PUBLISH_LAN_MS 100
/* Each ConnectX interface also gets a browser of its own. The one for every interface starts
 * once those have read out avahi's cache and their records are resolved (or LAN_WAIT_MS after):
 * the cable's records do not queue behind the LAN's hundreds, in avahi-daemon or on the bus. */
#define MAX_CABLE_BROWSERS 16
#define LAN_WAIT_MS 250

enum rec_state {
	REC_QUEUED, /* waiting for a resolver */
	REC_RESOLVING, /* its resolver has not answered yet */
	REC_FOUND, /* resolved (its resolver kept to follow it, or freed) */
	REC_FAILED, /* the resolver failed or timed out before an answer */
};

struct discovery;

/* One browse record: a service instance on one interface and protocol. */
struct record {
	struct discovery *d;
	struct record *qprev, *qnext; /* in a queue while REC_QUEUED */
	unsigned long seq; /* the order records were seen in */
	enum rec_state state;
	bool cable; /* seen on a ConnectX twin's netdev: resolved first */
	int ifindex;
	AvahiProtocol proto;
	char name[80]; /* as announced, cleaned */
	char *raw_name; /* as avahi gave it (for matching REMOVE); never shown */
	char domain[64];
	bool local;
	bool resolved;
	bool kept; /* a LAN record's resolver, answered and kept (counted in kept_lan) */
	char host[256];
	bool host_ok;
	struct peer_addr addr;
	AvahiServiceResolver *resolver;
};

struct queue {
	struct record *head, *tail;
};

struct discovery {
	struct loop *loop;
	struct peers *out;
	const struct model *model; /* which interfaces are ConnectX twins; may be NULL */
	discovery_change_fn *fn;
	void *arg;
	struct avahi_poll *ap;
	AvahiClient *client;
	AvahiServiceBrowser *browser; /* every interface */
	AvahiServiceBrowser *cable_browsers[MAX_CABLE_BROWSERS]; /* one per ConnectX netdev */
	size_t ncable_browsers, ncable_exhausted;
	struct loop_timer *lan_wait; /* starts the browser for every interface at the latest */
	struct record **recs;
	size_t nrecs;
	struct queue cable_q, lan_q;
	size_t inflight, kept_lan;
	unsigned long seq;
	size_t pending, pending_cable; /* records still to answer (queued or resolving) */
	struct loop_timer *pub; /* a deferred rebuild of the peer list */
	int64_t last_pub;
	struct loop_timer *retry;
	struct loop_watch *busw; /* inotify: waiting for the system bus socket to appear */
	int inotify_fd;
	struct loop_timer *reap; /* frees a failed client outside its own callback */
	AvahiClient *dead;
	int retry_ms;
	char self_fqdn[256];
	struct self_announce *self; /* has avahi-daemon announced this node? */
};

/* A DNS name that is safe on any command line or in any file: labels of [A-Za-z0-9-]. */
static bool plain_dns_name(const char *s)
{
	size_t label = 0, n = 0;
	for (; *s; s++, n++) {
		char c = *s;
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
		if (++label > 63)
			return false;
	}
	return n > 0 && n < 254;
}

/* Other machines before this one, those seen on a cable before the LAN's, then by name. */
static int cmp_peer(const void *a, const void *b)
{
	const struct peer *x = a, *y = b;
	if (x->self != y->self)
		return x->self ? 1 : -1;
	if (x->cable != y->cable)
		return x->cable ? -1 : 1;
	return strcmp(x->host, y->host);
}

/* Returns true if the state or its text changed. */
static bool set_state(struct discovery *d, enum mdns_state s, const char *text)
{
	bool same = d->out->state == s && strcmp(d->out->state_text, text) == 0;
	d->out->state = s;
	str_copy(d->out->state_text, text, sizeof(d->out->state_text));
	return !same;
}

/* Resolved records by host name, then in the order they were first seen. */
static int cmp_rec_host(const void *a, const void *b)
{
	const struct record *x = *(const struct record *const *)a;
	const struct record *y = *(const struct record *const *)b;
	int c = strcmp(x->host, y->host);
	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* Rebuild the peer list from the records (sorted once: a crowded LAN has a thousand hosts), then
 * tell the owner. */
static void publish(struct discovery *d)
{
	struct peers *p = d->out;
	loop_timer_at(d->pub, -1);
	d->last_pub = clock_ms();
	peers_clear(p);
	const struct record **v = xcalloc(d->nrecs ? d->nrecs : 1, sizeof(*v));
	size_t nv = 0;
	for (size_t i = 0; i < d->nrecs; i++)
		if (d->recs[i]->resolved)
			v[nv++] = d->recs[i];
	if (nv)
		qsort(v, nv, sizeof(*v), cmp_rec_host);
	struct peer *pe = NULL;
	for (size_t i = 0; i < nv; i++) {
		const struct record *r = v[i];
		if (!pe || strcmp(pe->host, r->host) != 0) {
			p->v = xrealloc(p->v, p->n + 1, sizeof(*p->v));
			pe = &p->v[p->n++];
			memset(pe, 0, sizeof(*pe));
			str_copy(pe->host, r->host, sizeof(pe->host));
			str_copy(pe->service, r->name, sizeof(pe->service));
			pe->host_ok = r->host_ok;
		}
		pe->self |= r->local || (d->self_fqdn[0] && strcmp(r->host, d->self_fqdn) == 0);
		pe->cable |= r->cable;
		bool dup = false;
		for (size_t k = 0; k < pe->naddrs && !dup; k++)
			dup = pe->addrs[k].ifindex == r->addr.ifindex &&
			      strcmp(pe->addrs[k].addr, r->addr.addr) == 0;
		if (dup)
			continue;
		pe->addrs = xrealloc(pe->addrs, pe->naddrs + 1, sizeof(*pe->addrs));
		pe->addrs[pe->naddrs++] = r->addr;
	}
	free(v);
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), cmp_peer);
	p->pending = d->pending;
	p->pending_cable = d->pending_cable;
	p->generation++;
	p->dirty = true;
	if (d->fn)
		d->fn(d->arg);
}

/* Tell the owner now (urgent: the cable, the last pending record, a state), or, for the LAN, at
 * most every PUBLISH_LAN_MS. */
static void notify(struct discovery *d, bool urgent)
{
	int64_t due = d->last_pub + PUBLISH_LAN_MS;
	if (urgent || d->pending == 0 || clock_ms() >= due)
		publish(d);
	else
		loop_timer_at(d->pub, due);
}

static void pub_fired(struct loop_timer *t, void *arg)
{
	(void)t;
	publish(arg);
}

static void queue_push(struct queue *q, struct record *r)
{
	r->qnext = NULL;
	r->qprev = q->tail;
	if (q->tail)
		q->tail->qnext = r;
	else
		q->head = r;
	q->tail = r;
}

static void queue_unlink(struct queue *q, struct record *r)
{
	if (r->qprev)
		r->qprev->qnext = r->qnext;
	else
		q->head = r->qnext;
	if (r->qnext)
		r->qnext->qprev = r->qprev;
	else
		q->tail = r->qprev;
	r->qprev = r->qnext = NULL;
}

static bool rec_pending(enum rec_state s)
{
	return s == REC_QUEUED || s == REC_RESOLVING;
}

/* Move a record to state s, keeping the counters and the queues right. */
static void rec_set(struct record *r, enum rec_state s)
{
	struct discovery *d = r->d;
	if (r->state == REC_QUEUED)
		queue_unlink(r->cable ? &d->cable_q : &d->lan_q, r);
	if (rec_pending(r->state)) {
		d->pending--;
		d->pending_cable -= r->cable;
	}
	d->inflight -= r->state == REC_RESOLVING;
	r->state = s;
	if (s == REC_QUEUED)
		queue_push(r->cable ? &d->cable_q : &d->lan_q, r);
	if (rec_pending(s)) {
		d->pending++;
		d->pending_cable += r->cable;
	}
	d->inflight += s == REC_RESOLVING;
}

static void rec_stop_resolver(struct record *r)
{
	if (!r->resolver)
		return;
	avahi_service_resolver_free(r->resolver);
	r->resolver = NULL;
	if (r->kept)
		r->d->kept_lan--;
	r->kept = false;
}

static void rec_free(struct record *r)
{
	rec_stop_resolver(r);
	rec_set(r, REC_FAILED); /* out of the queues and the counters */
	free(r->raw_name);
	free(r);
}

static void drop_records(struct discovery *d)
{
	for (size_t i = 0; i < d->nrecs; i++)
		rec_free(d->recs[i]);
	free(d->recs);
	d->recs = NULL;
	d->nrecs = 0;
	d->out->all_for_now = false;
	d->out->cache_exhausted = false;
}

static struct record *find_record(struct discovery *d, int ifindex, AvahiProtocol proto,
				  const char *name, size_t *idx)
{
	for (size_t i = 0; i < d->nrecs; i++) {
		struct record *r = d->recs[i];
		if (r->ifindex == ifindex && r->proto == proto && strcmp(r->raw_name, name) == 0) {
			if (idx)
				*idx = i;
			return r;
		}
	}
	return NULL;
}

static void resolve_cb(AvahiServiceResolver *res, AvahiIfIndex ifindex, AvahiProtocol proto,
		       AvahiResolverEvent event, const char *name, const char *type,
		       const char *domain, const char *host, const AvahiAddress *addr,
		       uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags flags,
		       void *arg);

static void start_lan(struct discovery *d, bool now);

/* Start resolvers for queued records, ConnectX interfaces first, up to MAX_INFLIGHT. */
static void pump(struct discovery *d)
{
	/* the LAN's records wait until avahi has read its cache out to the browser for every
	 * interface: a record on a cable among them (no browser of its own) goes first */
	bool lan = d->out->cache_exhausted || d->out->all_for_now;
	while (d->client && d->inflight < MAX_INFLIGHT) {
		struct record *r = d->cable_q.head ? d->cable_q.head : lan ? d->lan_q.head : NULL;
		if (!r)
			break;
		/* resolve to an address of the protocol it was seen on: on a fresh cable that is
		 * IPv6 link-local, found before any IPv4 address exists */
		r->resolver = avahi_service_resolver_new(d->client, r->ifindex, r->proto,
							 r->raw_name, SERVICE_TYPE, r->domain,
							 r->proto, 0, resolve_cb, r);
		rec_set(r, r->resolver ? REC_RESOLVING : REC_FAILED);
	}
}

static void resolve_cb(AvahiServiceResolver *res, AvahiIfIndex ifindex, AvahiProtocol proto,
		       AvahiResolverEvent event, const char *name, const char *type,
		       const char *domain, const char *host, const AvahiAddress *addr,
		       uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags flags, void *arg)
{
	(void)proto;
	(void)name;
	(void)type;
	(void)domain;
	(void)txt;
	struct record *r = arg;
	struct discovery *d = r->d;
	if (r->resolver != res)
		return;
	d->out->answers++;
	char text[48];
	int family = addr && addr->proto == AVAHI_PROTO_INET6 ? AF_INET6 : AF_INET;
	if (event != AVAHI_RESOLVER_FOUND || !addr || !host ||
	    !inet_ntop(family, &addr->data, text, sizeof(text))) {
		/* it will not answer now; forget this resolver, keep what it found before */
		rec_stop_resolver(r);
		if (r->state == REC_RESOLVING)
			rec_set(r, REC_FAILED);
		pump(d);
		if (r->cable)
			start_lan(d, false);
		notify(d, r->cable);
		return;
	}
	text_clean(r->host, sizeof(r->host), host, strlen(host), 0);
	r->host_ok = plain_dns_name(host) && strcmp(r->host, host) == 0;
	r->local |= (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
	memset(&r->addr, 0, sizeof(r->addr));
	r->addr.ifindex = ifindex;
	char ifname[IF_NAMESIZE] = "";
	if (if_indextoname((unsigned)ifindex, ifname))
		text_clean(r->addr.ifname, sizeof(r->addr.ifname), ifname, strlen(ifname),
			   TEXT_NAME);
	r->addr.family = family;
	str_copy(r->addr.addr, text, sizeof(r->addr.addr));
	r->addr.port = port;
	r->addr.link_local = family == AF_INET ? str_starts(text, "169.254.")
					       : (addr->data.ipv6.address[0] == 0xfe &&
						  (addr->data.ipv6.address[1] & 0xc0) == 0x80);
	r->resolved = true;
	if (r->state == REC_RESOLVING) {
		rec_set(r, REC_FOUND);
		/* follow it further, or free the slot in avahi-daemon (see MAX_KEPT_LAN) */
		if (!r->cable && d->kept_lan < MAX_KEPT_LAN) {
			d->kept_lan++;
			r->kept = true;
		} else if (!r->cable) {
			rec_stop_resolver(r);
		}
	}
	pump(d);
	if (r->cable)
		start_lan(d, false);
	notify(d, r->cable);
}

/* Whether an interface is the netdev of a ConnectX twin. */
static bool on_cable(const struct discovery *d, int ifindex)
{
	char ifname[IF_NAMESIZE] = "";
	return d->model && if_indextoname((unsigned)ifindex, ifname) &&
	       peers_ifname_port(d->model, ifname) >= 0;
}

static void browse_cb(AvahiServiceBrowser *b, AvahiIfIndex ifindex, AvahiProtocol proto,
		      AvahiBrowserEvent event, const char *name, const char *type,
		      const char *domain, AvahiLookupResultFlags flags, void *arg)
{
	(void)type;
	struct discovery *d = arg;
	switch (event) {
	case AVAHI_BROWSER_NEW: {
		if (!name || !domain || strlen(name) >= 256 || strlen(domain) >= 64)
			return; /* longer than DNS allows: nothing avahi itself would resolve */
		if (find_record(d, ifindex, proto, name, NULL))
			return;
		bool cable = on_cable(d, ifindex);
		if (d->nrecs >= (cable ? MAX_RECORDS : MAX_RECORDS - CABLE_RESERVE)) {
			d->out->ignored++;
			return;
		}
		struct record *r = xcalloc(1, sizeof(*r));
		r->d = d;
		r->seq = d->seq++;
		r->state = REC_FAILED; /* not counted yet */
		r->cable = cable;
		r->ifindex = ifindex;
		r->proto = proto;
		r->raw_name = xstrdup(name);
		text_clean(r->name, sizeof(r->name), name, strlen(name), 0);
		str_copy(r->domain, domain, sizeof(r->domain));
		r->local = (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
		d->recs = xrealloc(d->recs, d->nrecs + 1, sizeof(*d->recs));
		d->recs[d->nrecs++] = r;
		rec_set(r, REC_QUEUED);
		pump(d);
		notify(d, false);
		break;
	}
	case AVAHI_BROWSER_REMOVE: {
		size_t idx;
		struct record *r = name ? find_record(d, ifindex, proto, name, &idx) : NULL;
		if (!r)
			return;
		bool urgent = r->cable;
		rec_free(r);
		d->recs[idx] = d->recs[--d->nrecs];
		pump(d);
		notify(d, urgent);
		break;
	}
	case AVAHI_BROWSER_ALL_FOR_NOW:
		if (b != d->browser)
			break;
		d->out->all_for_now = true;
		pump(d);
		publish(d);
		break;
	case AVAHI_BROWSER_CACHE_EXHAUSTED:
		if (b != d->browser) {
			/* once per browser: all ConnectX interfaces read out */
			if (++d->ncable_exhausted >= d->ncable_browsers) {
				d->out->cable_cache_exhausted = true;
				start_lan(d, false);
				publish(d);
			}
			break;
		}
		d->out->cache_exhausted = true;
		pump(d);
		publish(d);
		break;
	case AVAHI_BROWSER_FAILURE:
		/* a ConnectX interface's own browser is a head start only: the other covers it */
		if (b == d->browser)
			set_state(d, MDNS_UNAVAILABLE, "mDNS: browsing failed; retrying");
		else
			start_lan(d, true);
		break;
	}
}

static void start_client(struct discovery *d);

/* The system bus socket's path, from DBUS_SYSTEM_BUS_ADDRESS (unix:path=...) or the default. */
static bool bus_socket_path(char *out, size_t size)
{
	const char *a = getenv("DBUS_SYSTEM_BUS_ADDRESS");
	if (!a || !a[0]) {
		str_copy(out, "/run/dbus/system_bus_socket", size);
		return true;
	}
	if (!str_starts(a, "unix:path="))
		return false; /* abstract or TCP: nothing in the file system to wait for */
	str_copy(out, a + strlen("unix:path="), size);
	char *comma = strchr(out, ',');
	if (comma)
		*comma = '\0';
	return out[0] == '/';
}

static void stop_bus_wait(struct discovery *d)
{
	loop_watch_free(d->busw);
	d->busw = NULL;
	if (d->inotify_fd >= 0)
		close(d->inotify_fd);
	d->inotify_fd = -1;
}

static void bus_changed(struct loop_watch *w, int fd, short revents, void *arg);

/* Wait for the bus socket with inotify on the nearest existing directory above it: no wakeup
 * until something is created there. Returns false if that cannot be done (use the timer). */
static bool start_bus_wait(struct discovery *d)
{
	char path[PATH_MAX];
	if (!bus_socket_path(path, sizeof(path)))
		return false;
	stop_bus_wait(d);
	d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->inotify_fd < 0)
		return false;
	for (;;) {
		char *slash = strrchr(path, '/');
		if (!slash)
			break;
		if (slash == path)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (inotify_add_watch(d->inotify_fd, path, IN_CREATE | IN_MOVED_TO | IN_ATTRIB) >=
		    0) {
			d->busw = loop_watch_new(d->loop, d->inotify_fd, POLLIN, bus_changed, d);
			return true;
		}
		if (errno != ENOENT || strcmp(path, "/") == 0)
			break;
	}
	stop_bus_wait(d);
	return false;
}

static void schedule_retry(struct discovery *d)
{
	char path[PATH_MAX];
	struct stat st;
	/* the bus is there but the client failed anyway: back off on the timer */
	bool bus_there = bus_socket_path(path, sizeof(path)) && stat(path, &st) == 0;
	if (!bus_there && start_bus_wait(d))
		return;
	loop_timer_after(d->retry, d->retry_ms);
	d->retry_ms = d->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : d->retry_ms * 2;
}

static void stop_browsers(struct discovery *d)
{
	for (size_t i = 0; i < d->ncable_browsers; i++)
		avahi_service_browser_free(d->cable_browsers[i]);
	d->ncable_browsers = d->ncable_exhausted = 0;
	d->out->cable_cache_exhausted = false;
	loop_timer_at(d->lan_wait, -1);
	if (d->browser)
		avahi_service_browser_free(d->browser);
	d->browser = NULL;
}

/* The browser for every interface, once the ConnectX interfaces' records are in (or now). */
static void start_lan(struct discovery *d, bool now)
{
	if (d->browser || !d->client)
		return;
	if (!now && !(d->out->cable_cache_exhausted && d->pending_cable == 0))
		return;
	loop_timer_at(d->lan_wait, -1);
	d->browser = avahi_service_browser_new(d->client, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
					       SERVICE_TYPE, NULL, 0, browse_cb, d);
	if (!d->browser && set_state(d, MDNS_UNAVAILABLE, "mDNS: cannot browse; retrying"))
		publish(d);
}

static void lan_wait_fired(struct loop_timer *t, void *arg)
{
	(void)t;
	start_lan(arg, true);
}

/* A browser for each ConnectX netdev first, then (start_lan) the one for every interface. */
static bool start_browsers(struct discovery *d, AvahiClient *c)
{
	if (d->browser || d->ncable_browsers)
		return true;
	for (size_t k = 0; d->model && k < d->model->nports; k++) {
		const struct phys_port *pp = &d->model->ports[k];
		for (size_t t = 0; t < pp->ntwins && d->ncable_browsers < MAX_CABLE_BROWSERS; t++) {
			unsigned ifindex = pp->twins[t].netdev_name[0]
						   ? if_nametoindex(pp->twins[t].netdev_name)
						   : 0;
			AvahiServiceBrowser *b = ifindex ? avahi_service_browser_new(
								   c, (AvahiIfIndex)ifindex,
								   AVAHI_PROTO_UNSPEC, SERVICE_TYPE,
								   NULL, 0, browse_cb, d)
							 : NULL;
			if (b)
				d->cable_browsers[d->ncable_browsers++] = b;
		}
	}
	d->out->cable_cache_exhausted = d->ncable_browsers == 0;
	if (d->ncable_browsers) {
		loop_timer_after(d->lan_wait, LAN_WAIT_MS);
		return true;
	}
	start_lan(d, true);
	return d->browser != NULL;
}

static void stop_client(struct discovery *d)
{
	drop_records(d);
	stop_browsers(d);
	if (d->client)
		avahi_client_free(d->client);
	d->client = NULL;
}

static void client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct discovery *d = arg;
	d->client = c; /* can run before avahi_client_new returns */
	self_announce_update(d->self, state);
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
	case AVAHI_CLIENT_S_REGISTERING:
	case AVAHI_CLIENT_S_COLLISION: {
		const char *fq = avahi_client_get_host_name_fqdn(c);
		str_copy(d->self_fqdn, fq ? fq : "", sizeof(d->self_fqdn));
		d->retry_ms = RETRY_MIN_MS;
		if (start_browsers(d, c))
			set_state(d, MDNS_RUNNING, "mDNS: browsing _ssh._tcp");
		else
			set_state(d, MDNS_UNAVAILABLE, "mDNS: cannot browse; retrying");
		break;
	}
	case AVAHI_CLIENT_CONNECTING:
		/* the daemon is gone or not started yet: the client reconnects by itself */
		stop_browsers(d);
		drop_records(d);
		str_copy(d->out->reason, "avahi-daemon is not running", sizeof(d->out->reason));
		set_state(d, MDNS_WAITING, "mDNS unavailable: waiting for avahi-daemon");
		publish(d);
		break;
	case AVAHI_CLIENT_FAILURE: {
		char text[160];
		str_copy(d->out->reason, avahi_strerror(avahi_client_errno(c)),
			 sizeof(d->out->reason));
		snprintf(text, sizeof(text), "mDNS unavailable: %s; retrying", d->out->reason);
		drop_records(d);
		stop_browsers(d);
		d->dead = c; /* not inside its own callback: at the end of this turn */
		d->client = NULL;
		loop_timer_after(d->reap, 0);
		set_state(d, MDNS_UNAVAILABLE, text);
		schedule_retry(d);
		publish(d);
		break;
	}
	}
}

static void start_client(struct discovery *d)
{
	int err = 0;
	AvahiClient *c =
		avahi_client_new(avahi_poll_api(d->ap), AVAHI_CLIENT_NO_FAIL, client_cb, d, &err);
	if (!c) {
		char text[160];
		str_copy(d->out->reason,
			 err == AVAHI_ERR_NO_DAEMON ? "the system D-Bus is not reachable"
						    : avahi_strerror(err),
			 sizeof(d->out->reason));
		d->client = NULL;
		schedule_retry(d);
		snprintf(text, sizeof(text), "mDNS unavailable: %s; %s", d->out->reason,
			 d->busw ? "waiting for it" : "retrying");
		/* a retry that fails the same way changes nothing on screen: no redraw */
		if (set_state(d, MDNS_UNAVAILABLE, text) || d->nrecs)
			publish(d);
		return;
	}
	d->client = c;
}

static void reap_fired(struct loop_timer *t, void *arg)
{
	(void)t;
	struct discovery *d = arg;
	if (d->dead)
		avahi_client_free(d->dead);
	d->dead = NULL;
}

static void retry_fired(struct loop_timer *t, void *arg)
{
	(void)t;
	struct discovery *d = arg;
	if (!d->client)
		start_client(d);
}

static void bus_changed(struct loop_watch *w, int fd, short revents, void *arg)
{
	(void)w;
	(void)revents;
	struct discovery *d = arg;
	char buf[4096];
	while (read(fd, buf, sizeof(buf)) > 0) {
		/* drain: what was created does not matter, only whether the socket is there now */
	}
	char path[PATH_MAX];
	struct stat st;
	if (bus_socket_path(path, sizeof(path)) && stat(path, &st) == 0) {
		stop_bus_wait(d);
		if (!d->client)
			start_client(d);
	} else {
		start_bus_wait(d); /* a directory on the way appeared: watch one level deeper */
	}
}

static void self_stalled(void *arg)
{
	struct discovery *d = arg;
	if (d->fn)
		d->fn(d->arg);
}

struct discovery *discovery_new(struct loop *loop, struct peers *out, const struct model *model,
				discovery_change_fn *fn, void *arg)
{
	struct discovery *d = xcalloc(1, sizeof(*d));
	d->loop = loop, d->out = out, d->model = model, d->fn = fn, d->arg = arg;
	d->ap = avahi_poll_new(loop);
	d->pub = loop_timer_new(loop, pub_fired, d);
	d->lan_wait = loop_timer_new(loop, lan_wait_fired, d);
	d->retry = loop_timer_new(loop, retry_fired, d);
	d->reap = loop_timer_new(loop, reap_fired, d);
	d->self = self_announce_new(loop, out, self_stalled, d);
	d->inotify_fd = -1;
	d->retry_ms = RETRY_MIN_MS;
	start_client(d);
	return d;
}

void discovery_free(struct discovery *d)
{
	if (!d)
		return;
	stop_client(d);
	if (d->dead)
		avahi_client_free(d->dead);
	stop_bus_wait(d);
	loop_timer_free(d->retry);
	loop_timer_free(d->reap);
	loop_timer_free(d->pub);
	loop_timer_free(d->lan_wait);
	self_announce_free(d->self);
	avahi_poll_free(d->ap);
	free(d);
}
