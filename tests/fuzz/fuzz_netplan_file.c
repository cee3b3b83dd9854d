/* fuzz_netplan_file.c: another tool's file in /etc/netplan as core/net/netplan_files.c judges it
 * (netplan_file_judge: its name and content, which anyone with root on the node wrote). The input
 * is the file's name, a newline, then its content. What the judge keeps is checked: only names
 * netplan reads, sparklink's own 40-cx7.yaml never, a clean name, and every interface it says the
 * file names is one of the twins and occurs in the content as a whole word (checked here with an
 * oracle of its own); an interface it leaves out does not occur so. Corpus: NVIDIA Sync's, the
 * vLLM helper's, the playbook's and sparklink's files, a 90-NM-<uuid>.yaml, and hostile names. */
#include "tests/fuzz/fuzz.h"
#include "core/net/netplan_files.h"

static const char *const TWINS[] = { "enp1s0f0np0", "enP2p1s0f0np0", "enp1s0f1np1",
				     "enP2p1s0f1np1" };

static bool is_word(unsigned char c)
{
	return c == '_' || c == '-' || c == '.' || (c >= '0' && c <= '9') ||
	       ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* The oracle: does the content hold ifname with no word character on either side? */
static bool occurs(const char *data, size_t len, const char *ifname)
{
	size_t n = strlen(ifname);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(data + i, ifname, n) == 0 &&
		    (i == 0 || !is_word((unsigned char)data[i - 1])) &&
		    (i + n == len || !is_word((unsigned char)data[i + n])))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	char *name = fz_strndup(data, (size_t)(nl - data));
	const char *content = (const char *)nl + 1;
	size_t len = size - (size_t)(nl - data) - 1;
	struct netplan_other o;
	bool named = netplan_file_judge(name, content, len, TWINS, 4, &o);
	size_t l = strlen(name);
	bool yaml = (l > 5 && strcmp(name + l - 5, ".yaml") == 0) ||
		    (l > 4 && strcmp(name + l - 4, ".yml") == 0);
	FZ_CHECK(!named || (yaml && name[0] != '.' && !strchr(name, '/')), "kept %s", name);
	FZ_CHECK(!named || strcmp(name, "40-cx7.yaml") != 0 ||
			 !(len >= 22 && memcmp(content, "# written by sparklink", 22) == 0),
		 "sparklink's own 40-cx7.yaml kept");
	if (named) {
		FZ_CHECK(memchr(o.file, '\0', sizeof(o.file)), "name not terminated");
		FZ_CHECK(!fz_clean_problem(o.file, false), "name: %s",
			 fz_clean_problem(o.file, false));
		FZ_CHECK(o.nifs >= 1 && o.nifs <= 4, "%zu interfaces", o.nifs);
		for (size_t i = 0; i < 4; i++) {
			bool said = false;
			for (size_t k = 0; k < o.nifs; k++)
				said |= strcmp(o.ifnames[k], TWINS[i]) == 0;
			FZ_CHECK(said == occurs(content, len, TWINS[i]), "%s: said %d", TWINS[i],
				 said);
		}
	} else if (yaml && strchr(name, '/') == NULL && name[0] != '.' &&
		   !(strcmp(name, "40-cx7.yaml") == 0 && len >= 22 &&
		     memcmp(content, "# written by sparklink", 22) == 0)) {
		for (size_t i = 0; i < 4; i++)
			FZ_CHECK(!occurs(content, len, TWINS[i]), "%s names %s, not said", name,
				 TWINS[i]);
	}
	for (size_t i = 0; i < 4; i++)
		FZ_CHECK(netplan_names_if(content, len, TWINS[i]) == occurs(content, len, TWINS[i]),
			 "netplan_names_if %s", TWINS[i]);
	free(name);
	return 0;
}
