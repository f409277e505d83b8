/* Identity, TLS, limits, time, randomness, signals' bookkeeping, unknown calls, /proc/self/exe. */
#include "tiny.h"

struct ksigaction { u64 handler, flags, restorer, mask; };
static char buf[4096];

int main(int argc, char **argv)
{
    char u[6 * 65];
    show("uname", sys1(SYS_uname, u));
    put(u); put(" "); put(u + 4 * 65); put("\n");
    show("getpid == gettid", sys0(SYS_getpid) == sys0(SYS_gettid));

    u64 fs = 0;
    show("arch_prctl get fs", sys2(SYS_arch_prctl, 0x1003, &fs));
    static u64 tls[4] = { 11, 22, 33, 44 };
    show("arch_prctl set fs", sys2(SYS_arch_prctl, 0x1002, tls));
    u64 v;
    __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    show("fs:8", (i64)v);
    show("arch_prctl CET", sys2(SYS_arch_prctl, 0x3001, buf));
    show("arch_prctl bad", sys2(SYS_arch_prctl, 0x9999, 0));

    u64 rl[2], rl2[2];
    show("getrlimit nofile", sys2(SYS_getrlimit, 7, rl));
    rl2[0] = 8; rl2[1] = rl[1];
    show("setrlimit nofile 8", sys2(SYS_setrlimit, 7, rl2));
    for (int i = 3; i < 8; i++) sys1(SYS_dup, 0);
    show("dup past limit", sys1(SYS_dup, 0));
    for (int i = 3; i < 8; i++) sys1(SYS_close, i);
    show("setrlimit back", sys2(SYS_setrlimit, 7, rl));
    show("prlimit64 stack", sys4(SYS_prlimit64, 0, 3, 0, rl));
    show("setrlimit cur>max", (rl2[0] = 10, rl2[1] = 5, sys2(SYS_setrlimit, 7, rl2)));

    i64 t1[2], t2[2];
    show("clock_gettime", sys2(SYS_clock_gettime, 1, t1));
    i64 ns[2] = { 0, 2000000 };
    show("nanosleep", sys2(SYS_nanosleep, ns, 0));
    sys2(SYS_clock_gettime, 1, t2);
    show("monotonic advanced", (t2[0] - t1[0]) * 1000000000 + (t2[1] - t1[1]) >= 2000000);
    show("clock_getres", sys2(SYS_clock_getres, 0, t1));
    show("bad clock", sys2(SYS_clock_gettime, 99, t1));
    show("time plausible", sys1(SYS_time, 0) > 1600000000);

    show("getrandom", sys3(SYS_getrandom, buf, 37, 0));
    show("getrandom 0", sys3(SYS_getrandom, buf, 0, 0));

    struct ksigaction act = { 1 /* SIG_IGN */, 0x04000000, 0, 1UL << 1 }, old;
    show("rt_sigaction", sys4(SYS_rt_sigaction, 10, &act, 0, 8));
    show("rt_sigaction old", sys4(SYS_rt_sigaction, 10, 0, &old, 8));
    show("old handler", (i64)old.handler);
    show("old mask", (i64)old.mask);
    show("rt_sigaction SIGKILL", sys4(SYS_rt_sigaction, 9, &act, 0, 8));
    show("rt_sigaction bad size", sys4(SYS_rt_sigaction, 10, &act, 0, 4));
    show("kill ignored", sys2(SYS_kill, sys0(SYS_getpid), 10));
    show("kill sig 0", sys2(SYS_kill, sys0(SYS_getpid), 0));
    u64 set = (1UL << 11) | (1UL << 8), oset;
    show("sigprocmask block", sys4(SYS_rt_sigprocmask, 0, &set, 0, 8));
    show("sigprocmask get", sys4(SYS_rt_sigprocmask, 0, 0, &oset, 8));
    show("mask", (i64)oset);
    show("sigprocmask bad how", sys4(SYS_rt_sigprocmask, 5, &set, 0, 8));

    int fw = 5;
    show("futex wait mismatch", sys4(SYS_futex, &fw, 128, 4, 0));
    show("futex wake", sys3(SYS_futex, &fw, 129, 1));
    i64 to[2] = { 0, 1000000 };
    show("futex wait timeout", sys4(SYS_futex, &fw, 128, 5, to));

    show("unknown syscall", sys0(1000));

    i64 n = sys3(SYS_readlink, "/proc/self/exe", buf, sizeof buf);
    show("readlink exe", n > 0);
    buf[n > 0 ? n : 0] = 0;
    const char *base = buf;
    for (const char *s = buf; *s; s++) if (*s == '/') base = s + 1;
    put("exe basename "); put(base); put("\n");
    show("failures", failures);
    return 7;
}
