import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskEngine
import FrontdeskStore
import FrontdeskTesting
import Logging

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the bot's files and transcripts for errors and risks.",
        discussion: """
            Reports everything the loader reports, plus warnings: the same example under two \
            intents, near-duplicate examples of different intents, intents with too few \
            examples, languages missing for an intent's examples or replies, replies that are \
            never used, and transcripts that use unknown intents or expect replies no intent \
            has. Each message is file:line:column: error|warning: text. Exit status: 0 clean \
            (or only warnings without --strict), 1 warnings with --strict, 2 errors.
            """)

    @OptionGroup var options: BotOptions

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Transcript files or folders to check (default: transcripts, if it exists).", valueName: "path"))
    var transcripts: [String] = []

    @Flag(name: .long, help: "Exit with status 1 when there are warnings.")
    var strict = false

    func run() throws {
        options.logging.bootstrap()
        let logger = Logger(label: "frontdesk.validate")
        var diagnostics: [Diagnostic] = []
        var engine: Engine?
        do {
            let store = try Store(path: options.db, logger: logger)
            let loaded = try EngineLoader.load(botDirectory: options.bot, store: store, variations: .first, logger: logger)
            engine = loaded.engine
            diagnostics += loaded.warnings
            diagnostics += BotValidator.check(loaded.engine)
            diagnostics += BotValidator.check(knowledgeOf: loaded.engine.bot, articles: try store.knowledgeArticles().map(\.article))
        } catch {
            diagnostics += error.diagnostics.isEmpty
                ? [Diagnostic(.error, at: SourceLocation(file: options.bot, line: 1, column: 1), error.message)]
                : error.diagnostics
        }

        let paths = transcripts.isEmpty ? (FileManager.default.fileExists(atPath: "transcripts") ? ["transcripts"] : []) : transcripts
        do {
            for file in try TranscriptFiles.find(paths) {
                do {
                    let transcript = try Transcript.read(path: file)
                    if let engine { diagnostics += BotValidator.check(transcript: transcript, bot: engine.bot) }
                } catch {
                    diagnostics += error.diagnostics
                }
            }
        } catch {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: paths.joined(separator: ", "), line: 1, column: 1), error.message))
        }

        for diagnostic in diagnostics { output(diagnostic.rendered) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        output(diagnostics.isEmpty ? "no problems found" : "\(plural(errors, "error")), \(plural(warnings, "warning"))")
        if errors > 0 { throw ExitCode(2) }
        if warnings > 0, strict { throw ExitCode(1) }
    }
}
