import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskBotFormat

/// `frontdesk import`'s readers and conversion: JSON Lines, CSV and Rasa NLU YAML in, bot
/// format v1 out, with what could not be converted reported as `file:line:column`.
@Suite struct TrainingDataImportTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/import")

    func fixture(_ name: String) throws -> String {
        try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    func rendered(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.rendered) }

    /// Writes the imported bot's files into a temporary folder and loads it.
    func load(_ bot: ImportedBot, language: LanguageCode = .english) throws -> (dir: String, loaded: LoadedBot) {
        var files: [String: String] = [:]
        for file in try bot.files(name: "Imported", language: language) { files[file.name] = file.content }
        let dir = try makeBot(files)
        return (dir, try BotLoader.load(directory: dir))
    }

    // MARK: JSON Lines

    @Test func importsJSONLines() throws {
        let file = TrainingDataImport.read(try fixture("small.jsonl"), path: "small.jsonl", format: .jsonLines)
        #expect(file.diagnostics.isEmpty)
        #expect(file.examples.map(\.intent) == ["balance", "balance", "freeze account", "oos", "freeze account"])
        let bot = TrainingDataImport.convert([file], options: .init(outOfScopeLabel: "oos", keepOutOfScope: false))
        #expect(bot.intents.map(\.name) == ["balance", "freeze_account"])
        #expect(bot.intents.map(\.texts) == [["what is my balance", "how much money do i have"], ["freeze my card", "block my card please"]])
        #expect(bot.skippedOutOfScope == 1)
        #expect(rendered(bot.diagnostics) == [
            "small.jsonl:3:1: warning: intent 'freeze account' renamed to 'freeze_account' (intent names use letters, digits, '_', '-' and '.')",
        ])
        let kept = TrainingDataImport.convert([file])
        #expect(kept.intents.map(\.name) == ["balance", "freeze_account", "out_of_scope"])
        #expect(kept.skippedOutOfScope == 0 && kept.outOfScopeExamples == 1)
        // The out-of-scope intent has no replies: the fallback answers it.
        let files = try kept.files(name: "Small", language: .english)
        let intentsFile = try #require(files.first { $0.name == ImportedBot.intentsFileName }).content
        #expect(intentsFile.components(separatedBy: "TODO: reply for").count == 3)
        // A literal bracket is doubled, so that the loader does not read an annotation.
        #expect(kept.intents[2].written == ["tell me a joke about [[brackets]"])
    }

    /// English data of 500 examples or more turns the embeddings on in bot.yaml; smaller data
    /// and other languages leave the default (off). Every imported bot reads its intents'
    /// names as examples.
    @Test func largeEnglishDataTurnsTheEmbeddingsOn() throws {
        func data(_ count: Int) -> String {
            (0..<count).map { "{\"text\": \"question number \($0)\", \"intent\": \"intent_\($0 % 10)\"}" }.joined(separator: "\n")
        }
        let large = TrainingDataImport.convert([TrainingDataImport.read(data(500), path: "large.jsonl", format: .jsonLines)])
        #expect(large.exampleCount == 500)
        let (_, loaded) = try load(large)
        #expect(loaded.bot.intentModel.embeddings)
        let settings = try #require(try large.files(name: "Large", language: .english).first { $0.name == "bot.yaml" }).content
        #expect(settings.contains("intent_model:\n  embeddings: true\n  names_as_examples: true\n"))
        #expect(loaded.bot.intentModel.namesAsExamples)

        let small = TrainingDataImport.convert([TrainingDataImport.read(data(499), path: "small.jsonl", format: .jsonLines)])
        let smallBot = try load(small).loaded.bot
        #expect(smallBot.intentModel == IntentModelSettings(embeddings: false, namesAsExamples: true))
        let german = try #require(try large.files(name: "Gross", language: .german).first { $0.name == "bot.yaml" }).content
        #expect(german.contains("intent_model:\n  names_as_examples: true\n"))
        #expect(!german.contains("embeddings"))
    }

    @Test func reportsBadJSONLinesWithTheirLineNumbers() throws {
        let text = """
            {"text": "hello", "intent": "greet"}
            {"text": "hi", "intent": greet}

            ["hi", "greet"]
            {"text": "hey"}
            {"text": 3, "intent": "greet"}
            {"text": "   ", "intent": "greet"}
            {"text": "HELLO ", "intent": "greet"}
            """
        let file = TrainingDataImport.read(text, path: "data.jsonl", format: .jsonLines)
        let bot = TrainingDataImport.convert([file])
        #expect(rendered(bot.diagnostics) == [
            """
            data.jsonl:2:1: warning: not valid JSON (expected {"text": "...", "intent": "..."}); line skipped
            {"text": "hi", "intent": greet}
            ^
            """,
            """
            data.jsonl:4:1: warning: expected a JSON object like {"text": "...", "intent": "..."}; line skipped
            ["hi", "greet"]
            ^
            """,
            """
            data.jsonl:5:1: warning: missing "intent"; line skipped
            {"text": "hey"}
            ^
            """,
            """
            data.jsonl:6:1: warning: "text" must be a string; line skipped
            {"text": 3, "intent": "greet"}
            ^
            """,
            "data.jsonl:7:1: warning: empty example of intent 'greet'; skipped",
            "data.jsonl:8:1: warning: duplicate example 'HELLO' of intent 'greet' (first at data.jsonl:1:1); skipped",
        ])
        #expect(bot.intents.map(\.texts) == [["hello"]])
    }

    // MARK: CSV

    @Test func importsCSVWithQuotes() throws {
        let file = TrainingDataImport.read(try fixture("small.csv"), path: "small.csv", format: .csv)
        #expect(file.diagnostics.isEmpty)
        #expect(file.examples.map(\.text) == ["what is my balance", "how much money do i have, roughly", "she said \"freeze it\""])
        #expect(file.examples.map(\.location.line) == [2, 3, 4])
        // Columns in any order, other columns ignored, line breaks inside quotes, CRLF.
        let other = TrainingDataImport.read("id,intent,text\r\n1,greet,\"hello\r\nthere\"\r\n2,greet,hi\r\n3,greet\r\n", path: "b.csv", format: .csv)
        #expect(other.examples.map(\.text) == ["hello\r\nthere", "hi"])
        #expect(other.examples.map(\.location.line) == [2, 4])
        #expect(rendered(other.diagnostics) == [
            """
            b.csv:5:1: warning: expected 3 fields as in the header, found 2; row skipped
            3,greet
            ^
            """,
        ])
    }

    @Test func reportsACSVWithoutAnIntentColumn() throws {
        let file = TrainingDataImport.read("text,label\nhello,greet\n", path: "a.csv", format: .csv)
        #expect(file.examples.isEmpty)
        #expect(rendered(file.diagnostics) == [
            """
            a.csv:1:1: error: the header row has no 'intent' column (columns: text, label; expected text,intent)
            text,label
            ^
            """,
        ])
    }

    @Test func reportsAnUnclosedQuote() throws {
        let file = TrainingDataImport.read("text,intent\nhello,greet\n\"bye,bye\nsee you,bye\n", path: "a.csv", format: .csv)
        #expect(rendered(file.diagnostics) == [
            """
            a.csv:3:1: error: unclosed quote: a field that starts with " must end with " (write "" for a quote inside it)
            "bye,bye
            ^
            """,
        ])
        #expect(TrainingDataImport.convert([file]).hasErrors)
    }

    // MARK: Rasa

    @Test func importsRasaNLU() throws {
        let file = TrainingDataImport.read(try fixture("nlu.yml"), path: "nlu.yml", format: .rasa)
        let bot = TrainingDataImport.convert([file])
        #expect(bot.intents.map(\.name) == ["check_balance", "transfer_money"])
        #expect(bot.intents[0].written == [
            "what is my balance",
            "how much is on my [savings](account_type) account",
            "balance of [checking](account_type:current) please",
        ])
        #expect(bot.intents[1].written == ["send [50 euros](money) to [Ada](person)", "transfer to [Bob](person)"])
        #expect(bot.intents[1].texts == ["send 50 euros to Ada", "transfer to Bob"])
        #expect(bot.entities == [
            ImportedBot.EntityData(name: "account_type", pattern: nil, values: [("savings", []), ("current", ["checking account", "giro"])]),
            ImportedBot.EntityData(name: "person", pattern: nil, values: [("Ada", []), ("Grace", []), ("Bob", [])]),
            ImportedBot.EntityData(name: "iban", pattern: #"[A-Z]{2}\d{2}[A-Z0-9]{10,30}"#, values: []),
        ])
        #expect(rendered(bot.diagnostics) == [
            "nlu.yml:10:7: warning: intent 'transfer money' renamed to 'transfer_money' (intent names use letters, digits, '_', '-' and '.')",
            """
            nlu.yml:11:24: warning: entity roles are not supported; the annotation is imported without its "role"
                - transfer to [Bob]{"entity": "person", "role": "recipient"}
                                   ^
            """,
        ])
        let (_, loaded) = try load(bot)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.bot.entities.map(\.name) == ["account_type", "person", "iban"])
        let balance = try #require(loaded.bot.intent(named: "check_balance"))
        #expect(balance.examples["en"]?.map(\.text) == ["what is my balance", "how much is on my savings account", "balance of checking please"])
        #expect(balance.examples["en"]?[2].annotations.map(\.value) == ["current"])
    }

    @Test func reportsWhatRasaDataCannotBeConverted() throws {
        let text = """
            version: "3.1"
            nlu:
            - intent: greet
              exmples: |
                - hi
            - intent: ask
              examples: |
                - where is [the shop](place
                - how late is it [now]{"entity": }
                - is [it]{"entity": "thing", "group": "1"} open
                just a line
            - intent: bye
              examples: bye
            - regex: zip
              examples: [five digits]
            - synonym: nowhere
              examples: |
                - nix
            stories:
            - story: x
            respones: {}
            """
        let file = TrainingDataImport.read(text, path: "nlu.yml", format: .rasa)
        let bot = TrainingDataImport.convert([file])
        #expect(rendered(bot.diagnostics) == [
            """
            nlu.yml:3:11: warning: intent 'greet' has no 'examples'; skipped
            - intent: greet
                      ^
            """,
            """
            nlu.yml:4:3: warning: unknown key 'exmples' in an nlu entry; did you mean 'examples'?; ignored
              exmples: |
              ^
            """,
            """
            nlu.yml:8:26: warning: malformed entity annotation: '(' without ')' (write [text](entity)); example skipped
                - where is [the shop](place
                                     ^
            """,
            """
            nlu.yml:9:27: warning: malformed entity annotation: {"entity": } is not a JSON object; example skipped
                - how late is it [now]{"entity": }
                                      ^
            """,
            """
            nlu.yml:10:14: warning: entity groups are not supported; the annotation is imported without its "group"
                - is [it]{"entity": "thing", "group": "1"} open
                         ^
            """,
            """
            nlu.yml:11:5: warning: expected an example as '- text', not 'just a line'; line skipped
                just a line
                ^
            """,
            """
            nlu.yml:13:13: warning: expected an example as '- text', not 'bye'; line skipped
              examples: bye
                        ^
            """,
            """
            nlu.yml:15:13: warning: 'examples' must be a block of '- ' lines (examples: |), not a list; regex 'zip' skipped
              examples: [five digits]
                        ^
            """,
            """
            nlu.yml:16:12: warning: synonym 'nowhere' is not the value of any annotated entity or lookup table; skipped
            """,
            """
            nlu.yml:19:1: warning: 'stories' is not imported (only 'nlu' training data is)
            stories:
            ^
            """,
            """
            nlu.yml:21:1: warning: unknown key 'respones' in a Rasa NLU file (expected 'version', 'nlu'); ignored
            respones: {}
            ^
            """,
        ])
        #expect(bot.intents.map(\.written) == [["is [it](thing) open"]])
    }

    @Test func readsRasaExamplesWithMetadata() throws {
        let text = """
            version: "3.1"
            nlu:
            - intent: greet
              examples:
              - text: |
                  hi [Ada](person)
                metadata:
                  sentiment: neutral
              - text: hello there
              - hey
            """
        let bot = TrainingDataImport.convert([TrainingDataImport.read(text, path: "nlu.yml", format: .rasa)])
        #expect(bot.intents.map(\.written) == [["hi [Ada](person)", "hello there"]])
        #expect(rendered(bot.diagnostics) == [
            """
            nlu.yml:10:5: warning: an example in an 'examples' list must be a mapping with 'text' (or write examples: | with '- ' lines); skipped
              - hey
                ^
            """,
        ])
    }

    @Test func makesNamesValid() throws {
        let text = """
            nlu:
            - intent: café au lait
              examples: |
                - one [coffee](drink-type) please
            - intent: a/b
              examples: |
                - first
            - intent: a b
              examples: |
                - second
            - regex: number
              examples: |
                - KS-\\d+
                - (unclosed
            """
        let bot = TrainingDataImport.convert([TrainingDataImport.read(text, path: "nlu.yml", format: .rasa)])
        #expect(bot.intents.map(\.name) == ["cafe_au_lait", "a_b", "a_b_2"])
        #expect(bot.intents[0].written == ["one [coffee](drink_type) please"])
        #expect(bot.entities.map(\.name) == ["drink_type", "number_custom"])
        #expect(bot.entities[1].pattern == #"KS-\d+"#)
        #expect(rendered(bot.diagnostics) == [
            "nlu.yml:4:7: warning: intent 'café au lait' renamed to 'cafe_au_lait' (intent names use letters, digits, '_', '-' and '.')",
            "nlu.yml:4:7: warning: entity 'drink-type' renamed to 'drink_type' (entity names use letters, digits and '_')",
            "nlu.yml:7:7: warning: intent 'a/b' renamed to 'a_b' (intent names use letters, digits, '_', '-' and '.')",
            "nlu.yml:10:7: warning: intent 'a b' renamed to 'a_b_2' (intent names use letters, digits, '_', '-' and '.')",
            "nlu.yml:11:10: warning: entity 'number' renamed to 'number_custom' (entity names use letters, digits and '_' and are not built-in names)",
            "nlu.yml:11:10: warning: regex '(unclosed' of 'number' is not a valid ICU regular expression; skipped",
        ])
        let (_, loaded) = try load(bot)
        #expect(loaded.bot.intents.map(\.name) == ["cafe_au_lait", "a_b", "a_b_2"])
    }

    @Test func reportsInvalidRasaYAML() throws {
        let file = TrainingDataImport.read("nlu:\n- intent: a\n  examples: |\n    - x\n - intent: b\n", path: "nlu.yml", format: .rasa)
        #expect(rendered(file.diagnostics).first?.hasPrefix("nlu.yml:5:2: error: invalid YAML: ") == true)
    }

    // MARK: Round trip

    @Test func anyTextRoundTripsThroughTheWrittenFiles() throws {
        let texts = [
            "she said \"hi\" and 'bye'", "time: 10:30", "key: value", "# not a comment", "- not a list item", "ends with a colon:",
            "{curly} braces", "[square] brackets [[two]]", "a [link](url) look-alike", "* star", "& amp", "! bang", "% percent",
            "@ at", "`tick`", "yes", "no", "null", "~", "true", "123", "0x1F", "1e3", "Grüße aus Köln 😀", "日本語のテキスト",
            "tab\there", "trailing backslash \\", "? question", "| pipe", "> greater", "a #hash inside", "ok,comma",
        ]
        let lines = texts.enumerated().map { index, text -> String in
            let object = ["text": text, "intent": index % 2 == 0 ? "even" : "odd"]
            return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let bot = TrainingDataImport.convert([TrainingDataImport.read(lines.joined(separator: "\n"), path: "x.jsonl", format: .jsonLines)])
        #expect(bot.diagnostics.isEmpty)
        for language: LanguageCode in ["en", "fr"] {
            let (_, loaded) = try load(bot, language: language)
            #expect(loaded.warnings.isEmpty)
            #expect(loaded.bot.languages == [language])
            #expect(loaded.bot.intents.map(\.name) == ["even", "odd"])
            let loadedTexts = loaded.bot.intents.flatMap { $0.examples[language]?.map(\.text) ?? [] }
            #expect(loadedTexts == texts.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + texts.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
            #expect(loaded.bot.intents.map { $0.replies[language]?.first?.source } == ["TODO: reply for even", "TODO: reply for odd"])
        }
    }

    @Test func writesTheSettingsFile() throws {
        let bot = TrainingDataImport.convert([TrainingDataImport.read("text,intent\nhi,greet\n", path: "a.csv", format: .csv)])
        let files = try bot.files(name: "Shop: help #1", language: .german)
        #expect(files.map(\.name) == ["bot.yaml", "intents.yaml"])
        #expect(files[0].content == "version: 1\nname: 'Shop: help #1'\nlanguages: [de]\nintent_model:\n  names_as_examples: true\n")
        #expect(files[1].content == """
            version: 1
            intents:
            - name: greet
              examples:
                de:
                - hi
              replies:
                de:
                - 'TODO: reply for greet'

            """)
    }
}
