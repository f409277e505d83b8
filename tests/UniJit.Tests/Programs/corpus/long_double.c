// long double (x87 80-bit): arithmetic, printf("%Lf"/"%Lg"/"%La"), strtold, sqrtl and friends.
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <float.h>
int main(void) {
    long double a = 1.0L;
    for (int i = 1; i <= 25; i++) { a *= i; printf("%d! = %.0Lf\n", i, a); }
    long double third = 1.0L / 3.0L;
    printf("third %.21Lg %La\n", third, third);
    printf("eps %Lg min %Lg max %Lg dig %d mant %d\n", LDBL_EPSILON, LDBL_MIN, LDBL_MAX, LDBL_DIG, LDBL_MANT_DIG);
    long double x = 2.0L;
    printf("sqrtl %.21Lg expl %.21Lg logl %.21Lg sinl %.21Lg\n", sqrtl(x), expl(x), logl(x), sinl(x));
    printf("powl %.21Lg fabsl %Lg floorl %Lg ceill %Lg\n", powl(x, 0.5L), fabsl(-x), floorl(-2.5L), ceill(-2.5L));
    const char *s[] = { "3.141592653589793238462643", "1e4000", "-1.5e-4940", "0x1.fffffffffffffffep+16383" };
    for (int i = 0; i < 4; i++) printf("strtold(%s) = %.21Lg\n", s[i], strtold(s[i], 0));
    long double sum = 0;
    for (int i = 1; i < 2000; i++) sum += 1.0L / i;
    printf("harmonic %.21Lg\n", sum);
    long long ll = (long long)(sum * 1e15L);
    printf("to ll %lld, from ll %.3Lf, from u64 %.1Lf\n", ll, (long double)ll, (long double)18446744073709551615ull);
    double d = (double)third; float f = (float)third;
    printf("narrow %.17g %.9g; compare %d %d\n", d, f, third > d, (long double)d == (long double)(double)third);
    return 0;
}
