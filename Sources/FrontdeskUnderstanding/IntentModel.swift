import Foundation
import FrontdeskCore

/// A trained intent classifier for one language: TF-IDF weighted word, word-bigram and
/// character n-gram features, and a multinomial logistic regression. An immutable value:
/// build it with `IntentModel.train`, then `classify` as often as needed, from any thread.
public struct IntentModel: Sendable {
    public let language: LanguageCode
    /// The intents, in the order of the weight columns.
    public let classes: [IntentName]
    let spec: FeatureSpec
    /// Feature hash → row in `idf`, `groups` and `weights`.
    let index: FeatureIndex
    let idf: [Float]
    let groups: [UInt8]
    /// Row-major: `weights[row * classes.count + class]` for the sparse features' rows; then,
    /// with embeddings, the dense block class-major: `weights[rows * classes.count + class * dims + d]`.
    let weights: [Float]
    let bias: [Float]
    public let analyzer: Analyzer
    /// How scores become confidences, and the threshold chosen by cross-validation.
    public let calibration: Calibration
    /// The static token embeddings whose sentence vector, times `embeddingWeight`, is the
    /// dense block of the features (`nil`: sparse features only).
    let embeddings: EmbeddingTable?
    let embeddingWeight: Float
    /// Each class's rank by name, and the class of each rank (ties in `classify` go by name).
    private let nameRank: [UInt32]
    private let classByRank: [Int32]

    init(
        language: LanguageCode, classes: [IntentName], spec: FeatureSpec, index: FeatureIndex, idf: [Float], groups: [UInt8],
        weights: [Float], bias: [Float], analyzer: Analyzer, calibration: Calibration = .none,
        embeddings: EmbeddingTable? = nil, embeddingWeight: Float = 0
    ) {
        precondition(weights.count == (idf.count + (embeddings?.dims ?? 0)) * classes.count)
        self.language = language
        self.classes = classes
        self.spec = spec
        self.index = index
        self.idf = idf
        self.groups = groups
        self.weights = weights
        self.bias = bias
        self.analyzer = analyzer
        self.calibration = calibration
        self.embeddings = embeddings
        self.embeddingWeight = embeddings == nil ? 0 : embeddingWeight
        let byName = classes.indices.sorted { classes[$0] < classes[$1] }
        var nameRank = [UInt32](repeating: 0, count: classes.count)
        for (rank, c) in byName.enumerated() { nameRank[c] = UInt32(rank) }
        self.nameRank = nameRank
        self.classByRank = byName.map { Int32($0) }
    }

    /// Whether the model has the dense block of static token embeddings.
    public var usesEmbeddings: Bool { embeddings != nil }

    /// The same model with other calibration.
    public func calibrated(_ calibration: Calibration) -> IntentModel {
        IntentModel(language: language, classes: classes, spec: spec, index: index, idf: idf, groups: groups,
                    weights: weights, bias: bias, analyzer: analyzer, calibration: calibration,
                    embeddings: embeddings, embeddingWeight: embeddingWeight)
    }

    /// Ranked intents with softmax confidences in [0, 1], best first.
    public func classify(_ text: String) -> [IntentScore] {
        let p = probabilities(of: features(text))
        // Sorted as integers: the confidence's bits (inverted: highest first; confidences are
        // not negative, so their bits order like them), then the name's rank for ties.
        var keys: [UInt64] = []
        keys.reserveCapacity(p.count)
        for (c, confidence) in p.enumerated() {
            keys.append(UInt64(~confidence.bitPattern) << 32 | UInt64(nameRank[c]))
        }
        keys.sort()
        return keys.map { key in
            let c = Int(classByRank[Int(key & 0xFFFF_FFFF)])
            return IntentScore(intent: classes[c], confidence: Double(p[c]))
        }
    }

    /// A text's features: the normalised sparse vector (rows, values; unknown features are
    /// ignored) and, with embeddings, its sentence vector times the embedding weight (as in training).
    typealias Features = (rows: [Int32], values: [Float], dense: [Float])

    func features(_ text: String) -> Features {
        let sparse = vector(analyzer.analyze(text))
        var dense = embeddings?.sentenceVector(text) ?? []
        for d in dense.indices { dense[d] *= embeddingWeight }
        return (sparse.rows, sparse.values, dense)
    }

    /// The normalised sparse vector (rows, values) of an analysed text; unknown features are
    /// ignored. The vector `FeatureMath.weightedVector(spec.extract(analysis), ...)` makes in
    /// training, but quicker: each feature is looked up as it comes and the known rows are
    /// counted in a small open-addressing table, in the order first seen, so nothing is sorted.
    /// (The order is fixed by the text, so the sums are the same on every run; they can differ
    /// from training's row order in the last bits.)
    func vector(_ analysis: Analyzer.Analysis) -> (rows: [Int32], values: [Float]) {
        var found: [Int32] = []
        found.reserveCapacity(analysis.tokens.count * 16 + 16)
        spec.forEachFeature(analysis) { hash, _ in
            if let row = index[hash] { found.append(row) }
        }
        // Count each row once, in the order first seen: slot → position in `rows` + 1 (0: empty).
        var bits = 5
        while (1 << bits) < found.count * 2 { bits += 1 }
        let mask = (1 << bits) - 1, shift = UInt32(32 - bits)
        var table = [Int32](repeating: 0, count: 1 << bits)
        var rows: [Int32] = [], counts: [Float] = []
        rows.reserveCapacity(found.count)
        counts.reserveCapacity(found.count)
        table.withUnsafeMutableBufferPointer { slots in
            for row in found {
                var slot = Int(truncatingIfNeeded: (UInt32(bitPattern: row) &* 0x9E37_79B9) >> shift)
                while true {
                    let entry = slots[slot]
                    if entry == 0 {
                        slots[slot] = Int32(rows.count + 1)
                        rows.append(row)
                        counts.append(1)
                        break
                    }
                    if rows[Int(entry - 1)] == row {
                        counts[Int(entry - 1)] += 1
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        var values = counts
        for i in values.indices { values[i] = (1 + log(counts[i])) * idf[Int(rows[i])] }
        FeatureMath.normalize(rows: rows, values: &values, groups: groups, charWeight: spec.charWeight)
        return (rows, values)
    }

    func probabilities(of x: Features) -> [Float] {
        var scores = scores(of: x)
        if calibration.temperature != 1 {
            let inverse = 1 / calibration.temperature
            for i in scores.indices { scores[i] *= inverse }
        }
        FeatureMath.softmax(&scores)
        return scores
    }

    /// The raw linear scores (before temperature and softmax), in the order of `classes`.
    func scores(of x: Features) -> [Float] {
        let k = classes.count
        var scores = bias
        let denseBase = idf.count * k, dims = embeddings?.dims ?? 0
        weights.withUnsafeBufferPointer { w in
            scores.withUnsafeMutableBufferPointer { s in
                // Four weight rows per pass over the scores: their cache misses overlap (the
                // same additions in the same order as one axpy per row).
                x.rows.withUnsafeBufferPointer { rows in
                    x.values.withUnsafeBufferPointer { values in
                        if let r = rows.baseAddress, let v = values.baseAddress {
                            VectorMath.gatherAxpy(1, values: v, rows: r, count: rows.count, weights: w.baseAddress!, width: k, into: s.baseAddress!)
                        }
                    }
                }
                // The dense block: class-major weights, a dot product per class.
                if dims > 0, x.dense.count == dims {
                    x.dense.withUnsafeBufferPointer { v in
                        for c in 0..<k {
                            s[c] += VectorMath.dot(v.baseAddress!, w.baseAddress! + denseBase + c * dims, dims)
                        }
                    }
                }
            }
        }
        return scores
    }
}

enum FeatureMath {
    /// Sublinear TF times IDF for the features the model knows, normalised, in row order
    /// (a fixed order keeps the floating-point sums the same on every run).
    static func weightedVector(
        _ raw: [FeatureSpec.Counted], index: FeatureIndex, idf: [Float], groups: [UInt8], charWeight: Float
    ) -> (rows: [Int32], values: [Float]) {
        var entries: [(row: Int32, value: Float)] = []
        entries.reserveCapacity(raw.count)
        for feature in raw {
            guard let row = index[feature.hash] else { continue }
            entries.append((row, (1 + log(feature.count)) * idf[Int(row)]))
        }
        entries.sort { $0.row < $1.row }
        let rows = entries.map(\.row)
        var values = entries.map(\.value)
        normalize(rows: rows, values: &values, groups: groups, charWeight: charWeight)
        return (rows, values)
    }

    /// L2-normalises the word and character blocks separately, weights the character block,
    /// then normalises the whole vector to unit length.
    static func normalize(rows: [Int32], values: inout [Float], groups: [UInt8], charWeight: Float) {
        var norms: [Float] = [0, 0]
        for (row, value) in zip(rows, values) { norms[Int(groups[Int(row)])] += value * value }
        let scale0 = norms[0] > 0 ? 1 / norms[0].squareRoot() : 0
        let scale1 = norms[1] > 0 ? charWeight / norms[1].squareRoot() : 0
        let total = (norms[0] > 0 ? 1 : 0) + (norms[1] > 0 ? charWeight * charWeight : 0)
        let overall = total > 0 ? 1 / total.squareRoot() : 0
        for i in values.indices {
            values[i] *= (groups[Int(rows[i])] == 0 ? scale0 : scale1) * overall
        }
    }

    static func softmax(_ scores: inout [Float]) {
        guard let maximum = scores.max() else { return }
        var sum: Float = 0
        for i in scores.indices {
            scores[i] = exp(scores[i] - maximum)
            sum += scores[i]
        }
        for i in scores.indices { scores[i] /= sum }
    }
}

/// SplitMix64: a small seeded generator, so that training is the same on every run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feature hash → row, as an open-addressing table. The keys are already well-mixed hashes,
/// so looking one up costs a multiply and a probe or two, where a `Dictionary` would hash it
/// again with SipHash; this runs for every feature of every message. A slot is two words, the
/// key and the row, side by side: one cache line per probe.
struct FeatureIndex: Sendable {
    /// `slots[2 * i]` is slot i's key, `slots[2 * i + 1]` its row + 1 (0: an empty slot).
    private let slots: [UInt64]
    private let shift: UInt64
    let count: Int

    init(_ dictionary: [UInt64: Int32]) {
        var bits: UInt64 = 4
        while (1 << bits) < max(16, dictionary.count * 2) { bits += 1 }
        let capacity = 1 << Int(bits)
        var slots = [UInt64](repeating: 0, count: 2 * capacity)
        shift = 64 - bits
        // In row order, so the table is the same whatever the dictionary's order.
        for (key, row) in dictionary.sorted(by: { $0.value < $1.value }) {
            var slot = Self.slot(key, shift)
            while slots[2 * slot + 1] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[2 * slot] = key
            slots[2 * slot + 1] = UInt64(row) + 1
        }
        self.slots = slots
        count = dictionary.count
    }

    /// Fibonacci hashing: the top bits of the key times 2^64/φ.
    private static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    subscript(key: UInt64) -> Int32? {
        slots.withUnsafeBufferPointer { table in
            let mask = table.count / 2 - 1
            var slot = Self.slot(key, shift)
            while true {
                let row = table[2 * slot + 1]
                if row == 0 { return nil }
                if table[2 * slot] == key { return Int32(truncatingIfNeeded: row - 1) }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The hashes in row order (for encoding the model).
    var hashesByRow: [UInt64] {
        var result = [UInt64](repeating: 0, count: count)
        for slot in 0..<(slots.count / 2) where slots[2 * slot + 1] != 0 {
            result[Int(slots[2 * slot + 1] - 1)] = slots[2 * slot]
        }
        return result
    }
}
