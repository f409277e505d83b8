// Signal handling: sigaction with SA_SIGINFO, raise(), a handler that writes, sigprocmask blocking
// and pending delivery on unblock, SIG_IGN, an alarm-free SIGSEGV handler that longjmps out.
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
static volatile sig_atomic_t hits, last, code;
static sigjmp_buf env;
static void on_usr(int sig, siginfo_t *si, void *uc) { (void)uc; hits++; last = sig; code = si->si_code; }
static void on_segv(int sig) { (void)sig; siglongjmp(env, 1); }
int main(void) {
    struct sigaction sa; memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr; sa.sa_flags = SA_SIGINFO; sigemptyset(&sa.sa_mask);
    printf("sigaction %d\n", sigaction(SIGUSR1, &sa, NULL));
    raise(SIGUSR1);
    printf("hits %d last %d from user %d\n", hits, last, code == SI_TKILL || code == SI_USER);
    sigset_t set; sigemptyset(&set); sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    sigset_t pend; sigpending(&pend);
    printf("blocked: hits %d pending %d\n", hits, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("unblocked: hits %d\n", hits);
    signal(SIGUSR2, SIG_IGN); raise(SIGUSR2); printf("ignored SIGUSR2\n");
    signal(SIGSEGV, on_segv);
    if (sigsetjmp(env, 1) == 0) { volatile int *p = (int *)16; *p = 1; printf("not reached\n"); }
    else printf("recovered from SIGSEGV\n");
    return 0;
}
