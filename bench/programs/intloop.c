/* Integer arithmetic: a sieve of Eratosthenes and Collatz chain lengths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int scale = argc > 1 ? atoi(argv[1]) : 1;
    int n = 2000000 * scale;
    char *sieve = malloc(n + 1);
    memset(sieve, 1, n + 1);
    sieve[0] = sieve[1] = 0;
    for (long i = 2; i * i <= n; i++)
        if (sieve[i])
            for (long j = i * i; j <= n; j += i) sieve[j] = 0;
    long primes = 0;
    for (int i = 0; i <= n; i++) primes += sieve[i];
    long best = 0, bestStart = 0;
    for (long s = 1; s < 300000L * scale; s++) {
        long x = s, len = 1;
        while (x != 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; len++; }
        if (len > best) { best = len; bestStart = s; }
    }
    printf("primes=%ld collatz=%ld@%ld\n", primes, best, bestStart);
    free(sieve);
    return 0;
}
