// long double libm over seeded inputs, printed with %La (all 64 significand bits): exercises the
// x87 transcendental instructions glibc uses (f2xm1, fyl2x, fyl2xp1, fpatan, fsin, fcos, fptan,
// fsincos, fscale, fxtract, fprem, frndint) through real library code.
#include <stdio.h>
#include <stdint.h>
#include <math.h>

static uint64_t state = 0x87878787u;
static uint64_t next(void) { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; }
static long double uniform(long double lo, long double hi) {
    return lo + (hi - lo) * (long double)(next() >> 11) / 9007199254740992.0L;
}

int main(void) {
    for (int i = 0; i < 60; i++) {
        long double x = uniform(-20, 20), y = uniform(0.001L, 50), z = uniform(-0.9L, 0.9L);
        printf("%d x=%La y=%La z=%La\n", i, x, y, z);
        printf(" exp %La exp2 %La expm1 %La\n", expl(x), exp2l(x), expm1l(z));
        printf(" log %La log2 %La log10 %La log1p %La\n", logl(y), log2l(y), log10l(y), log1pl(z));
        printf(" sin %La cos %La tan %La\n", sinl(x), cosl(x), tanl(z));
        printf(" atan %La atan2 %La asin %La acos %La\n", atanl(x), atan2l(x, -y), asinl(z), acosl(z));
        printf(" pow %La sqrt %La cbrt %La hypot %La\n", powl(y, z * 10), sqrtl(y), cbrtl(x), hypotl(x, y));
        printf(" fmod %La rem %La rint %La ldexp %La\n", fmodl(x * 1e10L, y), remainderl(x * 1e5L, y), rintl(x * 3), ldexpl(y, (int)x * 100));
        int e; long double m = frexpl(x * 1e30L, &e);
        long double ip; long double fp = modfl(x, &ip);
        printf(" frexp %La %d modf %La %La sinh %La cosh %La tanh %La\n", m, e, fp, ip, sinhl(z * 3), coshl(z * 3), tanhl(z));
    }
    return 0;
}
