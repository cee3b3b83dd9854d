/* files.h: replacing a file atomically, with the mode and owner it must have. */
#ifndef SPARKLINK_FILES_H
#define SPARKLINK_FILES_H

#include <stddef.h>
#include <sys/types.h>

/* Write data to a new file beside path (created with mode, owned by uid:gid unless they are
 * -1), fsync it, rename it over path, fsync the directory. On failure nothing at path changes;
 * returns -errno with a sentence in err. */
int file_replace(const char *path, const char *data, size_t len, mode_t mode, uid_t uid,
		 gid_t gid, char *err, size_t errsize);

#endif
