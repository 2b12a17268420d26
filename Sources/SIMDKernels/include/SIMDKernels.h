// The vector kernels of Optimized, in C so that each can be compiled for its own instruction set
// without compiler flags: one body (Body.h) compiled three times, for AVX-512 (x86-64-v4), for
// AVX2 + FMA (x86-64-v3) and for the portable baseline of whatever machine builds the package
// (SSE2 on x86-64, NEON on arm64). A function attribute, not a build flag, names each set's
// instruction set, so a package that depends on Conform by version gets all three; the Swift side
// (Optimized's CPU) picks the set the CPU runs, once per op.
#ifndef CONFORM_SIMD_KERNELS_H
#define CONFORM_SIMD_KERNELS_H

#include <stdint.h>

#pragma clang assume_nonnull begin

/// One instruction set's kernels and the register-block sizes they are unrolled for.
/// Pointer tables: `sources[p * table_stride + t]` points at the channels pixel `p` reads at tap `t`.
typedef struct conform_kernels {
    /// Output channels per block of `conv_block` (float32) and of `conv_block_f64`.
    long channel_block, double_channel_block;
    /// Output pixels per block of `conv_block`, `grouped_block`, `grouped_half_block`/`grouped4_block`,
    /// `paired_block`, `paired_wide_block` and the depthwise blocks.
    long pixel_block, grouped_pixel_block, grouped_half_pixel_block, paired_pixel_block, paired_wide_pixel_block;

    /// Up to `pixel_block` pixels × `channel_block` output channels; panel `[t][c][channel_block]`;
    /// with `accumulate`, adds to the outputs instead of overwriting them.
    void (*conv_block)(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const float *panel,
                       float *out, long out_stride, long pixels, long lanes, int accumulate);
    /// `conv_block` in float64, `double_channel_block` lanes.
    void (*conv_block_f64)(const double *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const double *panel,
                           double *out, long out_stride, long pixels, long lanes, int accumulate);
    /// Four 8-lane slots per pixel, slot `j` reading channel `slot_inputs[j] + c`, panel `[t][c][32]`;
    /// slot `j`'s `slot_lanes[j]` outputs go to `out + p * out_stride + slot_outputs[j]`.
    void (*grouped_block)(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const long *slot_inputs,
                          const float *panel, float *out, long out_stride, const long *slot_outputs,
                          const long *slot_lanes, long pixels);
    /// Eight half-slots of 4 lanes, half `h` reading channel `half_inputs[h] + c` and writing `lanes`
    /// outputs at `half_outputs[h]` (the first `halves` are real).
    void (*grouped_half_block)(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const long *half_inputs,
                               const float *panel, float *out, long out_stride, const long *half_outputs, long lanes,
                               long halves, long pixels);
    /// Eight groups of exactly four input channels from `sources[...] + base`, one load per slot.
    void (*grouped4_block)(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long base, const float *panel,
                           float *out, long out_stride, long first_output, long lanes, long pixels);
    /// Two groups of at most 8 output channels in 16 lanes; the second reads `second` floats on.
    void (*paired_block)(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, long second,
                         const float *panel, float *out, long out_stride, long lanes, long pixels);
    /// Two groups of 9 to 16 output channels in 32 lanes, reading channels `first + c` and `second + c`.
    void (*paired_wide_block)(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, long first, long second,
                              long groups, const float *panel, float *out, long out_stride, long lanes, long pixels);
    /// Depthwise: `pixels` pixels (at most `pixel_block`) × every channel; `filter[t * channels + c]`.
    void (*depthwise_block)(const float *_Nonnull const *_Nonnull sources, long taps, long channels, const float *filter, float *out,
                            long pixels);
    /// `depthwise_block` for `pixel_block` interior pixels: pixel `p`, tap `t` at `bases[t] + p * pixel_stride`.
    void (*depthwise_block_interior)(const float *_Nonnull const *_Nonnull bases, long pixel_stride, long taps, long channels,
                                     const float *filter, float *out);
    /// Depthwise in float64, 4 pixels, the channels below `channels / 16 * 16` only (the caller does the tail).
    void (*depthwise_vector_f64)(const double *_Nonnull const *_Nonnull sources, long taps, long channels, const double *filter,
                                 double *out, long pixels);
    /// 64 consecutive outputs of a column-vectorised convolution; see `Spatial` in Optimized.
    void (*spatial_segment)(const float *rows, long plane_size, long channels, long kh, long row_pitch, long kw,
                            long tap_step, const float *weights, long weight_stride, long last_offset, float *acc);
    void (*spatial_segment_f64)(const double *rows, long plane_size, long channels, long kh, long row_pitch, long kw,
                                long tap_step, const double *weights, long weight_stride, long last_offset, double *acc);
    /// `Σ a[i]·b[i]`, and `Σ a[i]·b[−i]` (`b` read backwards from where it points).
    float (*dot)(const float *a, const float *b, long count);
    double (*dot_f64)(const double *a, const double *b, long count);
    float (*dot_reversed)(const float *a, const float *b, long count);
    double (*dot_reversed_f64)(const double *a, const double *b, long count);
    /// float16 bit patterns to float32 (exact), and float32 to float16 rounded to nearest even.
    void (*widen_f16)(const uint16_t *from, float *to, long count);
    void (*narrow_f16)(const float *from, uint16_t *to, long count);
    /// 12 independent chains of 16-lane FMAs, `n` steps: the peak-throughput probe.
    float (*fma_chains)(long n);
} conform_kernels;

/// The AVX-512 set: call only where `conform_cpu_has_avx512()`.
const conform_kernels *conform_kernels_avx512(void);
/// The AVX2 + FMA set: call only where `conform_cpu_has_avx2()`.
const conform_kernels *conform_kernels_avx2(void);
/// The set for the baseline of the machine that built the package: runs anywhere it does.
const conform_kernels *conform_kernels_portable(void);

/// Whether this CPU (and its operating system) runs the x86-64-v4 subsets of AVX-512.
int conform_cpu_has_avx512(void);
/// Whether this CPU runs AVX2, FMA and F16C (x86-64-v3).
int conform_cpu_has_avx2(void);

#pragma clang assume_nonnull end

#endif
