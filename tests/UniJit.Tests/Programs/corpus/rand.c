// Seeded pseudo-random generators from libc: rand/srand, random/srandom, rand_r, drand48 family.
#include <stdio.h>
#include <stdlib.h>
int main(void) {
    srand(1); for (int i = 0; i < 8; i++) printf("%d ", rand()); printf("\n");
    srandom(12345); for (int i = 0; i < 8; i++) printf("%ld ", random()); printf("\n");
    unsigned seed = 99; for (int i = 0; i < 8; i++) printf("%d ", rand_r(&seed)); printf("\n");
    srand48(2024); for (int i = 0; i < 6; i++) printf("%.17g ", drand48()); printf("\n");
    for (int i = 0; i < 6; i++) printf("%ld %ld ", lrand48(), mrand48()); printf("\n");
    unsigned short x[3] = { 1, 2, 3 }; printf("erand48 %.17g nrand48 %ld\n", erand48(x), nrand48(x));
    long hist[10] = {0}; srand(7); for (int i = 0; i < 20000; i++) hist[rand() % 10]++;
    for (int i = 0; i < 10; i++) printf("%ld ", hist[i]); printf("\n");
    return 0;
}
