// Signal frames: handlers that read and edit their ucontext (skipping a faulting instruction,
// changing a register), SIGILL/SIGTRAP/SIGFPE handlers with si_addr, SA_RESETHAND, SA_NODEFER,
// nested delivery, sa_mask, sigaltstack with SA_ONSTACK (catching a stack overflow), the FPU state
// a handler clobbers coming back, sigsuspend, sigtimedwait and sigwaitinfo.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/syscall.h>

static volatile int depth, maxdepth, count;
static sigjmp_buf env;

static void skip_ud2(int sig, siginfo_t *si, void *p) {
    ucontext_t *uc = p;
    printf("SIGILL si_code %d addr==rip %d\n", si->si_code, (uintptr_t)si->si_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP]);
    uc->uc_mcontext.gregs[REG_RIP] += 2; // ud2 is two bytes
    uc->uc_mcontext.gregs[REG_RBX] = 12345;
}

static void on_trap(int sig, siginfo_t *si, void *p) {
    ucontext_t *uc = p;
    unsigned char *rip = (unsigned char *)uc->uc_mcontext.gregs[REG_RIP];
    printf("SIGTRAP code %d, byte before rip is int3: %d\n", si->si_code, rip[-1] == 0xcc);
}

static void on_fpe(int sig, siginfo_t *si, void *p) {
    (void)p;
    printf("SIGFPE si_code %d (FPE_INTDIV=%d)\n", si->si_code, FPE_INTDIV);
    siglongjmp(env, 1);
}

static void nested(int sig) {
    depth++;
    if (depth > maxdepth) maxdepth = depth;
    if (depth < 3) raise(SIGUSR1); // SA_NODEFER: delivered inside this handler
    depth--;
    count++;
}

static void once(int sig) { count += 100; }

static void masked(int sig) {
    // SIGUSR2 is in sa_mask: raising it here leaves it pending until this handler returns.
    raise(SIGUSR2);
    sigset_t p; sigpending(&p);
    printf("in USR1 handler: USR2 pending %d, count %d\n", sigismember(&p, SIGUSR2), count);
}
static void usr2(int sig) { count++; }

static volatile char *stack_base;
static void on_overflow(int sig, siginfo_t *si, void *p) {
    char here;
    stack_t ss; sigaltstack(NULL, &ss);
    printf("SIGSEGV on altstack %d (flags %d)\n",
           (char *)&here >= (char *)ss.ss_sp && (char *)&here < (char *)ss.ss_sp + ss.ss_size, ss.ss_flags);
    siglongjmp(env, 2);
}
static int recurse(int n) { volatile char buf[4096]; buf[0] = n; return n > 1000000 ? buf[0] : recurse(n + 1) + buf[0]; }

static void fpu_clobber(int sig) {
    volatile double x = 1e308; x *= 10; // sets overflow flags in MXCSR, uses xmm0
    volatile long double y = 3.0L; y = y / 7.0L;
}

static void plain(int sig) { count++; }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa; memset(&sa, 0, sizeof sa);

    sa.sa_sigaction = skip_ud2; sa.sa_flags = SA_SIGINFO; sigaction(SIGILL, &sa, NULL);
    long rbx;
    __asm__ volatile("mov $1, %%rbx\n\tud2\n\tmov %%rbx, %0" : "=r"(rbx) : : "rbx");
    printf("after ud2: rbx %ld\n", rbx);

    sa.sa_sigaction = on_trap; sigaction(SIGTRAP, &sa, NULL);
    __asm__ volatile("int3");
    printf("after int3\n");

    sa.sa_sigaction = on_fpe; sigaction(SIGFPE, &sa, NULL);
    if (sigsetjmp(env, 1) == 0) { volatile int z = 0; printf("%d\n", 10 / z); }
    printf("after SIGFPE\n");

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested; sa.sa_flags = SA_NODEFER; sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    printf("nested: max depth %d count %d\n", maxdepth, count);

    sa.sa_handler = once; sa.sa_flags = SA_RESETHAND; sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    struct sigaction cur; sigaction(SIGUSR1, NULL, &cur);
    printf("resethand: count %d, now default %d\n", count, cur.sa_handler == SIG_DFL);

    count = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = masked; sigemptyset(&sa.sa_mask); sigaddset(&sa.sa_mask, SIGUSR2); sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = usr2; sigemptyset(&sa.sa_mask); sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR1);
    printf("after: count %d\n", count);

    // FPU state: a handler that changes MXCSR flags and x87 state does not leak them.
    sa.sa_handler = fpu_clobber; sa.sa_flags = 0; sigaction(SIGUSR1, &sa, NULL);
    volatile double keep = 0.1; double before = keep * 3;
    unsigned mx0; __asm__ volatile("stmxcsr %0" : "=m"(mx0));
    raise(SIGUSR1);
    unsigned mx1; __asm__ volatile("stmxcsr %0" : "=m"(mx1));
    printf("mxcsr kept %d, value kept %d\n", mx0 == mx1, before == keep * 3);

    // sigsuspend: block USR1, send it, suspend with it open.
    count = 0;
    sa.sa_handler = plain; sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, old, open_; sigemptyset(&block); sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGUSR1);
    printf("blocked: count %d\n", count);
    sigemptyset(&open_);
    int r = sigsuspend(&open_);
    sigset_t now; sigprocmask(SIG_BLOCK, NULL, &now);
    printf("sigsuspend %d count %d, USR1 blocked again %d\n", r, count, sigismember(&now, SIGUSR1));

    // sigwaitinfo / sigtimedwait take a blocked signal without its handler.
    raise(SIGUSR1);
    siginfo_t si; int s = sigwaitinfo(&block, &si);
    printf("sigwaitinfo %d code %d count %d\n", s, si.si_code, count);
    struct timespec ts = {0, 1000000};
    s = sigtimedwait(&block, &si, &ts);
    printf("sigtimedwait timeout %d\n", s);
    sigprocmask(SIG_SETMASK, &old, NULL);

    // Stack overflow caught on an alternate stack.
    stack_t ss; ss.ss_sp = malloc(SIGSTKSZ * 4); ss.ss_size = SIGSTKSZ * 4; ss.ss_flags = 0;
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_overflow; sa.sa_flags = SA_SIGINFO | SA_ONSTACK; sigaction(SIGSEGV, &sa, NULL);
    if (sigsetjmp(env, 1) == 0) printf("%d\n", recurse(0));
    printf("after overflow\n");
    return 0;
}
