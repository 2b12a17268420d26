// Which of the kernel sets this CPU runs (cpuid, and the OS's saving of the wide registers,
// both checked by the compiler runtime's __builtin_cpu_supports).
#include "SIMDKernels.h"

int conform_cpu_has_avx512(void) {
#if defined(__x86_64__) && !defined(CONFORM_PORTABLE_ONLY)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512cd") && conform_cpu_has_avx2();
#else
    return 0;
#endif
}

int conform_cpu_has_avx2(void) {
#if defined(__x86_64__) && !defined(CONFORM_PORTABLE_ONLY)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c") &&
           __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
#else
    return 0;
#endif
}
