import ArgumentParser
import Foundation
import FrontdeskBotFormat
import FrontdeskCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn training data (JSON Lines, CSV, Rasa NLU YAML) into a new bot folder.",
        discussion: """
            Reads {"text": ..., "intent": ...} lines (.jsonl), text,intent CSV with a header \
            row (.csv) or Rasa NLU training data (.yml, .yaml), and writes a bot folder \
            (bot.yaml, intents.yaml, entities.yaml) that `frontdesk validate` and `frontdesk \
            chat` read. What could not be converted is reported as file:line:column: warning: \
            ... Each intent gets the placeholder reply "TODO: reply for <intent>". Exit \
            status: 0 written, 1 output files exist (without --force) or cannot be written, 2 \
            the input has errors or no examples. See docs/import.md.
            """)

    @Argument(help: ArgumentHelp("Training data files: .jsonl, .csv, or Rasa NLU .yml/.yaml.", valueName: "file"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("The bot folder to write (created).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("The bot's name (default: the folder's name).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("The language of the examples (an ISO 639-1 code).", valueName: "code"))
    var language: String = "en"

    @Option(name: .long, help: ArgumentHelp("Read every file as this format: jsonl, csv or rasa (default: from the extension).", valueName: "format"))
    var format: String?

    @Option(name: .long, help: ArgumentHelp("The label of out-of-scope examples, imported as the intent out_of_scope (\"\" for none).", valueName: "label"))
    var oosLabel: String = "oos"

    @Flag(name: .long, help: "Leave the out-of-scope examples out.")
    var dropOos = false

    @Flag(name: .long, help: "Overwrite the bot files if they exist.")
    var force = false

    func validate() throws {
        guard LanguageCode.isKnown(language) else {
            throw ValidationError("--language must be a language code such as en or de, not '\(language)'")
        }
        if let format, TrainingDataFormat(rawValue: format) == nil {
            throw ValidationError("--format must be jsonl, csv or rasa, not '\(format)'")
        }
        if let name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--name must not be empty")
        }
    }

    func run() throws {
        var inputs: [TrainingDataFile] = []
        for path in files {
            var diagnostics: [Diagnostic] = []
            guard let chosen = format.flatMap(TrainingDataFormat.init(rawValue:)) ?? TrainingDataFormat(path: path) else {
                inputs.append(TrainingDataFile(diagnostics: [Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1),
                    "cannot tell the format from the file name (use .jsonl, .csv, .yml or .yaml, or --format jsonl|csv|rasa)")]))
                continue
            }
            guard let text = BotLoader.readText(path, into: &diagnostics) else {
                inputs.append(TrainingDataFile(diagnostics: diagnostics))
                continue
            }
            inputs.append(TrainingDataImport.read(text, path: path, format: chosen))
        }
        let options = TrainingDataImport.Options(outOfScopeLabel: oosLabel.isEmpty ? nil : oosLabel, keepOutOfScope: !dropOos)
        var bot = TrainingDataImport.convert(inputs, options: options)
        if !bot.hasErrors, bot.intents.isEmpty {
            bot.diagnostics.append(Diagnostic(.error, at: SourceLocation(file: files[0], line: 1, column: 1), "no examples to import"))
        }
        for diagnostic in bot.diagnostics { printError(diagnostic.rendered) }
        let errors = bot.diagnostics.filter { $0.severity == .error }.count
        let warnings = bot.diagnostics.count - errors
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        if errors > 0 {
            printError("\(plural(errors, "error")), \(plural(warnings, "warning")); nothing written")
            throw ExitCode(2)
        }

        let dir = out.count > 1 && out.hasSuffix("/") ? String(out.dropLast()) : out
        let botName = name ?? URL(fileURLWithPath: dir).standardized.lastPathComponent
        let written: [(name: String, content: String)]
        do {
            written = try bot.files(name: botName, language: LanguageCode(language))
        } catch {
            printError("error: cannot write the bot's YAML: \(error)")
            throw ExitCode(1)
        }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: dir, isDirectory: &isDirectory), !isDirectory.boolValue {
            printError("error: \(dir) exists and is not a folder")
            throw ExitCode(1)
        }
        let existing = written.map { "\(dir)/\($0.name)" }.filter { manager.fileExists(atPath: $0) }
        if !existing.isEmpty, !force {
            printError("error: \(existing.joined(separator: ", ")) already exist\(existing.count == 1 ? "s" : ""); nothing written (--force overwrites)")
            throw ExitCode(1)
        }
        do {
            try manager.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for file in written {
                try Data(file.content.utf8).write(to: URL(fileURLWithPath: "\(dir)/\(file.name)"), options: .atomic)
            }
        } catch {
            printError("error: cannot write the bot to \(dir): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let others = ((try? manager.contentsOfDirectory(atPath: dir)) ?? []).filter { name in
            (name.hasSuffix(".yaml") || name.hasSuffix(".yml")) && !name.hasPrefix(".") && !written.contains { $0.name == name }
        }.sorted()
        if !others.isEmpty {
            printError("warning: \(dir) also has \(others.joined(separator: ", ")), which the bot will read too")
        }

        output("imported \(plural(bot.exampleCount, "example")) of \(plural(bot.intents.count, "intent"))"
               + (bot.entities.isEmpty ? "" : " and \(plural(bot.entities.count, "entity").replacingOccurrences(of: "entitys", with: "entities"))")
               + " into \(dir) (\(written.map(\.name).joined(separator: ", ")))")
        if bot.skippedOutOfScope > 0 {
            output("left out \(plural(bot.skippedOutOfScope, "out-of-scope example")) (label '\(oosLabel)')")
        }
        if bot.outOfScopeExamples > 0 {
            output("\(plural(bot.outOfScopeExamples, "out-of-scope example")) (label '\(oosLabel)') went into the intent out_of_scope: when it wins, the bot gives its fallback reply (--drop-oos leaves them out)")
        }
        let intentModel = bot.intentModelSettings(language: LanguageCode(language))
        if intentModel.embeddings {
            output("static word embeddings are on for the English intent model (intent_model.embeddings in \(dir)/\(BotLoader.settingsFileName)): better with paraphrases at this size")
        }
        if intentModel.namesAsExamples {
            output("each intent's name, read as words, is one more example of it (intent_model.names_as_examples in \(dir)/\(BotLoader.settingsFileName); set it to false if the names are only labels)")
        }
        output("every intent has the placeholder reply \"TODO: reply for <intent>\": write its real replies in \(dir)/\(ImportedBot.intentsFileName)")
        if warnings > 0 {
            output("\(plural(warnings, "warning")): what was not converted is listed above")
        }
        output("next: frontdesk validate --bot \(dir)")
    }
}
