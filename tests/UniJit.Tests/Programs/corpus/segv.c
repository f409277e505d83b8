// A write through NULL: SIGSEGV, exit status 139.
#include <stdio.h>
int main(void) {
    printf("about to write through NULL\n");
    fflush(stdout);
    volatile int *p = 0;
    *p = 1;
    printf("not reached\n");
    return 0;
}
