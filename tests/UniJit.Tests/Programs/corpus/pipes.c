// Pipes within one process: pipe/pipe2, write/read, dup2 of stdout into a pipe, fcntl flags,
// non-blocking read on an empty pipe (EAGAIN), EOF after the write end closes, poll.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <poll.h>
int main(void) {
    int p[2];
    printf("pipe %d\n", pipe(p));
    const char *m = "through the pipe";
    printf("write %zd\n", write(p[1], m, strlen(m)));
    struct pollfd pf = { p[0], POLLIN, 0 };
    int ready = poll(&pf, 1, 0);
    printf("poll ready %d revents %x\n", ready, pf.revents);
    char buf[64] = {0};
    ssize_t got0 = read(p[0], buf, sizeof buf - 1);
    printf("read %zd [%s]\n", got0, buf);
    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK);
    ssize_t nb = read(p[0], buf, 1);
    printf("nonblock read %zd EAGAIN %d\n", nb, errno == EAGAIN);
    close(p[1]);
    printf("read at EOF %zd\n", read(p[0], buf, 1));
    close(p[0]);
    int q[2];
    int p2 = pipe2(q, O_CLOEXEC);
    printf("pipe2 %d cloexec %d\n", p2, (fcntl(q[0], F_GETFD) & FD_CLOEXEC) != 0);
    fflush(stdout);
    int saved = dup(1);
    dup2(q[1], 1);
    printf("captured %d\n", 12345);
    fflush(stdout);
    dup2(saved, 1); close(saved); close(q[1]);
    memset(buf, 0, sizeof buf);
    ssize_t n = read(q[0], buf, sizeof buf - 1);
    printf("got back %zd bytes: %s", n, buf);
    close(q[0]);
    int big[2]; pipe(big);
    static char chunk[4096]; memset(chunk, 'x', sizeof chunk);
    long total = 0;
    for (int i = 0; i < 8; i++) total += write(big[1], chunk, sizeof chunk);
    long got = 0; while (got < total) { ssize_t r = read(big[0], chunk, sizeof chunk); if (r <= 0) break; got += r; }
    printf("moved %ld of %ld bytes\n", got, total);
    return 0;
}
