import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

/// Writes a table in the format of `scripts/embeddings/build_table.py`: row `r` quantised
/// to int8 with the scale max |x| / 127.
func embeddingTableFiles(vocabulary: [String], dims: Int, row: (Int) -> [Float]) -> (table: Data, vocabulary: Data) {
    let vocabularyData = Data(vocabulary.map { $0 + "\n" }.joined().utf8)
    var scales: [Float] = []
    var values: [Int8] = []
    for r in vocabulary.indices {
        let x = row(r)
        let scale = (x.map(abs).max() ?? 0) / 127
        scales.append(scale)
        values += x.map { scale > 0 ? Int8(($0 / scale).rounded()) : 0 }
    }
    var payload = BinaryWriter()
    payload.floats(scales)
    payload.bytes(values.map { UInt8(bitPattern: $0) })
    var out = BinaryWriter()
    out.bytes(Array("FDST".utf8))
    out.u32(1)
    out.u32(UInt32(vocabulary.count))
    out.u32(UInt32(dims))
    out.u64(EmbeddingTable.checksum(vocabularyData))
    out.u64(EmbeddingTable.checksum(payload.data))
    out.data.append(payload.data)
    return (out.data, vocabularyData)
}

/// A vocabulary for the tests: BERT's first special tokens, then words and pieces.
let testVocabulary = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "!", "?", "'", "s", "what", "cafe", "hello", "world",
    "refund", "money", "back", "vpn", "connect", "##s", "##ing", "hi", "there", "my", "please", "give", "charged", "the",
    "not", "does", "good", "morning", "hey", "order",
]

/// Deterministic pseudo-random rows (special tokens zero), as the real table has.
func testTable(dims: Int = 16, seed: UInt64 = 7) throws -> EmbeddingTable {
    var generator = SplitMix64(seed: seed)
    let files = embeddingTableFiles(vocabulary: testVocabulary, dims: dims) { r in
        let special = testVocabulary[r].hasPrefix("[")
        return (0..<dims).map { _ in special ? 0 : Float(Int(generator.next() % 2001) - 1000) / 1000 }
    }
    return try EmbeddingTable(table: files.table, vocabulary: files.vocabulary)
}

@Suite struct WordPieceTests {
    let tokenizer = WordPieceTokenizer(vocabulary: testVocabulary)

    @Test func splitsLikeBERT() {
        func tokens(_ text: String) -> [String] { tokenizer.tokens(text) }
        #expect(tokens("Unaffable!") == ["un", "##aff", "##able", "!"])
        #expect(tokens("What's  a CAFÉ?") == ["what", "'", "s", "[UNK]", "cafe", "?"])
        // White space, control and format characters separate words.
        #expect(tokens("hello\tworld\u{200B}hello\u{7}world") == ["hello", "world", "hello", "world"])
        // A word that cannot be covered by pieces is one [UNK], not a partial split.
        #expect(tokens("connects connectx") == ["connect", "##s", "[UNK]"])
        #expect(tokens(String(repeating: "s", count: 101)) == ["[UNK]"])
        #expect(tokens("") == [])
        #expect(tokenizer.tokenIDs("hello world") == [13, 14])
    }

    @Test func withoutUnknownTokenUnknownWordsAreDropped() {
        let small = WordPieceTokenizer(vocabulary: ["hello", "world"])
        #expect(small.unknown == -1)
        #expect(small.tokenIDs("hello there world") == [0, 1])
    }

    /// The splits of the reference tokenizer (`bert.py` of the prototype, BERT's uncased
    /// tokenizer) over the real vocabulary, when the table is installed.
    @Test(.enabled(if: EmbeddingTable.shared != nil)) func matchesTheReferenceOnTheRealVocabulary() throws {
        let table = try #require(EmbeddingTable.shared)
        let expected: [(String, [String])] = [
            ("How do I reset my PIN?", ["how", "do", "i", "reset", "my", "pin", "?"]),
            ("what's the weather like in Zürich tomorrow", ["what", "'", "s", "the", "weather", "like", "in", "zurich", "tomorrow"]),
            ("transfer $200 to savings", ["transfer", "$", "200", "to", "savings"]),
            ("cancel my card pls", ["cancel", "my", "card", "pl", "##s"]),
            ("unaffable Ωmega", ["una", "##ffa", "##ble", "ω", "##me", "##ga"]),
            ("Crème brûlée — naïve café", ["cr", "##eme", "br", "##ule", "##e", "—", "naive", "cafe"]),
            ("e-mail: jo@example.com", ["e", "-", "mail", ":", "jo", "@", "example", ".", "com"]),
            ("tab\there\u{200B}zero", ["tab", "here", "zero"]),
            (String(repeating: "x", count: 101), ["[UNK]"]),
            ("ｆｕｌｌ width ＡＢＣ", ["[UNK]", "width", "[UNK]"]),
            ("日本語 text", ["日", "##本", "##語", "text"]),
            ("I'm gonna   cancel...", ["i", "'", "m", "gonna", "cancel", ".", ".", "."]),
            ("antidisestablishmentarianism", ["anti", "##dis", "##est", "##ab", "##lish", "##ment", "##arian", "##ism"]),
            ("🙂 thanks!", ["[UNK]", "thanks", "!"]),
        ]
        for (text, tokens) in expected {
            #expect(table.tokenizer.tokens(text) == tokens, "\(text)")
        }
    }
}

@Suite struct EmbeddingTableTests {
    @Test func readsATableAndMakesUnitSentenceVectors() throws {
        let table = try testTable()
        #expect(table.rows == testVocabulary.count)
        #expect(table.dims == 16)
        let v = table.sentenceVector("hello world")
        #expect(abs(v.map { $0 * $0 }.reduce(0, +) - 1) < 1e-5)
        // The sum of the rows, normalised: the order of the words does not matter.
        #expect(table.sentenceVector("world hello") == v)
        // No known token (or only special ones): all zeros.
        #expect(table.sentenceVector("zzz").allSatisfy { $0 == 0 })
        #expect(table.sentenceVector("").count == 16)
    }

    @Test func rejectsDamagedOrMismatchedFiles() throws {
        let good = embeddingTableFiles(vocabulary: testVocabulary, dims: 8) { r in (0..<8).map { Float(r + $0) } }
        _ = try EmbeddingTable(table: good.table, vocabulary: good.vocabulary)
        func message(_ table: Data, _ vocabulary: Data? = nil) -> String? {
            do {
                _ = try EmbeddingTable(table: table, vocabulary: vocabulary ?? good.vocabulary)
                return nil
            } catch {
                #expect(error.code == .invalidData)
                return error.message
            }
        }
        var bad = good.table
        bad[0] = UInt8(ascii: "X")
        #expect(message(bad)?.contains("wrong magic number") == true)
        bad = good.table
        bad[4] = 9
        #expect(message(bad)?.contains("format version 9") == true)
        #expect(message(good.table.prefix(20))?.contains("truncated header") == true)
        #expect(message(good.table.dropLast())?.contains("expected") == true)
        bad = good.table
        bad[bad.count - 3] ^= 0x01
        #expect(message(bad)?.contains("checksum mismatch (the file is damaged)") == true)
        var otherVocabulary = testVocabulary
        otherVocabulary[5] = "##off"
        #expect(message(good.table, Data(otherVocabulary.map { $0 + "\n" }.joined().utf8))?.contains("vocabulary") == true)
        #expect(message(Data())?.contains("wrong magic number") == true)
    }

    @Test func aMissingDirectoryIsAnIOError() {
        #expect(throws: FrontdeskError.self) { try EmbeddingTable(directory: URL(fileURLWithPath: "/nonexistent/embeddings")) }
    }
}

@Suite struct EmbeddingModelTests {
    var options: TrainingOptions {
        var o = TrainingOptions()
        o.embeddingWeight = 2
        return o
    }

    @Test func theDenseBlockIsTrainedAndSurvivesEncoding() throws {
        let table = try testTable()
        let model = IntentModel.train(examples: smallSet, language: .english, options: options, embeddings: table)
        #expect(model.embeddingWeight == 2)
        #expect(model.weights.count == (model.idf.count + table.dims) * model.classes.count)
        let denseWeights = model.weights[(model.idf.count * model.classes.count)...]
        #expect(denseWeights.contains { $0 != 0 })
        #expect(model.classify("I'd like a refund")[0].intent == "refund")

        let decoded = try IntentModel(decoding: model.encoded(), embeddings: { table })
        for text in ["refund please", "vpn broken", "hello", "something else entirely", ""] {
            #expect(decoded.classify(text) == model.classify(text))
        }
        // Another table, or none: the model cannot be used (it is retrained).
        let other = try testTable(seed: 8)
        #expect(throws: FrontdeskError.self) { try IntentModel(decoding: model.encoded(), embeddings: { other }) }
        #expect(throws: FrontdeskError.self) { try IntentModel(decoding: model.encoded(), embeddings: { nil }) }
    }

    @Test func aModelOfTheOldEncodingIsRejected() {
        var data = IntentModel.train(examples: smallSet, language: .english).encoded()
        #expect(IntentModel.encodingVersion == 3)
        data[4] = 2  // version 2: no dense block fields
        #expect(throws: FrontdeskError.self) { try IntentModel(decoding: data) }
    }

    @Test func theDenseBlockChangesTheScores() throws {
        let table = try testTable()
        let plain = IntentModel.train(examples: smallSet, language: .english, options: TrainingOptions(), embeddings: table)
        let dense = IntentModel.train(examples: smallSet, language: .english, options: options, embeddings: table)
        #expect(plain.embeddings == nil && plain.embeddingWeight == 0)
        #expect(plain.classify("money back") != dense.classify("money back"))
    }

    @Test func withoutATableTheModelIsTheSparseOne() {
        let withoutTable = IntentModel.train(examples: smallSet, language: .english, options: options, embeddings: nil)
        let plain = IntentModel.train(examples: smallSet, language: .english)
        #expect(withoutTable.embeddingWeight == 0)
        #expect(withoutTable.classify("refund my vpn") == plain.classify("refund my vpn"))
    }

    @Test func theWeightIsPartOfTheFingerprint() {
        #expect(options.fingerprint != TrainingOptions().fingerprint)
        #expect(options.fingerprint.contains(";emb=2.0@"))
    }
}
