import Foundation
import FrontdeskCore

/// Binary encoding of a trained `IntentModel`, for the model cache.
extension IntentModel {
    static let magic: [UInt8] = Array("FDIM".utf8)
    /// Bump when the encoding or the meaning of a stored model changes.
    /// 3: the dense block (embedding weight, dimensions, table identity; its weight rows).
    public static let encodingVersion: UInt32 = 3

    public func encoded() -> Data {
        var out = BinaryWriter()
        out.bytes(Self.magic)
        out.u32(Self.encodingVersion)
        out.string(language.rawValue)
        out.u32(UInt32(spec.charGrams.lowerBound))
        out.u32(UInt32(spec.charGrams.upperBound))
        out.f32(spec.charWeight)
        out.u32((spec.wordBigrams ? 1 : 0) | (spec.charAcrossWords ? 2 : 0))
        out.u32(UInt32(classes.count))
        for c in classes { out.string(c.rawValue) }
        let hashes = index.hashesByRow
        out.u32(UInt32(hashes.count))
        for hash in hashes { out.u64(hash) }
        out.floats(idf)
        out.bytes(groups)
        out.u32(UInt32(embeddings?.dims ?? 0))
        out.f32(embeddingWeight)
        out.u64(embeddings?.identity ?? 0)
        out.floats(weights)
        out.floats(bias)
        out.f32(calibration.temperature)
        out.u64((calibration.threshold ?? .nan).bitPattern)
        return out.data
    }

    /// Decodes a model; one trained with embeddings needs `EmbeddingTable.shared` to be the
    /// table it was trained with.
    public init(decoding data: Data) throws(FrontdeskError) {
        try self.init(decoding: data, embeddings: { EmbeddingTable.shared })
    }

    /// `embeddings` is asked for the table only when the model has a dense block.
    init(decoding data: Data, embeddings tableProvider: () -> EmbeddingTable?) throws(FrontdeskError) {
        var input = BinaryReader(data: data)
        func fail(_ why: String) -> FrontdeskError { FrontdeskError(.corruptModel, "cached model cannot be read: \(why)") }
        guard input.bytes(4) == Self.magic else { throw fail("not a model") }
        guard input.u32() == Self.encodingVersion else { throw fail("model encoding version differs") }
        guard let languageText = input.string() else { throw fail("truncated") }
        var spec = FeatureSpec()
        guard let lo = input.u32(), let hi = input.u32(), lo >= 1, lo <= hi, hi <= 64, let charWeight = input.f32(), charWeight.isFinite, let bigrams = input.u32(), bigrams <= 3
        else { throw fail("truncated") }
        spec.charGrams = Int(lo)...Int(hi)
        spec.charWeight = charWeight
        spec.wordBigrams = bigrams & 1 == 1
        spec.charAcrossWords = bigrams & 2 == 2
        guard let classCount = input.u32() else { throw fail("truncated") }
        var classes: [IntentName] = []
        for _ in 0..<classCount {
            guard let name = input.string() else { throw fail("truncated") }
            classes.append(IntentName(name))
        }
        guard let rowCount = input.u32().map(Int.init), rowCount <= input.remaining / 8 else { throw fail("truncated") }
        var index: [UInt64: Int32] = [:]
        index.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            guard let hash = input.u64() else { throw fail("truncated") }
            index[hash] = Int32(row)
        }
        guard let idf = input.floats(rowCount), let groups = input.bytes(rowCount),
              let denseDims = input.u32().map(Int.init), let embeddingWeight = input.f32(), let tableIdentity = input.u64()
        else { throw fail("truncated") }
        // A model with a dense block needs the very table it was trained with.
        var embeddings: EmbeddingTable?
        if denseDims > 0 {
            guard embeddingWeight.isFinite, embeddingWeight > 0 else { throw fail("invalid values") }
            guard let table = tableProvider(), table.identity == tableIdentity, table.dims == denseDims else {
                throw fail("the embedding table it was trained with is not available")
            }
            embeddings = table
        }
        let (weightCount, overflow) = (rowCount + denseDims).multipliedReportingOverflow(by: classes.count)
        guard !overflow, let weights = input.floats(weightCount), let bias = input.floats(classes.count),
              let temperature = input.f32(), let threshold = input.u64().map(Double.init(bitPattern:)), input.isAtEnd
        else { throw fail("truncated") }
        guard groups.allSatisfy({ $0 <= FeatureSpec.Group.char.rawValue }), index.count == rowCount,
              idf.allSatisfy(\.isFinite), weights.allSatisfy(\.isFinite), bias.allSatisfy(\.isFinite),
              Calibration.temperatureRange.contains(temperature), threshold.isNaN || (0...1).contains(threshold)
        else { throw fail("invalid values") }
        let language = LanguageCode(languageText)
        self.init(
            language: language, classes: classes, spec: spec, index: FeatureIndex(index), idf: idf, groups: groups,
            weights: weights, bias: bias, analyzer: Analyzer(language: language),
            calibration: Calibration(temperature: temperature, threshold: threshold.isNaN ? nil : threshold),
            embeddings: embeddings, embeddingWeight: embeddingWeight)
    }
}

struct BinaryWriter {
    var data = Data()
    mutating func bytes(_ b: [UInt8]) { data.append(contentsOf: b) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func f32(_ v: Float) { u32(v.bitPattern) }
    mutating func string(_ s: String) {
        u32(UInt32(s.utf8.count))
        data.append(contentsOf: Array(s.utf8))
    }
    mutating func floats(_ values: [Float]) {
        data.reserveCapacity(data.count + values.count * 4)
        for v in values { f32(v) }
    }
}

struct BinaryReader {
    let data: Data
    var offset: Int

    init(data: Data) {
        self.data = data
        self.offset = data.startIndex
    }

    var isAtEnd: Bool { offset == data.endIndex }
    var remaining: Int { data.endIndex - offset }

    mutating func bytes(_ n: Int) -> [UInt8]? {
        guard n >= 0, data.endIndex - offset >= n else { return nil }
        defer { offset += n }
        return Array(data[offset..<(offset + n)])
    }
    mutating func u32() -> UInt32? {
        guard let b = bytes(4) else { return nil }
        return UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24
    }
    mutating func u64() -> UInt64? {
        guard let lo = u32(), let hi = u32() else { return nil }
        return UInt64(lo) | UInt64(hi) << 32
    }
    mutating func f32() -> Float? { u32().map(Float.init(bitPattern:)) }
    mutating func string() -> String? {
        guard let n = u32(), let b = bytes(Int(n)) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }
    mutating func floats(_ n: Int) -> [Float]? {
        guard n >= 0, n <= (data.endIndex - offset) / 4 else { return nil }
        var out = [Float](repeating: 0, count: n)
        data[offset..<(offset + n * 4)].withUnsafeBytes { raw in
            for i in 0..<n {
                out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
        }
        offset += n * 4
        return out
    }
}
