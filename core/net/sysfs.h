/* sysfs.h: reading sysfs attributes under a root that can be moved (fixture trees, the lab).
 * The root is, in order: sysfs_set_root(), $SPARKLINK_SYSFS, "/sys". */
#ifndef SPARKLINK_SYSFS_H
#define SPARKLINK_SYSFS_H

#include <stddef.h>

void sysfs_set_root(const char *root);
const char *sysfs_root(void);
/* As root, a tree in place of /sys (--sysfs, SPARKLINK_SYSFS, which sudo may keep) must be a
 * directory owned by root that nobody else can write: 0, or -errno with a sentence in err. */
int sysfs_root_check(char *err, size_t errsize);

/* Read ROOT/<path> into buf as clean text (see text.h). Returns length or -errno. */
__attribute__((format(printf, 3, 4))) int sysfs_read(char *buf, size_t size, const char *fmt, ...);
/* Read an integer attribute; returns 0 and sets *val, or -errno / -EINVAL for garbage. */
__attribute__((format(printf, 2, 3))) int sysfs_read_long(long *val, const char *fmt, ...);
/* Basename of the symlink ROOT/<path> (e.g. the PCI address behind DEV/device), clean text. */
__attribute__((format(printf, 3, 4))) int sysfs_link_name(char *buf, size_t size, const char *fmt,
							  ...);
/* Full path ROOT/<path> into buf. */
__attribute__((format(printf, 3, 4))) void sysfs_path(char *buf, size_t size, const char *fmt, ...);

#endif
