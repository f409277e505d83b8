// The kernel's clock_settime refusals, which leave every clock alone: a clock that cannot be set,
// an unknown clock, a timespec rejected before the permission check, and a bad pointer. Raw syscalls:
// glibc checks tv_nsec itself and would dereference the bad pointer.
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
static void try(const char *what, clockid_t id, const struct timespec *ts) {
    errno = 0;
    long rc = syscall(SYS_clock_settime, id, ts);
    printf("%-24s rc=%ld errno=%d\n", what, rc, rc ? errno : 0);
}
int main(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    try("monotonic", CLOCK_MONOTONIC, &now);
    try("unknown clock", (clockid_t)12345, &now);
    struct timespec bad = { 1, -1 };
    try("realtime, tv_nsec -1", CLOCK_REALTIME, &bad);
    struct timespec big = { 1, 1000000000 };
    try("realtime, tv_nsec 1e9", CLOCK_REALTIME, &big);
    try("realtime, bad pointer", CLOCK_REALTIME, (const struct timespec *)16);
    return 0;
}
