/* cli_loop.c: how a command that watches (ports --watch, monitor, discover --watch) ends: SIGINT,
 * SIGTERM or SIGHUP, or its reader gone (a pipe's reader closed: `| head`), end the loop with
 * EXIT_OK, quietly. */
#include "core/base/loop.h"
#include "ui/cli/cli.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

static void on_signal(int signo, void *arg)
{
	(void)signo;
	loop_quit(arg, EXIT_OK);
}

static void stdout_gone(struct loop_watch *lw, int fd, short revents, void *arg)
{
	(void)lw;
	(void)fd;
	if (revents & (POLLERR | POLLHUP | POLLNVAL))
		loop_quit(arg, EXIT_OK);
}

void cli_loop_end_on_stop(struct loop *l, bool reader)
{
	signal(SIGPIPE, SIG_IGN);
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	loop_signals(l, sigs, 3, on_signal, l);
	/* a pipe reports POLLERR once its reader closes: no write needed to notice */
	if (reader)
		loop_watch_new(l, STDOUT_FILENO, 0, stdout_gone, l);
}
