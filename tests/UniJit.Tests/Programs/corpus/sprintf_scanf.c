// Formatting and parsing: printf integer formats, sscanf, strtol/strtoul edge cases, atoi.
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <inttypes.h>
int main(void) {
    long long vals[] = { 0, 1, -1, 127, -128, 65535, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        long long v = vals[i];
        printf("%lld|%llu|%llx|%llX|%llo|%+lld|% lld|%20lld|%-20lld|%020lld|%#llx|%hhd|%hd\n",
               v, (unsigned long long)v, (unsigned long long)v, (unsigned long long)v, (unsigned long long)v,
               v, v, v, v, v, (unsigned long long)v, (signed char)v, (short)v);
    }
    printf("%" PRId64 " %" PRIu32 " %" PRIx16 " %zu %zd %p %c%c%c\n", INT64_MIN, UINT32_MAX, (uint16_t)0xbeef, (size_t)42, (ssize_t)-42, (void *)0, 'a', 'b', 'c');
    const char *in = "  42 -17 0x1F 077 3.5e2 hello 9999999999 x";
    int a, b, c, d; double e; char word[16]; long long big; char ch;
    int n = sscanf(in, "%d %d %x %o %lf %15s %lld %c", &a, &b, &c, &d, &e, word, &big, &ch);
    printf("sscanf n=%d: %d %d %d %d %g %s %lld %c\n", n, a, b, c, d, e, word, big, ch);
    n = sscanf("12:34:56", "%d:%d:%d", &a, &b, &c);
    printf("time n=%d %d %d %d\n", n, a, b, c);
    n = sscanf("abc", "%d", &a);
    printf("fail n=%d\n", n);
    const char *nums[] = { "0", "-0", "123abc", "0x7fffffffffffffff", "0x8000000000000000", "-9223372036854775809", "   +5", "zz", "1010", "777" };
    for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        char *end; errno = 0;
        long v = strtol(nums[i], &end, 0);
        int e1 = errno; errno = 0;
        unsigned long u = strtoul(nums[i], NULL, 16);
        int e2 = errno;
        printf("strtol(%s)=%ld err=%d rest=[%s] strtoul16=%lu err=%d base2=%ld atoi=%d\n", nums[i], v, e1 != 0, end, u, e2 != 0,
               strtol(nums[i], NULL, 2), atoi(nums[i]));
    }
    return 0;
}
