// The kernels' one body, included once per instruction set by AVX512.c, AVX2.c and Portable.c
// with CK_WIDE (1: AVX-512 register blocks) and CK_TABLE (the set's accessor) defined. Every loop
// over pixels or lanes has a constant trip count, so an optimising build unrolls it and keeps the
// accumulators in registers: `acc[p] += x * w` is one FMA where the instruction set has FMA (the
// contraction below), a multiply and an add where it does not.
#include "SIMDKernels.h"
#include <string.h>

#pragma STDC FP_CONTRACT ON
#pragma clang assume_nonnull begin

typedef float f32x4 __attribute__((vector_size(16)));
typedef float f32x8 __attribute__((vector_size(32)));
typedef float f32x16 __attribute__((vector_size(64)));
typedef double f64x8 __attribute__((vector_size(64)));
typedef double f64x16 __attribute__((vector_size(128)));

#if CK_WIDE
/// Output channels per `conv_block`: two 16-lane vectors (zmm) per pixel; 8 pixels × 2 = 16 accumulators of 32.
#define CHANNEL_VECTORS 2
#define PIXEL_BLOCK 8
#define GROUPED_PIXEL_BLOCK 6
#define GROUPED_HALF_PIXEL_BLOCK 4
#define PAIRED_PIXEL_BLOCK 8
#else
/// One 16-lane vector (two ymm) per pixel; 4 pixels × 2 ymm = 8 accumulators of 16.
#define CHANNEL_VECTORS 1
#define PIXEL_BLOCK 4
#define GROUPED_PIXEL_BLOCK 2
#define GROUPED_HALF_PIXEL_BLOCK 2
#define PAIRED_PIXEL_BLOCK 4
#endif
#define PAIRED_WIDE_PIXEL_BLOCK 8

/// Fully unrolls the loop it precedes (pixels, vectors, slots: constant trip counts), so that
/// its accumulators live in registers.
#define UNROLL _Pragma("clang loop unroll(full)")

#define LOAD(V, p) ({ V v_; memcpy(&v_, (p), sizeof v_); v_; })
#define STORE(p, v) memcpy((p), &(v), sizeof(v))
/// `s` in every lane (`s − 0` is exactly `s` for every `s`, −0 included, so it folds away; `0 + s` would not).
#define SPLAT(V, s) ((s) - (V){})
#define LANES(V) ((long)(sizeof(V) / sizeof(((V){})[0])))

/// Stores the first `count` lanes of `v` at `o` (all of them when `count` covers the vector). The
/// lanes are read from a copy: indexing the accumulators themselves by a variable lane would keep
/// them in memory instead of registers.
#define PUT(V, o, v, count)                                                                        \
    do {                                                                                           \
        long count_ = (count);                                                                     \
        V v_ = (v);                                                                                \
        if (count_ >= LANES(V)) {                                                                  \
            STORE((o), v_);                                                                        \
        } else {                                                                                   \
            if (count_ > 0) memcpy((o), &v_, (size_t)count_ * sizeof((o)[0]));                   \
        }                                                                                          \
    } while (0)

/// The register block of `conv_block` and `conv_block_f64`: PIXEL_BLOCK pixels × CHANNEL_VECTORS
/// vectors of type V over scalars S.
#define REGISTER_BLOCK(S, V)                                                                       \
    const long n = LANES(V);                                                                       \
    V acc[PIXEL_BLOCK][CHANNEL_VECTORS];                                                           \
    UNROLL for (long p = 0; p < PIXEL_BLOCK; p++)                                                         \
        UNROLL for (long k = 0; k < CHANNEL_VECTORS; k++) {                                               \
            acc[p][k] = (V){};                                                                     \
            if (accumulate && p < pixels) {                                                        \
                S *o = out + p * out_stride + n * k;                                               \
                if (lanes >= n * (k + 1)) {                                                        \
                    acc[p][k] = LOAD(V, o);                                                        \
                } else if (lanes > n * k) {                                                        \
                    V t = {};                                                                      \
                    memcpy(&t, o, (size_t)(lanes - n * k) * sizeof(S));                            \
                    acc[p][k] = t;                                                                 \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    for (long t = 0; t < taps; t++) {                                                              \
        const S *s[PIXEL_BLOCK];                                                                   \
        UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) s[p] = sources[p * table_stride + t];               \
        const S *w = panel + t * cpg * CHANNEL_VECTORS * n;                                        \
        for (long c = 0; c < cpg; c++) {                                                           \
            V wv[CHANNEL_VECTORS];                                                                 \
            UNROLL for (long k = 0; k < CHANNEL_VECTORS; k++) wv[k] = LOAD(V, w + k * n);                 \
            UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) {                                               \
                V x = SPLAT(V, s[p][c]);                                                           \
                UNROLL for (long k = 0; k < CHANNEL_VECTORS; k++) acc[p][k] += x * wv[k];                 \
            }                                                                                      \
            w += CHANNEL_VECTORS * n;                                                              \
        }                                                                                          \
    }                                                                                              \
    UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) {                                                       \
        if (p >= pixels) continue;                                                                 \
        S *o = out + p * out_stride;                                                               \
        UNROLL for (long k = 0; k < CHANNEL_VECTORS; k++) PUT(V, o + n * k, acc[p][k], lanes - n * k);    \
    }

static void conv_block(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const float *panel,
                       float *out, long out_stride, long pixels, long lanes, int accumulate) {
    REGISTER_BLOCK(float, f32x16)
}

static void conv_block_f64(const double *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const double *panel,
                           double *out, long out_stride, long pixels, long lanes, int accumulate) {
    REGISTER_BLOCK(double, f64x8)
}

static void grouped_block(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, const long *slot_inputs,
                          const float *panel, float *out, long out_stride, const long *slot_outputs,
                          const long *slot_lanes, long pixels) {
    f32x8 acc[GROUPED_PIXEL_BLOCK][4] = {};
    const long in[4] = {slot_inputs[0], slot_inputs[1], slot_inputs[2], slot_inputs[3]};
    for (long t = 0; t < taps; t++) {
        const float *s[GROUPED_PIXEL_BLOCK];
        UNROLL for (long p = 0; p < GROUPED_PIXEL_BLOCK; p++) s[p] = sources[p * table_stride + t];
        const float *w = panel + t * cpg * 32;
        for (long c = 0; c < cpg; c++) {
            f32x8 wv[4];
            UNROLL for (long j = 0; j < 4; j++) wv[j] = LOAD(f32x8, w + 8 * j);
            UNROLL for (long p = 0; p < GROUPED_PIXEL_BLOCK; p++)
                UNROLL for (long j = 0; j < 4; j++) acc[p][j] += SPLAT(f32x8, s[p][in[j] + c]) * wv[j];
            w += 32;
        }
    }
    UNROLL for (long p = 0; p < GROUPED_PIXEL_BLOCK; p++) if (p < pixels) {
        float *o = out + p * out_stride;
        UNROLL for (long j = 0; j < 4; j++) PUT(f32x8, o + slot_outputs[j], acc[p][j], slot_lanes[j]);
    }
}

/// Two groups in one 8-lane slot: the low half broadcasts `s[a]`, the high half `s[b]`.
#define PAIR_OF(s, a, b) ({ float x_ = (s)[a], y_ = (s)[b]; (f32x8){x_, x_, x_, x_, y_, y_, y_, y_}; })

static void grouped_half_block(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg,
                               const long *half_inputs, const float *panel, float *out, long out_stride,
                               const long *half_outputs, long lanes, long halves, long pixels) {
    f32x8 acc[GROUPED_HALF_PIXEL_BLOCK][4] = {};
    long in[8];
    for (long h = 0; h < 8; h++) in[h] = half_inputs[h];
    for (long t = 0; t < taps; t++) {
        const float *s[GROUPED_HALF_PIXEL_BLOCK];
        UNROLL for (long p = 0; p < GROUPED_HALF_PIXEL_BLOCK; p++) s[p] = sources[p * table_stride + t];
        const float *w = panel + t * cpg * 32;
        for (long c = 0; c < cpg; c++) {
            f32x8 wv[4];
            UNROLL for (long j = 0; j < 4; j++) wv[j] = LOAD(f32x8, w + 8 * j);
            UNROLL for (long p = 0; p < GROUPED_HALF_PIXEL_BLOCK; p++)
                UNROLL for (long j = 0; j < 4; j++) acc[p][j] += PAIR_OF(s[p], in[2 * j] + c, in[2 * j + 1] + c) * wv[j];
            w += 32;
        }
    }
    UNROLL for (long p = 0; p < GROUPED_HALF_PIXEL_BLOCK; p++) if (p < pixels) {
        float *o = out + p * out_stride;
        UNROLL for (long j = 0; j < 4; j++)
            for (long half = 0; half < 2 && 2 * j + half < halves; half++) {
                f32x8 v = acc[p][j];
                memcpy(o + half_outputs[2 * j + half], (float *)&v + 4 * half, (size_t)lanes * sizeof(float));
            }
    }
}

/// Channel `c` of both groups of a slot, each spread over its own half.
#define SPREAD(x, c) ((f32x8){(x)[c], (x)[c], (x)[c], (x)[c], (x)[4 + (c)], (x)[4 + (c)], (x)[4 + (c)], (x)[4 + (c)]})

static void grouped4_block(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long base, const float *panel,
                           float *out, long out_stride, long first_output, long lanes, long pixels) {
    f32x8 acc[GROUPED_HALF_PIXEL_BLOCK][4] = {};
    for (long t = 0; t < taps; t++) {
        const float *w = panel + t * 128;
        UNROLL for (long p = 0; p < GROUPED_HALF_PIXEL_BLOCK; p++) {
            const float *s = sources[p * table_stride + t] + base;
            // Each pixel reads the weights again (FMAs with a memory operand): kept in registers
            // across the pixels, they would push the accumulators out of them.
            const float *wp = w;
            __asm__ volatile("" : "+r"(wp));
            f32x8 x[4];
            UNROLL for (long j = 0; j < 4; j++) x[j] = LOAD(f32x8, s + 8 * j);
            UNROLL for (int c = 0; c < 4; c++)
                UNROLL for (long j = 0; j < 4; j++) acc[p][j] += SPREAD(x[j], c) * LOAD(f32x8, wp + c * 32 + 8 * j);
        }
    }
    UNROLL for (long p = 0; p < GROUPED_HALF_PIXEL_BLOCK; p++) if (p < pixels) {
        float *o = out + p * out_stride;
        UNROLL for (long j = 0; j < 4; j++) {
            float *target = o + first_output + 8 * j * lanes / 4;
            f32x8 v = acc[p][j];
            memcpy(target, &v, (size_t)lanes * sizeof(float));
            memcpy(target + lanes, (float *)&v + 4, (size_t)lanes * sizeof(float));
        }
    }
}

/// Two groups side by side: PIXELS pixels × two V, the first group's lanes, then the second's.
#define PAIR_BODY(V, PIXELS)                                                                       \
    const long n = LANES(V);                                                                       \
    V a[PIXELS] = {}, b[PIXELS] = {};                                                              \
    for (long t = 0; t < taps; t++) {                                                              \
        const float *s[PIXELS];                                                                    \
        UNROLL for (long p = 0; p < PIXELS; p++) s[p] = sources[p * table_stride + t];                    \
        const float *w = panel + t * cpg * 2 * n;                                                  \
        for (long c = 0; c < cpg; c++) {                                                           \
            V wa = LOAD(V, w), wb = LOAD(V, w + n);                                                \
            long e = first + c, d = second + c;                                                    \
            UNROLL for (long p = 0; p < PIXELS; p++) {                                                    \
                a[p] += SPLAT(V, s[p][e]) * wa;                                                    \
                b[p] += SPLAT(V, s[p][d]) * wb;                                                    \
            }                                                                                      \
            w += 2 * n;                                                                            \
        }                                                                                          \
    }                                                                                              \
    UNROLL for (long p = 0; p < PIXELS; p++) if (p < pixels) {                                              \
        float *o = out + p * out_stride;                                                           \
        PUT(V, o, a[p], lanes);                                                                    \
        if (groups == 2) PUT(V, o + lanes, b[p], lanes);                                           \
    }

static void paired_block(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, long second,
                         const float *panel, float *out, long out_stride, long lanes, long pixels) {
    const long first = 0, groups = 2;
    PAIR_BODY(f32x8, PAIRED_PIXEL_BLOCK)
}

static void paired_wide_block(const float *_Nonnull const *_Nonnull sources, long table_stride, long taps, long cpg, long first,
                              long second, long groups, const float *panel, float *out, long out_stride, long lanes,
                              long pixels) {
    PAIR_BODY(f32x16, PAIRED_WIDE_PIXEL_BLOCK)
}

/// Channels from `start` on, one by one in tap order; pixel `p`, tap `t` reads `SOURCE(p, t)`.
#define CHANNEL_TAIL(S, PIXELS, SOURCE)                                                            \
    for (long p = 0; p < (PIXELS); p++)                                                            \
        for (long ch = start; ch < channels; ch++) {                                               \
            S sum = 0;                                                                             \
            for (long t = 0; t < taps; t++) sum += (SOURCE)[ch] * filter[t * channels + ch];       \
            out[p * channels + ch] = sum;                                                          \
        }

static void depthwise_block(const float *_Nonnull const *_Nonnull sources, long taps, long channels, const float *filter, float *out,
                            long pixels) {
    const long start = channels / 16 * 16;
    for (long c = 0; c < start; c += 16) {
        f32x16 acc[PIXEL_BLOCK] = {};
        for (long t = 0; t < taps; t++) {
            f32x16 w = LOAD(f32x16, filter + t * channels + c);
            UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) acc[p] += LOAD(f32x16, sources[p * taps + t] + c) * w;
        }
        UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) if (p < pixels) STORE(out + p * channels + c, acc[p]);
    }
    CHANNEL_TAIL(float, pixels, sources[p * taps + t])
}

static void depthwise_block_interior(const float *_Nonnull const *_Nonnull bases, long pixel_stride, long taps, long channels,
                                     const float *filter, float *out) {
    const long start = channels / 16 * 16;
    for (long c = 0; c < start; c += 16) {
        f32x16 acc[PIXEL_BLOCK] = {};
        for (long t = 0; t < taps; t++) {
            f32x16 w = LOAD(f32x16, filter + t * channels + c);
            const float *b = bases[t] + c;
            UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) acc[p] += LOAD(f32x16, b + p * pixel_stride) * w;
        }
        UNROLL for (long p = 0; p < PIXEL_BLOCK; p++) STORE(out + p * channels + c, acc[p]);
    }
    CHANNEL_TAIL(float, PIXEL_BLOCK, bases[t] + p * pixel_stride)
}

static void depthwise_vector_f64(const double *_Nonnull const *_Nonnull sources, long taps, long channels, const double *filter,
                                 double *out, long pixels) {
    for (long c = 0; c + 16 <= channels; c += 16) {
        f64x16 acc[4] = {};
        for (long t = 0; t < taps; t++) {
            f64x16 w = LOAD(f64x16, filter + t * channels + c);
            UNROLL for (long p = 0; p < 4; p++) acc[p] += LOAD(f64x16, sources[p * taps + t] + c) * w;
        }
        UNROLL for (long p = 0; p < 4; p++) if (p < pixels) STORE(out + p * channels + c, acc[p]);
    }
}

/// 64 outputs in four 16-lane accumulators: for each channel (planes `plane_size` apart), kernel
/// row (rows `row_pitch` apart) and column (`tap_step` apart), one broadcast weight times four
/// loads at columns 0, 16, 32 and `last_offset` (48).
#define SPATIAL_SEGMENT(S, V)                                                                      \
    V a[4] = {};                                                                                   \
    for (long c = 0; c < channels; c++)                                                            \
        for (long r = 0; r < kh; r++) {                                                            \
            const S *row = rows + c * plane_size + r * row_pitch;                                  \
            for (long q = 0; q < kw; q++) {                                                        \
                V wv = SPLAT(V, weights[((r * kw + q) * channels + c) * weight_stride]);           \
                const S *p = row + q * tap_step;                                                   \
                a[0] += wv * LOAD(V, p);                                                           \
                a[1] += wv * LOAD(V, p + 16);                                                      \
                a[2] += wv * LOAD(V, p + 32);                                                      \
                a[3] += wv * LOAD(V, p + last_offset);                                             \
            }                                                                                      \
        }                                                                                          \
    UNROLL for (long k = 0; k < 4; k++) STORE(acc + 16 * k, a[k]);

static void spatial_segment(const float *rows, long plane_size, long channels, long kh, long row_pitch, long kw,
                            long tap_step, const float *weights, long weight_stride, long last_offset, float *acc) {
    SPATIAL_SEGMENT(float, f32x16)
}

static void spatial_segment_f64(const double *rows, long plane_size, long channels, long kh, long row_pitch, long kw,
                                long tap_step, const double *weights, long weight_stride, long last_offset,
                                double *acc) {
    SPATIAL_SEGMENT(double, f64x16)
}

#define HSUM(V, v)                                                                                 \
    ({                                                                                             \
        __typeof__((v)[0]) s_ = 0;                                                                 \
        for (long l_ = 0; l_ < LANES(V); l_++) s_ += (v)[l_];                                      \
        s_;                                                                                        \
    })

#define DOT(S, V)                                                                                  \
    V a0 = {}, a1 = {};                                                                            \
    long i = 0;                                                                                    \
    for (; i + 32 <= count; i += 32) {                                                             \
        a0 += LOAD(V, a + i) * LOAD(V, b + i);                                                     \
        a1 += LOAD(V, a + i + 16) * LOAD(V, b + i + 16);                                           \
    }                                                                                              \
    V both = a0 + a1;                                                                              \
    S sum = HSUM(V, both);                                                                         \
    for (; i < count; i++) sum += a[i] * b[i];                                                     \
    return sum;

#define DOT_REVERSED(S, V)                                                                         \
    V acc = {};                                                                                    \
    long i = 0;                                                                                    \
    for (; i + 16 <= count; i += 16) {                                                             \
        V r = LOAD(V, b - i - 15);                                                                 \
        V reversed = __builtin_shufflevector(r, r, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0); \
        acc += LOAD(V, a + i) * reversed;                                                          \
    }                                                                                              \
    S sum = HSUM(V, acc);                                                                          \
    for (; i < count; i++) sum += a[i] * b[-i];                                                    \
    return sum;

static float dot(const float *a, const float *b, long count) { DOT(float, f32x16) }
static double dot_f64(const double *a, const double *b, long count) { DOT(double, f64x16) }
static float dot_reversed(const float *a, const float *b, long count) { DOT_REVERSED(float, f32x16) }
static double dot_reversed_f64(const double *a, const double *b, long count) { DOT_REVERSED(double, f64x16) }

static void widen_f16(const uint16_t *from, float *to, long count) {
    for (long i = 0; i < count; i++) {
        _Float16 h;
        memcpy(&h, from + i, sizeof h);
        to[i] = (float)h;
    }
}

static void narrow_f16(const float *from, uint16_t *to, long count) {
    for (long i = 0; i < count; i++) {
        _Float16 h = (_Float16)from[i];
        memcpy(to + i, &h, sizeof h);
    }
}

/// Each chain is one register wide in the set (16 lanes with AVX-512, 8 with AVX2, 4 in the
/// portable set, as SSE and NEON have), so the 12 chains stay in registers; an iteration steps
/// each chain 16 lanes' worth (12 × 16 FMAs), whatever the width.
#if CK_WIDE
typedef f32x16 chain_t;
#elif defined(CK_AVX2)
typedef f32x8 chain_t;
#else
typedef f32x4 chain_t;
#endif

static float fma_chains(long n) {
    const long steps = 16 / LANES(chain_t);
    const chain_t b = SPLAT(chain_t, 0.999999f), c = SPLAT(chain_t, 1e-7f);
    chain_t a[12];
    UNROLL for (int k = 0; k < 12; k++) a[k] = SPLAT(chain_t, 1.0f);
    for (long i = 0; i < n; i++)
        for (long step = 0; step < steps; step++)
            UNROLL for (int k = 0; k < 12; k++) a[k] = a[k] * b + c;
    chain_t s = {};
    UNROLL for (int k = 0; k < 12; k++) s += a[k];
    return HSUM(chain_t, s);
}

const conform_kernels *CK_TABLE(void) {
    static const conform_kernels table = {
        .channel_block = 16 * CHANNEL_VECTORS,
        .double_channel_block = 8 * CHANNEL_VECTORS,
        .pixel_block = PIXEL_BLOCK,
        .grouped_pixel_block = GROUPED_PIXEL_BLOCK,
        .grouped_half_pixel_block = GROUPED_HALF_PIXEL_BLOCK,
        .paired_pixel_block = PAIRED_PIXEL_BLOCK,
        .paired_wide_pixel_block = PAIRED_WIDE_PIXEL_BLOCK,
        .conv_block = conv_block,
        .conv_block_f64 = conv_block_f64,
        .grouped_block = grouped_block,
        .grouped_half_block = grouped_half_block,
        .grouped4_block = grouped4_block,
        .paired_block = paired_block,
        .paired_wide_block = paired_wide_block,
        .depthwise_block = depthwise_block,
        .depthwise_block_interior = depthwise_block_interior,
        .depthwise_vector_f64 = depthwise_vector_f64,
        .spatial_segment = spatial_segment,
        .spatial_segment_f64 = spatial_segment_f64,
        .dot = dot,
        .dot_f64 = dot_f64,
        .dot_reversed = dot_reversed,
        .dot_reversed_f64 = dot_reversed_f64,
        .widen_f16 = widen_f16,
        .narrow_f16 = narrow_f16,
        .fma_chains = fma_chains,
    };
    return &table;
}

#pragma clang assume_nonnull end
