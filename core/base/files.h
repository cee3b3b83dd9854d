/* files.h: replacing a file atomically, with the mode and owner it must have. */
#ifndef SPARKLINK_FILES_H
#define SPARKLINK_FILES_H

#include <stddef.h>
#include <sys/types.h>

/* Write data to a new file beside path (created with mode, owned by uid:gid unless they are
 * -1), fsync it, rename it over path, fsync the directory. On failure nothing at path changes;
 * returns -errno with a sentence in err. */
int file_replace(const char *path, const char *data, size_t len, mode_t mode, uid_t uid, gid_t gid,
		 char *err, size_t errsize);

/* Open path (open(2) flags; O_CREAT makes it 0600) when it and its directory belong to owner,
 * are no symbolic links and cannot be written by group or others: sparklink's own state (the
 * journal, the console's log), which root must not take from another user. Returns the
 * descriptor, -ENOENT when the file (or its directory) does not exist, or -errno with a
 * sentence in err naming it as what ("journal") and saying how to fix it. */
int file_open_owned(const char *path, int flags, uid_t owner, const char *what, char *err,
		    size_t errsize);

#endif
