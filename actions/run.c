#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "actions/run.h"
#include "core/msg.h"

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* out_fd: where the child's stdout/stderr go; cap: when not NULL, read the
 * child's output through a pipe into *cap. */
static int run(char *const argv[], int out_fd, unsigned timeout_s, struct rr_run_result *res, char **cap)
{
	int pfd[2] = { -1, -1 }, errp[2], status;
	char *buf = NULL;
	size_t len = 0, sz = 0;
	double deadline = timeout_s ? mono() + timeout_s : 0;
	pid_t pid, w;

	memset(res, 0, sizeof(*res));
	if (cap && pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(errp, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = cap ? pfd[1] : out_fd;
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(fd >= 0 ? fd : null, 1);
		dup2(fd >= 0 ? fd : null, 2);
		execvp(argv[0], argv);
		{
			int e = errno;
			ssize_t ignored = write(errp[1], &e, sizeof(e));

			(void)ignored;
		}
		_exit(127);
	}
	close(errp[1]);
	if (read(errp[0], &res->exec_errno, sizeof(res->exec_errno)) != sizeof(res->exec_errno))
		res->exec_errno = 0;
	close(errp[0]);
	if (cap)
		close(pfd[1]);
	for (;;) {
		int wait_ms = 200;

		if (cap && pfd[0] >= 0) {
			struct pollfd p = { .fd = pfd[0], .events = POLLIN };

			if (poll(&p, 1, wait_ms) > 0) {
				if (sz - len < 4096) {
					sz = sz ? sz * 2 : 8192;
					buf = rr_xrealloc(buf, sz);
				}
				ssize_t n = read(pfd[0], buf + len, sz - len - 1);

				if (n > 0)
					len += (size_t)n;
				else if (n == 0) {
					close(pfd[0]);
					pfd[0] = -1;
				}
				continue;
			}
		}
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (deadline && mono() > deadline && !res->timed_out) {
			res->timed_out = 1;
			kill(-pid, SIGKILL);
		}
		if (!cap || pfd[0] < 0)
			usleep(wait_ms * 1000 / 4);
	}
	if (cap) {
		if (pfd[0] >= 0) {	/* drain what is left */
			for (;;) {
				if (sz - len < 4096) {
					sz = sz ? sz * 2 : 8192;
					buf = rr_xrealloc(buf, sz);
				}
				ssize_t n = read(pfd[0], buf + len, sz - len - 1);

				if (n <= 0)
					break;
				len += (size_t)n;
			}
			close(pfd[0]);
		}
		if (!buf)
			buf = rr_xmalloc(1);
		buf[len] = '\0';
		*cap = buf;
	}
	if (WIFSIGNALED(status))
		res->signaled = 1;
	else
		res->exit_status = WEXITSTATUS(status);
	return 0;
}

int rr_run(char *const argv[], const char *log_path, unsigned timeout_s, struct rr_run_result *res)
{
	int fd = -1, r;

	if (log_path) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
	}
	r = run(argv, fd, timeout_s, res, NULL);
	if (fd >= 0)
		close(fd);
	return r;
}

int rr_run_capture(char *const argv[], unsigned timeout_s, struct rr_run_result *res, char **out)
{
	*out = NULL;
	return run(argv, -1, timeout_s, res, out);
}

char *rr_run_cmdline(char *const argv[])
{
	size_t n = 1;
	char *s, *p;

	for (int i = 0; argv[i]; i++)
		n += strlen(argv[i]) * 4 + 3;
	s = p = rr_xmalloc(n);
	for (int i = 0; argv[i]; i++) {
		int plain = argv[i][0] != '\0' && !strpbrk(argv[i], " \t\n'\"\\$`*?[]{}()<>|&;#~");

		if (i)
			*p++ = ' ';
		if (plain) {
			p = stpcpy(p, argv[i]);
			continue;
		}
		*p++ = '\'';
		for (const char *c = argv[i]; *c; c++) {
			if (*c == '\'')
				p = stpcpy(p, "'\\''");
			else
				*p++ = *c;
		}
		*p++ = '\'';
	}
	*p = '\0';
	return s;
}
