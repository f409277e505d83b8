// fenv_first_region: exact floating point in the program's first hot loops, then the sticky exception
// flags, under round-to-nearest and round-down. A flag raised by the translator's own work on the
// first translated floating point (a class constructor and the JIT it runs under the guest's MXCSR)
// would show here as inexact.
#include <fenv.h>
#include <stdio.h>
int main(void) {
    volatile double a = 1.5, b = 2.0;
    volatile float c = 0.25f, d = 8.0f;
    feclearexcept(FE_ALL_EXCEPT);
    double s = 0;
    float f = 0;
    for (int i = 0; i < 100; i++) { s += a * b; f += c * d; }
    printf("%g %g flags=%d\n", s, f, fetestexcept(FE_ALL_EXCEPT));
    fesetround(FE_DOWNWARD);
    for (int i = 0; i < 100; i++) { s -= a / b; f -= d / c; }
    printf("%g %g flags=%d\n", s, f, fetestexcept(FE_ALL_EXCEPT));
    fesetround(FE_TONEAREST);
    s += 1.0 / 3.0 * a;
    printf("%.17g flags=%d\n", s, fetestexcept(FE_ALL_EXCEPT));
    return 0;
}
