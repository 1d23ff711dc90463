/// The float kernels of the intent model's training and scoring, four lanes wide (`SIMD4<Float>`:
/// SSE on x86-64, NEON on ARM). Every kernel adds in a fixed order and Swift does not fuse
/// multiply-adds (no `.addingProduct`, no contraction): the same results on every run and every
/// machine. Loads and stores are unaligned (`loadUnaligned`/`storeBytes`), so rows may start
/// anywhere. The kernels are never inlined: inlined into the training loop, the compiler split
/// some of the four-lane arithmetic into two-lane halves (training took about 1.8 times as long);
/// compiled on their own they are plain SSE (`movups`/`mulps`/`addps`).
enum VectorMath {
    @inline(__always)
    private static func load(_ p: UnsafeRawPointer, _ i: Int) -> SIMD4<Float> {
        p.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func store(_ v: SIMD4<Float>, _ p: UnsafeMutableRawPointer, _ i: Int) {
        p.storeBytes(of: v, toByteOffset: i &* 4, as: SIMD4<Float>.self)
    }

    /// `lo[0] + lo[1] + lo[2] + lo[3] + hi[0] + hi[1] + hi[2] + hi[3]`, left to right.
    @inline(__always)
    private static func lanesSum(_ lo: SIMD4<Float>, _ hi: SIMD4<Float>) -> Float {
        var s = lo[0]
        s += lo[1]
        s += lo[2]
        s += lo[3]
        s += hi[0]
        s += hi[1]
        s += hi[2]
        s += hi[3]
        return s
    }

    /// `y[0..<n] += a * x[0..<n]`: sixteen values per step, then four, then one at a time
    /// (each element is `y[i] + a * x[i]`, one rounding per operation, whatever the width).
    @inline(never)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        let va = SIMD4<Float>(repeating: a)
        let xr = UnsafeRawPointer(x), yr = UnsafeMutableRawPointer(y)
        var i = 0
        let end16 = n & ~15
        while i < end16 {
            let y0 = load(yr, i) + va * load(xr, i)
            let y1 = load(yr, i &+ 4) + va * load(xr, i &+ 4)
            let y2 = load(yr, i &+ 8) + va * load(xr, i &+ 8)
            let y3 = load(yr, i &+ 12) + va * load(xr, i &+ 12)
            store(y0, yr, i)
            store(y1, yr, i &+ 4)
            store(y2, yr, i &+ 8)
            store(y3, yr, i &+ 12)
            i &+= 16
        }
        let end4 = n & ~3
        while i < end4 {
            store(load(yr, i) + va * load(xr, i), yr, i)
            i &+= 4
        }
        while i < n {
            y[i] += a * x[i]
            i &+= 1
        }
    }

    /// The dot product of `x[0..<n]` and `y[0..<n]`: lane l of each sixteen-value block summed
    /// in accumulator l, accumulators l and l + 8 added, their eight sums added in order, then
    /// the tail one value at a time.
    @inline(never)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        let xr = UnsafeRawPointer(x), yr = UnsafeRawPointer(y)
        var a0lo = SIMD4<Float>(), a0hi = SIMD4<Float>(), a1lo = SIMD4<Float>(), a1hi = SIMD4<Float>()
        var i = 0
        let blocks = n & ~15
        while i < blocks {
            a0lo += load(xr, i) * load(yr, i)
            a0hi += load(xr, i &+ 4) * load(yr, i &+ 4)
            a1lo += load(xr, i &+ 8) * load(yr, i &+ 8)
            a1hi += load(xr, i &+ 12) * load(yr, i &+ 12)
            i &+= 16
        }
        var s = lanesSum(a0lo + a1lo, a0hi + a1hi)
        while i < n {
            s += x[i] * y[i]
            i &+= 1
        }
        return s
    }

    /// `axpy(a, x, y, n)` then `dot(z, y, n)`, in one pass over `y` when `n` is a multiple of
    /// sixteen (the same results either way).
    @inline(never)
    static func axpyDot(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ z: UnsafePointer<Float>, _ n: Int) -> Float {
        if n % 16 != 0 {
            axpy(a, x, y, n)
            return dot(z, UnsafePointer(y), n)
        }
        let va = SIMD4<Float>(repeating: a)
        let xr = UnsafeRawPointer(x), yr = UnsafeMutableRawPointer(y), zr = UnsafeRawPointer(z)
        var a0lo = SIMD4<Float>(), a0hi = SIMD4<Float>(), a1lo = SIMD4<Float>(), a1hi = SIMD4<Float>()
        var i = 0
        while i < n {
            let y0 = load(yr, i) + va * load(xr, i)
            let y1 = load(yr, i &+ 4) + va * load(xr, i &+ 4)
            let y2 = load(yr, i &+ 8) + va * load(xr, i &+ 8)
            let y3 = load(yr, i &+ 12) + va * load(xr, i &+ 12)
            store(y0, yr, i)
            store(y1, yr, i &+ 4)
            store(y2, yr, i &+ 8)
            store(y3, yr, i &+ 12)
            a0lo += load(zr, i) * y0
            a0hi += load(zr, i &+ 4) * y1
            a1lo += load(zr, i &+ 8) * y2
            a1hi += load(zr, i &+ 12) * y3
            i &+= 16
        }
        return lanesSum(a0lo + a1lo, a0hi + a1hi)
    }

    /// `y[0..<width] += (values[j] * scale) * weights[rows[j] * width ..< +width]` for each j
    /// in order, four rows per pass over `y` (the loads of four rows are in flight together;
    /// each element's additions are in the same order as one `axpy` per row), the last
    /// `count % 4` rows one `axpy` each.
    @inline(never)
    static func gatherAxpy(
        _ scale: Float, values: UnsafePointer<Float>, rows: UnsafePointer<Int32>, count: Int,
        weights: UnsafePointer<Float>, width: Int, into y: UnsafeMutablePointer<Float>
    ) {
        let yr = UnsafeMutableRawPointer(y)
        var j = 0
        while j &+ 4 <= count {
            let r0 = weights + Int(rows[j]) &* width, r1 = weights + Int(rows[j &+ 1]) &* width
            let r2 = weights + Int(rows[j &+ 2]) &* width, r3 = weights + Int(rows[j &+ 3]) &* width
            let c0 = values[j] * scale, c1 = values[j &+ 1] * scale
            let c2 = values[j &+ 2] * scale, c3 = values[j &+ 3] * scale
            let v0 = SIMD4<Float>(repeating: c0), v1 = SIMD4<Float>(repeating: c1)
            let v2 = SIMD4<Float>(repeating: c2), v3 = SIMD4<Float>(repeating: c3)
            let p0 = UnsafeRawPointer(r0), p1 = UnsafeRawPointer(r1)
            let p2 = UnsafeRawPointer(r2), p3 = UnsafeRawPointer(r3)
            var i = 0
            let end4 = width & ~3
            while i < end4 {
                var acc = load(yr, i)
                acc += v0 * load(p0, i)
                acc += v1 * load(p1, i)
                acc += v2 * load(p2, i)
                acc += v3 * load(p3, i)
                store(acc, yr, i)
                i &+= 4
            }
            while i < width {
                var acc = y[i]
                acc += c0 * r0[i]
                acc += c1 * r1[i]
                acc += c2 * r2[i]
                acc += c3 * r3[i]
                y[i] = acc
                i &+= 1
            }
            j &+= 4
        }
        while j < count {
            axpy(values[j] * scale, weights + Int(rows[j]) &* width, y, width)
            j &+= 1
        }
    }
}
