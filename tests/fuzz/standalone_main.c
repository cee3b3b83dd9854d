/* standalone_main.c: a fuzz target without libFuzzer, as a plain regression test. Runs the
 * target once on every file named and every file in every directory named (sorted; names that
 * start with '.' skipped), each from a heap copy of exactly its size, so that AddressSanitizer
 * sees any byte read past its end. A directory that does not exist is skipped (a target that
 * never crashed has no crashes/ directory). Exit 0 when every input ran through; an input that
 * breaks a check or trips a sanitizer aborts the run after its name was printed. */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static size_t ran;

static void run_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	size_t size = (size_t)st.st_size;
	uint8_t *data = malloc(size ? size : 1);
	size_t got = 0;
	ssize_t r;
	while (data && got < size && (r = read(fd, data + got, size - got)) > 0)
		got += (size_t)r;
	close(fd);
	if (!data || got != size) {
		fprintf(stderr, "cannot read %s whole\n", path);
		exit(1);
	}
	printf("%s (%zu bytes)\n", path, size);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	ran++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT) {
			printf("%s: none\n", path);
			return;
		}
		fprintf(stderr, "cannot examine %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	struct dirent **list;
	int n = scandir(path, &list, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "cannot list %s: %s\n", path, strerror(errno));
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			char file[4096];
			snprintf(file, sizeof(file), "%s/%s", path, list[i]->d_name);
			run_path(file);
		}
		free(list[i]);
	}
	free(list);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	if (!ran) {
		fprintf(stderr, "no input: a fuzz target's corpus must hold at least one file\n");
		return 1;
	}
	printf("%zu inputs ran through\n", ran);
	return 0;
}
