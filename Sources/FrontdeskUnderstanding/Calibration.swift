import Foundation
import FrontdeskCore

/// How a trained model's scores become confidences, and the confidence below which the bot
/// should rather say it did not understand. Both are fitted on cross-validated predictions:
/// every training example is classified by a model that did not see it.
public struct Calibration: Sendable, Hashable {
    /// The scores are divided by this before the softmax (temperature scaling). Above 1
    /// makes the confidences less extreme.
    public let temperature: Float
    /// The confidence threshold that made the fewest mistakes on the held-out examples
    /// (`nil`: the model was not calibrated).
    public let threshold: Double?

    public init(temperature: Float = 1, threshold: Double? = nil) {
        self.temperature = temperature
        self.threshold = threshold
    }

    public static let none = Calibration()

    /// Temperatures considered: from 0.05 to 20.
    static let temperatureRange: ClosedRange<Float> = 0.05...20

    /// The temperature that minimises the mean negative log-likelihood of the true labels
    /// (golden-section search on log T; the likelihood is unimodal in T). `scores` is
    /// row-major, `labels.count` rows of `classes` scores. 1 when there is nothing to fit.
    public static func fitTemperature(scores: [Float], labels: [Int], classes: Int) -> Float {
        guard classes > 1, !labels.isEmpty, scores.count == labels.count * classes else { return 1 }
        func loss(_ logT: Double) -> Double {
            let t = Float(exp(logT))
            var total = 0.0
            for (row, label) in labels.enumerated() {
                let base = row * classes
                var maximum = -Float.infinity
                for c in 0..<classes { maximum = max(maximum, scores[base + c] / t) }
                var sum: Float = 0
                for c in 0..<classes { sum += exp(scores[base + c] / t - maximum) }
                total += Double(log(sum) + maximum - scores[base + label] / t)
            }
            return total / Double(labels.count)
        }
        var lo = log(Double(temperatureRange.lowerBound)), hi = log(Double(temperatureRange.upperBound))
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = hi - ratio * (hi - lo), b = lo + ratio * (hi - lo)
        var fa = loss(a), fb = loss(b)
        for _ in 0..<40 {
            if fa <= fb {
                hi = b; b = a; fb = fa
                a = hi - ratio * (hi - lo); fa = loss(a)
            } else {
                lo = a; a = b; fa = fb
                b = lo + ratio * (hi - lo); fb = loss(b)
            }
        }
        let t = Float(exp((lo + hi) / 2))
        return min(max(t, temperatureRange.lowerBound), temperatureRange.upperBound)
    }

    /// A held-out prediction: its calibrated confidence, and whether answering with it
    /// would have been right (the best intent is the true one, and that is not the
    /// out-of-scope intent).
    public struct Outcome: Sendable, Hashable {
        public var confidence: Double
        public var answerIsRight: Bool
        public init(confidence: Double, answerIsRight: Bool) {
            self.confidence = confidence
            self.answerIsRight = answerIsRight
        }
    }

    /// Thresholds considered: a fallback below `lowest` is rarely worth it, and above
    /// `highest` the bot would hardly answer.
    static let thresholdRange: ClosedRange<Double> = 0.05...0.9

    /// The confidence threshold with the fewest mistakes: right answers turned into a
    /// fallback plus wrong (or out-of-scope) messages answered. Between equally good
    /// thresholds, the lowest. Candidates are the midpoints between neighbouring
    /// confidences, within `thresholdRange`.
    public static func chooseThreshold(_ outcomes: [Outcome]) -> Double {
        let sorted = outcomes.sorted { $0.confidence < $1.confidence }
        // Threshold below every confidence: every right answer kept, every wrong one given.
        var mistakes = sorted.filter { !$0.answerIsRight }.count
        var best = (mistakes: mistakes, threshold: thresholdRange.lowerBound)
        var i = 0
        while i < sorted.count {
            // Raising the threshold past this confidence rejects every outcome that has it.
            let confidence = sorted[i].confidence
            while i < sorted.count, sorted[i].confidence == confidence {
                mistakes += sorted[i].answerIsRight ? 1 : -1
                i += 1
            }
            let next = i < sorted.count ? sorted[i].confidence : 1
            let threshold = (confidence + next) / 2
            guard threshold <= thresholdRange.upperBound else { break }
            if threshold >= thresholdRange.lowerBound, mistakes < best.mistakes {
                best = (mistakes, threshold)
            }
        }
        return (best.threshold * 1000).rounded() / 1000
    }
}

extension IntentModel {
    /// Trains a model, then calibrates it on `folds`-fold cross-validated predictions of the
    /// same examples: the temperature of its confidences and the threshold below which it
    /// should not answer. Examples of `outOfScope` (when given) train a class of their own
    /// (its name is never an example, `TrainingOptions.namesAsExamples`),
    /// and answering them counts as a mistake when the threshold is chosen. With fewer than
    /// two examples per fold, the model is returned uncalibrated.
    public static func trainCalibrated(
        examples: [(text: String, intent: IntentName)], language: LanguageCode, options: TrainingOptions = TrainingOptions(),
        folds: Int = 3, outOfScope: IntentName? = nil
    ) -> IntentModel {
        let model = train(examples: examples, language: language, options: options, outOfScope: outOfScope)
        let classes = model.classes
        guard folds >= 2, examples.count >= 2 * folds, classes.count > 1 else { return model }
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let assignment = stratifiedFolds(labels: examples.map(\.intent), folds: folds, seed: options.seed)
        var scores = [Float](repeating: 0, count: examples.count * classes.count)
        for fold in 0..<folds {
            let train = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let foldModel = IntentModel.train(examples: train, language: language, options: options, outOfScope: outOfScope)
            // A class missing from the fold's training data scores -infinity (never chosen).
            let columns = classes.map { name in foldModel.classes.firstIndex(of: name) }
            for index in examples.indices where assignment[index] == fold {
                let raw = foldModel.scores(of: foldModel.features(examples[index].text))
                for (c, column) in columns.enumerated() {
                    scores[index * classes.count + c] = column.map { raw[$0] } ?? -1e9
                }
            }
        }
        let labels = examples.map { classIndex[$0.intent]! }
        let temperature = Calibration.fitTemperature(scores: scores, labels: labels, classes: classes.count)
        var outcomes: [Calibration.Outcome] = []
        outcomes.reserveCapacity(examples.count)
        for (row, label) in labels.enumerated() {
            var probabilities = Array(scores[(row * classes.count)..<((row + 1) * classes.count)]).map { $0 / temperature }
            FeatureMath.softmax(&probabilities)
            var best = 0
            for c in probabilities.indices where probabilities[c] > probabilities[best] { best = c }
            let right = best == label && classes[label] != outOfScope
            outcomes.append(Calibration.Outcome(confidence: Double(probabilities[best]), answerIsRight: right))
        }
        return model.calibrated(Calibration(temperature: temperature, threshold: Calibration.chooseThreshold(outcomes)))
    }

    /// The fold (0..<folds) of each example, stratified by label: each label's examples are
    /// shuffled with a generator seeded by `seed` and dealt to the folds in turn, continuing
    /// from where the previous label stopped. So every label has ⌊n/K⌋ or ⌈n/K⌉ of its n
    /// examples in each fold, and the folds' sizes differ by at most one. Deterministic.
    public static func stratifiedFolds(labels: [IntentName], folds: Int, seed: UInt64) -> [Int] {
        precondition(folds >= 1)
        var generator = SplitMix64(seed: seed)
        var byLabel: [IntentName: [Int]] = [:]
        for (index, label) in labels.enumerated() { byLabel[label, default: []].append(index) }
        var assignment = [Int](repeating: 0, count: labels.count)
        var next = 0
        for label in byLabel.keys.sorted() {
            var indices = byLabel[label] ?? []
            // Fisher–Yates with our own generator: the same folds on every platform and toolchain.
            if indices.count > 1 {
                for i in stride(from: indices.count - 1, to: 0, by: -1) {
                    let j = Int(generator.next() % UInt64(i + 1))
                    indices.swapAt(i, j)
                }
            }
            for index in indices {
                assignment[index] = next % folds
                next += 1
            }
        }
        return assignment
    }
}
