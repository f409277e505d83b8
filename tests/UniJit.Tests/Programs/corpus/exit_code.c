// A non-zero exit status must come through unchanged, after stdio is flushed by exit().
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("leaving with 42\n"); fprintf(stderr, "a line on stderr\n"); exit(42); }
