import Foundation
import FrontdeskCore

/// Text folding and word splitting shared by the safety checks. The rules are those of the
/// engine's normaliser (this target depends only on Core, so they are repeated here, tuned for
/// speed): lower case, German `ß`/umlauts folded (`ß`→`ss`, `ä`→`ae`, `ö`→`oe`, `ü`→`ue`),
/// other diacritics removed (`é`→`e`), compatibility forms mapped (full-width letters,
/// ligatures, mathematical and circled letters), invisible characters (zero-width space and
/// joiners, soft hyphen) removed, typographic apostrophes made `'`.
enum SafetyText {
    static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return fold(text, allowFoundation: true)
    }

    private static func fold(_ text: String, allowFoundation: Bool) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append(v >= 65 && v <= 90 ? Unicode.Scalar(v + 32)! : scalar)
                continue
            }
            if v >= latinStart && v < latinEnd {
                if let mapped = latinTable[Int(v - latinStart)] {
                    out.append(contentsOf: mapped.unicodeScalars)
                } else {
                    out.append(scalar)
                }
                continue
            }
            if v >= 0x1E00 && v < 0x1F00 {  // Latin Extended Additional: ṡ, ẞ, ế
                out.append(contentsOf: extendedTable[Int(v - 0x1E00)].unicodeScalars)
                continue
            }
            switch v {
            case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0xFE0E:
                continue  // invisible: "id\u{200B}iot" is "idiot"
            case 0x2018, 0x2019, 0x02BC, 0x2032, 0x00B4, 0x0060:
                out.append("'")
            case 0x0308:  // a combining diaeresis after a, o, u is an umlaut
                if let last = out.last, last == "a" || last == "o" || last == "u" { out.append("e") }
            case 0x0300...0x036F:
                continue  // other combining accents
            case 0xFF01...0xFF5E:  // full-width ASCII
                let ascii = v - 0xFEE0
                out.append(Unicode.Scalar(ascii >= 65 && ascii <= 90 ? ascii + 32 : ascii)!)
            case 0xFB00...0xFB06, 0x2100...0x214F, 0x2460...0x24FF, 0x1D400...0x1D7FF, 0x3000...0x303F, 0x1F130...0x1F189:
                // ligatures, letterlike symbols, circled and mathematical letters: NFKC
                if allowFoundation {
                    return fold(text.precomposedStringWithCompatibilityMapping, allowFoundation: false)
                }
                out.append(scalar)
            default:
                let properties = scalar.properties
                if properties.generalCategory == .nonspacingMark { continue }
                if properties.changesWhenLowercased {
                    out.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
                } else {
                    out.append(scalar)
                }
            }
        }
        return String(out)
    }

    /// The folded form of each scalar of Latin Extended Additional, computed once.
    private static let extendedTable: [String] = (UInt32(0x1E00)..<0x1F00).map { v in
        let scalar = Unicode.Scalar(v)!
        if v == 0x1E9E { return "ss" }
        return stripMarks(String(scalar).lowercased())
    }

    private static func stripMarks(_ text: String) -> String {
        var kept = String.UnicodeScalarView()
        for s in text.decomposedStringWithCanonicalMapping.unicodeScalars where s.properties.generalCategory != .nonspacingMark {
            kept.append(s)
        }
        return String(kept)
    }

    private static let latinStart: UInt32 = 0xC0
    private static let latinEnd: UInt32 = 0x250

    /// The folded form of each scalar of Latin-1 Supplement and Latin Extended-A/B, computed once.
    private static let latinTable: [String?] = (latinStart..<latinEnd).map { v in
        let scalar = Unicode.Scalar(v)!
        switch scalar {
        case "ä", "Ä": return "ae"
        case "ö", "Ö": return "oe"
        case "ü", "Ü": return "ue"
        case "ß": return "ss"
        case "æ", "Æ": return "ae"
        case "œ", "Œ": return "oe"
        case "ø", "Ø": return "o"
        case "ł", "Ł": return "l"
        case "đ", "Đ", "ð", "Ð": return "d"
        case "þ", "Þ": return "th"
        case "ı": return "i"
        case "×", "÷": return nil
        default:
            return stripMarks(String(scalar).lowercased())
        }
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (v >= 97 && v <= 122) || (v >= 48 && v <= 57) || (v >= 65 && v <= 90) }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
    }

    /// A run of words between punctuation (`.` `,` `!` `?` `;` `:` and line breaks), and
    /// whether a question mark ended it.
    struct Clause: Equatable {
        var words: [String]
        var isQuestion: Bool
    }

    /// Folded words: runs of letters and digits; an apostrophe between letters is dropped
    /// ("don't" → "dont"), everything else separates words.
    static func words(_ text: String) -> [String] {
        clauses(text).flatMap(\.words)
    }

    static func clauses(_ text: String) -> [Clause] {
        let scalars = Array(fold(text).unicodeScalars)
        var clauses: [Clause] = []
        var words: [String] = []
        var current = String.UnicodeScalarView()
        func endWord() {
            if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        func endClause(question: Bool) {
            endWord()
            if !words.isEmpty {
                clauses.append(Clause(words: words, isQuestion: question))
                words = []
            } else if question, !clauses.isEmpty {
                clauses[clauses.count - 1].isQuestion = true  // "bot ?" and "bot?!"
            }
        }
        for (i, scalar) in scalars.enumerated() {
            if isWordScalar(scalar) {
                current.append(scalar)
                continue
            }
            switch scalar {
            case "'":
                if !current.isEmpty, i + 1 < scalars.count, isWordScalar(scalars[i + 1]) { continue }
                endWord()
            case "?":
                endClause(question: true)
            case "." where i + 1 < scalars.count && isWordScalar(scalars[i + 1]):
                endWord()  // "a.i.", "z.B.", "www.example.com": not the end of a sentence
            case ".", ",", "!", ";", ":", "\n", "\r", "(", ")", "\u{2026}":
                endClause(question: false)
            default:
                endWord()
            }
        }
        endClause(question: false)
        return clauses
    }

    /// FNV-1a over the words, as the digest of a message's normalised text.
    static func digest(_ words: [String]) -> UInt64 {
        var hasher = StableHasher()
        for word in words { hasher.combine(word) }
        return hasher.value
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Whether two words are at most one typo apart: one letter wrong, missing or extra, or two
    /// neighbours swapped ("humna", "rboot", "mensh"), for the light typo tolerance of single words.
    static func withinOneEdit(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in b.withUTF8 { y in withinOneEdit(x, y) } }
    }

    private static func withinOneEdit(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.count == b.count {
            var first = -1
            for i in 0..<a.count where a[i] != b[i] {
                if first < 0 {
                    first = i
                } else {
                    // A swap of neighbours, and nothing else.
                    guard i == first + 1, a[first] == b[i], a[i] == b[first] else { return false }
                    for k in (i + 1)..<a.count where a[k] != b[k] { return false }
                    return true
                }
            }
            return true
        }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0, j = 0, skipped = false
        while i < long.count, j < short.count {
            if long[i] == short[j] {
                i += 1
                j += 1
            } else {
                if skipped { return false }
                skipped = true
                i += 1
            }
        }
        return true
    }
}

/// A set of short word sequences found anywhere in a text's words ("waste of time",
/// "hab ich doch schon gesagt"). Written with alternatives and optional words:
/// `"why did you block|ban me"`, `"i [have] already said"`.
struct PhraseSet: Sendable {
    private let byFirstWord: [String: [[String]]]

    init(_ phrases: [String]) {
        var index: [String: [[String]]] = [:]
        for phrase in phrases {
            for expansion in Self.expand(phrase) where !expansion.isEmpty {
                index[expansion[0], default: []].append(expansion)
            }
        }
        byFirstWord = index
    }

    /// Every word sequence a phrase stands for. Each space-separated slot is `a|b|c`
    /// (alternatives), optionally in brackets (may be left out); words are folded.
    static func expand(_ phrase: String) -> [[String]] {
        var results: [[String]] = [[]]
        for slot in phrase.split(separator: " ") {
            var body = Substring(slot)
            var optional = false
            if body.hasPrefix("["), body.hasSuffix("]") {
                optional = true
                body = body.dropFirst().dropLast()
            }
            let alternatives = body.split(separator: "|").map { SafetyText.words(String($0)) }
            var next: [[String]] = []
            for prefix in results {
                if optional { next.append(prefix) }
                for alternative in alternatives { next.append(prefix + alternative) }
            }
            results = next
        }
        return results
    }

    func contains(in words: [String]) -> Bool {
        for i in words.indices {
            guard let candidates = byFirstWord[words[i]] else { continue }
            for phrase in candidates where i + phrase.count <= words.count {
                var ok = true
                for k in 1..<max(phrase.count, 1) where words[i + k] != phrase[k] {
                    ok = false
                    break
                }
                if ok { return true }
            }
        }
        return false
    }
}

/// A read-only hash table from 64-bit keys (FNV-1a hashes of words) to values: open
/// addressing with linear probing, so a lookup is a multiply, a shift and a compare or two
/// (no `Hasher`). Key 0 is stored as 1 (FNV never yields 0 for a word in practice).
struct FlatTable<Value: Sendable>: Sendable {
    private let keys: [UInt64]
    private let values: [Value]
    private let shift: UInt64
    private let mask: Int
    let count: Int

    init(_ pairs: [(key: UInt64, value: Value)], filler: Value) {
        var capacity = 8
        while capacity < pairs.count * 3 { capacity <<= 1 }
        var keys = [UInt64](repeating: 0, count: capacity)
        var values = [Value](repeating: filler, count: capacity)
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        var count = 0
        for (rawKey, value) in pairs {
            let key = rawKey == 0 ? 1 : rawKey
            var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[i] != 0 && keys[i] != key { i = (i + 1) & (capacity - 1) }
            if keys[i] == 0 { count += 1 }
            keys[i] = key
            values[i] = value
        }
        self.keys = keys
        self.values = values
        self.shift = shift
        self.mask = capacity - 1
        self.count = count
    }

    @inline(__always)
    func get(_ rawKey: UInt64) -> Value? {
        let key = rawKey == 0 ? 1 : rawKey
        var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }
}

/// FNV-1a, 64 bit, over bytes (the same as `StableHasher` without its string separator).
enum FNV {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func step(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* prime }

    static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h = offsetBasis
        for byte in bytes { h = step(h, byte) }
        return h
    }

    static func hash(_ text: String) -> UInt64 { hash(text.utf8) }
}
