/* Benchmarks with a known count of page faults per iteration, for the counter tests
 * (tests/test_counters_run.py). */
#define _DEFAULT_SOURCE

#include <microbe.h>

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

enum { PAGES = 16 };

/* Maps 16 fresh anonymous pages, writes one byte to each and unmaps them: 16 page faults.
 * MADV_NOHUGEPAGE keeps the kernel from backing the region with larger folios (multi-size
 * transparent huge pages), which would take fewer faults. */
BENCH(touch_fresh_pages)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    MB_LOOP(state) {
        unsigned char *p =
            mmap(NULL, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            continue;
        madvise(p, PAGES * page, MADV_NOHUGEPAGE);
        for (size_t i = 0; i < PAGES; i++)
            p[i * page] = 1;
        mb_black_box(p);
        munmap(p, PAGES * page);
    }
}

/* Touches nothing new: no page faults once warm. */
BENCH(no_fresh_pages)
{
    unsigned x = 1;
    MB_LOOP(state) {
        x = x * 33 + 1;
        mb_black_box(&x);
    }
}

int main(int argc, char **argv)
{
    return mb_main(argc, argv);
}
