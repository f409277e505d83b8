// libm: transcendental functions, rounding and classification, printed to full precision.
#include <stdio.h>
#include <math.h>
#include <fenv.h>
int main(void) {
    double xs[] = { -3.5, -1.0, -0.5, 0.0, 0.25, 0.5, 1.0, 2.0, 3.14159265358979, 10.0, 100.5, 1e-8 };
    for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        printf("x=%g sin %.17g cos %.17g tan %.17g atan %.17g exp %.17g\n", x, sin(x), cos(x), tan(x), atan(x), exp(x));
        printf("  sqrt %.17g log %.17g log10 %.17g log2 %.17g cbrt %.17g\n", sqrt(fabs(x)), log(fabs(x) + 1), log10(fabs(x) + 2), log2(fabs(x) + 3), cbrt(x));
        printf("  pow %.17g atan2 %.17g hypot %.17g fmod %.17g sinh %.17g tanh %.17g\n", pow(fabs(x), 1.7), atan2(x, 0.7), hypot(x, 3), fmod(x, 0.3), sinh(x / 4), tanh(x));
        printf("  floor %g ceil %g round %g trunc %g rint %g nearbyint %g lround %ld\n", floor(x), ceil(x), round(x), trunc(x), rint(x), nearbyint(x), lround(x));
        printf("  floorf %g sqrtf %.9g expf %.9g sinf %.9g logf %.9g\n", floorf((float)x), sqrtf(fabsf((float)x)), expf((float)x / 4), sinf((float)x), logf(fabsf((float)x) + 1));
        int e; double m = frexp(x, &e);
        printf("  frexp %g,%d ldexp %g modf-int ", m, e, ldexp(x, 5));
        double ip; double fp = modf(x, &ip);
        printf("%g frac %g erf %.17g lgamma %.17g\n", ip, fp, erf(x), lgamma(fabs(x) + 0.5));
    }
    printf("classify: %d %d %d %d %d\n", fpclassify(0.0), fpclassify(1.0), fpclassify(INFINITY), fpclassify(NAN), fpclassify(4e-320));
    printf("isnan %d isinf %d signbit %d copysign %g nextafter %.17g\n", isnan(NAN), isinf(-INFINITY), signbit(-0.0), copysign(3, -1), nextafter(1.0, 2.0));
    fesetround(FE_DOWNWARD); printf("rint down %g %g\n", rint(2.5), rint(-2.5));
    fesetround(FE_UPWARD); printf("rint up %g %g\n", rint(2.5), rint(-2.5));
    fesetround(FE_TONEAREST); printf("rint nearest %g %g\n", rint(2.5), rint(3.5));
    return 0;
}
