// More of <string.h>/<ctype.h>: strtok/strtok_r, strncpy/strncat, strdup/strndup, strcasecmp,
// strpbrk, memrchr, stpcpy, strsep, ctype classification over all bytes, toupper/tolower.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
int main(void) {
    char text[] = "alpha, beta;gamma  delta,,epsilon";
    for (char *t = strtok(text, ",; "); t; t = strtok(NULL, ",; ")) printf("[%s]", t);
    printf("\n");
    char t2[] = "k1=v1&k2=v2&k3";
    char *save, *tok;
    for (tok = strtok_r(t2, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) printf("(%s)", tok);
    printf("\n");
    char t3[] = "a::b:c"; char *sp = t3, *f;
    while ((f = strsep(&sp, ":"))) printf("{%s}", f);
    printf("\n");
    char buf[32]; memset(buf, 'Z', sizeof buf);
    strncpy(buf, "short", 10);
    printf("strncpy pads: %d %d %c\n", buf[5] == 0, buf[9] == 0, buf[10]);
    buf[0] = 0; strncat(buf, "abcdef", 3); strncat(buf, "XYZ", 10);
    printf("strncat %s\n", buf);
    char *d = strdup("duplicate"), *nd = strndup("duplicate", 3);
    printf("%s %s\n", d, nd); free(d); free(nd);
    printf("strcasecmp %d %d %d strncasecmp %d\n", strcasecmp("HeLLo", "hello") == 0, strcasecmp("a", "B") < 0, strcasecmp("b", "A") > 0, strncasecmp("ABCx", "abcy", 3));
    printf("strpbrk %s memrchr %s\n", strpbrk("find the vowel", "aeiou"), (char *)memrchr("a.b.c.d", '.', 7));
    char s4[32]; char *end = stpcpy(stpcpy(s4, "foo"), "bar");
    printf("stpcpy %s len %ld\n", s4, (long)(end - s4));
    int counts[8] = {0};
    for (int c = 0; c < 256; c++) {
        counts[0] += !!isalpha(c); counts[1] += !!isdigit(c); counts[2] += !!isspace(c); counts[3] += !!ispunct(c);
        counts[4] += !!isupper(c); counts[5] += !!isxdigit(c); counts[6] += !!isprint(c); counts[7] += !!iscntrl(c);
    }
    printf("ctype counts:"); for (int i = 0; i < 8; i++) printf(" %d", counts[i]); printf("\n");
    char mixed[] = "MiXeD 123 CaSe!";
    for (char *p = mixed; *p; p++) putchar(toupper((unsigned char)*p)); putchar(' ');
    for (char *p = mixed; *p; p++) putchar(tolower((unsigned char)*p)); putchar('\n');
    printf("strerror(2) %s\n", strerror(2));
    printf("strsignal(11) %s\n", strsignal(11));
    return 0;
}
