/*
 * dl_bench LIB SYMBOL: the time from dlopen of LIB to the return of the
 * first call of SYMBOL (a function without arguments or with one int), in
 * a fresh process.  Prints "RESULT ms ms".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: dl_bench LIB SYMBOL\n");
        return 2;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "dl_bench: %s\n", dlerror()); return 1; }
    void *(*fn)(int) = (void *(*)(int))dlsym(h, argv[2]);
    if (!fn) { fprintf(stderr, "dl_bench: %s\n", dlerror()); return 1; }
    volatile void *r = fn(0);
    (void)r;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("RESULT %.3f ms\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    return 0;
}
