// setjmp/longjmp across frames, nested buffers, sigsetjmp without signals, values through longjmp.
#include <stdio.h>
#include <setjmp.h>
static jmp_buf outer, inner;
static int depth_reached;
static void dive(int d) {
    volatile char pad[256]; pad[0] = (char)d;
    depth_reached = d;
    if (d == 50) longjmp(outer, d + pad[0]);
    dive(d + 1);
}
static int tries(void) {
    volatile int count = 0;
    int r = setjmp(inner);
    count++;
    if (r < 5) longjmp(inner, r + 1);
    return count * 100 + r;
}
int main(void) {
    volatile int local = 1;
    int r = setjmp(outer);
    if (r == 0) { local = 2; dive(0); printf("not reached\n"); }
    printf("longjmp returned %d, depth %d, local %d\n", r, depth_reached, local);
    printf("tries %d\n", tries());
    sigjmp_buf sb;
    if (sigsetjmp(sb, 0) == 0) { printf("sigsetjmp first\n"); siglongjmp(sb, 0); }
    else printf("siglongjmp with 0 gives 1\n");
    return 0;
}
