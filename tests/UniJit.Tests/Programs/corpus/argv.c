// args: one "two words" "" --flag=3 last
// Prints argc and every argument (argv[0] included, as given).
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) printf("argv[%d]=[%s] len=%zu\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc]=%s\n", argv[argc] == NULL ? "NULL" : "non-NULL");
    return argc;
}
