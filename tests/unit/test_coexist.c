/* test_coexist.c: who else configures the twins, in its pure parts: which tool writes a netplan
 * file, a file naming a twin (whole words only), /etc/netplan read with its bounds (a directory
 * made here), who made a NetworkManager profile, the coexistence findings, and the inactive
 * profiles as `status` prints them. */
#include "core/net/coexist.h"
#include "core/net/findings.h"
#include "core/base/json.h"
#include "core/base/util.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static const char *const TWINS[] = { "enp1s0f0np0", "enP2p1s0f0np0", "enp1s0f1np1",
				     "enP2p1s0f1np1" };

static void test_file_tool(void **state)
{
	(void)state;
	assert_string_equal(netplan_file_tool("99-nvidia-sync-cluster.yaml"), "NVIDIA Sync");
	assert_non_null(strstr(netplan_file_tool("98-spark-vllm-docker.yaml"), "vLLM"));
	assert_non_null(strstr(netplan_file_tool("90-NM-3f1c2a8e.yaml"), "NetworkManager"));
	assert_non_null(strstr(netplan_file_tool("40-cx7.yaml"), "playbook"));
	assert_null(netplan_file_tool("60-mine.yaml"));
}

static void test_names_if(void **state)
{
	(void)state;
	const char *t = "    enp1s0f1np1:\n      addresses: [x]\n";
	assert_true(netplan_names_if(t, strlen(t), "enp1s0f1np1"));
	assert_false(netplan_names_if(t, strlen(t), "enp1s0f0np0"));
	const char *edges = "enp1s0f1np1x xenp1s0f1np1 enp1s0f1np1.100 enp1s0f1np1_a";
	assert_false(netplan_names_if(edges, strlen(edges), "enp1s0f1np1"));
	const char *list = "interfaces: [enP2p1s0f1np1, enp1s0f1np1]";
	assert_true(netplan_names_if(list, strlen(list), "enp1s0f1np1"));
	assert_true(netplan_names_if(list, strlen(list), "enP2p1s0f1np1"));
	/* the length is the bound, not the NUL */
	assert_false(netplan_names_if("enp1s0f1np1", 10, "enp1s0f1np1"));
}

static void test_judge(void **state)
{
	(void)state;
	struct netplan_other o;
	const char *sync = "network:\n  ethernets:\n    enp1s0f1np1: {}\n    enP2p1s0f1np1: {}\n";
	assert_true(netplan_file_judge("99-nvidia-sync-cluster.yaml", sync, strlen(sync), TWINS, 4,
				       &o));
	assert_int_equal(o.nifs, 2);
	assert_string_equal(o.ifnames[0], "enp1s0f1np1");
	assert_string_equal(o.ifnames[1], "enP2p1s0f1np1");
	assert_string_equal(o.tool, "NVIDIA Sync");
	/* netplan reads only .yaml and .yml */
	assert_false(netplan_file_judge("99-nvidia-sync-cluster.yaml.sync-disabled-1", sync,
					strlen(sync), TWINS, 4, &o));
	assert_true(netplan_file_judge("70-x.yml", sync, strlen(sync), TWINS, 4, &o));
	assert_null(o.tool);
	/* sparklink's own file is never another tool's; a 40-cx7.yaml without the mark is */
	const char *own = NETPLAN_SPARKLINK_MARK ": static plan\nnetwork:\n    enp1s0f1np1: {}\n";
	assert_false(netplan_file_judge("40-cx7.yaml", own, strlen(own), TWINS, 4, &o));
	assert_true(netplan_file_judge("40-cx7.yaml", sync, strlen(sync), TWINS, 4, &o));
	/* a file that names no twin is not kept */
	const char *mgmt = "network:\n  ethernets:\n    enP7s7: {dhcp4: true}\n";
	assert_false(netplan_file_judge("90-NM-1.yaml", mgmt, strlen(mgmt), TWINS, 4, &o));
	/* the name is cleaned before it is kept */
	assert_true(netplan_file_judge("9\033[2J.yaml", sync, strlen(sync), TWINS, 4, &o));
	assert_null(strchr(o.file, '\033'));
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_scan_dir(void **state)
{
	(void)state;
	char dir[] = "/tmp/sparklink-netplan-XXXXXX";
	assert_non_null(mkdtemp(dir));
	const char *names = "network:\n  ethernets:\n    enp1s0f0np0: {}\n";
	write_file(dir, "99-nvidia-sync-cluster.yaml", names, 0600);
	write_file(dir, "98-spark-vllm-docker.yaml", names, 0600);
	write_file(dir, "01-mgmt.yaml", "network:\n  ethernets:\n    enP7s7: {}\n", 0600);
	write_file(dir, "notes.txt", names, 0600); /* not a name netplan reads */
	write_file(dir, "real", names, 0600);
	char p[512], t[512];
	snprintf(p, sizeof(p), "%s/real", dir);
	snprintf(t, sizeof(t), "%s/50-link.yaml", dir);
	assert_int_equal(symlink(p, t), 0); /* not followed */
	/* bigger than the bound: not read */
	char *big = xcalloc(NETPLAN_FILE_MAX + 2, 1);
	memset(big, ' ', NETPLAN_FILE_MAX + 1);
	memcpy(big, "enp1s0f1np1", 11);
	write_file(dir, "60-big.yaml", big, 0600);
	free(big);
	struct netplan_scan s;
	assert_int_equal(netplan_scan_dir(dir, TWINS, 4, &s), 0);
	assert_true(s.read);
	assert_int_equal(s.nfiles, 2); /* sorted by name */
	assert_string_equal(s.files[0].file, "98-spark-vllm-docker.yaml");
	assert_string_equal(s.files[1].file, "99-nvidia-sync-cluster.yaml");
	assert_int_equal(s.files[1].nifs, 1);
	assert_string_equal(s.files[1].ifnames[0], "enp1s0f0np0");
	assert_false(s.files[1].unreadable);
	netplan_scan_free(&s);
	/* no directory at all: nothing there, not an error */
	assert_int_equal(netplan_scan_dir("/nonexistent/netplan", TWINS, 4, &s), 0);
	assert_int_equal(s.nfiles, 0);
	const char *rm[] = { "99-nvidia-sync-cluster.yaml",
			     "98-spark-vllm-docker.yaml",
			     "01-mgmt.yaml",
			     "notes.txt",
			     "real",
			     "50-link.yaml",
			     "60-big.yaml" };
	for (size_t i = 0; i < ARRAY_LEN(rm); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, rm[i]);
		unlink(p);
	}
	rmdir(dir);
}

static struct nm_profile profile(const char *id, const char *ifname, const char *filename,
				 unsigned flags)
{
	struct nm_profile p;
	memset(&p, 0, sizeof(p));
	str_copy(p.id, id, sizeof(p.id));
	str_copy(p.ifname, ifname, sizeof(p.ifname));
	str_copy(p.filename, filename, sizeof(p.filename));
	str_copy(p.uuid, "c9d77a0c-0b13-4b74-8b7b-0000ac73534d", sizeof(p.uuid));
	p.flags = flags;
	return p;
}

static void test_maker(void **state)
{
	(void)state;
	struct nm_profile p = profile("Wired connection 12", "enp1s0f1np1", "", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_AUTO);
	p = profile("Wired connection 1x", "enp1s0f1np1", "", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_OTHER);
	p = profile("Wired connection ", "enp1s0f1np1", "", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_OTHER);
	p = profile("netplan-enp1s0f1np1", "enp1s0f1np1", "", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_NETPLAN);
	p = profile("cx7", "enp1s0f1np1",
		    "/run/NetworkManager/system-connections/netplan-cx7.nmconnection", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_NETPLAN);
	p = profile("sparklink-enp1s0f1np1", "enp1s0f1np1", "", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_SPARKLINK);
	/* sparklink's name for another interface is not sparklink's profile for this one */
	p = profile("sparklink-enP2p1s0f1np1", "enp1s0f1np1", "", 0);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_OTHER);
	p = profile("enp1s0f1np1", "enp1s0f1np1", "", 8);
	assert_int_equal(nm_profile_maker(&p), NM_MAKER_EXTERNAL);
	char who[300];
	p = profile("cluster", "enp1s0f1np1", "/etc/netplan/90-NM-c9d77a0c.yaml", 0);
	nm_profile_maker_text(&p, who, sizeof(who));
	assert_non_null(strstr(who, "saved through netplan"));
	assert_non_null(strstr(who, "kept in /etc/netplan/90-NM-c9d77a0c.yaml"));
}

/* A model of a NetworkManager node with two twins watched and what else configures them. */
static void node(struct model *m)
{
	model_init(m);
	nm_view_init(&m->nm, TWINS + 2, 2);
	m->nm.probed = true;
	m->nm.node.renderer = NM_RENDERER_NM;
	str_copy(m->nm.node.version, "1.52.1", sizeof(m->nm.node.version));
	m->nm.ports[0] = (struct nm_port){ .known = true, .managed = true, .state = 100 };
	nm_port_set(&m->nm.ports[0], "Wired connection 1", "f5f2645a-93c6-3ca8-a62c-51137bc68017");
	m->nm.ports[1] = (struct nm_port){ .known = true, .managed = false, .state = 10 };
}

static void add_profile(struct model *m, struct nm_profile p, bool active)
{
	p.active = active;
	m->nm.profiles = xrealloc(m->nm.profiles, m->nm.nprofiles + 1, sizeof(p));
	m->nm.profiles[m->nm.nprofiles++] = p;
}

static size_t count(const struct model *m, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < m->nfindings; i++)
		n += strcmp(m->findings[i].code, code) == 0;
	return n;
}

static const struct finding *find(const struct model *m, const char *code)
{
	for (size_t i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].code, code) == 0)
			return &m->findings[i];
	fail_msg("no finding %s", code);
	return NULL;
}

static void test_findings(void **state)
{
	(void)state;
	struct model m;
	node(&m);
	/* NetworkManager's, netplan's and sparklink's profiles are no finding */
	add_profile(&m, profile("Wired connection 1", "enp1s0f1np1", "", 2), true);
	add_profile(&m, profile("netplan-enp1s0f1np1", "enp1s0f1np1", "", 0), false);
	add_profile(&m, profile("sparklink-enP2p1s0f1np1", "enP2p1s0f1np1", "", 4), false);
	findings_compute(&m);
	assert_int_equal(m.nfindings, 0);
	/* one made with nmcli is, and says who made it, its UUID and what it fights */
	add_profile(&m,
		    profile("lab-foreign", "enp1s0f1np1",
			    "/etc/NetworkManager/system-connections/lab-foreign.nmconnection", 0),
		    false);
	findings_compute(&m);
	assert_int_equal(count(&m, "nm-other-profile"), 1);
	const struct finding *f = find(&m, "nm-other-profile");
	assert_int_equal(f->level, FINDING_WARN);
	assert_non_null(strstr(f->text, "\"lab-foreign\""));
	assert_non_null(strstr(f->text, "c9d77a0c-0b13-4b74-8b7b-0000ac73534d, inactive"));
	assert_non_null(strstr(f->text, "by hand (nmcli, nmtui)"));
	assert_non_null(strstr(f->fix, "sparklink-enp1s0f1np1"));
	assert_non_null(strstr(f->fix, "leaves it as it is"));
	/* another tool's netplan file: which file, which tool, what it fights */
	m.netplan.files = xcalloc(3, sizeof(*m.netplan.files));
	m.netplan.nfiles = 3;
	str_copy(m.netplan.files[0].file, "99-nvidia-sync-cluster.yaml", 96);
	m.netplan.files[0].tool = netplan_file_tool("99-nvidia-sync-cluster.yaml");
	str_copy(m.netplan.files[0].ifnames[0], "enp1s0f1np1", 16);
	m.netplan.files[0].nifs = 1;
	str_copy(m.netplan.files[1].file, "40-cx7.yaml", 96);
	m.netplan.files[1].tool = netplan_file_tool("40-cx7.yaml");
	str_copy(m.netplan.files[1].ifnames[0], "enp1s0f1np1", 16);
	m.netplan.files[1].nifs = 1;
	/* NetworkManager's own file of the profile above: said once, with the profile */
	str_copy(m.netplan.files[2].file, "90-NM-c9d77a0c-0b13-4b74-8b7b-0000ac73534d.yaml", 96);
	m.netplan.files[2].tool = netplan_file_tool(m.netplan.files[2].file);
	str_copy(m.netplan.files[2].ifnames[0], "enp1s0f1np1", 16);
	m.netplan.files[2].nifs = 1;
	findings_compute(&m);
	assert_int_equal(count(&m, "netplan-other-tool"), 2);
	f = find(&m, "netplan-other-tool");
	assert_string_equal(
		f->text, "/etc/netplan/99-nvidia-sync-cluster.yaml names enp1s0f1np1 (written by "
			 "NVIDIA Sync).");
	assert_non_null(strstr(f->fix, "after sparklink's 40-cx7.yaml"));
	assert_non_null(strstr(f->fix, "NetworkManager"));
	for (size_t i = 0; i < m.nfindings; i++)
		if (strstr(m.findings[i].text, "40-cx7.yaml"))
			assert_int_equal(m.findings[i].level, FINDING_INFO); /* apply replaces it */
	model_free(&m);
}

static void test_status_words(void **state)
{
	(void)state;
	struct model m;
	node(&m);
	add_profile(&m, profile("Wired connection 1", "enp1s0f1np1", "", 2), true);
	add_profile(&m, profile("lab-foreign", "enp1s0f1np1", "", 0), false);
	struct buf b;
	buf_init(&b);
	coexist_text(&m, &b);
	assert_non_null(strstr(b.data, "enp1s0f1np1      NetworkManager: \"Wired connection 1\" "
				       "(activated)\n"));
	assert_non_null(strstr(b.data, "enP2p1s0f1np1    not managed by NetworkManager\n"));
	assert_non_null(strstr(b.data, "Inactive NetworkManager profiles naming a ConnectX port:\n"
				       "  \"lab-foreign\" c9d77a0c-0b13-4b74-8b7b-0000ac73534d on "
				       "enp1s0f1np1, made by hand"));
	assert_null(strstr(strstr(b.data, "Inactive"), "Wired connection 1"));
	buf_free(&b);
	buf_init(&b);
	struct json j;
	json_init(&j, &b, false);
	json_object_begin(&j, NULL);
	coexist_json(&j, &m);
	json_object_end(&j);
	assert_non_null(strstr(b.data, "\"inactive_profiles\":[{\"name\":\"lab-foreign\","
				       "\"uuid\":\"c9d77a0c-0b13-4b74-8b7b-0000ac73534d\","
				       "\"interface\":\"enp1s0f1np1\",\"kind\":\"other\""));
	assert_non_null(strstr(b.data,
			       "{\"name\":\"enP2p1s0f1np1\",\"networkmanager\":{\"managed\":"
			       "false"));
	buf_free(&b);
	/* networkd: the twins are listed, NetworkManager's view of each is null */
	m.nm.node.renderer = NM_RENDERER_NETWORKD;
	buf_init(&b);
	json_init(&j, &b, false);
	json_object_begin(&j, NULL);
	coexist_json(&j, &m);
	json_object_end(&j);
	assert_non_null(strstr(b.data, "{\"name\":\"enp1s0f1np1\",\"networkmanager\":null}"));
	buf_free(&b);
	assert_string_equal(nm_state_short(70), "activating");
	assert_string_equal(nm_state_short(100), "activated");
	assert_string_equal(nm_state_short(10), "unmanaged");
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_tool),    cmocka_unit_test(test_names_if),
		cmocka_unit_test(test_judge),	     cmocka_unit_test(test_scan_dir),
		cmocka_unit_test(test_maker),	     cmocka_unit_test(test_findings),
		cmocka_unit_test(test_status_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
