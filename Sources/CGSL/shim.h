// GSL's own CBLAS declarations; the symbols resolve to OpenBLAS at link time
// (OpenBLAS's cblas.h clashes with GSL's, so only GSL's headers are included).
#include <gsl/gsl_cblas.h>
#include <gsl/gsl_fft_real_float.h>
#include <gsl/gsl_fft_halfcomplex_float.h>
#include <gsl/gsl_fft_complex.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_version.h>

// OpenBLAS's own controls (its cblas.h is not included: it clashes with GSL's declarations).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);

// Whether this CPU runs x86-64-v4 code (the AVX-512 subsets KernelsAVX512 is compiled for).
static inline int conform_cpu_has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512cd");
#else
    return 0;
#endif
}

#include <malloc.h>
// Keeps freed blocks in the heap instead of returning them to the kernel (glibc), so repeated
// runs of an op reuse warm pages rather than faulting in freshly mapped ones.
static inline void conform_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
#endif
}

// Fills every fresh allocation with `byte ^ 0xff` and every freed block with `byte` (glibc's
// M_PERTURB): an output an implementation forgets to write then holds a loud, repeatable
// pattern instead of whatever the last freed buffer held (often the right answer).
static inline void conform_poison_allocations(int byte) {
#if defined(__GLIBC__)
    mallopt(M_PERTURB, byte);
    // Blocks up to 32 MiB (glibc's largest threshold) come from the heap, where the byte reaches
    // them: a block mapped fresh from the kernel reads as zeros, a plausible right answer.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
#endif
}

// The next index of a shared task counter (relaxed: the tasks' own writes are disjoint, and the
// dispatch that runs the workers orders them with everything before and after).
static inline long conform_claim(long *counter) {
    return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}
