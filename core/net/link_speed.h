/* link_speed.h: a netdev's speed read again on each carrier up, through a file kept open.
 *
 * The sysfs attribute IF/speed is read again from offset 0 with one pread() (sysfs runs its show
 * function again for a read from 0); the path is walked once per netdev, not on every carrier
 * change. The open files are few (LINK_SPEED_FILES, the most recently used kept) and keyed by
 * ifindex and name: a netdev that went, or was renamed, is a miss and its path opened anew; a
 * file whose netdev went reads an error and is opened again. A fixture tree's speed file (a
 * regular file) is seen changed when it is written in place, not when it is replaced. */
#ifndef SPARKLINK_LINK_SPEED_H
#define SPARKLINK_LINK_SPEED_H

#define LINK_SPEED_FILES 8

struct link_speed {
	struct {
		int ifindex;
		int fd; /* -1: free */
		unsigned long used; /* when it was read last (a counter) */
		char name[16];
	} files[LINK_SPEED_FILES];
	unsigned long clock;
};

void link_speed_init(struct link_speed *ls);
/* Close every file kept. */
void link_speed_clear(struct link_speed *ls);
/* ROOT/class/net/NAME/speed in Mb/s: 0 and *mbps, -ENOENT when the netdev has no such file,
 * -errno, or -EINVAL for what is not a number. */
int link_speed_read(struct link_speed *ls, int ifindex, const char *name, long *mbps);

#endif
