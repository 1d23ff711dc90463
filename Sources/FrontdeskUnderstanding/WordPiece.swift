import Foundation

/// BERT's uncased tokenizer: the basic tokenizer (lowercase, canonical decomposition without
/// combining marks, split on white space and control characters, every punctuation
/// character a token of its own), then WordPiece (greedy longest match first, `##` marking a
/// piece that continues a word; a word longer than 100 characters, or one that cannot be
/// covered by pieces, is `[UNK]`). Characters are Unicode scalars, as in the reference
/// implementation. Unlike BERT's, CJK characters are not split apart (the table was built
/// without that step).
///
/// It runs for every message, so pieces are looked up by their UTF-8 bytes in a table of
/// their own (no `String` per attempt), and ASCII text skips the Unicode steps.
public struct WordPieceTokenizer: Sendable {
    /// Token of each id.
    public let vocabulary: [String]
    /// The id of `[UNK]`, or -1 when the vocabulary has none.
    public let unknown: Int32
    /// The longest vocabulary entry, in scalars (without `##`): no longer piece can match.
    private let longestPiece: Int
    static let maxWordLength = 100

    // Open addressing: slot → id (-1: empty), keyed by the FNV-1a hash of the token's bytes.
    private let slots: [Int32]
    private let slotHashes: [UInt64]
    private let shift: UInt64
    // The tokens' UTF-8 bytes, one after the other: id i is tokenBytes[offsets[i]..<offsets[i+1]].
    private let tokenBytes: [UInt8]
    private let offsets: [Int]

    /// `vocabulary[i]` is the token of id `i`; of two equal tokens the later one wins.
    public init(vocabulary: [String]) {
        self.vocabulary = vocabulary
        var tokenBytes: [UInt8] = []
        var offsets = [0]
        var longest = 1
        for token in vocabulary {
            tokenBytes += token.utf8
            offsets.append(tokenBytes.count)
            longest = max(longest, token.unicodeScalars.count - (token.hasPrefix("##") ? 2 : 0))
        }
        var bits: UInt64 = 4
        while (1 << bits) < max(16, vocabulary.count * 2) { bits += 1 }
        let capacity = 1 << Int(bits)
        var slots = [Int32](repeating: -1, count: capacity)
        var slotHashes = [UInt64](repeating: 0, count: capacity)
        let shift = 64 - bits
        tokenBytes.withUnsafeBufferPointer { all in
            for id in vocabulary.indices {
                let start = offsets[id], count = offsets[id + 1] - start
                let hash = Self.hash(all.baseAddress! + start, count, seed: Self.fnvOffset)
                var slot = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
                while slots[slot] >= 0 {
                    let other = Int(slots[slot])
                    if slotHashes[slot] == hash, offsets[other + 1] - offsets[other] == count,
                       memcmp(all.baseAddress! + offsets[other], all.baseAddress! + start, count) == 0 {
                        break  // a duplicate token: the later id wins
                    }
                    slot = (slot + 1) & (capacity - 1)
                }
                slots[slot] = Int32(id)
                slotHashes[slot] = hash
            }
        }
        self.slots = slots
        self.slotHashes = slotHashes
        self.shift = shift
        self.tokenBytes = tokenBytes
        self.offsets = offsets
        self.longestPiece = longest
        var unknown: Int32 = -1
        for (id, token) in vocabulary.enumerated() where token == "[UNK]" { unknown = Int32(id) }
        self.unknown = unknown
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The hash after the bytes `##`: continuation pieces are hashed from here.
    static let continuationSeed: UInt64 = hash([UInt8]("##".utf8), 2, seed: fnvOffset)

    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int, seed: UInt64) -> UInt64 {
        var h = seed
        for i in 0..<count { h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3 }
        return h
    }

    /// The id of the piece `bytes[0..<count]` (with `##` in front when `continuation`), or -1.
    @inline(__always)
    private func lookup(_ bytes: UnsafePointer<UInt8>, _ count: Int, continuation: Bool) -> Int32 {
        let hash = Self.hash(bytes, count, seed: continuation ? Self.continuationSeed : Self.fnvOffset)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> shift)
        let prefix = continuation ? 2 : 0
        return tokenBytes.withUnsafeBufferPointer { all in
            while true {
                let id = slots[slot]
                if id < 0 { return -1 }
                if slotHashes[slot] == hash {
                    let start = offsets[Int(id)], length = offsets[Int(id) + 1] - start
                    if length == count + prefix,
                       !continuation || (all[start] == 0x23 && all[start + 1] == 0x23),
                       memcmp(all.baseAddress! + start + prefix, bytes, count) == 0 {
                        return id
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The token ids of `text` (unknown words are `unknown`, if the vocabulary has `[UNK]`).
    public func tokenIDs(_ text: String) -> [Int32] {
        tokenization(text).ids
    }

    /// The token ids of `text`, with its number of words (of letters or digits, not
    /// punctuation) and how many of them are a vocabulary entry of their own (one token, not
    /// pieces and not `[UNK]`). Made-up strings ("xqzv wrtpl") are pieces; real words mostly whole.
    public func tokenization(_ text: String) -> (ids: [Int32], words: Int, wholeWords: Int) {
        var result: [Int32] = []
        var words = 0, wholeWords = 0
        let basic = Self.basicWords(text)
        basic.bytes.withUnsafeBufferPointer { bytes in
            for (range, boundaries) in zip(basic.ranges, basic.boundaries) {
                let word = bytes.baseAddress! + range.lowerBound
                let before = result.count
                appendPieces(of: word, range.count, boundaries: boundaries, to: &result)
                // A word of one punctuation character is not counted.
                if range.count == 1, Self.isASCIIPunctuation(word[0]) { continue }
                words += 1
                if result.count == before + 1, result[before] != unknown { wholeWords += 1 }
            }
        }
        return (result, words, wholeWords)
    }

    @inline(__always)
    static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case 33...47, 58...64, 91...96, 123...126: return true
        default: return false
        }
    }

    /// The tokens of `text`, as strings (for tests and debugging).
    public func tokens(_ text: String) -> [String] {
        tokenIDs(text).map { $0 >= 0 ? vocabulary[Int($0)] : "[UNK]" }
    }

    /// WordPiece over one word's UTF-8 bytes; `boundaries` are the byte offsets where its
    /// scalars start, then its length (`nil`: ASCII, every byte is a scalar).
    private func appendPieces(of word: UnsafePointer<UInt8>, _ count: Int, boundaries: [Int]?, to result: inout [Int32]) {
        let scalars = boundaries.map { $0.count - 1 } ?? count
        guard scalars <= Self.maxWordLength else {
            if unknown >= 0 { result.append(unknown) }
            return
        }
        @inline(__always) func offset(_ i: Int) -> Int { boundaries?[i] ?? i }
        let mark = result.count
        var start = 0
        while start < scalars {
            var end = min(scalars, start + longestPiece)
            var found: Int32 = -1
            let from = offset(start)
            while start < end {
                found = lookup(word + from, offset(end) - from, continuation: start > 0)
                if found >= 0 { break }
                end -= 1
            }
            if found < 0 {
                result.removeSubrange(mark...)
                if unknown >= 0 { result.append(unknown) }
                return
            }
            result.append(found)
            start = end
        }
    }

    /// The words of BERT's basic tokenizer: their UTF-8 bytes (lowercased, decomposed,
    /// without combining marks) one after the other, each word's byte range, and where its
    /// scalars start (`nil` for an ASCII word).
    static func basicWords(_ text: String) -> (bytes: [UInt8], ranges: [Range<Int>], boundaries: [[Int]?]) {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var boundaries: [[Int]?] = []
        var wordStart = 0
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            bytes.reserveCapacity(text.utf8.count)
            func endWord() {
                if bytes.count > wordStart { ranges.append(wordStart..<bytes.count); boundaries.append(nil) }
                wordStart = bytes.count
            }
            for byte in text.utf8 {
                switch byte {
                case 0...32, 127:  // white space and control characters
                    endWord()
                case 33...47, 58...64, 91...96, 123...126:  // punctuation
                    endWord()
                    bytes.append(byte)
                    endWord()
                case 65...90:
                    bytes.append(byte + 32)
                default:
                    bytes.append(byte)
                }
            }
            endWord()
            return (bytes, ranges, boundaries)
        }
        var starts: [Int] = []
        func endWord() {
            if bytes.count > wordStart {
                ranges.append(wordStart..<bytes.count)
                starts = starts.map { $0 - wordStart }
                starts.append(bytes.count - wordStart)
                boundaries.append(starts)
            }
            starts.removeAll(keepingCapacity: true)
            wordStart = bytes.count
        }
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            let category = scalar.properties.generalCategory
            if category == .nonspacingMark { continue }
            if scalar.properties.isWhitespace || category == .control || category == .format {
                endWord()
            } else if isPunctuation(scalar, category) {
                endWord()
                starts.append(bytes.count)
                bytes += UTF8.encode(scalar)!
                endWord()
            } else {
                starts.append(bytes.count)
                bytes += UTF8.encode(scalar)!
            }
        }
        endWord()
        return (bytes, ranges, boundaries)
    }

    /// BERT's punctuation: every non-alphanumeric ASCII character, and the Unicode P* categories.
    private static func isPunctuation(_ scalar: Unicode.Scalar, _ category: Unicode.GeneralCategory) -> Bool {
        switch scalar.value {
        case 33...47, 58...64, 91...96, 123...126: return true
        default: break
        }
        switch category {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
