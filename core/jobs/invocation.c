/* invocation.c: who runs this sparklink and where its journals are. */
#include "core/jobs/invocation.h"
#include "core/jobs/journal.h"

#include <string.h>
#include <unistd.h>

int invocation_get(struct invocation *inv, char *err, size_t errsize)
{
	memset(inv, 0, sizeof(*inv));
	int r = ssh_user_current(&inv->user, err, errsize);
	if (r < 0)
		return r;
	inv->root = geteuid() == 0;
	inv->journal_owner = geteuid();
	journal_default_path(inv->journal, sizeof(inv->journal));
	if (inv->root && inv->user.uid != 0)
		journal_user_path(inv->user.home, inv->user_journal, sizeof(inv->user_journal));
	return 0;
}

void invocation_scope(const struct invocation *inv, struct journal_scope *s)
{
	s->user_journal = !inv->root;
	s->home = inv->user.home;
}

void invocation_user_scope(const struct invocation *inv, struct journal_scope *s)
{
	s->user_journal = true;
	s->home = inv->user.home;
}
