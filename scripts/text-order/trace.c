/*
 * Records which functions of one program run, in the order they first run, for
 * scripts/text-order/run.sh. Loaded with LD_PRELOAD into every process of a test run; it
 * acts only in the program named by TEXT_ORDER_EXE and does nothing elsewhere.
 *
 * Before the program starts, the first byte of every function listed in TEXT_ORDER_FUNCS
 * (hex addresses as `nm` prints them) is replaced by a breakpoint. The first call traps
 * here: the byte is put back, the call goes on, and the function's index in the sorted list
 * is appended (4 bytes) to TEXT_ORDER_OUT.<pid>. Each function traps once, so the program
 * runs at nearly its usual speed after its first minute. A tool for making the list, not for
 * running the bot: the program's code stays writable while it runs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

static uintptr_t *addrs;
static unsigned char *orig, *seen;
static size_t count;
static int out = -1;

static long find(uintptr_t a) {
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (addrs[mid] < a) lo = mid + 1; else hi = mid;
    }
    return (lo < count && addrs[lo] == a) ? (long)lo : -1;
}

static void on_trap(int sig, siginfo_t *info, void *context) {
    (void)sig; (void)info;
    ucontext_t *uc = context;
    uintptr_t at = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] - 1;
    long i = find(at);
    if (i < 0) {
        /* Not ours (a breakpoint in the program itself): returning runs it again, and with the
         * default action back it ends the program as it would have without this file. */
        signal(SIGTRAP, SIG_DFL);
        return;
    }
    *(volatile unsigned char *)at = orig[i];
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)at;
    /* Two threads may trap on one function at once: only the first records it. */
    if (!__atomic_exchange_n(&seen[i], 1, __ATOMIC_SEQ_CST)) {
        uint32_t k = (uint32_t)i;
        if (write(out, &k, sizeof k) != sizeof k) { /* nothing to do in a signal handler */ }
    }
}

static int by_address(const void *a, const void *b) {
    uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;
    return (x > y) - (x < y);
}

__attribute__((constructor)) static void start(void) {
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *wanted = getenv("TEXT_ORDER_EXE");
    if (len <= 0 || !wanted) return;
    exe[len] = 0;
    if (strcmp(exe, wanted) != 0) return;

    /* Where the program's file starts in memory, and its code mapping. */
    uintptr_t base = 0, lo = 0, hi = 0;
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[8192];
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long s, e, off;
        char perms[8], path[4096] = "";
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &s, &e, perms, &off, path) < 4) continue;
        if (strcmp(path, exe) != 0) continue;
        if (off == 0 && !base) base = s;
        if (perms[2] == 'x') { lo = s; hi = e; }
    }
    if (maps) fclose(maps);
    const char *functions = getenv("TEXT_ORDER_FUNCS"), *prefix = getenv("TEXT_ORDER_OUT");
    FILE *list = functions ? fopen(functions, "r") : NULL;
    if (!list || !prefix || !hi) {
        fprintf(stderr, "trace.c: TEXT_ORDER_FUNCS and TEXT_ORDER_OUT are needed, and a code mapping\n");
        if (list) fclose(list);
        return;
    }
    size_t cap = 1 << 16;
    addrs = malloc(cap * sizeof *addrs);
    unsigned long a;
    while (fscanf(list, "%lx", &a) == 1) {
        if (count == cap && !(addrs = realloc(addrs, (cap *= 2) * sizeof *addrs))) abort();
        addrs[count++] = base + a;
    }
    fclose(list);
    qsort(addrs, count, sizeof *addrs, by_address);
    orig = malloc(count);
    seen = calloc(count, 1);

    char name[4200];
    snprintf(name, sizeof name, "%s.%d", prefix, (int)getpid());
    out = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || !orig || !seen) { perror("trace.c"); return; }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_trap;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGTRAP, &sa, NULL);
    if (mprotect((void *)lo, hi - lo, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) {
        perror("trace.c: the code cannot be made writable");
        return;
    }
    for (size_t i = 0; i < count; i++) {
        if (addrs[i] < lo || addrs[i] >= hi) { seen[i] = 1; continue; }
        orig[i] = *(unsigned char *)addrs[i];
        *(unsigned char *)addrs[i] = 0xCC; /* int3 */
    }
}
