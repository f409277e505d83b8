/* Writing to a pipe with no reader: EPIPE when SIGPIPE is ignored, death by SIGPIPE by default. */
#include "tiny.h"

struct ksigaction { u64 handler, flags, restorer, mask; };

int main(int argc, char **argv)
{
    int p[2];
    sys2(SYS_pipe2, p, 0);
    sys1(SYS_close, p[0]);
    struct ksigaction ign = { 1, 0, 0, 0 }, dfl = { 0, 0, 0, 0 };
    sys4(SYS_rt_sigaction, 13, &ign, 0, 8);
    show("write, SIGPIPE ignored", sys3(SYS_write, p[1], "x", 1));
    sys4(SYS_rt_sigaction, 13, &dfl, 0, 8);
    u64 set = 1UL << 12;
    sys4(SYS_rt_sigprocmask, 0, &set, 0, 8);
    show("write, SIGPIPE blocked", sys3(SYS_write, p[1], "x", 1));
    put("unblocking\n");
    sys4(SYS_rt_sigprocmask, 1, &set, 0, 8);
    put("not reached\n");
    return 0;
}
