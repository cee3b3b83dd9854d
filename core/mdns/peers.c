/* peers.c: mDNS discovery of Sparks with avahi-client on the core loop. */
#include "core/mdns/peers.h"
#include "core/mdns/avahi_poll.h"
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

/* One browse record: a service instance on one interface and protocol. */
struct record {
	int ifindex;
	AvahiProtocol proto;
	char name[80];   /* as announced, cleaned */
	char raw_name[256]; /* as avahi gave it (for matching REMOVE); never shown */
	char domain[64];
	bool local;
	bool resolved;
	char host[256];
	bool host_ok;
	struct peer_addr addr;
	AvahiServiceResolver *resolver;
};

struct discovery {
	struct loop *loop;
	struct peers *out;
	discovery_change_fn *fn;
	void *arg;
	struct avahi_poll *ap;
	AvahiClient *client;
	AvahiServiceBrowser *browser;
	struct record *recs;
	size_t nrecs;
	struct loop_timer *retry;
	struct loop_watch *busw;  /* inotify: waiting for the system bus socket to appear */
	int inotify_fd;
	struct loop_timer *reap; /* frees a failed client outside its own callback */
	AvahiClient *dead;
	int retry_ms;
	char self_fqdn[256];
};

void peers_init(struct peers *p)
{
	memset(p, 0, sizeof(*p));
	p->state = MDNS_STARTING;
	str_copy(p->state_text, "mDNS: starting", sizeof(p->state_text));
}

static void peers_clear(struct peers *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].addrs);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void peers_free(struct peers *p)
{
	peers_clear(p);
}

const char *mdns_state_word(enum mdns_state s)
{
	switch (s) {
	case MDNS_RUNNING: return "running";
	case MDNS_WAITING: return "waiting for avahi-daemon";
	case MDNS_UNAVAILABLE: return "unavailable";
	default: return "starting";
	}
}

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

static int cmp_peer(const void *a, const void *b)
{
	const struct peer *x = a, *y = b;
	if (x->self != y->self)
		return x->self ? 1 : -1;
	return strcmp(x->host, y->host);
}

/* Rebuild the peer list from the records, then tell the owner. */
static void publish(struct discovery *d)
{
	struct peers *p = d->out;
	peers_clear(p);
	size_t pending = 0;
	for (size_t i = 0; i < d->nrecs; i++) {
		const struct record *r = &d->recs[i];
		if (!r->resolved) {
			pending += r->resolver != NULL;
			continue;
		}
		struct peer *pe = NULL;
		for (size_t k = 0; k < p->n && !pe; k++)
			if (strcmp(p->v[k].host, r->host) == 0)
				pe = &p->v[k];
		if (!pe) {
			p->v = xrealloc(p->v, p->n + 1, sizeof(*p->v));
			pe = &p->v[p->n++];
			memset(pe, 0, sizeof(*pe));
			str_copy(pe->host, r->host, sizeof(pe->host));
			str_copy(pe->service, r->name, sizeof(pe->service));
			pe->host_ok = r->host_ok;
		}
		pe->self |= r->local || (d->self_fqdn[0] && strcmp(r->host, d->self_fqdn) == 0);
		bool dup = false;
		for (size_t k = 0; k < pe->naddrs && !dup; k++)
			dup = pe->addrs[k].ifindex == r->addr.ifindex &&
			      strcmp(pe->addrs[k].addr, r->addr.addr) == 0;
		if (dup)
			continue;
		pe->addrs = xrealloc(pe->addrs, pe->naddrs + 1, sizeof(*pe->addrs));
		pe->addrs[pe->naddrs++] = r->addr;
	}
	if (p->n)
		qsort(p->v, p->n, sizeof(*p->v), cmp_peer);
	p->pending = pending;
	p->generation++;
	p->dirty = true;
	if (d->fn)
		d->fn(d->arg);
}

/* Returns true if the state or its text changed. */
static bool set_state(struct discovery *d, enum mdns_state s, const char *text)
{
	bool same = d->out->state == s && strcmp(d->out->state_text, text) == 0;
	d->out->state = s;
	str_copy(d->out->state_text, text, sizeof(d->out->state_text));
	return !same;
}

static void drop_records(struct discovery *d)
{
	for (size_t i = 0; i < d->nrecs; i++)
		if (d->recs[i].resolver)
			avahi_service_resolver_free(d->recs[i].resolver);
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
		struct record *r = &d->recs[i];
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
		       uint16_t port, AvahiStringList *txt, AvahiLookupResultFlags flags, void *arg)
{
	(void)type;
	(void)domain;
	(void)txt;
	struct discovery *d = arg;
	struct record *r = find_record(d, ifindex, proto, name, NULL);
	if (!r || r->resolver != res)
		return;
	if (event != AVAHI_RESOLVER_FOUND || !addr || !host) {
		/* it will not answer now; forget this resolver, keep the record unresolved */
		avahi_service_resolver_free(res);
		r->resolver = NULL;
		publish(d);
		return;
	}
	text_clean(r->host, sizeof(r->host), host, strlen(host), 0);
	r->host_ok = plain_dns_name(host) && strcmp(r->host, host) == 0;
	r->local |= (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
	memset(&r->addr, 0, sizeof(r->addr));
	r->addr.ifindex = ifindex;
	char ifname[IF_NAMESIZE] = "";
	if (if_indextoname((unsigned)ifindex, ifname))
		text_clean(r->addr.ifname, sizeof(r->addr.ifname), ifname, strlen(ifname), TEXT_NAME);
	r->addr.family = addr->proto == AVAHI_PROTO_INET6 ? AF_INET6 : AF_INET;
	if (!inet_ntop(r->addr.family, &addr->data, r->addr.addr, sizeof(r->addr.addr)))
		return;
	r->addr.port = port;
	r->addr.link_local = r->addr.family == AF_INET ? str_starts(r->addr.addr, "169.254.")
						       : (addr->data.ipv6.address[0] == 0xfe &&
							  (addr->data.ipv6.address[1] & 0xc0) == 0x80);
	r->resolved = true;
	publish(d);
}

static void browse_cb(AvahiServiceBrowser *b, AvahiIfIndex ifindex, AvahiProtocol proto,
		      AvahiBrowserEvent event, const char *name, const char *type,
		      const char *domain, AvahiLookupResultFlags flags, void *arg)
{
	(void)b;
	struct discovery *d = arg;
	switch (event) {
	case AVAHI_BROWSER_NEW: {
		if (!name || !type || !domain || strlen(name) >= sizeof(d->recs[0].raw_name))
			return;
		if (find_record(d, ifindex, proto, name, NULL))
			return;
		d->recs = xrealloc(d->recs, d->nrecs + 1, sizeof(*d->recs));
		struct record *r = &d->recs[d->nrecs++];
		memset(r, 0, sizeof(*r));
		r->ifindex = ifindex;
		r->proto = proto;
		str_copy(r->raw_name, name, sizeof(r->raw_name));
		text_clean(r->name, sizeof(r->name), name, strlen(name), 0);
		str_copy(r->domain, domain, sizeof(r->domain));
		r->local = (flags & AVAHI_LOOKUP_RESULT_LOCAL) != 0;
		/* resolve to an address of the protocol it was seen on: on a fresh cable that is
		 * IPv6 link-local, found before any IPv4 address exists */
		r->resolver = avahi_service_resolver_new(d->client, ifindex, proto, name, type, domain,
							 proto, 0, resolve_cb, d);
		publish(d);
		break;
	}
	case AVAHI_BROWSER_REMOVE: {
		size_t idx;
		struct record *r = name ? find_record(d, ifindex, proto, name, &idx) : NULL;
		if (!r)
			return;
		if (r->resolver)
			avahi_service_resolver_free(r->resolver);
		d->recs[idx] = d->recs[--d->nrecs];
		publish(d);
		break;
	}
	case AVAHI_BROWSER_ALL_FOR_NOW:
		d->out->all_for_now = true;
		publish(d);
		break;
	case AVAHI_BROWSER_CACHE_EXHAUSTED:
		d->out->cache_exhausted = true;
		publish(d);
		break;
	case AVAHI_BROWSER_FAILURE:
		set_state(d, MDNS_UNAVAILABLE, "mDNS: browsing failed; retrying");
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
		if (inotify_add_watch(d->inotify_fd, path, IN_CREATE | IN_MOVED_TO | IN_ATTRIB) >= 0) {
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

static void stop_client(struct discovery *d)
{
	drop_records(d);
	if (d->browser)
		avahi_service_browser_free(d->browser);
	d->browser = NULL;
	if (d->client)
		avahi_client_free(d->client);
	d->client = NULL;
}

static void client_cb(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct discovery *d = arg;
	d->client = c; /* can run before avahi_client_new returns */
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
	case AVAHI_CLIENT_S_REGISTERING:
	case AVAHI_CLIENT_S_COLLISION: {
		const char *fq = avahi_client_get_host_name_fqdn(c);
		str_copy(d->self_fqdn, fq ? fq : "", sizeof(d->self_fqdn));
		d->retry_ms = RETRY_MIN_MS;
		if (!d->browser)
			d->browser = avahi_service_browser_new(c, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
							       SERVICE_TYPE, NULL, 0, browse_cb, d);
		if (d->browser)
			set_state(d, MDNS_RUNNING, "mDNS: browsing _ssh._tcp");
		else
			set_state(d, MDNS_UNAVAILABLE, "mDNS: cannot browse; retrying");
		break;
	}
	case AVAHI_CLIENT_CONNECTING:
		/* the daemon is gone or not started yet: the client reconnects by itself */
		if (d->browser)
			avahi_service_browser_free(d->browser);
		d->browser = NULL;
		drop_records(d);
		str_copy(d->out->reason, "avahi-daemon is not running", sizeof(d->out->reason));
		set_state(d, MDNS_WAITING, "mDNS unavailable: waiting for avahi-daemon");
		publish(d);
		break;
	case AVAHI_CLIENT_FAILURE: {
		char text[160];
		str_copy(d->out->reason, avahi_strerror(avahi_client_errno(c)), sizeof(d->out->reason));
		snprintf(text, sizeof(text), "mDNS unavailable: %s; retrying", d->out->reason);
		drop_records(d);
		if (d->browser)
			avahi_service_browser_free(d->browser);
		d->browser = NULL;
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
	AvahiClient *c = avahi_client_new(avahi_poll_api(d->ap), AVAHI_CLIENT_NO_FAIL, client_cb, d,
					  &err);
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

struct discovery *discovery_new(struct loop *loop, struct peers *out, discovery_change_fn *fn,
				void *arg)
{
	struct discovery *d = xcalloc(1, sizeof(*d));
	d->loop = loop, d->out = out, d->fn = fn, d->arg = arg;
	d->ap = avahi_poll_new(loop);
	d->retry = loop_timer_new(loop, retry_fired, d);
	d->reap = loop_timer_new(loop, reap_fired, d);
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
	avahi_poll_free(d->ap);
	free(d);
}

int peer_addr_port(const struct model *m, const struct peer_addr *a)
{
	for (size_t k = 0; k < m->nports; k++)
		for (size_t t = 0; t < m->ports[k].ntwins; t++)
			if (strcmp(m->ports[k].twins[t].netdev_name, a->ifname) == 0)
				return m->ports[k].number;
	return -1;
}

bool peer_addr_on_up_port(const struct model *m, const struct peer_addr *a)
{
	return peer_addr_port(m, a) >= 0 && peer_addr_live(m, a);
}

bool peer_addr_live(const struct model *m, const struct peer_addr *a)
{
	const struct netdev *d = model_netdev(m, a->ifname);
	return d && d->carrier;
}

size_t peer_live_addrs(const struct model *m, const struct peer *p)
{
	size_t n = 0;
	for (size_t k = 0; k < p->naddrs; k++)
		n += peer_addr_live(m, &p->addrs[k]);
	return n;
}
