/* node_remote_user.h: the login user's side of the peer, without sudo: lines of their own files
 * removed (the undo of pairing there), a file of theirs written, a job's own script run. */
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

/* Write data to ~/rel of the login user on the peer, as that user, atomically (a temporary file
 * beside it, renamed over it), with mode; the directories on the way are made (0755) when
 * missing. A symbolic link or a file of someone else at ~/rel is refused, never written through.
 * 0, or -errno with a sentence in err. */
int node_remote_user_file_put(struct node *n, const char *rel, const char *data, size_t len,
			      unsigned mode, char *err, size_t errsize);

/* Run script (a fixed POSIX sh script of the caller's; its values are $1...) on the peer as the
 * login user, without sudo, stdin empty, at most timeout_s (0: the session's): stdout raw into
 * out, stderr cleaned into said. Returns the script's exit status (>= 0), or a negative code
 * with a sentence in err when it did not run to its end (cancelled, timed out, no channel). */
int node_remote_user_run(struct node *n, const char *script, const char *const *args, size_t nargs,
			 int timeout_s, struct buf *out, char *said, size_t saidsize, char *err,
			 size_t errsize);

#endif
