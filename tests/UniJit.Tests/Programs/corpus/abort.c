// abort() raises SIGABRT: the exit status is 134 as for a native crash.
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("about to abort\n"); fflush(stdout); abort(); }
