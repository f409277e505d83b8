// Reads, sets and removes environment variables; prints the test's variables in sorted order.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
extern char **environ;
static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void dump(const char *when) {
    char *v[256]; int n = 0;
    for (char **e = environ; *e && n < 256; e++)
        if (strncmp(*e, "UNIJIT_TEST_", 12) == 0) v[n++] = *e;
    qsort(v, n, sizeof v[0], cmp);
    printf("%s: %d variables\n", when, n);
    for (int i = 0; i < n; i++) printf("  %s\n", v[i]);
}
int main(void) {
    dump("start");
    const char *a = getenv("UNIJIT_TEST_A");
    printf("A=%s\n", a ? a : "(unset)");
    printf("MISSING=%s\n", getenv("UNIJIT_TEST_MISSING") ? "set" : "(unset)");
    setenv("UNIJIT_TEST_NEW", "fresh value", 1);
    setenv("UNIJIT_TEST_A", "not overwritten", 0);
    setenv("UNIJIT_TEST_B", "overwritten", 1);
    unsetenv("UNIJIT_TEST_C");
    putenv("UNIJIT_TEST_PUT=via putenv");
    dump("after changes");
    printf("PATH is %s\n", getenv("PATH") ? "set" : "unset");
    return 0;
}
