// Prints its environment in environ's order: the guest must get the variables in the order it was
// started with, as natively (UniJit's own UNIJIT_* and the runtime's DOTNET_* settings, which a test may
// give UniJit alone, are left out; the test's UNIJIT_TEST_* are kept).
#include <stdio.h>
#include <string.h>
extern char **environ;
int main(void) {
    int n = 0;
    for (char **e = environ; *e; e++) {
        if ((strncmp(*e, "UNIJIT_", 7) == 0 && strncmp(*e, "UNIJIT_TEST_", 12) != 0) || strncmp(*e, "DOTNET_", 7) == 0) continue;
        printf("%s\n", *e);
        n++;
    }
    printf("%d variables\n", n);
    return 0;
}
