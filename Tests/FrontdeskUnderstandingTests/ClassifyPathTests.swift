import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

/// The classification path's shortcuts give what the slower, plainer way gives.
@Suite struct ClassifyPathTests {
    /// `vector` (features looked up as they come, counted in a small table) is the vector that
    /// training makes (`weightedVector` of the sorted, counted features), up to order and the
    /// last bits of the sums.
    @Test func theQuickVectorIsTheTrainingVector() {
        let model = IntentModel.train(examples: smallSet, language: .english)
        let long = Array(repeating: "refund refund vpn connection cannot connect", count: 40).joined(separator: " ")
        for text in ["I want my money back", "refund refund refund", "vpn vpn server connect", "zzqx unknownword",
                     "", "Grüße, ich möchte mein Geld zurück", long] {
            let analysis = model.analyzer.analyze(text)
            let quick = model.vector(analysis)
            let plain = FeatureMath.weightedVector(model.spec.extract(analysis), index: model.index, idf: model.idf,
                                                   groups: model.groups, charWeight: model.spec.charWeight)
            let quickRows = Set(quick.rows), plainRows = Set(plain.rows)
            #expect(quick.rows.count == quickRows.count, "a row twice for \(text)")
            #expect(quickRows == plainRows, "other rows for \(text)")
            let plainValue = Dictionary(uniqueKeysWithValues: zip(plain.rows, plain.values))
            let largestDifference = zip(quick.rows, quick.values).map { abs($0.1 - (plainValue[$0.0] ?? .infinity)) }.max() ?? 0
            #expect(largestDifference < 1e-6, "values differ by \(largestDifference) for \(text)")
        }
        // Known words do make rows; the long text's repeats are counted, not listed.
        let refund = model.vector(model.analyzer.analyze("refund refund"))
        #expect(!refund.rows.isEmpty)
        #expect(model.vector(model.analyzer.analyze(long)).rows.count < 200)
    }

    /// Ranked by confidence, highest first; equal confidences by intent name, whatever the
    /// order of the model's classes.
    @Test func classifyRanksByConfidenceThenName() {
        func model(bias: [Float]) -> IntentModel {
            IntentModel(language: .english, classes: ["check", "alpha", "bravo"], spec: FeatureSpec(), index: FeatureIndex([:]),
                        idf: [], groups: [], weights: [], bias: bias, analyzer: Analyzer(language: .english))
        }
        let even = model(bias: [0, 0, 0]).classify("anything")
        #expect(even.map(\.intent) == ["alpha", "bravo", "check"])
        #expect(even.allSatisfy { abs($0.confidence - 1.0 / 3) < 1e-6 })
        let checkFirst = model(bias: [2, 0, 0]).classify("anything")
        #expect(checkFirst.map(\.intent) == ["check", "alpha", "bravo"])
        let bravoFirst = model(bias: [0, -1, 1]).classify("anything")
        #expect(bravoFirst.map(\.intent) == ["bravo", "check", "alpha"])
        let total = bravoFirst.map(\.confidence).reduce(0, +)
        #expect(abs(total - 1) < 1e-6)
    }

    /// Feature hashes are FNV-1a, 64 bit (the published test value), a scalar its four bytes:
    /// a cached model's features stay the same from build to build.
    @Test func featureHashesAreFNV1a() {
        var a = StableHasher()
        a.combine(byte: 0x61)
        #expect(a.value == 0xaf63_dc4c_8601_ec8c)
        var scalar = StableHasher(seed: 42), bytes = StableHasher(seed: 42)
        scalar.combine(UInt32(0x1F600))
        for byte: UInt8 in [0x00, 0xF6, 0x01, 0x00] { bytes.combine(byte: byte) }
        #expect(scalar.value == bytes.value)
    }

    /// The open-addressing index finds every key it was built with, and no other.
    @Test func theFeatureIndexFindsItsKeys() {
        var dictionary: [UInt64: Int32] = [:]
        var rng = SplitMix64(seed: 3)
        for row in 0..<5000 { dictionary[rng.next()] = Int32(row) }
        let index = FeatureIndex(dictionary)
        #expect(index.count == 5000)
        let missing = dictionary.filter { index[$0.key] != $0.value }.count
        #expect(missing == 0)
        let strangers = (0..<5000).map { _ in rng.next() }.filter { dictionary[$0] == nil && index[$0] != nil }.count
        #expect(strangers == 0)
        let hashes = index.hashesByRow
        #expect(hashes.count == 5000)
        #expect(hashes.enumerated().allSatisfy { dictionary[$0.element] == Int32($0.offset) })
        #expect(FeatureIndex([:])[42] == nil)
    }

    /// Small training sets get more epochs, up to the maximum; large ones keep `epochs`.
    @Test func smallSetsGetMoreEpochs() {
        var options = TrainingOptions()
        #expect(options.epochs(forExamples: 100) == 12)
        options.minimumSteps = 30_000
        #expect(options.epochs(forExamples: 1_500) == 20)
        #expect(options.epochs(forExamples: 616) == 30)
        #expect(options.epochs(forExamples: 15_100) == 12)
        #expect(options.epochs(forExamples: 0) == 12)
        #expect(options.fingerprint != TrainingOptions().fingerprint)
        #expect(TrainingOptions().withEmbeddings().minimumSteps == 30_000)
    }

    /// Imported English data of 500 examples or more gets the dense block; smaller data and
    /// other languages do not. All imported data reads the intents' names as examples.
    @Test func theRecommendedOptions() {
        let english = TrainingOptions.recommended(for: .english, examples: 500)
        #expect(english.embeddingWeight == 1.41 && english.l2 == 1e-5 && english.minimumSteps == 30_000)
        #expect(english.gradientFloor == 5e-4 && TrainingOptions().gradientFloor == 1e-5)
        #expect(english.epochs == 10 && english.epochs(forExamples: 15_100) == 10 && english.epochs(forExamples: 1_500) == 20)
        #expect(english.fingerprint.contains(";floor=0.0005"))
        #expect(english.namesAsExamples && english.fingerprint.contains(";names"))
        var sparseWithNames = TrainingOptions()
        sparseWithNames.namesAsExamples = true
        #expect(TrainingOptions.recommended(for: .english, examples: 499) == sparseWithNames)
        #expect(TrainingOptions.recommended(for: LanguageCode("de"), examples: 10_000) == sparseWithNames)
        #expect(!TrainingOptions().namesAsExamples && !TrainingOptions().fingerprint.contains("names"))
        #expect(TrainingOptions.bot(language: .english, settings: IntentModelSettings(embeddings: false, namesAsExamples: true)) == sparseWithNames)
    }
}
