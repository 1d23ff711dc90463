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
    final class Session: @unchecked Sendable {  // the buffer is guarded by `lock`
        let process = Process()
        private let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        private let lock = NSLock()
        private var buffer = Data()
        var output: String { lock.withLock { String(decoding: buffer, as: UTF8.self) } }

        init(_ arguments: [String], in directory: URL = repositoryRoot) throws {
            process.executableURL = try executable
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            stdout.fileHandleForReading.readabilityHandler = { [lock] handle in
                let data = handle.availableData
                lock.withLock { self.buffer.append(data) }
            }
            try process.run()
        }

        func send(_ line: String) {
            try? stdin.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
        }

        /// Waits until stdout contains `text`; false after `seconds` (the test then fails
        /// instead of hanging).
        func waitFor(_ text: String, seconds: Double = 60) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if output.contains(text) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        /// Closes stdin and returns the exit status and everything written to stderr.
        func finish() throws -> (status: Int32, stderr: String) {
            try stdin.fileHandleForWriting.close()
            process.waitUntilExit()
            stdout.fileHandleForReading.readabilityHandler = nil
            let rest = stdout.fileHandleForReading.readDataToEndOfFile()
            lock.withLock { buffer.append(rest) }
            let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
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
            never mind
            yes
            Ich möchte eine Rückerstattung
            abbrechen
            ja
            qwxz vbnm plkj
            I want to cancel my subscription and get a refund
            Cancel my subscription
            """
        let result = try CLI.run(["chat", "--db", db, "--seed", "1"], input: input + "\n")
        #expect(result.status == 0)
        let debug = result.lines.filter { $0.hasPrefix("  [debug]") && !$0.hasPrefix("  [debug] entities:") && !$0.hasPrefix("  [debug] articles")
            && !$0.hasPrefix("  [debug] sentiment") }
        try #require(debug.count == 10)
        // Every turn also shows its sentiment, frustration and moderation verdict.
        let trust = result.lines.filter { $0.hasPrefix("  [debug] sentiment") }
        #expect(trust.count == 10)
        #expect(trust.allSatisfy { $0.contains("| moderation: nothing flagged") })
        #expect(debug[0].contains("| answer greet | language en"))
        // A refund request starts the refund form, which asks for the order number; stopping asks first.
        #expect(debug[1].contains("| form refund: answered refund_request, then asks for order_number | language en"))
        #expect(debug[2].contains("| form refund: asks whether to stop |"))
        #expect(debug[3].contains("| form refund: stopped |"))
        #expect(debug[4].contains("| form refund: answered refund_request, then asks for order_number | language de"))
        #expect(debug[6].contains("| form refund: stopped | language de"))
        #expect(debug[7].contains("| fallback |"))
        // Which of the two comes first depends on the trained model; both are offered.
        #expect(debug[8].contains("| did you mean ") && debug[8].contains("refund_request") && debug[8].contains("subscription_cancel"))
        #expect(debug[9].contains("| answer subscription_cancel |"))
        // Replies come from the bot's files, in the customer's language.
        #expect(result.stdout.contains("What is the order number?"))
        #expect(result.stdout.contains("Wie lautet die Bestellnummer?"))
        #expect(result.stdout.contains("“Get a refund”"))
        #expect(result.lines.contains("  [1] Get a refund  [2] Cancel my subscription") || result.lines.contains("  [1] Cancel my subscription  [2] Get a refund"))
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
        #expect(session.waitFor("intents, retrained en"))
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
        // The keys from before are kept; the report adds its own (per_intent, confused_pairs, ...).
        #expect(Set(object.keys).isSuperset(of: ["accuracy", "macro_f1", "in_scope_accuracy", "oos_recall", "train_seconds", "ms_per_message"]))
        #expect(object["per_intent"] is [String: Any] || object["per_intent"] is [Any])
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

    /// The report says whether the model had the static word embeddings: not for this small
    /// file by default, yes with `--embeddings on`.
    @Test func saysWhetherTheEmbeddingsWereUsed() throws {
        let automatic = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--json"], in: CLI.fixtures)
        #expect(automatic.status == 0)
        #expect(automatic.stdout.contains("\"embeddings\":false"))
        let on = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--embeddings", "on"], in: CLI.fixtures)
        #expect(on.status == 0, "\(on.stderr)")
        let first = on.lines.first ?? ""
        #expect(first.hasPrefix("train: 12 examples, 3 intents, ") && first.hasSuffix(" s, with static word embeddings and the intent names as examples"))
        let bad = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--embeddings", "maybe"], in: CLI.fixtures)
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("Error: --embeddings must be auto, on or off"))
    }

    /// A data file's intent names are examples by default (as an imported bot's), not with
    /// `--names-as-examples off`; the report says which.
    @Test func saysWhetherTheNamesWereExamples() throws {
        let automatic = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--json"], in: CLI.fixtures)
        #expect(automatic.status == 0)
        #expect(automatic.stdout.contains("\"names_as_examples\":true"))
        let off = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--names-as-examples", "off"], in: CLI.fixtures)
        #expect(off.status == 0, "\(off.stderr)")
        let first = off.lines.first ?? ""
        #expect(first.hasPrefix("train: 12 examples, 3 intents, ") && first.hasSuffix(" s"))
        let bot = try CLI.run(["eval", "--cv", "2", "--bot", "eval/bot", "--json"], in: CLI.fixtures)
        #expect(bot.status == 0, "\(bot.stderr)")
        #expect(bot.stdout.contains("\"names_as_examples\":false"))
        let bad = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--names-as-examples", "yes"], in: CLI.fixtures)
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("Error: --names-as-examples must be auto, on or off"))
    }

    @Test func printsTextByDefault() throws {
        let result = try CLI.run(["eval", "--train", "eval/train.jsonl", "--test", "eval/test.jsonl", "--oos-label", "oos"], in: CLI.fixtures)
        #expect(result.status == 0)
        #expect(result.stdout.contains("in-scope accuracy: 100.0 %"))
        #expect(result.stdout.contains("train: 12 examples, 3 intents"))
    }

    @Test func anEmptyFileIsAnError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).jsonl")
        try Data().write(to: empty)
        let result = try CLI.run(["eval", "--train", "eval/bad.jsonl", "--test", empty.path], in: CLI.fixtures)
        #expect(result.status == 2)
        // Both files' problems are reported in one run.
        #expect(result.stderr == "eval/bad.jsonl:2:1: error: not valid JSON (expected {\"text\": \"...\", \"intent\": \"...\"})\n1 error\nerror: \(empty.path): no examples (expected {\"text\": ..., \"intent\": ...} lines)\n")
    }

    @Test func badLinesAreReportedWithFileAndLine() throws {
        let result = try CLI.run(["eval", "--train", "eval/bad.jsonl", "--test", "eval/test.jsonl"], in: CLI.fixtures)
        #expect(result.status == 2)
        #expect(result.stderr == "eval/bad.jsonl:2:1: error: not valid JSON (expected {\"text\": \"...\", \"intent\": \"...\"})\n1 error\n")
    }
}

@Suite(.serialized) struct ConversationTestTests {
    let db = ChatTests.sharedDatabase

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-transcripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The example bot's own transcripts, as .ci/run checks them through `swift test`.
    @Test func theExampleBotValidatesCleanAndItsTranscriptsPass() throws {
        let validate = try CLI.run(["validate", "--strict", "--db", db])
        #expect(validate.status == 0)
        #expect(validate.stdout == "no problems found\n")
        let test = try CLI.run(["test", "--db", db])
        #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
        let summary = try #require(test.lines.last)
        let count = Int(summary.prefix { $0.isNumber }) ?? 0
        #expect(count >= 25)
        #expect(summary == "\(count) transcripts: \(count) passed, 0 failed")
        #expect(test.lines.dropLast().allSatisfy { $0.hasPrefix("PASS  transcripts/") })
    }

    @Test func aSavedConversationPassesAndAnEditFailsWithADiff() throws {
        let folder = try temporaryFolder()
        let input = "hi\nI want to cancel my subscription and get a refund\nCancel my subscription\nIch habe mein Passwort vergessen\n/save checks/roundtrip\n"
        let chat = try CLI.run(["chat", "--db", db, "--transcripts", folder.path], input: input)
        #expect(chat.status == 0)
        let file = folder.appendingPathComponent("checks/roundtrip.txt")
        #expect(chat.stdout.contains("saved 4 turns to \(file.path)"))

        let pass = try CLI.run(["test", file.path, "--db", db])
        #expect(pass.status == 0, "\(pass.stdout)")
        #expect(pass.lines.last == "1 transcript: 1 passed, 0 failed")

        // Edit one expected reply: the test fails at that line, with a diff.
        let text = try String(contentsOf: file, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        // The reply to "2" (the customer's pick), whichever variation this session chose.
        let index = try #require(lines.firstIndex(of: "customer: Cancel my subscription")) + 1
        let reply = lines[index]
        lines[index] = reply.replacingOccurrences(of: "bot: ", with: "bot: Well, ")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let junit = folder.appendingPathComponent("junit.xml")
        let fail = try CLI.run(["test", file.path, "--db", db, "--junit", junit.path])
        #expect(fail.status == 1)
        #expect(fail.lines.first?.hasPrefix("FAIL  \(file.path)  roundtrip") == true)
        #expect(fail.stdout.contains("\(file.path):\(index + 1): the bot's reply differs"))
        #expect(fail.stdout.contains("diff:     [-Well,-] \(reply.dropFirst(5))"))
        #expect(fail.stdout.contains("led by:   subscription_cancel (1.00), language en"))
        #expect(fail.lines.last == "1 transcript: 0 passed, 1 failed")
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("tests=\"1\" failures=\"1\" errors=\"0\""))
    }

    @Test func aMalformedTranscriptIsReportedWithItsPlace() throws {
        let folder = try temporaryFolder()
        try "version: 1\ntitle: Broken\nbot: Hello\ncustomer: hi\nbott: Hi\n".write(to: folder.appendingPathComponent("broken.txt"), atomically: true, encoding: .utf8)
        try "version: 7\n".write(to: folder.appendingPathComponent("future.txt"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["test", folder.path, "--db", db])
        #expect(result.status == 2)
        let path = folder.path
        #expect(result.stderr == """
            \(path)/broken.txt:3:1: error: 'bot:' comes before any 'customer:' line (the customer speaks first)
            bot: Hello
            ^
            \(path)/broken.txt:5:1: error: unknown line 'bott:'; did you mean 'bot:'?
            bott: Hi
            ^
            2 errors
            \(path)/future.txt:1:10: error: unsupported transcript version '7' (this Frontdesk reads version 1)
            version: 7
                     ^
            1 error

            """)
        #expect(result.lines == ["ERROR \(path)/broken.txt", "ERROR \(path)/future.txt", "2 transcripts: 0 passed, 0 failed, 2 invalid"])
    }

    @Test func filterSelectsTranscripts() throws {
        let result = try CLI.run(["test", "--db", db, "--filter", "no transcript is called like this"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: no transcripts to run in transcripts matching --filter no transcript is called like this\n")
    }

    @Test func validateNamesDuplicatesAndNearDuplicates() throws {
        let bot = try CLI.copyOfExampleBot()
        let file = bot.appendingPathComponent("subscriptions.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        let anchor = try #require(text.range(of: "  - name: subscription_cancel\n"))
        let examples = try #require(text.range(of: "      en:\n", range: anchor.upperBound..<text.endIndex))
        text.insert(contentsOf: "        - i want a refund\n        - can i get my money back please\n", at: examples.upperBound)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let line = text[..<examples.upperBound].components(separatedBy: "\n").count

        let noTranscripts = try temporaryFolder().path
        let plain = try CLI.run(["validate", "--bot", bot.path, "--db", db, "--transcripts", noTranscripts])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("\(file.path):\(line):11: warning: the example 'i want a refund' of intent 'subscription_cancel' is also an example of 'refund_request' (\(bot.path)/refunds_billing.yaml:9:11); the model cannot tell them apart"))
        #expect(plain.stdout.contains("\(file.path):\(line + 1):11: warning: the example 'can i get my money back please' of intent 'subscription_cancel' is 88% similar to 'can i get my money back' of intent 'refund_request' (\(bot.path)/refunds_billing.yaml:10:11); customers saying this may get either"))
        #expect(plain.lines.last == "0 errors, 2 warnings")

        let strict = try CLI.run(["validate", "--strict", "--bot", bot.path, "--db", db, "--transcripts", noTranscripts])
        #expect(strict.status == 1)
    }

    @Test func validateReportsErrorsWithStatusTwo() throws {
        let result = try CLI.run(["validate", "--bot", "broken-bot", "--db", db], in: CLI.fixtures)
        #expect(result.status == 2)
        #expect(result.stdout.contains("broken-bot/d.yaml:1:10: error: unsupported format version '2' (this Frontdesk reads version 1)"))
        #expect(result.lines.last == "3 errors, 0 warnings")
    }
}
