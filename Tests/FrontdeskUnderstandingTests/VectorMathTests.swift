import Testing

@testable import FrontdeskUnderstanding

/// The SIMD kernels against plain scalar loops that add in the documented order: the results
/// must be equal to the last bit.
struct VectorMathTests {
    static let lengths = [0, 1, 3, 4, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 77, 151, 256, 259]

    /// SplitMix64: the same numbers on every run.
    struct Numbers {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Signs and magnitudes from 2⁻⁶ to 2⁶, so that another order of additions would show
        /// in the last bits.
        mutating func float() -> Float {
            let r = next()
            let mantissa = Float(r >> 40) / Float(1 << 24) * 2 - 1
            let exponent = Int(r & 0xF) % 13 - 6
            return Float(sign: .plus, exponent: exponent, significand: mantissa)
        }

        mutating func floats(_ n: Int) -> [Float] { (0..<n).map { _ in float() } }
    }

    /// `y[i] += a * x[i]`, one element at a time.
    static func axpyReference(_ a: Float, _ x: [Float], _ y: inout [Float]) {
        for i in x.indices { y[i] += a * x[i] }
    }

    /// Sixteen accumulators (lane l of each sixteen-value block), accumulators l and l + 8
    /// added, those eight sums added in order, then the tail one product at a time.
    static func dotReference(_ x: [Float], _ y: [Float]) -> Float {
        let n = x.count
        var accumulators = [Float](repeating: 0, count: 16)
        var i = 0
        while i + 16 <= n {
            for l in 0..<16 { accumulators[l] += x[i + l] * y[i + l] }
            i += 16
        }
        var s = accumulators[0] + accumulators[8]
        for l in 1..<8 { s += accumulators[l] + accumulators[l + 8] }
        while i < n {
            s += x[i] * y[i]
            i += 1
        }
        return s
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test(arguments: lengths)
    func axpy(n: Int) {
        var numbers = Numbers(state: UInt64(n))
        let x = numbers.floats(n + 1), a = numbers.float()
        let y0 = numbers.floats(n + 1)
        // From the second element: the kernel must not depend on alignment.
        var y = y0
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { VectorMath.axpy(a, xp.baseAddress! + 1, $0.baseAddress! + 1, n) }
        }
        var expected = Array(y0.dropFirst())
        Self.axpyReference(a, Array(x.dropFirst()), &expected)
        let got = Self.bits(Array(y.dropFirst())), want = Self.bits(expected)
        #expect(got == want)
        let untouched = y[0] == y0[0]
        #expect(untouched)
    }

    @Test(arguments: lengths)
    func dot(n: Int) {
        var numbers = Numbers(state: 1000 + UInt64(n))
        let x = numbers.floats(n + 1), y = numbers.floats(n + 1)
        let got = x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { VectorMath.dot(xp.baseAddress! + 1, $0.baseAddress! + 1, n) }
        }
        let want = Self.dotReference(Array(x.dropFirst()), Array(y.dropFirst()))
        let same = got.bitPattern == want.bitPattern
        #expect(same, "\(got) vs \(want)")
    }

    /// The fused kernel: the same as `axpy` then `dot`, for lengths that are multiples of
    /// sixteen (one pass) and for the others.
    @Test(arguments: lengths)
    func axpyDot(n: Int) {
        var numbers = Numbers(state: 2000 + UInt64(n))
        // One more element than used: empty arrays have no base address.
        let x = numbers.floats(n + 1), z = numbers.floats(n + 1), a = numbers.float()
        let y0 = numbers.floats(n + 1)
        var y = y0
        let got = x.withUnsafeBufferPointer { xp in
            z.withUnsafeBufferPointer { zp in
                y.withUnsafeMutableBufferPointer {
                    VectorMath.axpyDot(a, xp.baseAddress!, $0.baseAddress!, zp.baseAddress!, n)
                }
            }
        }
        var expected = Array(y0.prefix(n))
        Self.axpyReference(a, Array(x.prefix(n)), &expected)
        expected.append(y0[n])
        let want = Self.dotReference(Array(z.prefix(n)), Array(expected.prefix(n)))
        let sameY = Self.bits(y) == Self.bits(expected)
        let sameDot = got.bitPattern == want.bitPattern
        #expect(sameY)
        #expect(sameDot, "\(got) vs \(want)")
    }

    /// Four rows per pass add to each element in the same order as one `axpy` per row.
    @Test(arguments: [0, 1, 3, 4, 5, 7, 8, 16, 77, 151, 256])
    func gatherAxpy(width: Int) {
        for count in [0, 1, 3, 4, 5, 8, 11] {
            var numbers = Numbers(state: 3000 + UInt64(width * 100 + count))
            let tableRows = 6
            let weights = numbers.floats(tableRows * width + 1)
            // One row and value more than used: empty arrays have no base address.
            let rows = (0...count).map { _ in Int32(numbers.next() % UInt64(tableRows)) }
            let values = numbers.floats(count + 1), scale = numbers.float()
            let y0 = numbers.floats(width + 1)
            var y = y0
            weights.withUnsafeBufferPointer { w in
                rows.withUnsafeBufferPointer { r in
                    values.withUnsafeBufferPointer { v in
                        y.withUnsafeMutableBufferPointer {
                            VectorMath.gatherAxpy(scale, values: v.baseAddress!, rows: r.baseAddress!, count: count,
                                                  weights: w.baseAddress! + 1, width: width, into: $0.baseAddress!)
                        }
                    }
                }
            }
            var expected = Array(y0.prefix(width))
            for j in 0..<count {
                let start = 1 + Int(rows[j]) * width
                Self.axpyReference(values[j] * scale, Array(weights[start..<(start + width)]), &expected)
            }
            expected.append(y0[width])  // past the end: untouched
            let same = Self.bits(y) == Self.bits(expected)
            #expect(same, "width \(width), \(count) rows")
        }
    }
}
