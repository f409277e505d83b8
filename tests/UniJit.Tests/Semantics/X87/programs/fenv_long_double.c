// long double arithmetic under every rounding mode and the x87 exception flags as fenv reports
// them; printf("%Lf"/"%.30Lg"), strtold round trips, conversions to and from integers.
#include <stdio.h>
#include <stdlib.h>
#include <fenv.h>
#include <math.h>
#include <float.h>

static void flags(const char *what) {
    int f = fetestexcept(FE_ALL_EXCEPT);
    printf("  %s flags:%s%s%s%s%s\n", what, f & FE_INVALID ? " invalid" : "", f & FE_DIVBYZERO ? " divbyzero" : "",
        f & FE_OVERFLOW ? " overflow" : "", f & FE_UNDERFLOW ? " underflow" : "", f & FE_INEXACT ? " inexact" : "");
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void) {
    const int modes[] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };
    const char *names[] = { "nearest", "down", "up", "zero" };
    volatile long double one = 1, three = 3, tiny = LDBL_MIN, big = LDBL_MAX, zero = 0, m = -7.5L;
    for (int k = 0; k < 4; k++) {
        fesetround(modes[k]);
        feclearexcept(FE_ALL_EXCEPT);
        printf("%s\n", names[k]);
        printf("  1/3 %La -1/3 %La sqrt3 %La\n", one / three, -one / three, sqrtl(three));
        flags("div");
        printf("  tiny/3 %La tiny*tiny %La\n", tiny / three, tiny * tiny);
        flags("under");
        printf("  big*3 %La -big*3 %La\n", big * three, -big * three);
        flags("over");
        printf("  1/0 %La 0/0 %La sqrt(-1) %La\n", one / zero, zero / zero, sqrtl(-one));
        flags("special");
        printf("  rint(-7.5) %La lrint %ld llrint(2^62+0.5) %lld nearbyint(2.5) %La\n",
            rintl(m), lrintl(m), llrintl(4611686018427387904.5L), nearbyintl(2.5L));
        printf("  (long long)-7.5 %lld (int)1e10 %d (unsigned long long)1e19 %llu\n",
            (long long)m, (int)(long double)1e10L, (unsigned long long)1e19L);
        flags("convert");
        printf("  strtold %La %La %La\n", strtold("0.1", 0), strtold("1e-4950", 0), strtold("1.18973149535723176502e+4932", 0));
        printf("  %.30Lg %.25Lf %Le\n", one / three * 1e20L, three / 7, big);
        flags("strtold");
        printf("  (double)(1/3) %a (float) %a\n", (double)(one / three), (float)(one / three));
        flags("narrow");
    }
    fesetround(FE_TONEAREST);
    long double acc = 0;
    for (int i = 1; i <= 100000; i++) acc += 1.0L / ((long double)i * i);
    printf("basel %.25Lf %La\n", acc, acc);
    return 0;
}
