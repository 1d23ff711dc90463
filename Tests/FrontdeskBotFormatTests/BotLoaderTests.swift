import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskBotFormat

/// Writes files into a fresh temporary folder and returns its path.
func makeBot(_ files: [String: String]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-bot-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    for (name, content) in files {
        let path = "\(dir)/\(name)"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try content.write(toFile: path, atomically: true, encoding: .utf8)
    }
    return dir
}

/// Loads the bot and returns the rendered diagnostics, with the temporary folder shown as `bot`.
func problems(_ files: [String: String]) throws -> [String] {
    let dir = try makeBot(files)
    do {
        _ = try BotLoader.load(directory: dir)
        return []
    } catch {
        #expect(error.code == .invalidBot)
        return error.diagnostics.map { $0.rendered.replacingOccurrences(of: dir, with: "bot") }
    }
}

let settings = """
    version: 1
    name: Testbot
    languages: [en, de]
    variables:
      company: ACME
    """

let greetIntent = """
    version: 1
    intents:
      - name: greet
        title: {en: Say hello, de: Begrüßung}
        examples:
          en: [hello, hi there]
          de: [hallo, guten tag]
        replies:
          en: ["Hi {user_name|there}, welcome to {company}!"]
          de: ["Hallo! Willkommen bei {company}."]
    """

@Suite struct BotLoaderTests {
    @Test func loadsAValidBot() throws {
        let dir = try makeBot(["bot.yaml": settings, "greet.yaml": greetIntent])
        let loaded = try BotLoader.load(directory: dir)
        let bot = loaded.bot
        #expect(bot.name == "Testbot")
        #expect(bot.languages == ["en", "de"])
        #expect(bot.defaultLanguage == "en")
        // No confidence threshold set: the one chosen by cross-validation applies.
        #expect(bot.thresholds == Thresholds(automatic: true))
        #expect(bot.intents.map(\.name) == ["greet"])
        let greet = try #require(bot.intent(named: "greet"))
        #expect(greet.examples["en"]?.map(\.text) == ["hello", "hi there"])
        #expect(greet.examples["en"]?.first?.location?.description == "\(dir)/greet.yaml:6:12")
        #expect(greet.title(in: "de", fallback: "en") == "Begrüßung")
        let reply = try #require(greet.replies["en"]?.first)
        #expect(reply.render { ["company": "ACME"][$0] } == "Hi there, welcome to ACME!")
        // Built-in replies not set in bot.yaml come from Frontdesk's defaults for en and de.
        #expect(bot.builtinReplies.fallback["de"]?.isEmpty == false)
        #expect(loaded.warnings.isEmpty)
    }

    @Test func reportsAnUnknownVersion() throws {
        let intent = greetIntent.replacingOccurrences(of: "version: 1", with: "version: 2")
        #expect(try problems(["bot.yaml": settings, "greet.yaml": intent]) == [
            """
            bot/greet.yaml:1:10: error: unsupported format version '2' (this Frontdesk reads version 1)
            version: 2
                     ^
            """,
        ])
    }

    @Test func reportsAMissingVersion() throws {
        #expect(try problems(["bot.yaml": "name: x\nlanguages: [en]\n", "greet.yaml": greetIntent]) == [
            """
            bot/bot.yaml:1:1: error: missing format version: add `version: 1` at the top of the file
            name: x
            ^
            """,
        ])
    }

    @Test func reportsBadIndentation() throws {
        let broken = """
            version: 1
            intents:
              - name: greet
                examples:
                  en: [hello]
               replies:
                  en: [Hi]
            """
        #expect(try problems(["bot.yaml": settings, "greet.yaml": broken]) == [
            """
            bot/greet.yaml:6:4: error: invalid YAML: did not find expected '-' indicator (while parsing a block collection at line 3, column 3)
               replies:
               ^
            """,
        ])
    }

    @Test func reportsDuplicateIntentsAcrossFiles() throws {
        #expect(try problems(["bot.yaml": settings, "a.yaml": greetIntent, "b.yaml": greetIntent]) == [
            """
            bot/b.yaml:3:11: error: duplicate intent 'greet' (first defined at bot/a.yaml:3:11)
              - name: greet
                      ^
            """,
        ])
    }

    @Test func reportsEveryProblemOfEveryFile() throws {
        let bad = """
            version: 1
            intents:
              - name: refund
                examples:
                  fr: [rembourser]
                replies:
                  en: ["Refunds take {refund_days} days."]
              - name: empty
                replies:
                  en: [Nothing]
              - name: typo
                exampels:
                  en: [hello]
                replies:
                  en: [Hi]
            """
        let found = try problems(["bot.yaml": settings, "greet.yaml": greetIntent.replacingOccurrences(of: "version: 1", with: "version: 3"), "intents.yaml": bad])
        #expect(found == [
            """
            bot/greet.yaml:1:10: error: unsupported format version '3' (this Frontdesk reads version 1)
            version: 3
                     ^
            """,
            """
            bot/intents.yaml:3:11: error: intent 'refund' has no examples
              - name: refund
                      ^
            """,
            """
            bot/intents.yaml:5:7: error: language 'fr' is not declared in bot.yaml (languages: en, de)
                  fr: [rembourser]
                  ^
            """,
            """
            bot/intents.yaml:7:26: error: unknown placeholder {refund_days}: nothing fills it (known: bot_name, company, user_name)
                  en: ["Refunds take {refund_days} days."]
                                     ^
            """,
            """
            bot/intents.yaml:8:11: error: intent 'empty' has no examples
              - name: empty
                      ^
            """,
            """
            bot/intents.yaml:11:11: error: intent 'typo' has no examples
              - name: typo
                      ^
            """,
            """
            bot/intents.yaml:12:5: error: unknown key 'exampels' in an intent; did you mean 'examples'?
                exampels:
                ^
            """,
        ])
    }

    @Test func reportsAMissingSettingsFile() throws {
        #expect(try problems(["greet.yaml": greetIntent]) == [
            "bot/bot.yaml:1:1: error: missing bot settings file (name, languages, thresholds, replies)",
        ])
    }

    @Test func reportsBadSettings() throws {
        let bad = """
            version: 1
            name: Testbot
            languages: [en, english]
            thresholds:
              confidence: 1.5
            replies:
              did_you_mean:
                en: ["Which one: {option_1}?"]
            """
        let found = try problems(["bot.yaml": bad, "greet.yaml": greetIntent]).map { $0.components(separatedBy: "\n")[0] }
        #expect(found == [
            "bot/bot.yaml:3:17: error: 'english' is not a language code (use ISO 639-1 codes such as en, de)",
            "bot/bot.yaml:5:15: error: 'confidence' must be between 0 and 1, not 1.5",
            "bot/bot.yaml:8:10: error: 'did_you_mean' replies must contain {option_2}",
            "bot/greet.yaml:4:28: error: language 'de' is not declared in bot.yaml (languages: en)",
            "bot/greet.yaml:7:7: error: language 'de' is not declared in bot.yaml (languages: en)",
            "bot/greet.yaml:9:46: error: unknown placeholder {company}: nothing fills it (known: bot_name, user_name)",
            "bot/greet.yaml:10:7: error: language 'de' is not declared in bot.yaml (languages: en)",
        ])
    }

    @Test func theConfidenceThresholdIsANumberOrAutomatic() throws {
        func thresholds(_ line: String) throws -> Thresholds {
            let text = "version: 1\nname: Testbot\nlanguages: [en]\nthresholds: \(line)\n"
            let intent = "version: 1\nintents:\n  - name: greet\n    examples: {en: [hello, hi]}\n    replies: {en: [Hi!]}\n"
            return try BotLoader.load(directory: try makeBot(["bot.yaml": text, "greet.yaml": intent])).bot.thresholds
        }
        #expect(try thresholds("{confidence: 0.4}") == Thresholds(confidence: 0.4, automatic: false))
        #expect(try thresholds("{confidence: auto, ambiguity: 0.2}") == Thresholds(ambiguity: 0.2, automatic: true))
        #expect(try thresholds("{ambiguity: 0.2}") == Thresholds(ambiguity: 0.2, automatic: true))
    }

    @Test func reportsInvalidUTF8WithItsLine() throws {
        let dir = try makeBot(["bot.yaml": settings])
        var bytes = Array("version: 1\nintents:\n  - name: caf".utf8)
        bytes += [0xE9]  // Latin-1 "é"
        bytes += Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(dir)/latin1.yaml"))
        #expect(throws: FrontdeskError.self) { try BotLoader.load(directory: dir) }
        do {
            _ = try BotLoader.load(directory: dir)
        } catch {
            #expect(error.diagnostics.map(\.description) == ["\(dir)/latin1.yaml:3:14: error: the file is not valid UTF-8 (save it as UTF-8)"])
        }
    }

    @Test func warnsAboutADuplicateExampleWithinAnIntent() throws {
        let dir = try makeBot(["bot.yaml": settings, "greet.yaml": greetIntent.replacingOccurrences(of: "[hello, hi there]", with: "[hello, Hello]")])
        let loaded = try BotLoader.load(directory: dir)
        #expect(loaded.warnings.map(\.description) == ["\(dir)/greet.yaml:6:19: warning: duplicate example 'Hello' in intent 'greet' (first at line 6)"])
        #expect(loaded.bot.intents[0].examples["en"]?.count == 1)
    }

    @Test func reportsAMissingFolder() {
        #expect(throws: FrontdeskError.self) { try BotLoader.load(directory: "/nonexistent/frontdesk-bot") }
    }
}

@Suite struct BotLoaderEdgeCaseTests {
    @Test func reportsADuplicateKey() throws {
        let intent = """
            version: 1
            intents:
              - name: greet
                examples:
                  en: [hello]
                examples:
                  en: [hi]
                replies:
                  en: [Hi]
            """
        let found = try problems(["bot.yaml": settings, "greet.yaml": intent])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("bot/greet.yaml:") == true)
        #expect(found.first?.contains("duplicate key 'examples'") == true)
    }

    @Test func acceptsAQuotedVersion() throws {
        let dir = try makeBot(["bot.yaml": settings.replacingOccurrences(of: "version: 1", with: "version: \"1\""), "greet.yaml": greetIntent])
        #expect(try BotLoader.load(directory: dir).bot.intents.count == 1)
    }

    @Test func ignoresHiddenFilesAndReadsSubfolders() throws {
        let other = greetIntent.replacingOccurrences(of: "name: greet", with: "name: hello_again")
        let dir = try makeBot(["bot.yaml": settings, "small talk/greet.yaml": greetIntent, ".backup.yaml": "version: [broken", "more/other.yml": other])
        let loaded = try BotLoader.load(directory: dir)
        #expect(loaded.bot.intents.map(\.name) == ["hello_again", "greet"])
    }

    @Test func reportsAnEmptyFileAndAListAtTheTop() throws {
        let found = try problems(["bot.yaml": settings, "a.yaml": "", "b.yaml": "- one\n- two\n"])
        #expect(found == [
            "bot/a.yaml:1:1: error: the file is empty (expected `version: 1` and content)",
            """
            bot/b.yaml:1:1: error: expected a mapping with `version: 1` at the top of the file
            - one
            ^
            """,
        ])
    }

    @Test func reportsAnUnclosedBraceInAReply() throws {
        let intent = greetIntent.replacingOccurrences(of: "\"Hallo! Willkommen bei {company}.\"", with: "\"Hallo {company\"")
        let found = try problems(["bot.yaml": settings, "greet.yaml": intent])
        #expect(found == [
            """
            bot/greet.yaml:10:19: error: unclosed '{' in reply (write '{{' for a literal brace)
                  de: ["Hallo {company"]
                              ^
            """,
        ])
    }
}

@Suite struct BotLoaderTextTests {
    @Test func requiresADefaultForTheUsersName() throws {
        let intent = greetIntent.replacingOccurrences(of: "Hi {user_name|there}, welcome", with: "Hi {user_name}, welcome")
        let found = try problems(["bot.yaml": settings, "greet.yaml": intent])
        #expect(found == [
            """
            bot/greet.yaml:9:16: error: {user_name} is not always known (not every channel gives the customer's name): write {user_name|...} with a default, for example {user_name|there}
                  en: ["Hi {user_name}, welcome to {company}!"]
                           ^
            """,
        ])
    }

    @Test func pointsIntoWindowsFilesAndAcceptsAByteOrderMark() throws {
        let crlf = greetIntent.replacingOccurrences(of: "version: 1", with: "version: 5").replacingOccurrences(of: "\n", with: "\r\n")
        let found = try problems(["bot.yaml": "\u{FEFF}" + settings.replacingOccurrences(of: "\n", with: "\r\n"), "greet.yaml": crlf])
        #expect(found == [
            """
            bot/greet.yaml:1:10: error: unsupported format version '5' (this Frontdesk reads version 1)
            version: 5
                     ^
            """,
        ])
    }

    @Test func pointsAtAPlaceholderAtTheStartOfAQuotedReply() throws {
        let intent = greetIntent.replacingOccurrences(of: "\"Hallo! Willkommen bei {company}.\"", with: "\"{nope} Hallo\"")
        let found = try problems(["bot.yaml": settings, "greet.yaml": intent])
        #expect(found.map { $0.components(separatedBy: "\n")[0] } == [
            "bot/greet.yaml:10:13: error: unknown placeholder {nope}: nothing fills it (known: bot_name, company, user_name)",
        ])
    }
}

@Suite struct LanguageCodeTests {
    @Test func acceptsISOCodesOnly() throws {
        #expect(LanguageCode.isKnown("de"))
        #expect(LanguageCode.isKnown("EN"))
        #expect(!LanguageCode.isKnown("zz"))
        #expect(!LanguageCode.isKnown("english"))
        let found = try problems(["bot.yaml": settings.replacingOccurrences(of: "[en, de]", with: "[en, zz]"), "greet.yaml": greetIntent])
        #expect(found.first?.hasPrefix("bot/bot.yaml:3:17: error: 'zz' is not a language code") == true)
    }
}
