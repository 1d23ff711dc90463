import ArgumentParser
import Foundation
import FrontdeskCore
import FrontdeskStore
import Logging

struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Delete a customer's conversations, or conversations older than a given age.",
        discussion: """
            Both delete conversations with all their events (messages, replies, states) and \
            ratings, in one transaction, overwriting the deleted data (SQLite secure_delete) \
            and truncating the write-ahead log. Stop the bot first: a running chat or jsonl \
            keeps recent conversations in memory. See docs/privacy.md.
            """,
        subcommands: [Forget.self, Purge.self])

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete every conversation of a customer (the user id a bridge sends, or chat's --user-name).")

        @Option(name: .long, help: ArgumentHelp("The customer's user id.", valueName: "id"))
        var user: String

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            database.logging.bootstrap()
            guard !user.isEmpty else {
                printError("error: --user must not be empty")
                throw ExitCode(2)
            }
            let store = try database.openStore(label: "frontdesk.privacy")
            let result: ForgetReport
            do {
                result = try store.forget(user: user)
                try store.close()
            } catch {
                report(error)
                throw ExitCode(1)
            }
            if result.isEmpty {
                output("no conversations of user \(user): nothing deleted")
                return
            }
            output("deleted \(counted(result.conversations.count, "conversation")) of user \(user): "
                + "\(counted(result.events, "event")), \(counted(result.feedback, "rating"))")
            for id in result.conversations { output("  \(id)") }
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the conversations without activity for longer than a given time.",
            discussion: """
                A conversation's last activity is its latest event or the latest rating of one of \
                its replies. --older-than 0d deletes every conversation. The bot's \
                `privacy: retention_days` does the same automatically when chat and jsonl start.
                """)

        @Option(name: .long, help: ArgumentHelp("How long without activity: a whole number and w, d, h, m or s (30d, 12h, 90m).", valueName: "age"))
        var olderThan: String

        @Flag(name: .long, help: "Also list the deleted conversations' ids.")
        var list = false

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            database.logging.bootstrap()
            guard let age = Age.seconds(olderThan) else {
                printError("error: --older-than '\(olderThan)' is not a duration; write a whole number and w, d, h, m or s, such as 30d or 12h")
                throw ExitCode(2)
            }
            let store = try database.openStore(label: "frontdesk.privacy")
            let cutoff = Date().addingTimeInterval(-age)
            let result: PurgeReport
            do {
                result = try store.purge(inactiveBefore: cutoff)
                try store.close()
            } catch {
                report(error)
                throw ExitCode(1)
            }
            let when = "inactive since before \(cutoff.formatted(.iso8601)) (\(olderThan))"
            if result.isEmpty {
                output("no conversations \(when): nothing deleted")
                return
            }
            output("deleted \(counted(result.conversations.count, "conversation")) \(when): "
                + "\(counted(result.events, "event")), \(counted(result.feedback, "rating"))")
            if list { for id in result.conversations { output("  \(id)") } }
        }
    }

    /// `30d`, `12h`, `90m`, `45s`, `2w` in seconds; `nil` for anything else.
    enum Age {
        static func seconds(_ text: String) -> TimeInterval? {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard let unit = trimmed.last, let number = Int(trimmed.dropLast()), number >= 0, !trimmed.dropLast().hasPrefix("+") else { return nil }
            let scale: Double
            switch unit {
            case "w": scale = 7 * 86_400
            case "d": scale = 86_400
            case "h": scale = 3_600
            case "m": scale = 60
            case "s": scale = 1
            default: return nil
            }
            let seconds = Double(number) * scale
            return seconds <= 100 * 365 * 86_400 ? seconds : nil
        }
    }
}

/// The `--db` option of the commands that only read or clean the database (`privacy`,
/// `inbox`, `report`): the same file and default as `chat` and `jsonl`, but it must exist.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite file that chat and jsonl write.", valueName: "file"))
    var db: String = ".frontdesk/frontdesk.sqlite"

    @OptionGroup var logging: LoggingOptions

    /// Opens the database; a missing or unreadable file is one line on stderr and exit status 2
    /// (these commands never create a database).
    func openStore(label: String) throws -> Store {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: db, isDirectory: &isFolder), !isFolder.boolValue else {
            printError("error: \(db): no such database file (--db names the file that chat and jsonl use)")
            throw ExitCode(2)
        }
        do {
            return try Store(path: db, logger: Logger(label: label))
        } catch {
            printError("error: \(Self.oneLine(error.message))")
            throw ExitCode(2)
        }
    }

    /// Joins the lines of a message (SQLite's errors can span several).
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

/// `1 conversation`, `2 conversations`.
func counted(_ n: Int, _ word: String) -> String {
    "\(n) \(word)\(n == 1 ? "" : "s")"
}

/// `--since YYYY-MM-DD` (midnight UTC) or an ISO 8601 time; `nil` and a message on stderr
/// when it is neither.
func parseSince(_ text: String?) -> (ok: Bool, date: Date?) {
    guard let text else { return (true, nil) }
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
       let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day)
        if components.isValidDate(in: calendar), let date = calendar.date(from: components) { return (true, date) }
    }
    if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return (true, date) }
    if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return (true, date) }
    printError("error: --since '\(text)' is not a date; write YYYY-MM-DD (midnight UTC) or an ISO 8601 time such as 2026-03-02T10:00:00Z")
    return (false, nil)
}

/// Writes a file; a failure is one line on stderr.
func writeFile(_ text: String, to path: String, what: String) -> Bool {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return true
    } catch {
        printError("error: \(path): cannot write \(what): \(DatabaseOptions.oneLine(error.localizedDescription))")
        return false
    }
}
