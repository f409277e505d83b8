/* posix_spawn, vfork + execve and waitpid: a parent starts copies of itself with redirected output. */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "child") == 0) {
        printf("child %s, fd 3 %s\n", argv[2], write(3, "", 0) == 0 ? "open" : "closed");
        return atoi(argv[2]);
    }
    int p[2];
    pipe(p);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addclose(&fa, p[0]);
    char *args[] = { argv[0], "child", "3", NULL };
    pid_t pid;
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, args, environ);
    printf("posix_spawn %d\n", rc);
    close(p[1]);
    char buf[128] = { 0 };
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    printf("from child (%zd): %s", n, buf);
    int st;
    printf("waitpid ok %d\n", waitpid(pid, &st, 0) == pid);
    printf("exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));

    char *args2[] = { "spawned", "child", "5", NULL };
    fflush(stdout);
    pid = vfork();
    if (pid == 0) {
        execve("/proc/self/exe", args2, environ);
        _exit(99);
    }
    waitpid(pid, &st, 0);
    printf("vfork child status %d\n", WEXITSTATUS(st));

    pid = vfork();
    if (pid == 0) {
        execve("/nonexistent/program", args2, environ);
        _exit(errno == ENOENT ? 42 : 43);
    }
    waitpid(pid, &st, 0);
    printf("failed exec status %d\n", WEXITSTATUS(st));

    rc = posix_spawn(&pid, "/nonexistent/program", NULL, NULL, args, environ);
    printf("posix_spawn missing: %s\n", rc == ENOENT ? "ENOENT" : "other");
    int w = waitpid(-1, &st, 0), e = errno;
    printf("waitpid no children: %d %s\n", w, e == ECHILD ? "ECHILD" : "other");
    /* execve without vfork: the process becomes the child program and ends with its status. */
    char *args3[] = { "replaced", "child", "6", NULL };
    fflush(stdout);
    execve("/proc/self/exe", args3, environ);
    return 1;
}
