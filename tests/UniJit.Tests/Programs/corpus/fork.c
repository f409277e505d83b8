// fork: exit statuses and death by signal through waitpid, a pipe between parent and child,
// copy-on-write independence both ways, a MAP_SHARED anonymous counter and a MAP_SHARED file seen by
// both, waitid, an O_CLOEXEC fd still open in the child, fork + execve, getppid, nested fork, signal handlers
// and the signal mask inherited. The parent waits before it prints, so the output is deterministic.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int global = 1;
static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1++; }

static void status(const char *what, int st) {
    if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st)) printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else printf("%s: status 0x%x\n", what, st);
}

static int reap(pid_t p) {
    int st = -1;
    while (waitpid(p, &st, 0) < 0 && errno == EINTR) {}
    return st;
}

int main(void) {
    setvbuf(stdout, NULL, _IOFBF, 4096); // same buffering on a terminal and in a pipe
    pid_t self = getpid();

    // Exit statuses.
    int codes[] = {0, 3, 255};
    for (int i = 0; i < 3; i++) {
        fflush(stdout);
        pid_t p = fork();
        if (p == 0) _exit(codes[i]);
        printf("fork returned a pid: %d\n", p > 0 && p != self);
        status("child", reap(p));
    }

    // waitid reports the same child.
    fflush(stdout);
    pid_t q = fork();
    if (q == 0) _exit(9);
    siginfo_t si = {0};
    while (waitid(P_PID, q, &si, WEXITED) < 0 && errno == EINTR) {}
    printf("waitid: same pid %d, CLD_EXITED %d, status %d\n", si.si_pid == q, si.si_code == CLD_EXITED, si.si_status);

    // Death by a signal from the parent, and by one the child raises.
    int ready[2];
    pipe(ready);
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) { close(ready[0]); write(ready[1], "r", 1); for (;;) pause(); }
    char c;
    read(ready[0], &c, 1);
    kill(p, SIGTERM);
    status("killed child", reap(p));
    p = fork();
    if (p == 0) { signal(SIGUSR2, SIG_DFL); raise(SIGKILL); _exit(0); }
    status("self-killed child", reap(p));
    close(ready[0]); close(ready[1]);

    // A pipe from child to parent; getppid; errno (TLS) works in the child.
    int pp[2];
    pipe(pp);
    fflush(stdout);
    p = fork();
    if (p == 0) {
        close(pp[0]);
        char msg[128];
        int e = close(-1) < 0 ? errno : 0;
        int n = snprintf(msg, sizeof msg, "hello from the child, ppid is parent: %d, EBADF: %d", getppid() == self, e == EBADF);
        write(pp[1], msg, n);
        _exit(0);
    }
    close(pp[1]);
    char buf[256];
    ssize_t n = 0, r;
    while ((r = read(pp[0], buf + n, sizeof buf - 1 - n)) > 0) n += r;
    buf[n] = 0;
    close(pp[0]);
    status("pipe child", reap(p));
    printf("parent read: %s\n", buf);

    // Copy-on-write, both ways: globals, heap and stack.
    int *heap = malloc(sizeof(int) * 1024);
    for (int i = 0; i < 1024; i++) heap[i] = i;
    int stackvar = 10;
    int go[2], back[2];
    pipe(go); pipe(back);
    fflush(stdout);
    p = fork();
    if (p == 0) {
        global = 2; heap[5] = -5; stackvar = 20;
        write(back[1], "w", 1);          // the child wrote its copies
        read(go[0], &c, 1);               // wait for the parent to write its own
        printf("child sees global %d heap[5] %d heap[6] %d stack %d\n", global, heap[5], heap[6], stackvar);
        fflush(stdout);
        _exit(0);
    }
    read(back[0], &c, 1);
    printf("parent sees global %d heap[5] %d stack %d\n", global, heap[5], stackvar);
    global = 3; heap[6] = -6; stackvar = 30;
    fflush(stdout);
    write(go[1], "g", 1);
    status("cow child", reap(p));
    printf("parent after: global %d heap[6] %d stack %d\n", global, heap[6], stackvar);

    // A MAP_SHARED anonymous counter both update.
    volatile long *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    *counter = 100;
    fflush(stdout);
    p = fork();
    if (p == 0) {
        for (int i = 0; i < 1000; i++) __atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
        write(back[1], "w", 1);
        read(go[0], &c, 1);
        printf("child sees counter %ld\n", *counter);
        fflush(stdout);
        _exit(0);
    }
    read(back[0], &c, 1);
    printf("parent sees counter %ld\n", *counter);
    *counter += 5;
    fflush(stdout);
    write(go[1], "g", 1);
    status("shared child", reap(p));
    volatile long *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *priv = 1;
    p = fork();
    if (p == 0) { *priv = 2; _exit(*priv); }
    status("private child", reap(p));
    printf("private mapping stays %ld\n", *priv);

    // A file mapped MAP_SHARED: the child's store reaches the parent's mapping and the file.
    char path[] = "/tmp/unijit-fork-XXXXXX";
    int fd = mkstemp(path);
    ftruncate(fd, 4096);
    char *fm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unlink(path);
    strcpy(fm, "before");
    fflush(stdout);
    p = fork();
    if (p == 0) { strcpy(fm, "written by the child"); _exit(0); }
    status("file child", reap(p));
    char fbuf[32] = {0};
    pread(fd, fbuf, 20, 0);
    printf("mapping: %s / file: %s\n", fm, fbuf);
    munmap(fm, 4096);
    close(fd);

    // An O_CLOEXEC descriptor stays open in the child (fork is not exec).
    int cx[2];
    pipe2(cx, O_CLOEXEC);
    fflush(stdout);
    p = fork();
    if (p == 0) {
        int flags = fcntl(cx[1], F_GETFD);
        char m = (flags >= 0 && (flags & FD_CLOEXEC)) ? 'Y' : 'N';
        write(cx[1], &m, 1);
        _exit(0);
    }
    close(cx[1]);
    c = '?';
    read(cx[0], &c, 1);
    close(cx[0]);
    status("cloexec child", reap(p));
    printf("child had the O_CLOEXEC fd, still close-on-exec: %c\n", c);

    // fork + execve.
    fflush(stdout);
    p = fork();
    if (p == 0) { execl("/bin/echo", "echo", "from", "exec'd", "echo", (char *)NULL); _exit(127); }
    status("exec child", reap(p));

    // Nested fork: the grandchild's status comes back through the child.
    fflush(stdout);
    p = fork();
    if (p == 0) {
        pid_t me = getpid();
        pid_t g = fork();
        if (g == 0) _exit(getppid() == me ? 7 : 1);
        int st = reap(g);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) + 1 : 99);
    }
    status("nested child", reap(p));

    // Signal handlers and the mask are inherited.
    signal(SIGUSR1, on_usr1);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    fflush(stdout);
    p = fork();
    if (p == 0) {
        raise(SIGUSR1);
        raise(SIGUSR1);
        sigset_t now;
        sigprocmask(SIG_BLOCK, NULL, &now);
        _exit(got_usr1 * 10 + sigismember(&now, SIGUSR2));
    }
    status("signal child", reap(p));
    printf("parent handler count %d\n", (int)got_usr1);
    return 0;
}
