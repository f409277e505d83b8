// stdin: The quick brown fox\njumps over\n\nthe lazy dog.\nno newline at end
// Reads standard input to EOF (getchar and fread) and counts lines, words and bytes like wc.
#include <stdio.h>
#include <ctype.h>
int main(void) {
    long lines = 0, words = 0, bytes = 0; int in = 0, c, longest = 0, cur = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        if (c == '\n') { lines++; if (cur > longest) longest = cur; cur = 0; } else cur++;
        if (isspace(c)) in = 0; else if (!in) { in = 1; words++; }
    }
    if (cur > longest) longest = cur;
    printf("%ld %ld %ld longest %d eof %d\n", lines, words, bytes, longest, feof(stdin));
    return 0;
}
