// Floating-point arithmetic and conversions printed with every printf format; strtod round trips.
#include <stdio.h>
#include <stdlib.h>
#include <float.h>
#include <math.h>
int main(void) {
    double v[] = { 0.0, -0.0, 1.0, -1.5, 0.1, 1.0 / 3.0, 2.5e-310, DBL_MIN, DBL_MAX, 123456789.125, -9.87654321e-100, 1e22, 6.02214076e23 };
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        printf("%%f=%f %%e=%e %%g=%g %%.17g=%.17g %%a=%a %%10.3f=[%10.3f] %%-12.2e=[%-12.2e]\n",
               v[i], v[i], v[i], v[i], v[i], v[i], v[i]);
    printf("inf=%f -inf=%e nan=%g\n", INFINITY, -INFINITY, fabs(NAN));
    float f = 1.0f;
    for (int i = 0; i < 30; i++) { f = f * 1.1f + 0.3f; }
    printf("float loop %.9g\n", f);
    double acc = 0;
    for (int i = 1; i <= 100000; i++) acc += 1.0 / ((double)i * i);
    printf("basel %.17g\n", acc);
    const char *strs[] = { "3.14159", "1e-5", "-0", "0x1.8p3", "1e400", "4.9e-324", "  12.5xyz", "nan", "-inf" };
    for (unsigned i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        char *end; double d = strtod(strs[i], &end);
        printf("strtod(%s) = %.17g rest=[%s]\n", strs[i], d, end);
    }
    for (int i = -5; i <= 5; i++) {
        double d = i * 0.75;
        printf("%g: (int)%d (long)%ld (unsigned)%u float %.9g\n", d, (int)d, (long)d, (unsigned)(d < 0 ? 0 : d), (double)(float)d);
    }
    long long big = 9007199254740993LL;
    printf("ll->double %.17g, u64->double %.17g, double->u64 %llu\n", (double)big, (double)18446744073709551615ull,
           (unsigned long long)1.8e19);
    printf("float min %g max %g eps %g; double eps %g\n", FLT_MIN, FLT_MAX, FLT_EPSILON, DBL_EPSILON);
    return 0;
}
