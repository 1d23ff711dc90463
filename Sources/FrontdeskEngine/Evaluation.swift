import Foundation
import FrontdeskBotFormat
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
            switch LabeledLine.parse(Data(bytes)) {
            case .failure(let problem):
                fail(problem.message)
            case .success(let example) where example.intent.isEmpty:
                fail("\"intent\" must be a non-empty string")
            case .success(let example):
                examples.append(LabeledExample(text: example.text, intent: IntentName(example.intent)))
            }
        }
        if !diagnostics.isEmpty {
            throw FrontdeskError(.invalidData, "\(path) has \(diagnostics.count) bad line(s)", diagnostics: diagnostics)
        }
        return examples
    }
}

public enum Evaluation {
    /// Trains on `train`, classifies each test message on its own (as in a conversation) and
    /// scores the predictions. A prediction below `threshold` counts as out-of-scope
    /// (`oosLabel`) or, without one, as no intent. With `calibrationFolds` (at least 2) the
    /// model is calibrated by cross-validation of the training data
    /// (`IntentModel.trainCalibrated`); a `nil` threshold is then the one it chose. `options`
    /// gives each language's training options.
    public static func run(
        train: [LabeledExample], test: [LabeledExample], language: LanguageCode, oosLabel: IntentName?,
        threshold: Double?, options: (LanguageCode) -> TrainingOptions = { _ in TrainingOptions() }, calibrationFolds: Int = 0
    ) -> EvaluationReport {
        let clock = ContinuousClock()
        let trainStart = clock.now
        let languageOptions = options(language)
        let model = trainModel(train, language: language, options: languageOptions, calibrationFolds: calibrationFolds, oosLabel: oosLabel)
        let trainSeconds = (clock.now - trainStart).seconds
        let threshold = threshold ?? model.calibration.threshold ?? 0

        let testStart = clock.now
        let predictions = predict(test, with: model, oosLabel: oosLabel, threshold: threshold)
        let testSeconds = (clock.now - testStart).seconds
        var report = EvaluationReport(
            predictions: predictions, trainExamples: train.count, intents: model.classes.count, oosLabel: oosLabel,
            threshold: threshold, trainSeconds: trainSeconds, testSeconds: testSeconds, folds: nil, seed: nil)
        report.embeddings = model.usesEmbeddings
        report.namesAsExamples = languageOptions.namesAsExamples
        return report
    }

    /// Stratified K-fold cross-validation: the examples of each set (one per language, each
    /// with its own model, as in a bot) are split into `folds` folds that keep the intents'
    /// proportions (`stratifiedFolds`); each fold is classified by a model trained on the
    /// other folds of its set. Every example is tested exactly once; the predictions are in
    /// the order of the sets and of their examples.
    public static func crossValidate(
        sets: [(language: LanguageCode, examples: [LabeledExample])], folds: Int, seed: UInt64,
        oosLabel: IntentName?, threshold: Double?, options: (LanguageCode) -> TrainingOptions = { _ in TrainingOptions() },
        calibrationFolds: Int = 0
    ) -> EvaluationReport {
        precondition(folds >= 2, "cross-validation needs at least 2 folds")
        var chosen: [Double] = []
        let clock = ContinuousClock()
        var trainSeconds = 0.0, testSeconds = 0.0
        var predictions: [Prediction] = []
        var intents = Set<IntentName>()
        var usedEmbeddings = false, usedNames = false
        for set in sets {
            let examples = set.examples
            let setOptions = options(set.language)
            usedNames = usedNames || setOptions.namesAsExamples
            intents.formUnion(examples.map(\.intent))
            let assignment = stratifiedFolds(labels: examples.map(\.intent), folds: folds, seed: seed)
            var setPredictions = [Prediction?](repeating: nil, count: examples.count)
            for fold in 0..<folds {
                let testIndices = assignment.indices.filter { assignment[$0] == fold }
                guard !testIndices.isEmpty else { continue }
                let train = assignment.indices.filter { assignment[$0] != fold }.map { examples[$0] }
                let test = testIndices.map { examples[$0] }
                let trainStart = clock.now
                let model = trainModel(train, language: set.language, options: setOptions, calibrationFolds: calibrationFolds, oosLabel: oosLabel)
                usedEmbeddings = usedEmbeddings || model.usesEmbeddings
                trainSeconds += (clock.now - trainStart).seconds
                let foldThreshold = threshold ?? model.calibration.threshold ?? 0
                chosen.append(foldThreshold)
                let testStart = clock.now
                let foldPredictions = predict(test, with: model, oosLabel: oosLabel, threshold: foldThreshold)
                testSeconds += (clock.now - testStart).seconds
                for (index, prediction) in zip(testIndices, foldPredictions) { setPredictions[index] = prediction }
            }
            predictions += setPredictions.compactMap { $0 }
        }
        var report = EvaluationReport(
            predictions: predictions, trainExamples: predictions.count, intents: intents.count, oosLabel: oosLabel,
            threshold: threshold ?? (chosen.isEmpty ? 0 : chosen.reduce(0, +) / Double(chosen.count)), trainSeconds: trainSeconds, testSeconds: testSeconds, folds: folds, seed: seed)
        report.embeddings = usedEmbeddings
        report.namesAsExamples = usedNames
        return report
    }

    static func trainModel(
        _ examples: [LabeledExample], language: LanguageCode, options: TrainingOptions, calibrationFolds: Int, oosLabel: IntentName?
    ) -> IntentModel {
        let pairs = examples.map { ($0.text, $0.intent) }
        return calibrationFolds >= 2
            ? IntentModel.trainCalibrated(examples: pairs, language: language, options: options, folds: calibrationFolds, outOfScope: oosLabel)
            : IntentModel.train(examples: pairs, language: language, options: options, outOfScope: oosLabel)
    }

    /// Classifies each message on its own. The best intent is the prediction when its
    /// confidence reaches `threshold`; otherwise the prediction is `oosLabel` or, without
    /// one, no intent (`nil`).
    public static func predict(
        _ test: [LabeledExample], with model: IntentModel, oosLabel: IntentName?, threshold: Double
    ) -> [Prediction] {
        let clock = ContinuousClock()
        return test.map { example in
            let start = clock.now
            let best = model.classify(example.text).first
            let milliseconds = (clock.now - start).seconds * 1000
            let confidence = best?.confidence ?? 0
            let predicted = best.flatMap { $0.confidence >= threshold ? $0.intent : nil } ?? oosLabel
            return Prediction(text: example.text, expected: example.intent, predicted: predicted, confidence: confidence, best: best?.intent, milliseconds: milliseconds)
        }
    }

    /// The fold of each example: `IntentModel.stratifiedFolds`.
    public static func stratifiedFolds(labels: [IntentName], folds: Int, seed: UInt64) -> [Int] {
        IntentModel.stratifiedFolds(labels: labels, folds: folds, seed: seed)
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
