import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskInsights

struct InboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract: "List the customer messages the bot did not handle well, grouped by similarity, for training.",
        discussion: """
            Collects the messages that got the fallback reply, those answered or clarified with \
            a best confidence below --low-confidence, and those whose reply was rated bad; groups \
            similar ones and lists the groups newest first, each with its count, latest time, \
            reasons, guessed intent and examples. --export writes them as an intent file to \
            complete (yaml: one intent inbox_N per group, replies to write) or as JSON Lines \
            (one {"text", "reasons", "group", "at", "guess"} per message). See docs/insights.md.
            """)

    @Option(name: .long, help: ArgumentHelp("Only messages from this day (UTC) or ISO 8601 time on.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("At most this many groups (the newest).", valueName: "n"))
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Answers and \"did you mean\" questions with a best confidence below this are listed.", valueName: "x"))
    var lowConfidence: Double = InboxOptions.defaultLowConfidence

    @Option(name: .long, help: ArgumentHelp("Write the groups to this file (format: --format, else by its extension: .jsonl is JSON Lines, anything else YAML).", valueName: "file"))
    var export: String?

    @Option(name: .long, help: ArgumentHelp("yaml (an intent file) or jsonl; without --export, printed instead of the list.", valueName: "yaml|jsonl"))
    var format: String?

    @Flag(name: .long, help: "Print the inbox as one JSON object.")
    var json = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        database.logging.bootstrap()
        let since = parseSince(since)
        guard since.ok else { throw ExitCode(2) }
        if let limit, limit < 1 {
            printError("error: --limit must be at least 1")
            throw ExitCode(2)
        }
        guard lowConfidence.isFinite, (0...1).contains(lowConfidence) else {
            printError("error: --low-confidence must be a number between 0 and 1")
            throw ExitCode(2)
        }
        if let format, format != "yaml", format != "jsonl" {
            printError("error: --format must be yaml or jsonl, not '\(format)'")
            throw ExitCode(2)
        }
        if json, format != nil, export == nil {
            printError("error: --json and --format print different things; give one of them (or --export FILE)")
            throw ExitCode(2)
        }

        let store = try database.openStore(label: "frontdesk.inbox")
        let inbox: Inbox
        do {
            inbox = try Inbox.build(from: store, options: InboxOptions(since: since.date, limit: limit, lowConfidence: lowConfidence))
            try store.close()
        } catch {
            report(error)
            throw ExitCode(1)
        }

        if let export {
            let extensionFormat = ["jsonl", "ndjson"].contains((export as NSString).pathExtension.lowercased()) ? "jsonl" : "yaml"
            let chosen = format ?? extensionFormat
            guard writeFile(chosen == "jsonl" ? inbox.jsonLines() : inbox.yaml(), to: export, what: "the inbox") else { throw ExitCode(1) }
            let messages = inbox.groups.reduce(0) { $0 + $1.count }
            if json {
                output(inbox.json.serialized)
            } else {
                output("exported \(counted(inbox.groups.count, "group")) (\(counted(messages, "message"))) to \(export) as \(chosen == "jsonl" ? "JSON Lines" : "an intent file (YAML)")")
                if chosen == "yaml", !inbox.groups.isEmpty {
                    output("write the replies of each inbox_N intent (marked TODO) before putting it into the bot folder")
                }
            }
            return
        }
        if json {
            output(inbox.json.serialized)
        } else if let format {
            FileHandle.standardOutput.write(Data((format == "jsonl" ? inbox.jsonLines() : inbox.yaml()).utf8))
        } else {
            for line in inbox.textLines() { output(line) }
        }
    }
}
