/* coldstart: time from fork/exec of a server to its first 200 answer.
 *
 *   coldstart PORT PATH CMD [ARGS...]
 *
 * Forks and execs CMD (environment inherited), then every 1 ms connects to
 * 127.0.0.1:PORT, sends "GET PATH" and reads the status line, until one is
 * 200. Prints the milliseconds from fork to that status line, then stops the server with SIGTERM
 * (SIGKILL after 5 s) and reaps it. Gives up after 10 s (exit 1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* One probe: 1 if the server answered 200. The time the status line arrived
 * goes to *t_ok; the rest of the answer is drained (the server closes), so the
 * server never sees a reset. */
static int probe(int port, const char *path, double *t_ok) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        char req[256];
        int n = snprintf(req, sizeof req,
                         "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
        if (write(fd, req, n) == n) {
            char buf[4096];
            size_t got = 0;
            struct pollfd p = {.fd = fd, .events = POLLIN};
            while (poll(&p, 1, 1000) > 0) { /* 1 s without data: give up */
                ssize_t r = read(fd, got < 12 ? buf + got : buf + 12, got < 12 ? sizeof buf - 1 - got : sizeof buf - 13);
                if (r <= 0) break;
                if (got < 12 && got + r >= 12) {
                    buf[12] = 0;
                    ok = strncmp(buf + 8, " 200", 4) == 0;
                    *t_ok = now_ms();
                }
                got += r;
            }
        }
    }
    close(fd);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: coldstart PORT PATH CMD [ARGS...]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    const char *path = argv[2];
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the benchmark */
        dup2(2, 1);                       /* its output must not mix with ours */
        execvp(argv[3], argv + 3);
        perror("exec");
        _exit(127);
    }
    int up = 0, status;
    double t = t0;
    struct timespec ms = {0, 1000000};
    while (t - t0 < 10000) {
        if (probe(port, path, &t)) { up = 1; break; }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "coldstart: server exited (status %d) before answering\n", status);
            return 1;
        }
        nanosleep(&ms, NULL);
        t = now_ms();
    }
    double el = t - t0;
    if (up) printf("%.2f\n", el);
    else fprintf(stderr, "coldstart: no 200 within 10 s\n");
    fflush(stdout);

    kill(pid, SIGTERM);
    for (int i = 0; i < 500; i++) { /* 5 s for a graceful stop */
        if (waitpid(pid, &status, WNOHANG) == pid) return up ? 0 : 1;
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    }
    fprintf(stderr, "coldstart: server ignored SIGTERM for 5 s, killing\n");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return up ? 0 : 1;
}
