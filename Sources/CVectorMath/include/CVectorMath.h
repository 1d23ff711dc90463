// Float kernels of the intent model's training and scoring (FrontdeskUnderstanding's
// VectorMath). In C because the Swift compiler splits SIMD4/SIMD8 arithmetic into halves on
// x86-64; clang's vector extensions map onto SSE and NEON registers. Every kernel adds in a
// fixed order without fused multiply-adds: the same results on every run and every machine.
#ifndef CVECTORMATH_H
#define CVECTORMATH_H

#include <stdint.h>

/// y[0..<n] += a * x[0..<n]
void fd_axpy(float a, const float *x, float *y, long n);

/// The dot product of x[0..<n] and y[0..<n]: lane l of each sixteen-value block summed in
/// accumulator l, the accumulators l and l + 8 added, their eight sums added in order, then the tail.
float fd_dot(const float *x, const float *y, long n);

/// fd_axpy(a, x, y, n), then fd_dot(z, y, n), in one pass over y (the same results).
float fd_axpy_dot(float a, const float *x, float *y, const float *z, long n);

/// For each j in order: y[0..<width] += (values[j] * scale) * weights[rows[j] * width ..< +width],
/// four rows per pass over y (each element's additions in the same order as one fd_axpy per row).
void fd_gather_axpy(float scale, const float *values, const int32_t *rows, long count,
                    const float *weights, long width, float *y);

#endif
