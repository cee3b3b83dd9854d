/* node_remote_user.h: lines of the login user's own files on the peer removed as that user (the
 * undo of pairing there). */
#ifndef SPARKLINK_NODE_REMOTE_USER_H
#define SPARKLINK_NODE_REMOTE_USER_H

#include "core/base/util.h"
#include "core/node/node.h"

#include <stdbool.h>
#include <stddef.h>

/* Remove exactly the line `line` from the login user's file ~/rel (e.g. ".ssh/authorized_keys")
 * on the peer, as that user, keeping the file's mode and every other byte; *removed tells
 * whether it was there. Used to undo pairing on the peer. */
int node_remote_user_line_remove(struct node *n, const char *rel, const char *line, bool *removed,
				 char *err, size_t errsize);
/* Remove the last line of data that is exactly line (with its "\n" if it has one); false if
 * there is none. */
bool node_remote_line_cut(struct buf *data, const char *line);

#endif
