import FrontdeskCore

/// Normalises, tokenises and stems text of one language.
public struct Analyzer: Sendable {
    public let language: LanguageCode
    public let stemmer: Stemmer

    public init(language: LanguageCode) {
        self.language = language
        self.stemmer = Stemmer(language: language)
    }

    public struct Analysis: Sendable, Equatable {
        /// Folded word tokens.
        public let tokens: [String]
        /// Their stems.
        public let stems: [String]
    }

    public func analyze(_ text: String) -> Analysis {
        let tokens = Normalizer.tokens(Normalizer.fold(text))
        return Analysis(tokens: tokens, stems: tokens.map(stemmer.stem))
    }
}

/// How text becomes a sparse feature vector. Part of a trained model.
public struct FeatureSpec: Sendable, Hashable {
    /// Lengths of character n-grams taken inside each word padded with `<` and `>`.
    public var charGrams: ClosedRange<Int> = 2...5
    /// Weight of the character-n-gram block relative to the word block (each block is
    /// L2-normalised on its own before weighting).
    public var charWeight: Float = 1.0
    public var wordBigrams: Bool = true
    /// Character n-grams are taken across word boundaries too, over the words joined by
    /// spaces, instead of inside each word.
    public var charAcrossWords: Bool = false

    public init() {}

    enum Group: UInt8 {
        case word = 0
        case char = 1
    }

    /// A hashed feature with its term count, tagged with its block.
    typealias Counted = (hash: UInt64, count: Float, group: Group)

    /// Calls `body` with every hashed feature of the analysis and its block, repeats included:
    /// each stem, each pair of neighbouring stems, each character n-gram.
    @inline(__always)
    func forEachFeature(_ analysis: Analyzer.Analysis, _ body: (UInt64, Group) -> Void) {
        for (i, stem) in analysis.stems.enumerated() {
            var h = StableHasher(seed: StableHasher.offsetBasis ^ 0x11)
            h.combine(stem)
            body(h.value, .word)
            if wordBigrams, i + 1 < analysis.stems.count {
                h.combine(analysis.stems[i + 1])
                body(h.value ^ 0x5bd1_e995, .word)
            }
        }
        var scalars: [UInt32] = []
        let pieces = charAcrossWords ? [analysis.tokens.joined(separator: " ")] : analysis.tokens
        for token in pieces where !token.isEmpty {
            scalars.removeAll(keepingCapacity: true)
            scalars.append(60)  // "<"
            for s in token.unicodeScalars { scalars.append(s.value) }
            scalars.append(62)  // ">"
            for n in charGrams where n <= scalars.count {
                let seed = StableHasher.offsetBasis ^ UInt64(0x100 + n)
                for start in 0...(scalars.count - n) {
                    var h = StableHasher(seed: seed)
                    for k in start..<(start + n) { h.combine(scalars[k]) }
                    body(h.value, .char)
                }
            }
        }
    }

    /// Hashed features with their term counts, each tagged with its block, in hash order.
    /// (Collected in an array and counted after sorting: a `Dictionary` would hash every
    /// feature hash again, for every message.)
    func extract(_ analysis: Analyzer.Analysis) -> [Counted] {
        var all: [(hash: UInt64, group: Group)] = []
        all.reserveCapacity(analysis.tokens.count * 16)
        forEachFeature(analysis) { all.append(($0, $1)) }
        // Equal hashes next to each other; of a hash in both blocks the word one counts (as
        // the first one added did before).
        all.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.group.rawValue < $1.group.rawValue }
        var features: [Counted] = []
        features.reserveCapacity(all.count)
        for feature in all {
            if let last = features.last, last.hash == feature.hash {
                features[features.count - 1].count += 1
            } else {
                features.append((feature.hash, 1, feature.group))
            }
        }
        return features
    }
}
