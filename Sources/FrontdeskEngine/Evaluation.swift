import Foundation
import FrontdeskCore
import FrontdeskUnderstanding

/// A labelled message, as in training and test files.
public struct LabeledExample: Sendable, Hashable {
    public let text: String
    public let intent: IntentName
    public init(text: String, intent: IntentName) {
        self.text = text
        self.intent = intent
    }
}

public enum LabeledData {
    /// Reads JSON Lines `{"text": ..., "intent": ...}`. Blank lines are skipped; every bad
    /// line is reported as `file:line:column: error: ...` and the whole read fails.
    public static func parseJSONLines(_ data: Data, path: String) throws(FrontdeskError) -> [LabeledExample] {
        var examples: [LabeledExample] = []
        var diagnostics: [Diagnostic] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            func fail(_ message: String) {
                diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: lineNumber, column: 1), message))
            }
            let bytes = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                fail("the line is not valid UTF-8")
                continue
            }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(bytes))
            } catch {
                fail("not valid JSON")
                continue
            }
            guard let dictionary = object as? [String: Any] else {
                fail("expected a JSON object like {\"text\": \"...\", \"intent\": \"...\"}")
                continue
            }
            guard let text = dictionary["text"] as? String else {
                fail(dictionary["text"] == nil ? "missing \"text\"" : "\"text\" must be a string")
                continue
            }
            guard let intent = dictionary["intent"] as? String, !intent.isEmpty else {
                fail(dictionary["intent"] == nil ? "missing \"intent\"" : "\"intent\" must be a non-empty string")
                continue
            }
            examples.append(LabeledExample(text: text, intent: IntentName(intent)))
        }
        if !diagnostics.isEmpty {
            throw FrontdeskError(.invalidData, "\(path) has \(diagnostics.count) bad line(s)", diagnostics: diagnostics)
        }
        return examples
    }
}

/// Accuracy figures of a model trained on one set and tested on another.
public struct EvaluationReport: Sendable, Codable, Equatable {
    public var trainExamples: Int
    public var testExamples: Int
    public var intents: Int
    public var accuracy: Double
    public var macroF1: Double
    /// With an out-of-scope label: accuracy on the in-scope test items.
    public var inScopeAccuracy: Double?
    /// With an out-of-scope label: share of out-of-scope items predicted out-of-scope.
    public var oosRecall: Double?
    public var threshold: Double
    public var trainSeconds: Double
    public var msPerMessage: Double
}

public enum Evaluation {
    /// Trains on `train`, classifies each test message on its own (as in a conversation) and
    /// scores the predictions. A prediction below `threshold` counts as out-of-scope
    /// (`oosLabel`) or, without one, as no intent.
    public static func run(
        train: [LabeledExample], test: [LabeledExample], language: LanguageCode, oosLabel: IntentName?,
        threshold: Double, options: TrainingOptions = TrainingOptions()
    ) -> EvaluationReport {
        let clock = ContinuousClock()
        let trainStart = clock.now
        let model = IntentModel.train(examples: train.map { ($0.text, $0.intent) }, language: language, options: options)
        let trainSeconds = (clock.now - trainStart).seconds

        let noIntent = IntentName("\u{0}none")
        var predictions: [IntentName] = []
        predictions.reserveCapacity(test.count)
        let testStart = clock.now
        for example in test {
            let best = model.classify(example.text).first
            if let best, best.confidence >= threshold {
                predictions.append(best.intent)
            } else {
                predictions.append(oosLabel ?? noIntent)
            }
        }
        let testSeconds = (clock.now - testStart).seconds

        let gold = test.map(\.intent)
        let correct = zip(gold, predictions).filter { $0 == $1 }.count
        var inScopeAccuracy: Double?
        var oosRecall: Double?
        if let oosLabel {
            let inScope = zip(gold, predictions).filter { $0.0 != oosLabel }
            let outOfScope = zip(gold, predictions).filter { $0.0 == oosLabel }
            inScopeAccuracy = inScope.isEmpty ? nil : Double(inScope.filter { $0 == $1 }.count) / Double(inScope.count)
            oosRecall = outOfScope.isEmpty ? nil : Double(outOfScope.filter { $0 == $1 }.count) / Double(outOfScope.count)
        }
        return EvaluationReport(
            trainExamples: train.count, testExamples: test.count, intents: model.classes.count,
            accuracy: test.isEmpty ? 0 : Double(correct) / Double(test.count),
            macroF1: macroF1(gold: gold, predicted: predictions),
            inScopeAccuracy: inScopeAccuracy, oosRecall: oosRecall, threshold: threshold,
            trainSeconds: trainSeconds, msPerMessage: test.isEmpty ? 0 : testSeconds * 1000 / Double(test.count))
    }

    /// The mean F1 over the labels of the gold standard.
    public static func macroF1(gold: [IntentName], predicted: [IntentName]) -> Double {
        let labels = Set(gold).sorted()
        guard !labels.isEmpty else { return 0 }
        var total = 0.0
        for label in labels {
            var tp = 0, fp = 0, fn = 0
            for (g, p) in zip(gold, predicted) {
                if p == label && g == label { tp += 1 } else if p == label { fp += 1 } else if g == label { fn += 1 }
            }
            let denominator = Double(2 * tp + fp + fn)
            total += denominator == 0 ? 0 : Double(2 * tp) / denominator
        }
        return total / Double(labels.count)
    }
}
