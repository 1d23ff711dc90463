import Foundation
import FrontdeskCore

/// One test message with what the model made of it.
public struct Prediction: Sendable, Codable, Equatable {
    public var text: String
    public var expected: IntentName
    /// `nil`: no intent (the best was below the threshold and there is no out-of-scope label).
    public var predicted: IntentName?
    /// The confidence of the best intent, whether or not it became the prediction.
    public var confidence: Double
    /// The best intent, whether or not it reached the threshold (`nil`: no intent at all).
    public var best: IntentName?
    /// How long classifying the message took (0: not measured).
    public var milliseconds: Double = 0
    public var isCorrect: Bool { predicted == expected }

    /// `best` defaults to `predicted`.
    public init(
        text: String, expected: IntentName, predicted: IntentName?, confidence: Double, best: IntentName? = nil, milliseconds: Double = 0
    ) {
        self.milliseconds = milliseconds
        self.text = text
        self.expected = expected
        self.predicted = predicted
        self.confidence = confidence
        self.best = best ?? predicted
    }

    /// The same prediction, however long it took.
    public static func == (a: Prediction, b: Prediction) -> Bool {
        a.text == b.text && a.expected == b.expected && a.predicted == b.predicted && a.confidence == b.confidence && a.best == b.best
    }
}

/// Accuracy figures of a model trained on one set and tested on another (or cross-validated).
public struct EvaluationReport: Sendable, Codable, Equatable {
    /// Training examples (train/test), or all the examples (cross-validation).
    public var trainExamples: Int
    public var testExamples: Int
    public var intents: Int
    public var accuracy: Double
    public var macroF1: Double
    /// With an out-of-scope label: accuracy on the in-scope test items.
    public var inScopeAccuracy: Double?
    /// With an out-of-scope label: share of out-of-scope items predicted out-of-scope.
    public var oosRecall: Double?
    public var oosLabel: IntentName?
    public var threshold: Double
    /// Training time (for cross-validation, of all the folds together).
    public var trainSeconds: Double
    public var msPerMessage: Double
    /// The 99th percentile of the time per message (each classified on its own).
    public var msP99: Double
    /// Whether the models had the dense block of static word embeddings (any of them, with
    /// several languages).
    public var embeddings: Bool = false
    /// Whether the models read the intents' names as examples (`TrainingOptions.namesAsExamples`).
    public var namesAsExamples: Bool = false
    /// Cross-validation: the number of folds and the seed of the split (`nil` for train/test).
    public var folds: Int?
    public var seed: UInt64?
    /// Every test message in order, and the metrics computed from them.
    public var predictions: [Prediction]
    public var details: ClassificationReport

    public init(
        predictions: [Prediction], trainExamples: Int, intents: Int, oosLabel: IntentName?, threshold: Double,
        trainSeconds: Double, testSeconds: Double, folds: Int?, seed: UInt64?
    ) {
        self.predictions = predictions
        self.trainExamples = trainExamples
        testExamples = predictions.count
        self.intents = intents
        self.oosLabel = oosLabel
        self.threshold = threshold
        self.trainSeconds = trainSeconds
        msPerMessage = predictions.isEmpty ? 0 : testSeconds * 1000 / Double(predictions.count)
        let times = predictions.map(\.milliseconds).sorted()
        msP99 = times.isEmpty ? 0 : times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
        self.folds = folds
        self.seed = seed
        details = ClassificationReport(predictions)
        accuracy = details.accuracy
        // Without an out-of-scope label, "no intent" is a label of its own that no item has.
        let noIntent = IntentName("\u{0}none")
        macroF1 = Evaluation.macroF1(gold: predictions.map(\.expected), predicted: predictions.map { $0.predicted ?? noIntent })
        if let oosLabel {
            let inScope = predictions.filter { $0.expected != oosLabel }
            let outOfScope = predictions.filter { $0.expected == oosLabel }
            inScopeAccuracy = inScope.isEmpty ? nil : Double(inScope.filter(\.isCorrect).count) / Double(inScope.count)
            oosRecall = outOfScope.isEmpty ? nil : Double(outOfScope.filter(\.isCorrect).count) / Double(outOfScope.count)
        }
    }

    /// The misclassified messages as JSON Lines, `{"text", "expected", "predicted", "confidence"}`
    /// in that order (`predicted` is null for no intent), each line ending with a newline.
    public var errorLines: String {
        var output = ""
        for prediction in predictions where !prediction.isCorrect {
            let object = JSONObject([
                (key: "text", value: .string(prediction.text)),
                (key: "expected", value: .string(prediction.expected.rawValue)),
                (key: "predicted", value: prediction.predicted.map { .string($0.rawValue) } ?? .null),
                (key: "confidence", value: .rounded(prediction.confidence)),
            ])
            output += JSONValue.object(object).serialized + "\n"
        }
        return output
    }

    /// The report as one JSON object (keys sorted): the summary keys `eval` always printed
    /// (`accuracy`, `macro_f1`, `in_scope_accuracy`, `oos_recall`, `train_seconds`,
    /// `ms_per_message`) and the details. `pairs` limits `confused_pairs`.
    public func json(pairs: Int = 10) -> JSONValue {
        func number(_ x: Double) -> JSONValue { x.isFinite ? .number("\(x)") : .null }
        func metric(_ x: Double) -> JSONValue { .rounded(x) }
        func averages(_ a: ClassificationReport.Averages) -> JSONValue {
            ["precision": metric(a.precision), "recall": metric(a.recall), "f1": metric(a.f1)]
        }
        func label(_ name: IntentName?) -> JSONValue { name.map { .string($0.rawValue) } ?? .null }
        return [
            "accuracy": number(accuracy),
            "macro_f1": number(macroF1),
            "in_scope_accuracy": inScopeAccuracy.map(number) ?? .null,
            "oos_recall": oosRecall.map(number) ?? .null,
            "train_seconds": number(trainSeconds),
            "ms_per_message": number(msPerMessage),
            "ms_p99": number(msP99),
            "mode": folds == nil ? "train_test" : "cross_validation",
            "embeddings": .bool(embeddings),
            "names_as_examples": .bool(namesAsExamples),
            "folds": folds.map { .int($0) } ?? .null,
            "seed": seed.map { .number(String($0)) } ?? .null,
            "train_examples": .int(trainExamples),
            "test_examples": .int(testExamples),
            "intents": .int(intents),
            "threshold": number(threshold),
            "oos_label": label(oosLabel),
            "errors": .int(predictions.count - predictions.filter(\.isCorrect).count),
            "per_intent": .array(details.perIntent.map { row in
                [
                    "intent": .string(row.intent.rawValue), "precision": metric(row.precision), "recall": metric(row.recall),
                    "f1": metric(row.f1), "support": .int(row.support), "predicted": .int(row.predicted),
                    "correct": .int(row.correct),
                ]
            }),
            "macro": averages(details.macro),
            "micro": averages(details.micro),
            "confused_pairs": .array(details.confusions.prefix(max(0, pairs)).map { pair in
                [
                    "expected": .string(pair.expected.rawValue), "predicted": label(pair.predicted), "count": .int(pair.count),
                    "examples": .array(pair.examples.map { .string($0) }),
                ]
            }),
            "confidence": [
                "bins": .array((0...ClassificationReport.bins).map { .rounded(Double($0) / Double(ClassificationReport.bins), digits: 1) }),
                "correct": .array(details.correctConfidence.map { .int($0) }),
                "wrong": .array(details.wrongConfidence.map { .int($0) }),
            ],
        ]
    }

    /// The report as text lines: the summary `eval` always printed, then per intent,
    /// the averages, the most confused pairs (`pairs` of them) and the confidence histograms.
    public func textLines(pairs: Int = 10) -> [String] {
        func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        func fixed(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
        func pad(_ text: String, _ width: Int) -> String { text.count >= width ? text : text + String(repeating: " ", count: width - text.count) }
        func padLeft(_ text: String, _ width: Int) -> String { text.count >= width ? text : String(repeating: " ", count: width - text.count) + text }
        var lines: [String] = []
        let extras = (embeddings ? ["static word embeddings"] : []) + (namesAsExamples ? ["the intent names as examples"] : [])
        let trainedWith = extras.isEmpty ? "" : ", with " + extras.joined(separator: " and ")
        if let folds {
            lines.append("cross-validation: \(folds) stratified folds, seed \(seed ?? 0), \(trainExamples) examples, \(intents) intents, \(fixed(trainSeconds, 2)) s training in all"
                         + trainedWith)
            lines.append("test:  \(testExamples) examples, each in one fold, \(fixed(msPerMessage)) ms per message (p99 \(fixed(msP99)) ms)")
        } else {
            lines.append("train: \(trainExamples) examples, \(intents) intents, \(fixed(trainSeconds, 2)) s" + trainedWith)
            lines.append("test:  \(testExamples) examples, \(fixed(msPerMessage)) ms per message (p99 \(fixed(msP99)) ms)")
        }
        lines.append("accuracy:          \(percent(accuracy))")
        lines.append("macro-F1:          \(fixed(macroF1))")
        if let inScopeAccuracy { lines.append("in-scope accuracy: \(percent(inScopeAccuracy))") }
        if let oosRecall { lines.append("out-of-scope recall: \(percent(oosRecall)) (threshold \(threshold))") }

        let width = max(9, details.perIntent.map(\.intent.rawValue.count).max() ?? 0)
        lines.append("")
        lines.append("\(pad("intent", width))  precision  recall     F1  support")
        for row in details.perIntent {
            lines.append("\(pad(row.intent.rawValue, width))  \(padLeft(fixed(row.precision), 9))  \(padLeft(fixed(row.recall), 6))  \(padLeft(fixed(row.f1), 5))  \(padLeft(String(row.support), 7))")
        }
        let total = details.perIntent.reduce(0) { $0 + $1.support }
        for (name, a) in [("macro avg", details.macro), ("micro avg", details.micro)] {
            lines.append("\(pad(name, width))  \(padLeft(fixed(a.precision), 9))  \(padLeft(fixed(a.recall), 6))  \(padLeft(fixed(a.f1), 5))  \(padLeft(String(total), 7))")
        }

        lines.append("")
        let shown = details.confusions.prefix(max(0, pairs))
        if shown.isEmpty {
            lines.append("most confused pairs: none")
        } else {
            lines.append("most confused pairs (expected → predicted, \(shown.count) of \(details.confusions.count)):")
            for pair in shown {
                lines.append("  \(padLeft(String(pair.count), 4))  \(pair.expected) → \(ClassificationReport.display(pair.predicted))")
                for example in pair.examples { lines.append("        “\(example)”") }
            }
        }

        lines.append("")
        lines.append("confidence of the best intent   right   wrong")
        for bin in 0..<ClassificationReport.bins {
            let range = ClassificationReport.binLabel(bin)
            lines.append("  \(pad(range, 29))  \(padLeft(String(details.correctConfidence[bin]), 6))  \(padLeft(String(details.wrongConfidence[bin]), 6))")
        }
        return lines
    }
}

/// Per-intent precision, recall, F1 and support, their averages, the confused pairs and the
/// confidence histograms of a list of predictions. Pure: computed from the predictions only.
public struct ClassificationReport: Sendable, Codable, Equatable {
    public struct IntentMetrics: Sendable, Codable, Equatable {
        public var intent: IntentName
        public var precision: Double
        public var recall: Double
        public var f1: Double
        /// Test messages of this intent.
        public var support: Int
        /// Test messages predicted as this intent.
        public var predicted: Int
        /// Test messages of this intent predicted as this intent.
        public var correct: Int
        /// Messages of this intent predicted otherwise plus messages predicted as it wrongly.
        public var errors: Int { support - correct + predicted - correct }
    }

    public struct Averages: Sendable, Codable, Equatable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    /// Messages of `expected` predicted as `predicted` (`nil`: no intent).
    public struct Confusion: Sendable, Codable, Equatable {
        public var expected: IntentName
        public var predicted: IntentName?
        public var count: Int
        /// Up to `ClassificationReport.examplesPerPair` messages, in test order.
        public var examples: [String]
    }

    /// Histogram bins of confidence: [0, 0.1), [0.1, 0.2), …, [0.9, 1].
    public static let bins = 10
    public static let examplesPerPair = 3

    public var accuracy: Double
    /// Every intent expected or predicted, by name. Precision (recall) is 0 for an intent never
    /// predicted (never expected).
    public var perIntent: [IntentMetrics]
    /// The mean over the intents that have test messages (support > 0), as `macro_f1`.
    public var macro: Averages
    /// From the counts over all messages: precision over the messages given an intent,
    /// recall over all messages (both equal the accuracy when every message gets an intent).
    public var micro: Averages
    /// Every (expected, predicted) pair with expected ≠ predicted: most frequent first, then by names.
    public var confusions: [Confusion]
    /// Counts per bin of the best intent's confidence, for right and for wrong predictions.
    public var correctConfidence: [Int]
    public var wrongConfidence: [Int]
    /// Messages predicted as no intent (below the threshold, without an out-of-scope label).
    public var noIntent: Int

    public init(_ predictions: [Prediction]) {
        var support: [IntentName: Int] = [:]
        var predictedCount: [IntentName: Int] = [:]
        var correct: [IntentName: Int] = [:]
        struct Pair: Hashable { let expected: IntentName; let predicted: IntentName? }
        var pairs: [Pair: (count: Int, examples: [String])] = [:]
        var right = [Int](repeating: 0, count: Self.bins), wrong = [Int](repeating: 0, count: Self.bins)
        var noIntent = 0
        for prediction in predictions {
            support[prediction.expected, default: 0] += 1
            if let predicted = prediction.predicted { predictedCount[predicted, default: 0] += 1 } else { noIntent += 1 }
            let bin = Self.bin(of: prediction.confidence)
            if prediction.isCorrect {
                correct[prediction.expected, default: 0] += 1
                right[bin] += 1
            } else {
                wrong[bin] += 1
                let key = Pair(expected: prediction.expected, predicted: prediction.predicted)
                var entry = pairs[key] ?? (0, [])
                entry.count += 1
                if entry.examples.count < Self.examplesPerPair { entry.examples.append(prediction.text) }
                pairs[key] = entry
            }
        }
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        func f1(_ p: Double, _ r: Double) -> Double { p + r == 0 ? 0 : 2 * p * r / (p + r) }
        let labels = Set(support.keys).union(predictedCount.keys).sorted()
        perIntent = labels.map { label in
            let tp = correct[label] ?? 0, n = support[label] ?? 0, m = predictedCount[label] ?? 0
            // F1 from the counts, 2tp / (2tp + fp + fn), as `Evaluation.macroF1`.
            let f = 2 * tp + (m - tp) + (n - tp) == 0 ? 0 : Double(2 * tp) / Double(2 * tp + (m - tp) + (n - tp))
            return IntentMetrics(intent: label, precision: ratio(tp, m), recall: ratio(tp, n), f1: f, support: n, predicted: m, correct: tp)
        }
        let expected = perIntent.filter { $0.support > 0 }
        func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
        macro = Averages(precision: mean(expected.map(\.precision)), recall: mean(expected.map(\.recall)), f1: mean(expected.map(\.f1)))
        let tp = correct.values.reduce(0, +)
        let microPrecision = ratio(tp, predictions.count - noIntent), microRecall = ratio(tp, predictions.count)
        micro = Averages(precision: microPrecision, recall: microRecall, f1: f1(microPrecision, microRecall))
        accuracy = ratio(tp, predictions.count)
        confusions = pairs.map { Confusion(expected: $0.key.expected, predicted: $0.key.predicted, count: $0.value.count, examples: $0.value.examples) }
            .sorted {
                if $0.count != $1.count { return $0.count > $1.count }
                if $0.expected != $1.expected { return $0.expected < $1.expected }
                return Self.display($0.predicted) < Self.display($1.predicted)
            }
        correctConfidence = right
        wrongConfidence = wrong
        self.noIntent = noIntent
    }

    /// The bin of a confidence: ⌊10 c⌋, with 1 in the last bin.
    public static func bin(of confidence: Double) -> Int {
        guard confidence.isFinite else { return 0 }
        return min(bins - 1, max(0, Int((confidence * Double(bins)).rounded(.down))))
    }

    /// "0.0–0.1", …, "0.9–1.0".
    public static func binLabel(_ bin: Int) -> String {
        String(format: "%.1f–%.1f", Double(bin) / Double(bins), Double(bin + 1) / Double(bins))
    }

    /// An intent's name, or "(no intent)".
    public static func display(_ intent: IntentName?) -> String { intent?.rawValue ?? "(no intent)" }
}
