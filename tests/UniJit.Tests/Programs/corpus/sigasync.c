// Asynchronous signals from the kernel: setitimer ticks interrupting a busy loop (a loop that never
// makes a system call), pause, a sleep cut short by a signal (EINTR), SA_RESTART on a
// blocking read, SIGCHLD from a child's exit, and a signal from another process.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <spawn.h>
#include <stdlib.h>

static volatile sig_atomic_t ticks, alarms, chld, usr;
static void on_tick(int sig) { ticks++; }
static void on_alarm(int sig) { alarms++; }
static void on_chld(int sig) { chld++; }
static volatile pid_t sender;
static void on_usr(int sig, siginfo_t *si, void *uc) { usr = 1; sender = si->si_pid; }
extern char **environ;

static pid_t spawn(char *self, char *mode, char *arg, int out) {
    posix_spawn_file_actions_t fa; posix_spawn_file_actions_init(&fa);
    if (out >= 0) posix_spawn_file_actions_adddup2(&fa, out, 1);
    char *argv[] = {self, mode, arg, NULL};
    pid_t pid;
    if (posix_spawn(&pid, self, &fa, NULL, argv, environ) != 0) { perror("posix_spawn"); exit(1); }
    return pid;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "write")) { usleep(100000); write(1, "x", 1); return 0; }
    if (argc > 1 && !strcmp(argv[1], "exit")) return 3;
    if (argc > 1 && !strcmp(argv[1], "kill")) { kill(atoi(argv[2]), SIGUSR1); return 0; }
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick; sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 5000}, {0, 5000}};
    setitimer(ITIMER_REAL, &it, NULL);
    volatile unsigned long spins = 0;
    while (ticks < 5) spins++;
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("busy loop saw %d ticks\n", ticks >= 5 ? 5 : ticks);

    sa.sa_handler = on_alarm; sigaction(SIGALRM, &sa, NULL);
    // A periodic timer, so that a tick lands inside each blocking call however slowly the caller
    // gets there (the first tick may come before the call).
    struct itimerval every = {{0, 20000}, {0, 20000}};
    setitimer(ITIMER_REAL, &every, NULL);
    int r = pause();
    setitimer(ITIMER_REAL, &off, NULL);
    printf("pause %d errno EINTR %d alarms>=1 %d\n", r, errno == EINTR, alarms >= 1);

    setitimer(ITIMER_REAL, &every, NULL);
    struct timespec req = {5, 0}, rem = {0, 0};
    r = nanosleep(&req, &rem);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("nanosleep %d EINTR %d remaining>3s %d alarms>=2 %d\n", r, errno == EINTR, rem.tv_sec >= 3, alarms >= 2);

    // SA_RESTART: a read on a pipe blocked when the alarm comes resumes; without it, EINTR.
    int p[2]; pipe(p);
    sa.sa_flags = SA_RESTART; sigaction(SIGALRM, &sa, NULL);
    pid_t w = spawn(argv[0], "write", NULL, p[1]);
    setitimer(ITIMER_REAL, &every, NULL);
    char c; r = read(p[0], &c, 1);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("restarted read %d\n", r);
    waitpid(w, NULL, 0);
    sa.sa_flags = 0; sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &every, NULL);
    r = read(p[0], &c, 1);
    setitimer(ITIMER_REAL, &off, NULL);
    printf("interrupted read %d EINTR %d\n", r, errno == EINTR);

    sa.sa_handler = on_chld; sigaction(SIGCHLD, &sa, NULL);
    pid_t k = spawn(argv[0], "exit", NULL, -1);
    int st; while (waitpid(k, &st, 0) < 0 && errno == EINTR) {}
    while (!chld) usleep(1000);
    printf("SIGCHLD %d, child status %d\n", chld, WEXITSTATUS(st));

    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr; sa.sa_flags = SA_SIGINFO; sigaction(SIGUSR1, &sa, NULL);
    char me[32]; snprintf(me, sizeof me, "%d", getpid());
    pid_t s = spawn(argv[0], "kill", me, -1);
    while (!usr) usleep(1000);
    waitpid(s, NULL, 0);
    printf("SIGUSR1 from another process, si_pid is the sender: %d\n", sender == s);
    return 0;
}
