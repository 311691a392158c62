/*
 * Runs a command and records its wall-clock time and peak resident memory, so
 * the benchmark needs no /usr/bin/time.
 *
 *   peakrss OUT.json COMMAND [ARGS...]
 *       Writes {"wall_s","user_s","sys_s","maxrss_kb","exit"} to OUT.json and
 *       exits with the command's status. The command's output passes through.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "base/banned.h"

static double tv(struct timeval t)
{
	return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: peakrss OUT.json COMMAND [ARGS...]\n");
		return 2;
	}
	fflush(NULL);
	double t0 = bench_now();
	pid_t pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "peakrss: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("peakrss: wait4");
			return 2;
		}
	}
	double wall = bench_now() - t0;
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	FILE *f = fopen(argv[1], "w");
	if (!f) {
		fprintf(stderr, "peakrss: %s: cannot write\n", argv[1]);
		return 2;
	}
	fprintf(f, "{\"wall_s\":%.3f,\"user_s\":%.3f,\"sys_s\":%.3f,\"maxrss_kb\":%ld,\"exit\":%d}\n", wall,
	        tv(ru.ru_utime), tv(ru.ru_stime), ru.ru_maxrss, code);
	fclose(f);
	return code;
}
