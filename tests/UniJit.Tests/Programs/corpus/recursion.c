// Deep recursion: Ackermann, a 200 000-deep linear recursion (stack growth), mutual recursion.
#include <stdio.h>
static int ack(int m, int n) { return m == 0 ? n + 1 : n == 0 ? ack(m - 1, 1) : ack(m - 1, ack(m, n - 1)); }
static long deep(long n, volatile char *prev) {
    volatile char frame[16]; frame[0] = (char)n;
    if (n == 0) return prev ? prev[0] : 0;
    return deep(n - 1, frame) + (n & 3);
}
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
int main(void) {
    printf("ack(2,3)=%d ack(3,5)=%d\n", ack(2, 3), ack(3, 5));
    printf("deep=%ld\n", deep(200000, 0));
    printf("even(100001)=%d\n", is_even(100001));
    printf("fib(25)=%ld\n", fib(25));
    return 0;
}
