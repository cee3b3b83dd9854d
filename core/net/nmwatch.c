/* nmwatch.c: NetworkManager's signals and /etc/netplan's inotify events on the loop, each
 * answered by one probe in a worker (nmwatch.h). */
#include "core/net/nmwatch.h"
#include "core/base/util.h"
#include "core/base/worker.h"
#include "core/net/coexist.h"

#include <dbus/dbus.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#define NM_NAME "org.freedesktop.NetworkManager"
#define NETWORKD_NAME "org.freedesktop.network1"

/* What one probe works on: owned by the worker's thread until WORKER_DONE. */
struct probe {
	const char *names[COEXIST_TWINS_MAX];
	char store[COEXIST_TWINS_MAX][16];
	size_t n;
	struct coexist out;
};

struct nmwatch {
	struct loop *loop;
	struct model *m;
	nmwatch_fn *fn;
	void *arg;
	DBusConnection *bus;
	int ino;
	struct loop_watch *ino_watch;
	struct worker *worker;
	struct probe *probe;
	bool again; /* an event came while a probe ran */
	struct nmwatch_stats stats;
};

/* ---------------------------------------------------------------- probes */

static void probe_job(struct worker *wk, void *arg)
{
	(void)wk;
	struct probe *p = arg;
	coexist_probe(&p->out, p->names, p->n);
}

static void probe_start(struct nmwatch *w);

static void probe_done(const struct worker_msg *msg, void *owner)
{
	struct nmwatch *w = owner;
	if (msg->kind != WORKER_DONE)
		return;
	worker_free(w->worker); /* joined: the thread is done with the probe */
	w->worker = NULL;
	struct probe *p = w->probe;
	w->probe = NULL;
	/* the twins may have changed while it ran: then its view is of other names */
	const char *names[COEXIST_TWINS_MAX];
	size_t n = model_twin_names(w->m, names, COEXIST_TWINS_MAX);
	if (nm_view_same_ifs(&p->out.nm, names, n))
		coexist_apply(w->m, &p->out);
	else
		w->again = true;
	coexist_free(&p->out);
	free(p);
	if (w->fn)
		w->fn(w->arg);
	if (w->again)
		probe_start(w);
}

static void probe_start(struct nmwatch *w)
{
	if (w->worker) {
		w->again = true;
		return;
	}
	w->again = false;
	struct probe *p = xcalloc(1, sizeof(*p));
	const char *names[COEXIST_TWINS_MAX];
	p->n = model_twin_names(w->m, names, COEXIST_TWINS_MAX);
	for (size_t i = 0; i < p->n; i++) {
		str_copy(p->store[i], names[i], sizeof(p->store[i]));
		p->names[i] = p->store[i];
	}
	w->probe = p;
	w->stats.probes++;
	w->worker = worker_start(w->loop, probe_job, p, probe_done, w);
	if (!w->worker) { /* no thread: nothing known until the next event */
		free(p);
		w->probe = NULL;
	}
}

void nmwatch_check(struct nmwatch *w)
{
	if (!w || w->worker)
		return; /* a running probe checks the names when it ends */
	const char *names[COEXIST_TWINS_MAX];
	size_t n = model_twin_names(w->m, names, COEXIST_TWINS_MAX);
	if (!nm_view_same_ifs(&w->m->nm, names, n))
		probe_start(w);
}

/* ---------------------------------------------------------------- /etc/netplan */

static void on_inotify(struct loop_watch *lw, int fd, short revents, void *arg)
{
	(void)lw;
	(void)revents;
	struct nmwatch *w = arg;
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool any = false, gone = false;
	ssize_t r;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + r;) {
			const struct inotify_event *e = (const struct inotify_event *)p;
			gone |= (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) != 0;
			any = true;
			p += sizeof(*e) + e->len;
		}
	}
	if (gone) { /* the directory itself went: no more events from it */
		loop_watch_free(w->ino_watch);
		w->ino_watch = NULL;
	}
	if (any) {
		w->stats.file_events++;
		probe_start(w);
	}
}

static void netplan_watch(struct nmwatch *w)
{
	w->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ino < 0)
		return;
	if (inotify_add_watch(w->ino, NETPLAN_DIR,
			      IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
				      IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0) {
		close(w->ino);
		w->ino = -1;
		return;
	}
	w->ino_watch = loop_watch_new(w->loop, w->ino, POLLIN, on_inotify, w);
}

/* ---------------------------------------------------------------- the bus on the loop */

static void bus_drop(struct nmwatch *w);

static void bus_dispatch(struct nmwatch *w)
{
	while (w->bus && dbus_connection_dispatch(w->bus) == DBUS_DISPATCH_DATA_REMAINS)
		;
	/* the bus went away: NetworkManager's state is what the last probe saw */
	if (w->bus && !dbus_connection_get_is_connected(w->bus))
		bus_drop(w);
}

/* libdbus's watches: one loop watch per enabled DBusWatch (its data). */
struct bus_watch {
	struct nmwatch *w;
	struct loop_watch *lw;
};

static void bus_io(struct loop_watch *lw, int fd, short revents, void *arg);

static void bus_watch_sync(DBusWatch *dw)
{
	struct bus_watch *bw = dbus_watch_get_data(dw);
	if (!bw)
		return;
	if (bw->lw) {
		loop_watch_free(bw->lw);
		bw->lw = NULL;
	}
	if (!dbus_watch_get_enabled(dw))
		return;
	unsigned f = dbus_watch_get_flags(dw);
	short ev = (short)(((f & DBUS_WATCH_READABLE) ? POLLIN : 0) |
			   ((f & DBUS_WATCH_WRITABLE) ? POLLOUT : 0));
	bw->lw = loop_watch_new(bw->w->loop, dbus_watch_get_unix_fd(dw), ev, bus_io, dw);
}

static void bus_io(struct loop_watch *lw, int fd, short revents, void *arg)
{
	DBusWatch *dw = arg;
	struct bus_watch *bw = dbus_watch_get_data(dw);
	struct nmwatch *w = bw->w;
	(void)lw;
	(void)fd;
	unsigned flags = ((revents & POLLIN) ? DBUS_WATCH_READABLE : 0) |
			 ((revents & POLLOUT) ? DBUS_WATCH_WRITABLE : 0) |
			 ((revents & POLLERR) ? DBUS_WATCH_ERROR : 0) |
			 ((revents & POLLHUP) ? DBUS_WATCH_HANGUP : 0);
	dbus_watch_handle(dw, flags); /* may remove dw: only w is used after it */
	bus_dispatch(w);
}

static void bus_watch_free(void *data)
{
	struct bus_watch *bw = data;
	if (bw->lw)
		loop_watch_free(bw->lw);
	free(bw);
}

static dbus_bool_t bus_watch_add(DBusWatch *dw, void *data)
{
	struct bus_watch *bw = xcalloc(1, sizeof(*bw));
	bw->w = data;
	dbus_watch_set_data(dw, bw, bus_watch_free);
	bus_watch_sync(dw);
	return TRUE;
}

static void bus_watch_remove(DBusWatch *dw, void *data)
{
	(void)data;
	struct bus_watch *bw = dbus_watch_get_data(dw);
	if (bw && bw->lw) {
		loop_watch_free(bw->lw);
		bw->lw = NULL;
	}
}

static void bus_watch_toggled(DBusWatch *dw, void *data)
{
	(void)data;
	bus_watch_sync(dw);
}

/* libdbus's timeouts (its own calls' limits): a loop timer each, re-armed while enabled. */
static void bus_timeout_fired(struct loop_timer *t, void *arg)
{
	DBusTimeout *dt = arg;
	if (dbus_timeout_get_enabled(dt))
		loop_timer_after(t, dbus_timeout_get_interval(dt));
	dbus_timeout_handle(dt);
}

static void bus_timer_free(void *data)
{
	loop_timer_free(data);
}

static dbus_bool_t bus_timeout_add(DBusTimeout *dt, void *data)
{
	struct nmwatch *w = data;
	struct loop_timer *t = loop_timer_new(w->loop, bus_timeout_fired, dt);
	dbus_timeout_set_data(dt, t, bus_timer_free);
	if (dbus_timeout_get_enabled(dt))
		loop_timer_after(t, dbus_timeout_get_interval(dt));
	return TRUE;
}

static void bus_timeout_remove(DBusTimeout *dt, void *data)
{
	(void)data;
	struct loop_timer *t = dbus_timeout_get_data(dt);
	if (t)
		loop_timer_at(t, -1);
}

static void bus_timeout_toggled(DBusTimeout *dt, void *data)
{
	(void)data;
	struct loop_timer *t = dbus_timeout_get_data(dt);
	if (!t)
		return;
	if (dbus_timeout_get_enabled(dt))
		loop_timer_after(t, dbus_timeout_get_interval(dt));
	else
		loop_timer_at(t, -1);
}

static DBusHandlerResult on_signal(DBusConnection *c, DBusMessage *msg, void *data)
{
	(void)c;
	struct nmwatch *w = data;
	if (dbus_message_get_type(msg) != DBUS_MESSAGE_TYPE_SIGNAL ||
	    dbus_message_is_signal(msg, DBUS_INTERFACE_LOCAL, "Disconnected"))
		return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
	const char *path = dbus_message_get_path(msg);
	bool ours = dbus_message_is_signal(msg, DBUS_INTERFACE_DBUS, "NameOwnerChanged") ||
		    (path && str_starts(path, "/org/freedesktop/NetworkManager"));
	if (ours) {
		w->stats.signals++;
		probe_start(w);
	}
	return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

static void bus_drop(struct nmwatch *w)
{
	DBusConnection *c = w->bus;
	if (!c)
		return;
	w->bus = NULL;
	dbus_connection_remove_filter(c, on_signal, w);
	dbus_connection_close(c);
	dbus_connection_set_watch_functions(c, NULL, NULL, NULL, NULL, NULL);
	dbus_connection_set_timeout_functions(c, NULL, NULL, NULL, NULL, NULL);
	dbus_connection_unref(c);
}

static int bus_watch(struct nmwatch *w, char *err, size_t errsize)
{
	static const char *const rules[] = {
		"type='signal',sender='" NM_NAME
		"',path_namespace='/org/freedesktop/NetworkManager/"
		"Devices'",
		"type='signal',sender='" NM_NAME
		"',path_namespace='/org/freedesktop/NetworkManager/"
		"Settings'",
		"type='signal',sender='" NM_NAME "',path='/org/freedesktop/NetworkManager',"
		"interface='org.freedesktop.DBus.Properties'",
		"type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',arg0='" NM_NAME
		"'",
		"type='signal',sender='org.freedesktop.DBus',member='NameOwnerChanged',"
		"arg0='" NETWORKD_NAME "'",
	};
	DBusError e;
	dbus_error_init(&e);
	w->bus = dbus_bus_get_private(DBUS_BUS_SYSTEM, &e);
	if (!w->bus) {
		snprintf(err, errsize, "no system bus (%s): NetworkManager is read once",
			 e.message ? e.message : "no message");
		dbus_error_free(&e);
		return -EIO;
	}
	dbus_connection_set_exit_on_disconnect(w->bus, FALSE);
	dbus_connection_add_filter(w->bus, on_signal, w, NULL);
	for (size_t i = 0; i < ARRAY_LEN(rules); i++)
		dbus_bus_add_match(w->bus, rules[i], NULL); /* no answer waited for */
	if (!dbus_connection_set_watch_functions(w->bus, bus_watch_add, bus_watch_remove,
						 bus_watch_toggled, w, NULL) ||
	    !dbus_connection_set_timeout_functions(w->bus, bus_timeout_add, bus_timeout_remove,
						   bus_timeout_toggled, w, NULL)) {
		bus_drop(w);
		snprintf(err, errsize, "cannot watch the system bus: NetworkManager is read once");
		return -ENOMEM;
	}
	dbus_connection_flush(w->bus); /* the rules are in before the first probe reads */
	return 0;
}

/* ---------------------------------------------------------------- life cycle */

struct nmwatch *nmwatch_new(struct loop *loop, struct model *m, nmwatch_fn *fn, void *arg,
			    char *err, size_t errsize)
{
	struct nmwatch *w = xcalloc(1, sizeof(*w));
	w->loop = loop, w->m = m, w->fn = fn, w->arg = arg, w->ino = -1;
	err[0] = '\0';
	bus_watch(w, err, errsize);
	netplan_watch(w);
	probe_start(w); /* the view at start; the match rules are in before it reads */
	return w;
}

void nmwatch_free(struct nmwatch *w)
{
	if (!w)
		return;
	if (w->worker)
		worker_free(w->worker); /* joins the probe */
	if (w->probe) {
		coexist_free(&w->probe->out);
		free(w->probe);
	}
	bus_drop(w);
	if (w->ino_watch)
		loop_watch_free(w->ino_watch);
	if (w->ino >= 0)
		close(w->ino);
	free(w);
}

struct nmwatch_stats nmwatch_stats(const struct nmwatch *w)
{
	return w->stats;
}
