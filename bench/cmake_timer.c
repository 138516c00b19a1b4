/* A stand-in `cmake` for the benchmark: runs the real cmake (REAL_CMAKE, fixed
 * at compile time) and, when BENCH_CMAKE_LOG is set, appends one line per call
 * to that file:  <start>\t<end>\t<arg1>\t<arg2>...  with CLOCK_MONOTONIC
 * seconds (the clock behind Python's time.perf_counter on Linux).
 *
 * A compiled wrapper costs a fork and an exec (well under a millisecond), where
 * a script would add an interpreter start to every CMake call. The real cmake
 * gets its own path as argv[0], so CMAKE_COMMAND and the calls that CMake and
 * Ninja make themselves bypass the wrapper (they happen inside a timed call).
 * Compiled with -DTOOL_TAG='"--ninja"' it stands in front of ninja too (a backend
 * may run ninja itself); its lines then start with that tag.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef REAL_CMAKE
#error "compile with -DREAL_CMAKE='\"/path/to/cmake\"'"
#endif

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *log = getenv("BENCH_CMAKE_LOG");
    argv[0] = (char *)REAL_CMAKE;
    if (log == NULL || *log == '\0') {
        execv(REAL_CMAKE, argv);
        perror("cmake_timer: exec " REAL_CMAKE);
        return 127;
    }
    double start = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("cmake_timer: fork");
        return 127;
    }
    if (pid == 0) {
        execv(REAL_CMAKE, argv);
        perror("cmake_timer: exec " REAL_CMAKE);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("cmake_timer: waitpid");
            return 127;
        }
    }
    double end = now();
    FILE *f = fopen(log, "a");
    if (f != NULL) {
        fprintf(f, "%.6f\t%.6f", start, end);
#ifdef TOOL_TAG
        fputs("\t" TOOL_TAG, f); /* e.g. --ninja: the same stand-in in front of ninja */
#endif
        for (int i = 1; i < argc; i++) {
            fputc('\t', f);
            for (const char *c = argv[i]; *c; c++)
                fputc((*c == '\t' || *c == '\n') ? ' ' : *c, f);
        }
        fputc('\n', f);
        fclose(f);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
