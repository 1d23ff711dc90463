import ArgumentParser
import Foundation
import FrontdeskCore
import Logging

@main
struct Frontdesk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontdesk",
        abstract: "A customer-service chatbot engine: talk to a bot, test its conversations, evaluate its intent matching.",
        version: "0.1.0",
        subcommands: [Chat.self, JSONLines.self, Test.self, Validate.self, Eval.self, KnowledgeCommand.self, Bench.self, ImportCommand.self, ModerationCommand.self, PrivacyCommand.self, InboxCommand.self, ReportCommand.self],
        defaultSubcommand: Chat.self)
}

/// Options of every subcommand that works on a bot.
struct BotOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The bot folder (bot.yaml and intent files).", valueName: "dir"))
    var bot: String = "intents"

    @Option(name: .long, help: ArgumentHelp("The SQLite file; created with its folder on first use.", valueName: "file"))
    var db: String = ".frontdesk/frontdesk.sqlite"

    @OptionGroup var logging: LoggingOptions
}

struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "Diagnostics on stderr from this level up: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .warning

    /// Sends log lines to stderr at the chosen level. Customer text is never logged.
    func bootstrap() {
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Writes a line to stdout at once (unbuffered), so that a program reading our output
/// through a pipe sees each reply as soon as it is made.
func output(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// Writes to stderr (diagnostics never go to stdout).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Prints every diagnostic of an error, then a summary, to stderr.
func report(_ error: FrontdeskError) {
    if error.diagnostics.isEmpty {
        printError("error: \(error.message)")
        return
    }
    for diagnostic in error.diagnostics { printError(diagnostic.rendered) }
    let errors = error.diagnostics.filter { $0.severity == .error }.count
    let warnings = error.diagnostics.count - errors
    printError("\(errors) error\(errors == 1 ? "" : "s")\(warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")")
}
