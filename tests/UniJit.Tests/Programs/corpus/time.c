// Time: clocks are checked for properties (monotonic, consistent, sleeping takes at least as long),
// never printed raw; calendar conversions run on fixed timestamps with TZ=UTC.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/time.h>
int main(void) {
    struct timespec a, b, r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct timespec req = { 0, 20 * 1000 * 1000 };
    int rc = nanosleep(&req, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    printf("nanosleep rc=%d slept >= 20ms: %d, < 5s: %d\n", rc, ms >= 20, ms < 5000);
    clock_getres(CLOCK_MONOTONIC, &r);
    printf("resolution <= 1ms: %d\n", r.tv_sec == 0 && r.tv_nsec <= 1000000);
    struct timespec rt; clock_gettime(CLOCK_REALTIME, &rt);
    struct timeval tv; gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("realtime after 2020: %d, clocks agree: %d %d\n", rt.tv_sec > 1577836800, labs((long)(tv.tv_sec - rt.tv_sec)) <= 1, labs((long)(t - rt.tv_sec)) <= 1);
    clock_t c0 = clock(); volatile double x = 0; for (int i = 0; i < 100000; i++) x += i; clock_t c1 = clock();
    printf("clock non-decreasing: %d\n", c1 >= c0);
    setenv("TZ", "UTC", 1); tzset();
    time_t fixed[] = { 0, 951782400, 1234567890, 2147483647, 4102444800 };
    for (int i = 0; i < 5; i++) {
        struct tm tm; gmtime_r(&fixed[i], &tm);
        char s[64]; strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S %a %j", &tm);
        printf("%ld -> %s yday %d, mktime back %ld\n", (long)fixed[i], s, tm.tm_yday, (long)mktime(&tm));
    }
    struct tm tm = { .tm_year = 124, .tm_mon = 1, .tm_mday = 29, .tm_hour = 12 };
    time_t m = mktime(&tm);
    printf("2024-02-29 12:00 = %ld, wday %d; asctime %s", (long)m, tm.tm_wday, asctime(&tm));
    printf("difftime %.1f\n", difftime(fixed[3], fixed[2]));
    return 0;
}
