/* wake_floor.c: what a wake-up from poll() costs a process that does nothing else, the floor
 * under the console's CPU per wake-up (bench/README.md). A child sleeps in poll() on a pipe and
 * reads one byte each time it wakes; the parent writes a byte every 2 ms (the child's CPU goes
 * idle between, as the console's does between netlink batches) and prints the child's
 * schedstat run time per wake-up.
 *
 *   wake-floor [N]      N wake-ups (default 2000) */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The process's run time from /proc/PID/schedstat, nanoseconds; -1 when it cannot be read. */
static long long run_ns(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	FILE *f = fopen(path, "re");
	long long ns = -1;
	if (f) {
		if (fscanf(f, "%lld", &ns) != 1)
			ns = -1;
		fclose(f);
	}
	return ns;
}

int main(int argc, char **argv)
{
	char *end = NULL;
	long n = argc > 1 ? strtol(argv[1], &end, 10) : 2000;
	if (argc > 2) {
		fprintf(stderr, "usage: wake-floor [N]   (N wake-ups, default 2000)\n");
		return 2;
	}
	if (argc > 1 && (end == argv[1] || *end || n < 1 || n > 1000000)) {
		char shown[32]; /* what was given, printable ASCII only */
		size_t k = 0;
		for (const char *c = argv[1]; *c && k + 1 < sizeof(shown); c++)
			shown[k++] = *c >= 0x20 && *c < 0x7f ? *c : '?';
		shown[k] = '\0';
		fprintf(stderr,
			"wake-floor: N must be a whole number from 1 to 1000000, not '%s'\n",
			shown);
		return 2;
	}
	int fd[2];
	if (pipe(fd) < 0) {
		perror("wake-floor: pipe");
		return 1;
	}
	pid_t child = fork();
	if (child < 0) {
		perror("wake-floor: fork");
		return 1;
	}
	if (child == 0) {
		close(fd[1]);
		struct pollfd p = { .fd = fd[0], .events = POLLIN };
		char b;
		for (;;) {
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				_exit(1);
			if (read(fd[0], &b, 1) != 1)
				_exit(0); /* the parent closed its end */
		}
	}
	close(fd[0]);
	const struct timespec gap = { 0, 2000000 };
	nanosleep(&(struct timespec){ 0, 100000000 }, NULL); /* the child asleep in poll() */
	long long before = run_ns(child);
	for (long i = 0; i < n; i++) {
		if (write(fd[1], "x", 1) != 1) {
			perror("wake-floor: write");
			break;
		}
		nanosleep(&gap, NULL);
	}
	long long after = run_ns(child);
	close(fd[1]);
	waitpid(child, NULL, 0);
	if (before < 0 || after < 0) {
		fprintf(stderr, "wake-floor: cannot read /proc/%d/schedstat\n", (int)child);
		return 1;
	}
	printf("%ld wake-ups 2 ms apart: %.1f us of CPU each (poll() and a 1-byte read, nothing "
	       "else)\n",
	       n, (double)(after - before) / 1e3 / (double)n);
	return 0;
}
