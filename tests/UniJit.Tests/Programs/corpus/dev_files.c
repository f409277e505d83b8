// The device files programs rely on: /dev/null, /dev/zero, /dev/full, /dev/urandom, /dev/tty.
// With argument "tty" it also writes to /dev/tty (the terminal tests run it on a pseudo-terminal).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static void kind(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) { printf("%s: stat: %s\n", path, strerror(errno)); return; }
    printf("%s: %s\n", path, S_ISCHR(st.st_mode) ? "character device" : "not a character device");
}

int main(int argc, char **argv) {
    char buf[256];
    kind("/dev/null"); kind("/dev/zero"); kind("/dev/urandom"); kind("/dev/tty");

    int fd = open("/dev/null", O_RDWR);
    printf("null: write %zd, read %zd\n", write(fd, "abc", 3), read(fd, buf, sizeof buf));
    close(fd);

    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 0x55, sizeof buf);
    ssize_t n = read(fd, buf, sizeof buf);
    int zeros = 0;
    for (int i = 0; i < n; i++) zeros += buf[i] == 0;
    printf("zero: read %zd, %d zero bytes\n", n, zeros);
    close(fd);

    fd = open("/dev/full", O_WRONLY);
    errno = 0;
    n = write(fd, "x", 1);
    printf("full: write %zd (%s)\n", n, strerror(errno));
    close(fd);

    unsigned char r1[64], r2[64];
    fd = open("/dev/urandom", O_RDONLY);
    ssize_t a = read(fd, r1, sizeof r1), b = read(fd, r2, sizeof r2);
    printf("urandom: read %zd and %zd, %s\n", a, b, memcmp(r1, r2, sizeof r1) ? "different" : "same");
    close(fd);

    fd = open("/dev/tty", O_RDWR);
    if (fd < 0) { printf("tty: open: %s\n", strerror(errno)); return 0; }
    struct termios t;
    struct winsize ws;
    int avail = -1;
    int is = isatty(fd), get = tcgetattr(fd, &t), mine = tcgetpgrp(fd) == getpgrp();
    printf("tty: isatty %d, tcgetattr %d, pgrp is mine %d, echo %d\n", is, get, mine, (t.c_lflag & ECHO) != 0);
    int w = ioctl(fd, TIOCGWINSZ, &ws);
    printf("tty: TIOCGWINSZ %d, %d rows, %d cols\n", w, ws.ws_row, ws.ws_col);
    int fr = ioctl(fd, FIONREAD, &avail);
    printf("tty: FIONREAD %d, %d bytes\n", fr, avail);
    printf("tty: same terminal as stdin %d\n", ttyname(0) && strcmp(ttyname(0), "/dev/tty") != 0 ? 1 : 0);
    if (argc > 1 && strcmp(argv[1], "tty") == 0) {
        const char msg[] = "written to /dev/tty\n";
        printf("tty: write %zd\n", write(fd, msg, sizeof msg - 1));
    }
    close(fd);
    return 0;
}
