/// FNV-1a, 64 bit: a hash that is the same on every run and machine (unlike `Hasher`),
/// used for feature hashing and cache keys.
///
/// The hashing steps are `@inlinable`, so that they are inlined into the feature loops of
/// other modules (the character n-grams of every message).
@frozen
public struct StableHasher: Sendable {
    @usableFromInline var state: UInt64
    public var value: UInt64 { state }

    public static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    @inlinable
    public init(seed: UInt64 = 0xcbf2_9ce4_8422_2325) { state = seed }

    @inlinable @inline(__always)
    public mutating func combine(byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    @inlinable @inline(__always)
    public mutating func combine(_ word: UInt32) {
        combine(byte: UInt8(truncatingIfNeeded: word))
        combine(byte: UInt8(truncatingIfNeeded: word >> 8))
        combine(byte: UInt8(truncatingIfNeeded: word >> 16))
        combine(byte: UInt8(truncatingIfNeeded: word >> 24))
    }

    @inlinable
    public mutating func combine(_ string: String) {
        for byte in string.utf8 { combine(byte: byte) }
        combine(byte: 0xff)  // separator: "ab","c" differs from "a","bc"
    }

    public mutating func combine(_ number: Int) {
        var n = UInt64(bitPattern: Int64(number))
        for _ in 0..<8 {
            combine(byte: UInt8(truncatingIfNeeded: n))
            n >>= 8
        }
    }

    /// A 128-bit digest as 32 hex digits, from two differently seeded passes.
    public static func hexDigest(_ parts: [String]) -> String {
        var a = StableHasher()
        var b = StableHasher(seed: 0x84222325_cbf29ce4)
        for part in parts {
            a.combine(part)
            b.combine(part)
        }
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(a.value) + hex(b.value)
    }
}

/// The Levenshtein distance between two texts, in characters (for "did you mean" suggestions).
public func levenshteinDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
