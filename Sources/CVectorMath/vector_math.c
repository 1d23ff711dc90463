#include "CVectorMath.h"
#include <string.h>

#pragma STDC FP_CONTRACT OFF

typedef float v4f __attribute__((vector_size(16)));

static inline v4f load4(const float *p) {
    v4f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store4(float *p, v4f v) { memcpy(p, &v, sizeof v); }

static inline v4f splat4(float a) { return (v4f){a, a, a, a}; }

static void fd_axpy_v4(float a, const float *x, float *y, long n) {
    const v4f va = splat4(a);
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        v4f y0 = load4(y + i) + va * load4(x + i);
        v4f y1 = load4(y + i + 4) + va * load4(x + i + 4);
        store4(y + i, y0);
        store4(y + i + 4, y1);
    }
    for (; i < n; i++) y[i] += a * x[i];
}

static inline float lanes_sum(v4f lo, v4f hi) {
    float s = lo[0];
    s += lo[1];
    s += lo[2];
    s += lo[3];
    s += hi[0];
    s += hi[1];
    s += hi[2];
    s += hi[3];
    return s;
}

static float fd_dot_v4(const float *x, const float *y, long n) {
    v4f a0lo = splat4(0), a0hi = splat4(0), a1lo = splat4(0), a1hi = splat4(0);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        a0lo += load4(x + i) * load4(y + i);
        a0hi += load4(x + i + 4) * load4(y + i + 4);
        a1lo += load4(x + i + 8) * load4(y + i + 8);
        a1hi += load4(x + i + 12) * load4(y + i + 12);
    }
    float s = lanes_sum(a0lo + a1lo, a0hi + a1hi);
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}

static float fd_axpy_dot_v4(float a, const float *x, float *y, const float *z, long n) {
    if (n % 16 != 0) {
        fd_axpy_v4(a, x, y, n);
        return fd_dot_v4(z, y, n);
    }
    const v4f va = splat4(a);
    v4f a0lo = splat4(0), a0hi = splat4(0), a1lo = splat4(0), a1hi = splat4(0);
    for (long i = 0; i < n; i += 16) {
        v4f y0 = load4(y + i) + va * load4(x + i);
        v4f y1 = load4(y + i + 4) + va * load4(x + i + 4);
        v4f y2 = load4(y + i + 8) + va * load4(x + i + 8);
        v4f y3 = load4(y + i + 12) + va * load4(x + i + 12);
        store4(y + i, y0);
        store4(y + i + 4, y1);
        store4(y + i + 8, y2);
        store4(y + i + 12, y3);
        a0lo += load4(z + i) * y0;
        a0hi += load4(z + i + 4) * y1;
        a1lo += load4(z + i + 8) * y2;
        a1hi += load4(z + i + 12) * y3;
    }
    return lanes_sum(a0lo + a1lo, a0hi + a1hi);
}

static void fd_gather_axpy_v4(float scale, const float *values, const int32_t *rows, long count,
                    const float *weights, long width, float *y) {
    long j = 0;
    for (; j + 4 <= count; j += 4) {
        const float *r0 = weights + (long)rows[j] * width, *r1 = weights + (long)rows[j + 1] * width;
        const float *r2 = weights + (long)rows[j + 2] * width, *r3 = weights + (long)rows[j + 3] * width;
        const float c0 = values[j] * scale, c1 = values[j + 1] * scale;
        const float c2 = values[j + 2] * scale, c3 = values[j + 3] * scale;
        const v4f v0 = splat4(c0), v1 = splat4(c1), v2 = splat4(c2), v3 = splat4(c3);
        long i = 0;
        for (; i + 4 <= width; i += 4) {
            v4f acc = load4(y + i);
            acc += v0 * load4(r0 + i);
            acc += v1 * load4(r1 + i);
            acc += v2 * load4(r2 + i);
            acc += v3 * load4(r3 + i);
            store4(y + i, acc);
        }
        for (; i < width; i++) {
            float acc = y[i];
            acc += c0 * r0[i];
            acc += c1 * r1[i];
            acc += c2 * r2[i];
            acc += c3 * r3[i];
            y[i] = acc;
        }
    }
    for (; j < count; j++) fd_axpy_v4(values[j] * scale, weights + (long)rows[j] * width, y, width);
}

#if defined(__x86_64__) || defined(__i386__)
// The same kernels eight lanes wide for CPUs with AVX (without FMA: the same results).
typedef float v8f __attribute__((vector_size(32)));
#define AVX __attribute__((target("avx")))

AVX static inline v8f load8(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

AVX static inline void store8(float *p, v8f v) { memcpy(p, &v, sizeof v); }

AVX static inline v8f splat8(float a) { return (v8f){a, a, a, a, a, a, a, a}; }

AVX static inline float lanes_sum8(v8f v) {
    float s = v[0];
    s += v[1];
    s += v[2];
    s += v[3];
    s += v[4];
    s += v[5];
    s += v[6];
    s += v[7];
    return s;
}

AVX static void fd_axpy_avx(float a, const float *x, float *y, long n) {
    const v8f va = splat8(a);
    long i = 0;
    for (; i + 8 <= n; i += 8) store8(y + i, load8(y + i) + va * load8(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

AVX static float fd_dot_avx(const float *x, const float *y, long n) {
    v8f a0 = splat8(0), a1 = splat8(0);
    long i = 0;
    for (; i + 16 <= n; i += 16) {
        a0 += load8(x + i) * load8(y + i);
        a1 += load8(x + i + 8) * load8(y + i + 8);
    }
    float s = lanes_sum8(a0 + a1);
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}

AVX static float fd_axpy_dot_avx(float a, const float *x, float *y, const float *z, long n) {
    if (n % 16 != 0) {
        fd_axpy_avx(a, x, y, n);
        return fd_dot_avx(z, y, n);
    }
    const v8f va = splat8(a);
    v8f a0 = splat8(0), a1 = splat8(0);
    for (long i = 0; i < n; i += 16) {
        v8f y0 = load8(y + i) + va * load8(x + i);
        v8f y1 = load8(y + i + 8) + va * load8(x + i + 8);
        store8(y + i, y0);
        store8(y + i + 8, y1);
        a0 += load8(z + i) * y0;
        a1 += load8(z + i + 8) * y1;
    }
    return lanes_sum8(a0 + a1);
}

AVX static void fd_gather_axpy_avx(float scale, const float *values, const int32_t *rows, long count,
                                   const float *weights, long width, float *y) {
    long j = 0;
    for (; j + 4 <= count; j += 4) {
        const float *r0 = weights + (long)rows[j] * width, *r1 = weights + (long)rows[j + 1] * width;
        const float *r2 = weights + (long)rows[j + 2] * width, *r3 = weights + (long)rows[j + 3] * width;
        const float c0 = values[j] * scale, c1 = values[j + 1] * scale;
        const float c2 = values[j + 2] * scale, c3 = values[j + 3] * scale;
        const v8f v0 = splat8(c0), v1 = splat8(c1), v2 = splat8(c2), v3 = splat8(c3);
        long i = 0;
        for (; i + 8 <= width; i += 8) {
            v8f acc = load8(y + i);
            acc += v0 * load8(r0 + i);
            acc += v1 * load8(r1 + i);
            acc += v2 * load8(r2 + i);
            acc += v3 * load8(r3 + i);
            store8(y + i, acc);
        }
        for (; i < width; i++) {
            float acc = y[i];
            acc += c0 * r0[i];
            acc += c1 * r1[i];
            acc += c2 * r2[i];
            acc += c3 * r3[i];
            y[i] = acc;
        }
    }
    for (; j < count; j++) fd_axpy_avx(values[j] * scale, weights + (long)rows[j] * width, y, width);
}

static int has_avx(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx") ? 1 : 0;
    }
    return cached;
}
#define USE_AVX has_avx()
#else
#define USE_AVX 0
#define fd_axpy_avx fd_axpy_v4
#define fd_dot_avx fd_dot_v4
#define fd_axpy_dot_avx fd_axpy_dot_v4
#define fd_gather_axpy_avx fd_gather_axpy_v4
#endif

void fd_axpy(float a, const float *x, float *y, long n) {
    if (USE_AVX) {
        fd_axpy_avx(a, x, y, n);
    } else {
        fd_axpy_v4(a, x, y, n);
    }
}

float fd_dot(const float *x, const float *y, long n) {
    return USE_AVX ? fd_dot_avx(x, y, n) : fd_dot_v4(x, y, n);
}

float fd_axpy_dot(float a, const float *x, float *y, const float *z, long n) {
    return USE_AVX ? fd_axpy_dot_avx(a, x, y, z, n) : fd_axpy_dot_v4(a, x, y, z, n);
}

void fd_gather_axpy(float scale, const float *values, const int32_t *rows, long count,
                    const float *weights, long width, float *y) {
    if (USE_AVX) {
        fd_gather_axpy_avx(scale, values, rows, count, weights, width, y);
    } else {
        fd_gather_axpy_v4(scale, values, rows, count, weights, width, y);
    }
}
