import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskInsights

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise the conversations: volume, containment, fallbacks, hand-offs, intents, moderation, sentiment, feedback.",
        discussion: """
            Reads the conversation log in the database (--db) and prints the key numbers and \
            tables; --json prints them as one JSON object, --html also writes a self-contained \
            page with charts. The numbers are defined in docs/insights.md.
            """)

    @Option(name: .long, help: ArgumentHelp("Only messages and ratings from this day (UTC) or ISO 8601 time on.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("Also write the report as a self-contained HTML page.", valueName: "file"))
    var html: String?

    @Flag(name: .long, help: "Print one JSON object instead of text.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("How many intents and unanswered questions to list.", valueName: "n"))
    var top: Int = 10

    @Option(name: .long, help: ArgumentHelp("Count days in this time zone (an IANA name such as Europe/Berlin).", valueName: "zone"))
    var timeZone: String = "UTC"

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        database.logging.bootstrap()
        let since = parseSince(since)
        guard since.ok else { throw ExitCode(2) }
        guard (1...1000).contains(top) else {
            printError("error: --top must be between 1 and 1000")
            throw ExitCode(2)
        }
        guard let zone = TimeZone(identifier: timeZone) else {
            printError("error: --time-zone '\(timeZone)' is not a time zone (use an IANA name such as Europe/Berlin)")
            throw ExitCode(2)
        }

        let store = try database.openStore(label: "frontdesk.report")
        let result: Report
        do {
            result = try Report.build(from: store, options: ReportOptions(since: since.date, top: top, timeZone: zone))
            try store.close()
        } catch {
            report(error)
            throw ExitCode(1)
        }
        if json {
            output(result.json.serialized)
        } else {
            for line in result.textLines() { output(line) }
        }
        if let html {
            guard writeFile(ReportHTML.render(result), to: html, what: "the HTML report") else { throw ExitCode(1) }
        }
    }
}
