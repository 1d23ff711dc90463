import Foundation
import FrontdeskCore

/// Static token embeddings: one vector per WordPiece token (distilled from a sentence
/// encoder by `scripts/embeddings/build_table.py`), stored as int8 with a scale per row. A
/// message's sentence vector is the L2-normalised sum of its tokens' rows; the intent model
/// can add it to its sparse features (`TrainingOptions.embeddingWeight`).
public struct EmbeddingTable: Sendable {
    public let rows: Int
    public let dims: Int
    /// Row `r` is `scales[r] * values[r * dims ..< (r + 1) * dims]`.
    let scales: [Float]
    let values: [Int8]
    public let tokenizer: WordPieceTokenizer
    /// Identifies the contents (the checksums of the table and of its vocabulary): a model
    /// trained with one table is not used with another.
    public let identity: UInt64

    public static let tableFileName = "minilm-static-256.bin"
    public static let vocabularyFileName = "minilm-vocab.txt"
    static let magic: [UInt8] = Array("FDST".utf8)
    static let version: UInt32 = 1
    static let headerSize = 32

    /// Reads a table and its vocabulary (the formats are described in `build_table.py`).
    public init(table data: Data, vocabulary vocabularyData: Data) throws(FrontdeskError) {
        func fail(_ why: String) -> FrontdeskError { FrontdeskError(.invalidData, "embedding table: \(why)") }
        var input = BinaryReader(data: data)
        guard input.bytes(4) == Self.magic else { throw fail("not an embedding table (wrong magic number)") }
        guard let version = input.u32(), let rows = input.u32().map(Int.init), let dims = input.u32().map(Int.init),
              let vocabularyChecksum = input.u64(), let payloadChecksum = input.u64()
        else { throw fail("truncated header") }
        guard version == Self.version else { throw fail("format version \(version), expected \(Self.version)") }
        guard (1...1_000_000).contains(rows), (1...4096).contains(dims) else { throw fail("implausible size \(rows) × \(dims)") }
        let expected = Self.headerSize + rows * 4 + rows * dims
        guard data.count == expected else { throw fail("\(data.count) bytes, expected \(expected) for \(rows) × \(dims)") }
        let payload = data[(data.startIndex + Self.headerSize)...]
        guard Self.checksum(payload) == payloadChecksum else { throw fail("checksum mismatch (the file is damaged)") }
        guard Self.checksum(vocabularyData) == vocabularyChecksum else {
            throw fail("the vocabulary file does not belong to this table (checksum mismatch)")
        }
        guard let scales = input.floats(rows), scales.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw fail("invalid row scales") }
        var values = [Int8](repeating: 0, count: rows * dims)
        values.withUnsafeMutableBytes { out in
            data[(data.startIndex + Self.headerSize + rows * 4)...].withUnsafeBytes { out.copyMemory(from: $0) }
        }
        var vocabulary = String(decoding: vocabularyData, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if vocabulary.last == "" { vocabulary.removeLast() }
        guard vocabulary.count == rows else { throw fail("the vocabulary has \(vocabulary.count) tokens, the table \(rows) rows") }
        self.rows = rows
        self.dims = dims
        self.scales = scales
        self.values = values
        self.tokenizer = WordPieceTokenizer(vocabulary: vocabulary)
        self.identity = payloadChecksum ^ (vocabularyChecksum &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Reads `tableFileName` and `vocabularyFileName` from `directory`.
    public init(directory: URL) throws(FrontdeskError) {
        let tableURL = directory.appendingPathComponent(Self.tableFileName)
        let vocabularyURL = directory.appendingPathComponent(Self.vocabularyFileName)
        // Mapped, not read: the values are copied once, into the table.
        guard let table = try? Data(contentsOf: tableURL, options: .alwaysMapped) else {
            throw FrontdeskError(.io, "\(tableURL.path): cannot read the embedding table")
        }
        guard let vocabulary = FileManager.default.contents(atPath: vocabularyURL.path) else {
            throw FrontdeskError(.io, "\(vocabularyURL.path): cannot read the embedding vocabulary")
        }
        do {
            try self.init(table: table, vocabulary: vocabulary)
        } catch {
            throw FrontdeskError(error.code, "\(tableURL.path): \(error.message)")
        }
    }

    /// The table shipped with the engine, read once, when first needed: from the directory
    /// named by the environment variable `FRONTDESK_EMBEDDINGS`, else from the resource
    /// bundle of this module. Models are trained without it when it is missing or invalid.
    public static var shared: EmbeddingTable? { try? loaded.get() }

    /// Why `shared` is `nil`.
    public static var loadError: FrontdeskError? {
        if case .failure(let error) = loaded { return error }
        return nil
    }

    private static let loaded: Result<EmbeddingTable, FrontdeskError> = {
        let candidates = searchDirectories()
        for directory in candidates where FileManager.default.fileExists(atPath: directory.appendingPathComponent(tableFileName).path) {
            do throws(FrontdeskError) { return .success(try EmbeddingTable(directory: directory)) } catch { return .failure(error) }
        }
        return .failure(FrontdeskError(.io, "no embedding table \(tableFileName) in \(candidates.map(\.path).joined(separator: ", "))"))
    }()

    /// Where the table is looked for. The resource bundle is found next to the executable
    /// (or the test bundle) by its SwiftPM name rather than with `Bundle.module`, whose
    /// accessor stops the process when the bundle is missing (an installed binary).
    static func searchDirectories() -> [URL] {
        if let path = ProcessInfo.processInfo.environment["FRONTDESK_EMBEDDINGS"], !path.isEmpty {
            return [URL(fileURLWithPath: path)]
        }
        var bases = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() { bases.append(executable.deletingLastPathComponent()) }
        bases += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        var seen = Set<String>()
        var result: [URL] = []
        for base in bases {
            for name in ["Frontdesk_FrontdeskUnderstanding.resources", "Frontdesk_FrontdeskUnderstanding.bundle",
                         "Frontdesk_FrontdeskUnderstanding.bundle/Contents/Resources"] {
                let url = base.appendingPathComponent(name).appendingPathComponent("Embeddings")
                if seen.insert(url.path).inserted { result.append(url) }
            }
        }
        return result
    }

    /// The sentence vector of `text`: the sum of its tokens' rows, L2-normalised, then times
    /// the share of its words that are whole vocabulary entries (`WordPieceTokenizer.tokenization`);
    /// all zeros when none of its tokens has a vector. The share keeps made-up words from
    /// speaking: "xqzv wrtpl" is nothing but word pieces, whose vectors point anywhere, so its
    /// vector is zero and the word and character features alone decide (then: not understood).
    public func sentenceVector(_ text: String) -> [Float] {
        var sum = [Float](repeating: 0, count: dims)
        let (ids, words, wholeWords) = tokenizer.tokenization(text)
        sum.withUnsafeMutableBufferPointer { s in
            values.withUnsafeBufferPointer { v in
                for id in ids where id >= 0 && Int(id) < rows {
                    let scale = scales[Int(id)]
                    if scale == 0 { continue }
                    let row = v.baseAddress! + Int(id) * dims
                    for d in 0..<dims { s[d] += scale * Float(row[d]) }
                }
            }
        }
        var norm: Float = 0
        for x in sum { norm += x * x }
        if norm > 0 {
            let share = words > 0 ? Float(wholeWords) / Float(words) : 0
            let inverse = share / norm.squareRoot()
            for d in sum.indices { sum[d] *= inverse }
        }
        return sum
    }

    /// FNV-1a over 64-bit little-endian words, the bytes zero-padded to a multiple of 8.
    static func checksum(_ data: Data) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        data.withUnsafeBytes { raw in
            let count = raw.count
            var offset = 0
            while offset + 8 <= count {
                h = (h ^ UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))) &* 0x100_0000_01b3
                offset += 8
            }
            if offset < count {
                var last: UInt64 = 0
                for i in offset..<count { last |= UInt64(raw[i]) << (8 * UInt64(i - offset)) }
                h = (h ^ last) &* 0x100_0000_01b3
            }
        }
        return h
    }
}
