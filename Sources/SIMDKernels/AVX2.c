// The AVX2 set (x86-64-v3: AVX2, FMA, F16C): Body.h under a target attribute, no compiler flag.
#if defined(__x86_64__) && !defined(CONFORM_PORTABLE_ONLY)
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,bmi,bmi2,lzcnt,movbe"))), apply_to = function)
#define CK_WIDE 0
#define CK_AVX2 1
#define CK_TABLE conform_kernels_avx2
#include "Body.h"
#pragma clang attribute pop
#else
#include "SIMDKernels.h"
// Not an x86-64 machine (or a portable-only build): the set is never chosen.
const conform_kernels *conform_kernels_avx2(void) { return conform_kernels_portable(); }
#endif
