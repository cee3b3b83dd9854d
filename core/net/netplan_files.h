/* netplan_files.h: the files other tools leave in /etc/netplan, as sparklink judges them: which
 * tool writes a file of a given name (netplan_file_tool(), the one list: apply's inspection and
 * the coexistence findings use it), whether a file names an interface (a whole word), and this
 * machine's /etc/netplan read for the files that name a ConnectX twin.
 *
 * Reading is careful: only names ending .yaml or .yml (what netplan reads), regular files only
 * (no symlink followed), at most NETPLAN_FILE_MAX bytes each and NETPLAN_SCAN_MAX files; every
 * name kept is clean (text_clean). sparklink only reports these files: it never renames, disables
 * or deletes another tool's file (apply replaces 40-cx7.yaml alone, after a byte-exact backup). */
#ifndef SPARKLINK_NETPLAN_FILES_H
#define SPARKLINK_NETPLAN_FILES_H

#include <stdbool.h>
#include <stddef.h>

#define NETPLAN_DIR "/etc/netplan"
#define NETPLAN_FILE_MAX (256 * 1024)
#define NETPLAN_SCAN_MAX 64
#define NETPLAN_SPARKLINK_FILE "40-cx7.yaml"
#define NETPLAN_SPARKLINK_MARK "# written by sparklink" /* the first line of sparklink's file */
#define NETPLAN_IFS_MAX 8

/* One file of another tool that names at least one of the twins (or could not be read). */
struct netplan_other {
	char file[96]; /* its name under the directory, clean */
	const char *tool; /* who writes a file of that name (static text), NULL if not known */
	char ifnames[NETPLAN_IFS_MAX][16]; /* the twins it names */
	size_t nifs;
	bool unreadable; /* it could not be read (not root, too big, not a regular file) */
};

struct netplan_scan {
	struct netplan_other *files;
	size_t nfiles;
	bool read; /* the directory was read (else no file is known either way) */
};

/* Which tool writes a netplan file of this name (field notes, December 2026), NULL if none known:
 * NVIDIA Sync's 99-nvidia-sync-cluster.yaml, the vLLM docker helper's 98-spark-vllm-docker.yaml,
 * NetworkManager's 90-NM-<uuid>.yaml, cloud-init's 50-cloud-init.yaml, and 40-cx7.yaml (the
 * playbook by hand, NVIDIA's cluster helper or sparkrun, when sparklink's mark is not on it). */
const char *netplan_file_tool(const char *name);
/* Does text name ifname as a whole word (a YAML key or list item)? */
bool netplan_names_if(const char *text, size_t len, const char *ifname);
/* Is name one netplan reads (ends .yaml or .yml, no '/', not hidden)? */
bool netplan_name_read(const char *name);
/* Judge one file by its name and content: true, with out filled, when it is another tool's and
 * names one of the n interfaces (sparklink's own 40-cx7.yaml never is). */
bool netplan_file_judge(const char *name, const char *data, size_t len, const char *const *ifnames,
			size_t n, struct netplan_other *out);
/* Read dir (NETPLAN_DIR in use) for other tools' files naming one of ifnames. Returns 0, or
 * -errno when the directory cannot be read (out->read false; no directory at all is 0). */
int netplan_scan_dir(const char *dir, const char *const *ifnames, size_t n,
		     struct netplan_scan *out);
void netplan_scan_free(struct netplan_scan *s);

#endif
