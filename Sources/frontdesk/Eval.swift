import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskUnderstanding

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train on one labelled file, test on another, and print accuracy figures.",
        discussion: """
            Files are JSON Lines: {"text": "...", "intent": "..."} per line. Each test message \
            is classified on its own, as in a conversation. With --oos-label, an item counts as \
            predicted out-of-scope when it gets that label or its confidence is below the threshold.
            """)

    @Option(name: .long, help: ArgumentHelp("Training data (JSON Lines).", valueName: "file"))
    var train: String

    @Option(name: .long, help: ArgumentHelp("Test data (JSON Lines).", valueName: "file"))
    var test: String

    @Option(name: .long, help: ArgumentHelp("The label of out-of-scope items (for example oos).", valueName: "label"))
    var oosLabel: String?

    @Option(name: .long, help: ArgumentHelp("Confidence below which a prediction counts as no intent / out-of-scope.", valueName: "x"))
    var threshold: Double = Eval.defaultThreshold

    @Option(name: .long, help: ArgumentHelp("Language of the data (for stemming).", valueName: "code"))
    var lang: String = "en"

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @OptionGroup(visibility: .hidden) var training: TrainingFlags

    @OptionGroup var logging: LoggingOptions

    static let defaultThreshold = 0.15

    func validate() throws {
        guard (0...1).contains(threshold) else { throw ValidationError("--threshold must be between 0 and 1") }
        guard LanguageCode.isWellFormed(lang) else { throw ValidationError("--lang must be a language code such as en or de") }
    }

    func run() throws {
        logging.bootstrap()
        var failures: [FrontdeskError] = []
        var trainData: [LabeledExample] = []
        var testData: [LabeledExample] = []
        do { trainData = try read(train) } catch { failures.append(error) }
        do { testData = try read(test) } catch { failures.append(error) }
        guard failures.isEmpty else {
            for failure in failures { report(failure) }
            throw ExitCode(2)
        }
        let report = Evaluation.run(
            train: trainData, test: testData, language: LanguageCode(lang),
            oosLabel: oosLabel.map { IntentName($0) }, threshold: threshold, options: training.options)
        if json {
            let object: [String: Any] = [
                "accuracy": report.accuracy,
                "macro_f1": report.macroF1,
                "in_scope_accuracy": report.inScopeAccuracy ?? NSNull(),
                "oos_recall": report.oosRecall ?? NSNull(),
                "train_seconds": report.trainSeconds,
                "ms_per_message": report.msPerMessage,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            output(String(decoding: data, as: UTF8.self))
        } else {
            func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
            output("train: \(report.trainExamples) examples, \(report.intents) intents, \(String(format: "%.2f", report.trainSeconds)) s")
            output("test:  \(report.testExamples) examples, \(String(format: "%.3f", report.msPerMessage)) ms per message")
            output("accuracy:          \(percent(report.accuracy))")
            output("macro-F1:          \(String(format: "%.3f", report.macroF1))")
            if let a = report.inScopeAccuracy { output("in-scope accuracy: \(percent(a))") }
            if let r = report.oosRecall { output("out-of-scope recall: \(percent(r)) (threshold \(report.threshold))") }
        }
    }

    private func read(_ path: String) throws(FrontdeskError) -> [LabeledExample] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FrontdeskError(.io, "\(path): cannot read the file")
        }
        let examples = try LabeledData.parseJSONLines(data, path: path)
        guard !examples.isEmpty else {
            throw FrontdeskError(.invalidData, "\(path): no examples (expected {\"text\": ..., \"intent\": ...} lines)")
        }
        return examples
    }
}

/// Training knobs for experiments (hidden from --help; the defaults are what bots use).
struct TrainingFlags: ParsableArguments {
    @Option(help: "SGD epochs.") var epochs: Int?
    @Option(help: "Initial learning rate.") var learningRate: Float?
    @Option(help: "L2 regularisation per example.") var l2: Float?
    @Option(help: "Shortest character n-gram.") var charMin: Int?
    @Option(help: "Longest character n-gram.") var charMax: Int?
    @Option(help: "Weight of the character n-gram block.") var charWeight: Float?
    @Option(help: "Minimum document frequency of character n-grams.") var minDf: Int?

    func validate() throws {
        if let epochs, !(1...1000).contains(epochs) { throw ValidationError("--epochs must be between 1 and 1000") }
        if let learningRate, !(learningRate > 0 && learningRate <= 100) { throw ValidationError("--learning-rate must be above 0 and at most 100") }
        if let l2, !(l2 >= 0 && l2 < 1) { throw ValidationError("--l2 must be at least 0 and below 1") }
        if let charMin, !(1...10).contains(charMin) { throw ValidationError("--char-min must be between 1 and 10") }
        if let charMax, !(1...10).contains(charMax) { throw ValidationError("--char-max must be between 1 and 10") }
        if let charWeight, !(charWeight >= 0 && charWeight <= 100) { throw ValidationError("--char-weight must be between 0 and 100") }
        if let minDf, !(1...1_000_000).contains(minDf) { throw ValidationError("--min-df must be at least 1") }
    }

    var options: TrainingOptions {
        var o = TrainingOptions()
        if let epochs { o.epochs = epochs }
        if let learningRate { o.learningRate = learningRate }
        if let l2 { o.l2 = l2 }
        let lower = charMin ?? o.features.charGrams.lowerBound, upper = charMax ?? o.features.charGrams.upperBound
        if lower >= 1, lower <= upper { o.features.charGrams = lower...upper }
        if let charWeight { o.features.charWeight = charWeight }
        if let minDf { o.minCharDocumentFrequency = minDf }
        return o
    }
}
