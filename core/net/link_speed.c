/* link_speed.c: a netdev's speed through a sysfs file kept open (see link_speed.h). */
#include "core/net/link_speed.h"
#include "core/base/util.h"
#include "core/net/sysfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void link_speed_init(struct link_speed *ls)
{
	memset(ls, 0, sizeof(*ls));
	for (int i = 0; i < LINK_SPEED_FILES; i++)
		ls->files[i].fd = -1;
}

void link_speed_clear(struct link_speed *ls)
{
	for (int i = 0; i < LINK_SPEED_FILES; i++)
		if (ls->files[i].fd >= 0)
			close(ls->files[i].fd);
	link_speed_init(ls);
}

/* The whole attribute from offset 0, as a number. */
static int read_number(int fd, long *mbps)
{
	char raw[64];
	ssize_t n;
	do
		n = pread(fd, raw, sizeof(raw) - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	raw[n] = '\0';
	char *end;
	errno = 0;
	long v = strtol(raw, &end, 10);
	if (end == raw || (*end && *end != '\n') || errno)
		return -EINVAL;
	*mbps = v;
	return 0;
}

int link_speed_read(struct link_speed *ls, int ifindex, const char *name, long *mbps)
{
	ls->clock++;
	int slot = -1, lru = 0;
	for (int i = 0; i < LINK_SPEED_FILES; i++) {
		if (ls->files[i].fd >= 0 && ls->files[i].ifindex == ifindex &&
		    strcmp(ls->files[i].name, name) == 0) {
			slot = i;
			break;
		}
		if (ls->files[i].fd < 0 ||
		    (ls->files[lru].fd >= 0 && ls->files[i].used < ls->files[lru].used))
			lru = i;
	}
	if (slot >= 0) {
		int r = read_number(ls->files[slot].fd, mbps);
		if (r != -ENODEV && r != -ENOENT && r != -ESTALE) {
			ls->files[slot].used = ls->clock;
			return r;
		}
		/* its netdev went: the name may be another's now */
		close(ls->files[slot].fd);
		ls->files[slot].fd = -1;
		lru = slot;
	}
	char path[PATH_MAX];
	sysfs_path(path, sizeof(path), "class/net/%s/speed", name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	int r = read_number(fd, mbps);
	if (strlen(name) >= sizeof(ls->files[lru].name)) {
		close(fd);
		return r;
	}
	if (ls->files[lru].fd >= 0)
		close(ls->files[lru].fd);
	ls->files[lru].fd = fd;
	ls->files[lru].ifindex = ifindex;
	ls->files[lru].used = ls->clock;
	str_copy(ls->files[lru].name, name, sizeof(ls->files[lru].name));
	return r;
}
