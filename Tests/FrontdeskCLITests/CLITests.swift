import Foundation
import Testing

/// End-to-end tests: they run the built `frontdesk` executable with piped input, as a user
/// or an integrator would, and check what it prints and how it exits.
struct CLI {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The `frontdesk` executable next to the test bundle (swift test builds both).
    static var executable: URL {
        get throws {
            let candidates = [
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                Bundle.main.bundleURL,
                Bundle.main.bundleURL.deletingLastPathComponent(),
            ]
            for folder in candidates {
                let url = folder.appendingPathComponent("frontdesk")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw CLIError.executableNotFound(candidates.map(\.path))
        }
    }

    enum CLIError: Error { case executableNotFound([String]) }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    static func run(_ arguments: [String], input: String = "", in directory: URL = repositoryRoot) throws -> Result {
        let process = Process()
        process.executableURL = try executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }

    /// A running `frontdesk` whose stdin is written line by line and whose stdout is read
    /// as it comes, for tests that must act between two messages.
    final class Session {
        let process = Process()
        private let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        private(set) var output = ""

        init(_ arguments: [String], in directory: URL = repositoryRoot) throws {
            process.executableURL = try executable
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
        }

        func send(_ line: String) {
            stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
        }

        /// Reads stdout until it contains `text` (or the process closes it).
        func waitFor(_ text: String) -> Bool {
            while !output.contains(text) {
                let data = stdout.fileHandleForReading.availableData
                if data.isEmpty { return false }
                output += String(decoding: data, as: UTF8.self)
            }
            return true
        }

        /// Closes stdin and returns the exit status and everything written to stderr.
        func finish() throws -> (status: Int32, stderr: String) {
            try stdin.fileHandleForWriting.close()
            output += String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, err)
        }
    }

    /// A copy of the example bot in a temporary folder, to edit in a test.
    static func copyOfExampleBot() throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bot-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("intents"), to: copy)
        return copy
    }

    static func temporaryDatabase() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-cli-\(UUID().uuidString)/frontdesk.sqlite").path
    }
}

@Suite(.serialized) struct ChatTests {
    /// One database for the suite: the example bot is trained once, then loaded from the cache.
    static let sharedDatabase = CLI.temporaryDatabase()
    let db = ChatTests.sharedDatabase

    @Test func pipedInputPrintsOnlyTheBotsReplies() throws {
        let db = CLI.temporaryDatabase()
        let result = try CLI.run(["chat", "--db", db, "--seed", "3"], input: "hi\nbye\n")
        #expect(result.status == 0)
        #expect(result.stderr == "")
        // The disclosure, the greeting, the goodbye: no prompts, no banner.
        #expect(result.lines.count == 3)
        #expect(result.lines[0].contains("automated assistant"))
        #expect(!result.stdout.contains("you>"))
        // The SQLite file was created on first use.
        #expect(FileManager.default.fileExists(atPath: db))
    }

    @Test func theExampleBotUnderstandsEnglishGermanGibberishAndAmbiguity() throws {
        let input = """
            /debug
            hi
            I want a refund for my subscription
            Ich möchte eine Rückerstattung
            qwxz vbnm plkj
            I want to cancel my subscription and get a refund
            2
            """
        let result = try CLI.run(["chat", "--db", db, "--seed", "1"], input: input + "\n")
        #expect(result.status == 0)
        let debug = result.lines.filter { $0.hasPrefix("  [debug]") }
        try #require(debug.count == 6)
        #expect(debug[0].contains("| answer greet | language en"))
        #expect(debug[1].contains("| answer refund_request | language en"))
        #expect(debug[2].contains("| answer refund_request | language de"))
        #expect(debug[3].contains("| fallback |"))
        #expect(debug[4].contains("| did you mean refund_request or subscription_cancel |"))
        #expect(debug[5].contains("| answer subscription_cancel |"))
        // Replies come from the bot's files, in the customer's language.
        #expect(result.stdout.contains("Request refund"))
        #expect(result.stdout.contains("Rückerstattung anfordern"))
        #expect(result.stdout.contains("“Get a refund”"))
        #expect(result.stdout.contains("  [1] Get a refund  [2] Cancel my subscription"))
    }

    @Test func theFirstReplyDisclosesTheBotInGermanToo() throws {
        let result = try CLI.run(["chat", "--db", db, "--lang", "de"], input: "hallo\n")
        #expect(result.status == 0)
        #expect(result.lines.first?.contains("automatische") == true)
        #expect(result.lines.first?.contains("Bot") == true)
    }

    @Test func slashCommandsWork() throws {
        let result = try CLI.run(["chat", "--db", db], input: "/help\n/lang\n/lang de\n/lang fr\n/nope\n/reset\n/reload\n/quit\nhi\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("/debug"))
        #expect(result.stdout.contains("language en (detected from messages)"))
        #expect(result.stdout.contains("language fixed to de"))
        #expect(result.stdout.contains("new conversation"))
        #expect(result.stdout.contains("reloaded Kestrel Assistant"))
        #expect(result.stdout.contains("no retraining needed"))
        #expect(result.stderr.contains("error: the bot does not speak 'fr' (languages: en, de, or auto)"))
        #expect(result.stderr.contains("unknown command /nope; /help lists the commands"))
        // /quit ends the session: "hi" is never answered.
        #expect(!result.stdout.contains("automated assistant"))
    }

    @Test func aBrokenBotReportsEveryProblemAndExitsNonZero() throws {
        let result = try CLI.run(["chat", "--bot", "broken-bot", "--db", db], input: "hi\n", in: CLI.fixtures)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            broken-bot/b.yaml:8:11: error: duplicate intent 'greet' (first defined at broken-bot/a.yaml:3:11)
              - name: greet
                      ^
            broken-bot/c.yaml:6:4: error: invalid YAML: did not find expected '-' indicator (while parsing a block collection at line 3, column 3)
               replies:
               ^
            broken-bot/d.yaml:1:10: error: unsupported format version '2' (this Frontdesk reads version 1)
            version: 2
                     ^
            3 errors

            """)
    }

    @Test func reloadPicksUpEditsAndKeepsTheOldBotOnErrors() throws {
        let bot = try CLI.copyOfExampleBot()
        let session = try CLI.Session(["chat", "--bot", bot.path, "--db", db, "--seed", "1"])
        session.send("/lang")
        #expect(session.waitFor("language en"))

        // A broken edit: /reload reports it and the previous bot keeps answering.
        let smalltalk = bot.appendingPathComponent("smalltalk.yaml")
        let original = try String(contentsOf: smalltalk, encoding: .utf8)
        try original.replacingOccurrences(of: "version: 1", with: "version: 9").write(to: smalltalk, atomically: true, encoding: .utf8)
        session.send("/reload")
        session.send("hi")
        #expect(session.waitFor("automated assistant"))

        // A good edit: a new reply is used after /reload, in the same conversation.
        let edited = original.replacingOccurrences(of: "  - name: thanks", with: """
              - name: weather
                examples:
                  en: [how is the weather, is it raining, weather forecast please, will it be sunny tomorrow]
                replies:
                  en: ["I only know about Kestrel products, not the weather."]
              - name: thanks
            """)
        try edited.write(to: smalltalk, atomically: true, encoding: .utf8)
        session.send("/reload")
        #expect(session.waitFor("reloaded Kestrel Assistant: 50 intents, retrained en"))
        session.send("how is the weather today")
        #expect(session.waitFor("not the weather"))
        let (status, stderr) = try session.finish()
        #expect(status == 0)
        #expect(stderr.contains("\(smalltalk.path):1:10: error: unsupported format version '9' (this Frontdesk reads version 1)"))
        #expect(stderr.contains("the bot was not reloaded; the previous version keeps running"))
        // The conversation went on: the bot introduced itself once only.
        #expect(session.output.components(separatedBy: "automated assistant").count == 2)
    }

    @Test func aHugeLineIsSkippedWithItsLineNumber() throws {
        let huge = String(repeating: "refund ", count: 20_000)
        let result = try CLI.run(["chat", "--db", db], input: "hi\n\(huge)\nthanks\n")
        #expect(result.status == 0)
        #expect(result.stderr == "error: input line 2 is longer than 64 KiB; skipped\n")
        #expect(result.lines.count == 3)  // disclosure, greeting, thanks
    }

    @Test func helpShowsTheDatabasePath() throws {
        let result = try CLI.run(["chat", "--help"])
        #expect(result.status == 0)
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("(default: .frontdesk/frontdesk.sqlite)"))
        #expect(help.contains("(default: intents)"))
    }
}

@Suite struct EvalTests {
    @Test func printsTheNumbersAsJSON() throws {
        let result = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--oos-label", "oos", "--json"], in: CLI.fixtures)
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "train_seconds", "ms_per_message"])
        #expect(object["in_scope_accuracy"] as? Double == 1.0)
        #expect((object["ms_per_message"] as? Double ?? 0) > 0)
        #expect(result.stdout.hasPrefix("{\"accuracy\":"))  // sorted keys
    }

    @Test func keysThatDoNotApplyAreNull() throws {
        let result = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--json"], in: CLI.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout.contains("\"in_scope_accuracy\":null"))
        #expect(result.stdout.contains("\"oos_recall\":null"))
    }

    @Test func printsTextByDefault() throws {
        let result = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--oos-label", "oos"], in: CLI.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout.contains("in-scope accuracy: 100.0 %"))
        #expect(result.stdout.contains("train: 12 examples, 3 intents"))
    }

    @Test func badLinesAreReportedWithFileAndLine() throws {
        let result = try CLI.run(["eval", "--train", "eval/bad.jsonl", "--test", "eval/test.jsonl"], in: CLI.fixtures)
        #expect(result.status == 2)
        #expect(result.stderr == "eval/bad.jsonl:2:1: error: not valid JSON\n1 error\n")
    }
}
