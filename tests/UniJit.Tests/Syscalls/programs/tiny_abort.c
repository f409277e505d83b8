/* A process that signals itself with SIGABRT dies by that signal, as abort() does. */
#include "tiny.h"

int main(int argc, char **argv)
{
    put("before\n");
    u64 set = 1UL << 5;
    sys4(SYS_rt_sigprocmask, 1 /* SIG_UNBLOCK */, &set, 0, 8);
    sys3(SYS_tgkill, sys0(SYS_getpid), sys0(SYS_gettid), 6);
    put("after\n");
    return 0;
}
