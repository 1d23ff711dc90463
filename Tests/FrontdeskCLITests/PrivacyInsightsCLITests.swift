import Foundation
import Testing

/// `frontdesk report`, `inbox` and `privacy`, end to end: a few conversations are held with
/// the example bot (`chat` with piped lines, `jsonl` with a user id and a bad rating) in a
/// temporary database, then the commands read and clean it.
@Suite(.serialized) struct PrivacyInsightsCLITests {
    static let chatUser = "cli-user-4711"
    static let jsonUser = "jsonl-user-0815"
    static let gibberish = "qwxz vbnm plkj"
    static let rated = "How do I install the VPN on my Linux laptop"

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-insights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Every byte of the database's files (the main file, and the log while there is one).
    func databaseBytes(_ path: String) throws -> Data {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var data = Data()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix("frontdesk.sqlite") {
            data.append(try Data(contentsOf: folder.appendingPathComponent(name)))
        }
        return data
    }

    @Test func reportInboxExportAndForgetOnRealConversations() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db/frontdesk.sqlite").path

        // A REPL conversation: its user is --user-name.
        let chat = try CLI.run(["chat", "--db", db, "--seed", "1", "--user-name", Self.chatUser],
                               input: "hi\n\(Self.gibberish)\nCancel my subscription\n")
        #expect(chat.status == 0, "\(chat.stderr)")
        // A bridge's conversation, with a bad rating of one reply.
        let requests = [
            #"{"type":"message","id":"m1","conversation":"web:1","user":"\#(Self.jsonUser)","text":"hello","timestamp":"2026-03-02T10:00:00Z"}"#,
            #"{"type":"message","id":"m2","conversation":"web:1","user":"\#(Self.jsonUser)","text":"\#(Self.rated)","timestamp":"2026-03-02T10:01:00Z"}"#,
            #"{"type":"feedback","id":"f1","conversation":"web:1","message":"m2","rating":"bad","comment":"wrong answer","timestamp":"2026-03-02T10:02:00Z"}"#,
        ]
        let jsonl = try CLI.run(["jsonl", "--db", db], input: requests.joined(separator: "\n") + "\n")
        #expect(jsonl.status == 0, "\(jsonl.stderr)")
        #expect(jsonl.lines.count == 3)

        // The report counts both conversations and their five messages.
        let report = try CLI.run(["report", "--db", db, "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let numbers = try json(report.stdout)
        #expect(numbers["conversations"] as? Int == 2)
        #expect(numbers["customer_messages"] as? Int == 5)
        #expect((numbers["fallbacks"] as? Int ?? 0) >= 1)
        #expect((numbers["feedback"] as? [String: Any])?["bad"] as? Int == 1)
        let text = try CLI.run(["report", "--db", db, "--html", folder.appendingPathComponent("report.html").path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.lines.first?.hasPrefix("Frontdesk report: all time") == true)
        #expect(text.lines.contains { $0.hasPrefix("Conversations") && $0.hasSuffix(" 2") })
        #expect(text.lines.allSatisfy { $0.count <= 100 })
        let page = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<svg") && page.hasSuffix("</html>\n"))

        // The inbox has the gibberish (a fallback) and the badly rated question.
        let inbox = try CLI.run(["inbox", "--db", db, "--json"])
        #expect(inbox.status == 0, "\(inbox.stderr)")
        let groups = try #require(try json(inbox.stdout)["groups"] as? [[String: Any]])
        let messages = groups.flatMap { $0["messages"] as? [[String: Any]] ?? [] }
        #expect(messages.contains { $0["text"] as? String == Self.gibberish && ($0["reasons"] as? [String])?.contains("fallback") == true })
        #expect(messages.contains { $0["text"] as? String == Self.rated && ($0["reasons"] as? [String])?.contains("bad_rating") == true })
        let listing = try CLI.run(["inbox", "--db", db])
        #expect(listing.status == 0)
        #expect(listing.stdout.contains("“\(Self.gibberish)”"))

        // JSON Lines export: one object per message with the documented keys.
        let jsonlFile = folder.appendingPathComponent("inbox.jsonl").path
        let exportLines = try CLI.run(["inbox", "--db", db, "--export", jsonlFile])
        #expect(exportLines.status == 0, "\(exportLines.stderr)")
        #expect(exportLines.stdout.contains("as JSON Lines"))
        for line in try String(contentsOfFile: jsonlFile, encoding: .utf8).split(separator: "\n") {
            #expect(Set(try json(String(line)).keys) == ["text", "reasons", "group", "at", "guess"])
        }

        // The YAML export becomes part of a copy of the bot once its replies are written.
        let yamlFile = folder.appendingPathComponent("inbox.yaml").path
        let exportYAML = try CLI.run(["inbox", "--db", db, "--export", yamlFile])
        #expect(exportYAML.status == 0, "\(exportYAML.stderr)")
        let yaml = try String(contentsOfFile: yamlFile, encoding: .utf8)
        #expect(yaml.contains("- name: inbox_1"))
        #expect(yaml.contains("# TODO: write the reply"))
        let bot = try CLI.copyOfExampleBot()
        defer { try? FileManager.default.removeItem(at: bot) }
        let filled = yaml.replacingOccurrences(of: "# TODO: write the reply", with: "- \"Thanks, a colleague will answer this.\"")
        try Data(filled.utf8).write(to: bot.appendingPathComponent("inbox.yaml"))
        let validate = try CLI.run(["validate", "--bot", bot.path, "--db", folder.appendingPathComponent("validate/db.sqlite").path], in: folder)
        #expect(validate.status == 0, "\(validate.stdout)\(validate.stderr)")
        #expect(!validate.stdout.contains(": error:"))
        // As exported (no replies yet), the bot does not load: nothing untrained reaches customers.
        try Data(yaml.utf8).write(to: bot.appendingPathComponent("inbox.yaml"))
        let unfinished = try CLI.run(["validate", "--bot", bot.path, "--db", folder.appendingPathComponent("validate/db.sqlite").path], in: folder)
        #expect(unfinished.status == 2)

        // Forget the REPL customer: their conversation goes, with every trace in the file.
        #expect(try databaseBytes(db).range(of: Data(Self.chatUser.utf8)) != nil)
        let forget = try CLI.run(["privacy", "forget", "--user", Self.chatUser, "--db", db])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.lines.first?.hasPrefix("deleted 1 conversation of user \(Self.chatUser): ") == true)
        #expect(forget.lines.first?.hasSuffix(", 0 ratings") == true)
        #expect(forget.lines.count == 2)
        let bytes = try databaseBytes(db)
        #expect(bytes.range(of: Data(Self.chatUser.utf8)) == nil)
        #expect(bytes.range(of: Data(Self.gibberish.utf8)) == nil)
        #expect(bytes.range(of: Data(Self.rated.utf8)) != nil)
        let after = try json(CLI.run(["report", "--db", db, "--json"]).stdout)
        #expect(after["conversations"] as? Int == 1)
        #expect(after["customer_messages"] as? Int == 2)

        let unknown = try CLI.run(["privacy", "forget", "--user", "nobody", "--db", db])
        #expect(unknown.status == 0)
        #expect(unknown.stdout == "no conversations of user nobody: nothing deleted\n")

        // Purge: the bridge's conversation (March 2026) is older than a day... unless the
        // clock says otherwise; 0d deletes everything in any case.
        let purge = try CLI.run(["privacy", "purge", "--older-than", "0d", "--list", "--db", db])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(purge.lines.first?.hasPrefix("deleted 1 conversation inactive since before ") == true)
        #expect(purge.lines.contains("  web:1"))
        let empty = try json(CLI.run(["report", "--db", db, "--json"]).stdout)
        #expect(empty["conversations"] as? Int == 0)
        #expect(try databaseBytes(db).range(of: Data(Self.rated.utf8)) == nil)
    }

    /// `/rate` in the REPL rates the last reply: it shows up in the inbox and the report, and
    /// the comment is stored with its personal data masked.
    @Test func rateInTheREPLIsStoredWithTheReply() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("db/frontdesk.sqlite").path
        let chat = try CLI.run(["chat", "--db", db, "--seed", "1"],
                               input: "hi\nHow do I install the VPN on my Linux laptop\n/rate bad not what I asked, write to ada@example.com\n/rate so-so\n")
        #expect(chat.status == 0)
        #expect(chat.lines.contains("rated the last reply bad, with your comment"))
        #expect(chat.stderr.contains("usage: /rate good|bad [comment]"))
        let report = try json(try CLI.run(["report", "--db", db, "--json"]).stdout)
        #expect((report["feedback"] as? [String: Any])?["bad"] as? Int == 1)
        let inbox = try json(try CLI.run(["inbox", "--db", db, "--json"]).stdout)
        let messages = (inbox["groups"] as? [[String: Any]] ?? []).flatMap { $0["messages"] as? [[String: Any]] ?? [] }
        #expect(messages.contains { $0["text"] as? String == "How do I install the VPN on my Linux laptop" && ($0["reasons"] as? [String])?.contains("bad_rating") == true })
        let bytes = try databaseBytes(db)
        #expect(bytes.range(of: Data("ada@example.com".utf8)) == nil)
        #expect(bytes.range(of: Data("write to [email]".utf8)) != nil)
    }

    @Test func mistakesAreOneLineOnStderr() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.sqlite").path
        func check(_ arguments: [String], status: Int32, _ message: String, printsNothing: Bool = true) throws {
            let result = try CLI.run(arguments)
            #expect(result.status == status, "\(arguments)")
            if printsNothing { #expect(result.stdout == "", "\(arguments)") }
            #expect(result.stderr.hasPrefix("error: ") && result.stderr.hasSuffix("\n"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        try check(["report", "--db", missing], status: 2, "no such database file")
        try check(["inbox", "--db", missing], status: 2, "no such database file")
        try check(["privacy", "forget", "--user", "x", "--db", missing], status: 2, "no such database file")
        #expect(!FileManager.default.fileExists(atPath: missing))  // never created

        let notADatabase = folder.appendingPathComponent("notes.sqlite").path
        try Data("just some text, not SQLite at all, but long enough to have a header".utf8).write(to: URL(fileURLWithPath: notADatabase))
        try check(["report", "--db", notADatabase], status: 2, "cannot open the database")

        // A real, empty database for the other mistakes.
        let db = folder.appendingPathComponent("frontdesk.sqlite").path
        let created = try CLI.run(["jsonl", "--db", db], input: #"{"type":"ping"}"# + "\n")
        #expect(created.status == 0)
        try check(["privacy", "purge", "--older-than", "30x", "--db", db], status: 2, "is not a duration")
        try check(["privacy", "purge", "--older-than=-3d", "--db", db], status: 2, "is not a duration")
        try check(["report", "--since", "yesterday", "--db", db], status: 2, "is not a date")
        try check(["report", "--since", "2026-02-30", "--db", db], status: 2, "is not a date")
        try check(["inbox", "--low-confidence", "1.5", "--db", db], status: 2, "--low-confidence")
        try check(["inbox", "--format", "csv", "--db", db], status: 2, "--format")
        try check(["inbox", "--db", db, "--export", folder.appendingPathComponent("no/such/folder/inbox.yaml").path], status: 1, "cannot write the inbox")
        // The report is printed; only the page could not be written.
        try check(["report", "--db", db, "--html", folder.appendingPathComponent("no/such/folder/r.html").path], status: 1,
                  "cannot write the HTML report", printsNothing: false)

        // An empty database reports zeros and an empty inbox.
        let report = try CLI.run(["report", "--db", db, "--json"])
        #expect(report.status == 0)
        #expect(try json(report.stdout)["conversations"] as? Int == 0)
        let inbox = try CLI.run(["inbox", "--db", db])
        #expect(inbox.lines == ["0 messages in 0 groups", "Nothing to review: no fallbacks, low-confidence answers or bad ratings."])
        let purge = try CLI.run(["privacy", "purge", "--older-than", "30d", "--db", db])
        #expect(purge.status == 0)
        #expect(purge.stdout.hasPrefix("no conversations inactive since before "))
    }
}
