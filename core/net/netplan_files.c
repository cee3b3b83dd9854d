/* netplan_files.c: other tools' files in /etc/netplan: who writes them, which twins they name,
 * and the directory read with bounds (netplan_files.h). */
#include "core/net/netplan_files.h"
#include "core/base/text.h"
#include "core/base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *netplan_file_tool(const char *name)
{
	static const struct {
		const char *prefix, *tool;
	} known[] = {
		{ "99-nvidia-sync-cluster.yaml", "NVIDIA Sync" },
		{ "98-spark-vllm-docker.yaml", "the vLLM docker helper (spark-vllm-docker)" },
		{ "90-NM-", "NetworkManager (a profile it saved through netplan)" },
		{ "50-cloud-init.yaml", "cloud-init" },
		{ NETPLAN_SPARKLINK_FILE,
		  "NVIDIA's playbook by hand, its cluster helper or sparkrun" },
	};
	for (size_t i = 0; i < ARRAY_LEN(known); i++)
		if (str_starts(name, known[i].prefix))
			return known[i].tool;
	return NULL;
}

static bool word_char(char c)
{
	return c == '_' || c == '-' || c == '.' || (c >= '0' && c <= '9') ||
	       ((c | 32) >= 'a' && (c | 32) <= 'z');
}

bool netplan_names_if(const char *text, size_t len, const char *ifname)
{
	size_t n = strlen(ifname);
	if (!text || !n)
		return false;
	for (const char *p = text; p + n <= text + len; p++) {
		p = memmem(p, (size_t)(text + len - p), ifname, n);
		if (!p)
			return false;
		const char *e = p + n;
		if ((p == text || !word_char(p[-1])) && (e == text + len || !word_char(*e)))
			return true;
	}
	return false;
}

bool netplan_name_read(const char *name)
{
	size_t l = strlen(name);
	if (!l || name[0] == '.' || strchr(name, '/'))
		return false;
	return (l > 5 && strcmp(name + l - 5, ".yaml") == 0) ||
	       (l > 4 && strcmp(name + l - 4, ".yml") == 0);
}

static void other_init(struct netplan_other *out, const char *name)
{
	memset(out, 0, sizeof(*out));
	text_clean(out->file, sizeof(out->file), name, strlen(name), 0);
	out->tool = netplan_file_tool(name);
}

bool netplan_file_judge(const char *name, const char *data, size_t len, const char *const *ifnames,
			size_t n, struct netplan_other *out)
{
	if (!netplan_name_read(name))
		return false;
	const size_t mark = sizeof(NETPLAN_SPARKLINK_MARK) - 1;
	if (strcmp(name, NETPLAN_SPARKLINK_FILE) == 0 && data && len >= mark &&
	    memcmp(data, NETPLAN_SPARKLINK_MARK, mark) == 0)
		return false; /* sparklink's own */
	other_init(out, name);
	for (size_t i = 0; i < n && out->nifs < NETPLAN_IFS_MAX; i++)
		if (text_is_ifname(ifnames[i]) && netplan_names_if(data, len, ifnames[i]))
			str_copy(out->ifnames[out->nifs++], ifnames[i], sizeof(out->ifnames[0]));
	return out->nifs > 0;
}

/* The file's bytes (at most NETPLAN_FILE_MAX), read without following a symlink; NULL when it
 * cannot be read or is not a regular file of that size. */
static char *read_bounded(int dfd, const char *name, size_t *len)
{
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *data = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > NETPLAN_FILE_MAX)
		goto out;
	data = xcalloc((size_t)st.st_size + 1, 1);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, data + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	*len = got;
out:
	close(fd);
	return data;
}

static int cmp_other(const void *a, const void *b)
{
	return strcmp(((const struct netplan_other *)a)->file,
		      ((const struct netplan_other *)b)->file);
}

int netplan_scan_dir(const char *dir, const char *const *ifnames, size_t n,
		     struct netplan_scan *out)
{
	memset(out, 0, sizeof(*out));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		out->read = errno == ENOENT;
		return errno == ENOENT ? 0 : -errno;
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = -errno;
		close(dfd);
		return e;
	}
	out->read = true;
	size_t seen = 0;
	struct dirent *e;
	while ((e = readdir(d)) && seen < NETPLAN_SCAN_MAX) {
		if (!netplan_name_read(e->d_name) || strlen(e->d_name) >= sizeof(out->files->file))
			continue;
		seen++;
		size_t len = 0;
		char *data = read_bounded(dirfd(d), e->d_name, &len);
		struct netplan_other one;
		bool keep;
		if (data) {
			keep = netplan_file_judge(e->d_name, data, len, ifnames, n, &one);
		} else {
			/* unreadable (not root): worth saying only for the files of the tools known
			 * to configure the ConnectX ports (not sparklink's name, not NetworkManager's
			 * or cloud-init's, which every DGX OS node has) */
			other_init(&one, e->d_name);
			one.unreadable = true;
			keep = str_starts(e->d_name, "99-nvidia-sync") ||
			       str_starts(e->d_name, "98-spark-vllm");
		}
		free(data);
		if (!keep)
			continue;
		out->files = xrealloc(out->files, out->nfiles + 1, sizeof(*out->files));
		out->files[out->nfiles++] = one;
	}
	closedir(d);
	if (out->nfiles > 1)
		qsort(out->files, out->nfiles, sizeof(*out->files), cmp_other);
	return 0;
}

void netplan_scan_free(struct netplan_scan *s)
{
	free(s->files);
	memset(s, 0, sizeof(*s));
}
