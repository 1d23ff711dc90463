import ArgumentParser
import Foundation
import FrontdeskBotFormat
import FrontdeskCore
import FrontdeskEngine
import FrontdeskUnderstanding

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure intent matching: train on one file and test on another, or cross-validate.",
        discussion: """
            Files are JSON Lines: {"text": "...", "intent": "..."} per line. Each test message \
            is classified on its own, as in a conversation. With --oos-label, an item counts as \
            predicted out-of-scope when it gets that label or its confidence is below the threshold.

            Two modes: --train FILE --test FILE; or --cv K with --data FILE or --bot DIR (the \
            bot's examples, one model per language, as the bot has), in K stratified folds. \
            The report lists precision, recall, F1 and support per intent, the averages, the \
            most confused pairs and the confidence of right and wrong predictions.

            The model is trained as a bot's would be: with --bot, as its bot.yaml says; for a \
            data file, English data of 500 examples or more adds the static word embeddings, as \
            frontdesk import sets such a bot up (--embeddings on|off to choose), and each \
            intent's name, read as words, is one more training example, as in an imported bot \
            (--names-as-examples on|off).

            --calibrate fits the model's confidence scale (temperature) on a 3-fold \
            cross-validation of the training data, as bots do; --threshold auto also uses the \
            threshold chosen there (the one with the fewest mistakes: right answers lost plus \
            wrong or out-of-scope messages answered), as bots without a set threshold do.
            """)

    @Option(name: .long, help: ArgumentHelp("Training data (JSON Lines).", valueName: "file"))
    var train: String?

    @Option(name: .long, help: ArgumentHelp("Test data (JSON Lines).", valueName: "file"))
    var test: String?

    @Option(name: .long, help: ArgumentHelp("Cross-validate in this many stratified folds (with --data or --bot).", valueName: "k"))
    var cv: Int?

    @Option(name: .long, help: ArgumentHelp("Labelled data to cross-validate (JSON Lines).", valueName: "file"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("A bot folder whose intent examples to cross-validate.", valueName: "dir"))
    var bot: String?

    @Option(name: .long, help: ArgumentHelp("Seed of the folds' shuffle.", valueName: "n"))
    var seed: UInt64 = 42

    @Option(name: .long, help: ArgumentHelp("The label of out-of-scope items (for example oos).", valueName: "label"))
    var oosLabel: String?

    @Option(name: .long, help: ArgumentHelp("Confidence below which a prediction counts as no intent / out-of-scope, or 'auto' (chosen by cross-validation of the training data; implies --calibrate).", valueName: "x|auto"))
    var threshold: String = "\(Eval.defaultThreshold)"

    @Flag(name: .long, help: "Calibrate the confidences by cross-validating the training data, as a bot does.")
    var calibrate = false

    @Option(name: .long, help: ArgumentHelp("Language of the data, for stemming (default: en; with --bot, every language of the bot).", valueName: "code"))
    var lang: String?

    @Option(name: .long, help: ArgumentHelp("How many of the most confused intent pairs to list.", valueName: "n"))
    var pairs: Int = 10

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write the report as a self-contained HTML page.", valueName: "file"))
    var html: String?

    @Option(name: .long, help: ArgumentHelp("Also write the misclassified messages as JSON Lines.", valueName: "file"))
    var errors: String?

    @Option(name: .long, help: ArgumentHelp("Static word embeddings in the English model: auto (a bot's own setting; for a data file, on from 500 English examples, as frontdesk import sets it up), on or off.", valueName: "auto|on|off"))
    var embeddings: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Each intent's name, read as words, as one more training example: auto (a bot's own setting; on for a data file), on or off.", valueName: "auto|on|off"))
    var namesAsExamples: String = "auto"

    @OptionGroup(visibility: .hidden) var training: TrainingFlags

    @OptionGroup var logging: LoggingOptions

    static let defaultThreshold = 0.15

    func validate() throws {
        if threshold != "auto" {
            guard let value = Double(threshold), (0...1).contains(value) else { throw ValidationError("--threshold must be a number between 0 and 1, or auto") }
        }
        if let lang { guard LanguageCode.isWellFormed(lang) else { throw ValidationError("--lang must be a language code such as en or de") } }
        guard ["auto", "on", "off"].contains(embeddings) else { throw ValidationError("--embeddings must be auto, on or off") }
        guard ["auto", "on", "off"].contains(namesAsExamples) else { throw ValidationError("--names-as-examples must be auto, on or off") }
        if embeddings != "auto", training.embeddingWeight != nil { throw ValidationError("give --embeddings or --embedding-weight, not both") }
        guard (0...10_000).contains(pairs) else { throw ValidationError("--pairs must be between 0 and 10000") }
        if let cv {
            guard (2...1000).contains(cv) else { throw ValidationError("--cv must be between 2 and 1000") }
            guard train == nil, test == nil else { throw ValidationError("--cv cross-validates --data or --bot: leave out --train and --test") }
            guard (data == nil) != (bot == nil) else { throw ValidationError("--cv needs either --data FILE or --bot DIR") }
        } else {
            guard data == nil, bot == nil else { throw ValidationError("--data and --bot are for cross-validation: add --cv K") }
            guard train != nil, test != nil else { throw ValidationError("give --train FILE and --test FILE, or --cv K with --data FILE or --bot DIR") }
        }
    }

    /// `nil`: chosen by the calibration.
    private var fixedThreshold: Double? { threshold == "auto" ? nil : Double(threshold) }
    private var calibrationFolds: Int { calibrate || threshold == "auto" ? 3 : 0 }

    func run() throws {
        logging.bootstrap()
        let result: EvaluationReport
        let subtitle: String
        let oos = oosLabel.map { IntentName($0) }
        if let cv {
            let sets: [(language: LanguageCode, examples: [LabeledExample])]
            let base: (LanguageCode) -> TrainingOptions
            if let data {
                let examples: [LabeledExample]
                do { examples = try read(data) } catch { report(error); throw ExitCode(2) }
                sets = [(LanguageCode(lang ?? "en"), examples)]
                base = { chosen(TrainingOptions.recommended(for: $0, examples: examples.count), language: $0) }
                subtitle = "\(data), \(cv)-fold cross-validation"
            } else {
                let bot = bot ?? "intents"
                let settings: IntentModelSettings
                do { (sets, settings) = try botExamples(bot) } catch { report(error); throw ExitCode(2) }
                // As the bot trains them (EngineLoader): the English model with the embeddings if it says so.
                base = { chosen(TrainingOptions.bot(language: $0, settings: settings), language: $0) }
                subtitle = "bot \(bot) (\(sets.map(\.language.rawValue).joined(separator: ", "))), \(cv)-fold cross-validation"
            }
            for set in sets where set.examples.count < cv {
                report(FrontdeskError(.invalidData, "\(cv) folds need at least \(cv) examples; \(set.language) has \(set.examples.count)"))
                throw ExitCode(2)
            }
            warnWithoutEmbeddings(sets.map { training.options(base: base($0.language)) })
            result = Evaluation.crossValidate(
                sets: sets, folds: cv, seed: seed, oosLabel: oos, threshold: fixedThreshold, options: { training.options(base: base($0)) },
                calibrationFolds: calibrationFolds)
        } else {
            let train = train ?? "", test = test ?? ""
            var failures: [FrontdeskError] = []
            var trainData: [LabeledExample] = []
            var testData: [LabeledExample] = []
            do { trainData = try read(train) } catch { failures.append(error) }
            do { testData = try read(test) } catch { failures.append(error) }
            guard failures.isEmpty else {
                for failure in failures { report(failure) }
                throw ExitCode(2)
            }
            let language = LanguageCode(lang ?? "en")
            let options = training.options(base: chosen(TrainingOptions.recommended(for: language, examples: trainData.count), language: language))
            warnWithoutEmbeddings([options])
            result = Evaluation.run(
                train: trainData, test: testData, language: language,
                oosLabel: oos, threshold: fixedThreshold, options: { _ in options }, calibrationFolds: calibrationFolds)
            subtitle = "trained on \(train), tested on \(test)"
        }
        if json {
            output(result.json(pairs: pairs).serialized)
        } else {
            for line in result.textLines(pairs: pairs) { output(line) }
        }
        var written = true
        if let html {
            let page = EvaluationHTML.render(result, title: "Intent matching: evaluation", subtitle: subtitle, pairs: pairs)
            written = write(page, to: html, what: "the HTML report") && written
        }
        if let errors {
            written = write(result.errorLines, to: errors, what: "the errors") && written
        }
        if let path = training.allPredictions {
            let lines = result.predictions.map { p in
                JSONValue.object(JSONObject([
                    (key: "expected", value: .string(p.expected.rawValue)),
                    (key: "best", value: p.best.map { .string($0.rawValue) } ?? .null),
                    (key: "confidence", value: .number("\(p.confidence)")),
                ])).serialized + "\n"
            }
            written = write(lines.joined(), to: path, what: "the predictions") && written
        }
        if !written { throw ExitCode(2) }
    }

    private func write(_ text: String, to path: String, what: String) -> Bool {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return true
        } catch {
            printError("error: \(path): cannot write \(what): \(error.localizedDescription)")
            return false
        }
    }

    /// `automatic` (the options a bot would have), unless `--embeddings on|off` or
    /// `--names-as-examples on|off` says otherwise (the embeddings are English: `on` applies to
    /// the English model only).
    private func chosen(_ automatic: TrainingOptions, language: LanguageCode) -> TrainingOptions {
        var options: TrainingOptions
        switch embeddings {
        case "on": options = TrainingOptions.bot(language: language, settings: IntentModelSettings(embeddings: true))
        case "off": options = TrainingOptions()
        default: options = automatic
        }
        switch namesAsExamples {
        case "on", "off": options.namesAsExamples = namesAsExamples == "on"
        default: options.namesAsExamples = automatic.namesAsExamples
        }
        return options
    }

    private func warnWithoutEmbeddings(_ options: [TrainingOptions]) {
        if options.contains(where: { $0.embeddingWeight > 0 }), let error = EmbeddingTable.loadError {
            printError("warning: training without embeddings: \(error.message)")
        }
    }

    /// The bot's examples per language (all its languages, or `--lang`), and its
    /// `intent_model` settings.
    private func botExamples(
        _ directory: String
    ) throws(FrontdeskError) -> ([(language: LanguageCode, examples: [LabeledExample])], IntentModelSettings) {
        let bot = try BotLoader.load(directory: directory).bot
        var languages = bot.languages
        if let lang {
            let language = LanguageCode(lang)
            guard languages.contains(language) else {
                throw FrontdeskError(.invalidData, "the bot in \(directory) does not speak \(language) (it speaks \(languages.map(\.rawValue).joined(separator: ", ")))")
            }
            languages = [language]
        }
        let sets = languages.map { language in
            (language: language, examples: bot.trainingExamples(for: language).map { LabeledExample(text: $0.text, intent: $0.intent) })
        }.filter { !$0.examples.isEmpty }
        guard !sets.isEmpty else { throw FrontdeskError(.invalidData, "the bot in \(directory) has no examples") }
        return (sets, bot.intentModel)
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
    @Option(help: "Small training sets: epochs for at least this many SGD steps (0: none).") var minSteps: Int?
    @Option(help: "Classes with a smaller gradient are not updated for an example.") var gradientFloor: Float?
    @Option(help: "Initial learning rate.") var learningRate: Float?
    @Option(help: "L2 regularisation per example.") var l2: Float?
    @Option(help: "Shortest character n-gram.") var charMin: Int?
    @Option(help: "Longest character n-gram.") var charMax: Int?
    @Option(help: "Weight of the character n-gram block.") var charWeight: Float?
    @Option(help: "Minimum document frequency of character n-grams.") var minDf: Int?
    @Option(help: "Write every prediction (best intent and confidence) as JSON Lines.") var allPredictions: String?
    @Flag(help: "Character n-grams across word boundaries.") var across = false
    @Option(help: "Weight of a one-vs-rest squared-hinge model added to the scores.") var hingeWeight: Float?
    @Option(help: "L2 regularisation of the hinge model.") var hingeL2: Float?
    @Option(help: "Weight of the logistic regression (0: none).") var logisticWeight: Float?
    @Option(help: "Initial learning rate of the hinge model.") var hingeLearningRate: Float?
    @Option(help: "Weight of the dense block from the static token embeddings (0: none).") var embeddingWeight: Float?

    func validate() throws {
        if let epochs, !(1...1000).contains(epochs) { throw ValidationError("--epochs must be between 1 and 1000") }
        if let minSteps, !(0...100_000_000).contains(minSteps) { throw ValidationError("--min-steps must be between 0 and 100000000") }
        if let learningRate, !(learningRate > 0 && learningRate <= 100) { throw ValidationError("--learning-rate must be above 0 and at most 100") }
        if let l2, !(l2 >= 0 && l2 < 1) { throw ValidationError("--l2 must be at least 0 and below 1") }
        if let charMin, !(1...10).contains(charMin) { throw ValidationError("--char-min must be between 1 and 10") }
        if let charMax, !(1...10).contains(charMax) { throw ValidationError("--char-max must be between 1 and 10") }
        if let charWeight, !(charWeight >= 0 && charWeight <= 100) { throw ValidationError("--char-weight must be between 0 and 100") }
        if let minDf, !(1...1_000_000).contains(minDf) { throw ValidationError("--min-df must be at least 1") }
        if let embeddingWeight, !(embeddingWeight >= 0 && embeddingWeight <= 100) { throw ValidationError("--embedding-weight must be between 0 and 100") }
    }

    /// `base` (as a bot would train: with or without the embeddings) with the flags given on
    /// top. `--embedding-weight 0` trains without the embeddings, with the sparse model's own
    /// settings; another weight turns them on, for any language.
    func options(base: TrainingOptions) -> TrainingOptions {
        var o: TrainingOptions
        switch embeddingWeight {
        case nil: o = base
        case 0?: o = TrainingOptions()
        case _?: o = TrainingOptions().withEmbeddings()
        }
        if let epochs { o.epochs = epochs }
        if let minSteps { o.minimumSteps = minSteps }
        if let gradientFloor { o.gradientFloor = gradientFloor }
        if let learningRate { o.learningRate = learningRate }
        if let l2 { o.l2 = l2 }
        let lower = charMin ?? o.features.charGrams.lowerBound, upper = charMax ?? o.features.charGrams.upperBound
        if lower >= 1, lower <= upper { o.features.charGrams = lower...upper }
        if let charWeight { o.features.charWeight = charWeight }
        if let minDf { o.minCharDocumentFrequency = minDf }
        if across { o.features.charAcrossWords = true }
        if let hingeWeight { o.hingeWeight = hingeWeight }
        if let hingeL2 { o.hingeL2 = hingeL2 }
        if let logisticWeight { o.logisticWeight = logisticWeight }
        if let hingeLearningRate { o.hingeLearningRate = hingeLearningRate }
        if let embeddingWeight { o.embeddingWeight = embeddingWeight }
        return o
    }
}
