import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

@Suite struct CalibrationTests {
    /// Two classes scored [4, 0] on every row, the first one right three times in four: the
    /// best temperature makes softmax(4 / T) = 0.75, so T = 4 / ln 3.
    @Test func theTemperatureMatchesTheObservedAccuracy() {
        let labels = [0, 0, 0, 1, 0, 0, 0, 1]
        let scores: [Float] = labels.flatMap { _ -> [Float] in [4, 0] }
        let t = Calibration.fitTemperature(scores: scores, labels: labels, classes: 2)
        let expected = 4 / Float(log(3.0))
        #expect(abs(t - expected) < 0.01)
    }

    @Test func overconfidentScoresAreSoftenedAndUnderconfidentSharpened() {
        // Always right: the smaller T, the better, down to the lower end of the range.
        let sharp = Calibration.fitTemperature(scores: [1, 0, 0, 1], labels: [0, 1], classes: 2)
        #expect(sharp < 0.06)
        // Right half the time: any confidence above 0.5 is too much, so T goes to the top.
        let flat = Calibration.fitTemperature(scores: [3, 0, 3, 0], labels: [0, 1], classes: 2)
        #expect(flat > 19)
    }

    /// Hand-computed: every wrong answer below 0.35 is turned away and every right one
    /// above it kept, except 0.6 (wrong, accepted); raising the threshold to 0.65 would
    /// also lose 0.4 (right): one mistake either way, and the lower threshold wins.
    @Test func theThresholdMakesTheFewestMistakes() {
        let outcomes = [(0.2, false), (0.3, false), (0.4, true), (0.6, false), (0.7, true), (0.9, true)]
            .map { Calibration.Outcome(confidence: $0.0, answerIsRight: $0.1) }
        #expect(Calibration.chooseThreshold(outcomes) == 0.35)
        #expect(Calibration.chooseThreshold(outcomes.reversed()) == 0.35)
    }

    @Test func theThresholdStaysWithinItsRange() {
        let allRight = [0.01, 0.02, 0.5].map { Calibration.Outcome(confidence: $0, answerIsRight: true) }
        #expect(Calibration.chooseThreshold(allRight) == 0.05)
        let allWrong = [0.5, 0.95, 0.99].map { Calibration.Outcome(confidence: $0, answerIsRight: false) }
        // Rejecting everything would be best, but no threshold above 0.9 is considered.
        #expect(Calibration.chooseThreshold(allWrong) == 0.725)
        #expect(Calibration.chooseThreshold([]) == 0.05)
    }

    @Test func aCalibratedModelKeepsItsRankingAndSurvivesTheCache() throws {
        let examples = smallSet + [
            ("what is the weather tomorrow", IntentName.outOfScope), ("tell me a joke", .outOfScope),
            ("who won the football game", .outOfScope), ("play some music", .outOfScope),
            ("book a table for two", .outOfScope), ("how tall is mount everest", .outOfScope),
        ]
        let plain = IntentModel.train(examples: examples, language: .english)
        let calibrated = IntentModel.trainCalibrated(examples: examples, language: .english, folds: 3, outOfScope: .outOfScope)
        #expect(plain.calibration == .none)
        let threshold = try #require(calibrated.calibration.threshold)
        #expect(Calibration.thresholdRange.contains(threshold))
        #expect(calibrated.calibration.temperature != 1)
        for text in ["refund please", "vpn broken", "hi", "play a song"] {
            let a = plain.classify(text).map(\.intent), b = calibrated.classify(text).map(\.intent)
            #expect(a == b)
        }
        let decoded = try IntentModel(decoding: calibrated.encoded())
        #expect(decoded.calibration == calibrated.calibration)
        #expect(decoded.classify("refund please") == calibrated.classify("refund please"))
    }

    @Test func tooFewExamplesStayUncalibrated() {
        let tiny: [(text: String, intent: IntentName)] = [("hello", "greet"), ("refund", "refund"), ("hi", "greet")]
        #expect(IntentModel.trainCalibrated(examples: tiny, language: .english, folds: 3).calibration == .none)
    }

    @Test func foldsAreStratifiedAndDeterministic() {
        let labels: [IntentName] = Array(repeating: "a", count: 7) + Array(repeating: "b", count: 5)
        let folds = IntentModel.stratifiedFolds(labels: labels, folds: 3, seed: 7)
        #expect(folds == IntentModel.stratifiedFolds(labels: labels, folds: 3, seed: 7))
        for fold in 0..<3 {
            let a = zip(labels, folds).filter { $0.0 == "a" && $0.1 == fold }.count
            let b = zip(labels, folds).filter { $0.0 == "b" && $0.1 == fold }.count
            #expect((2...3).contains(a) && (1...2).contains(b))
        }
    }
}
