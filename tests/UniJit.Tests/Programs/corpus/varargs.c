// Variadic functions: ints, longs, doubles (in XMM registers and on the stack), va_copy, vsnprintf.
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
static double mix(int n, ...) {
    va_list ap; va_start(ap, n);
    double acc = 0;
    for (int i = 0; i < n; i++) {
        if (i % 3 == 0) acc += va_arg(ap, int);
        else if (i % 3 == 1) acc += va_arg(ap, double) * 2;
        else acc += (double)va_arg(ap, long long) / 3;
    }
    va_end(ap);
    return acc;
}
static int twice(const char *fmt, ...) {
    char a[256], b[256];
    va_list ap, cp; va_start(ap, fmt); va_copy(cp, ap);
    int n = vsnprintf(a, sizeof a, fmt, ap);
    vsnprintf(b, sizeof b, fmt, cp);
    va_end(cp); va_end(ap);
    printf("[%s] n=%d same=%d\n", a, n, strcmp(a, b) == 0);
    return n;
}
static long sum_longs(int n, ...) {
    va_list ap; va_start(ap, n); long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, long) * (i + 1);
    va_end(ap); return s;
}
int main(void) {
    printf("mix %.17g\n", mix(12, 1, 2.5, 3LL, 4, 5.25, 6LL, 7, 8.125, 9LL, 10, 11.0625, 12LL));
    printf("sum %ld\n", sum_longs(20, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L));
    twice("%d %s %c %5.2f %x %lu %e %g %%", -42, "str", 'Z', 3.14159, 255u, 123456789012UL, 1e-7, 0.5);
    twice("%10s|%-10s|%.3s|%*d|%-*d|", "right", "left", "truncate", 6, 42, 6, 42);
    twice("%f %f %f %f %f %f %f %f %f %f", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    char small[8];
    int n = snprintf(small, sizeof small, "%s", "overflowing text");
    printf("snprintf truncated to [%s], wanted %d\n", small, n);
    return 0;
}
