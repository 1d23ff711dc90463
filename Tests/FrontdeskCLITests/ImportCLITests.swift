import Foundation
import Testing

/// `frontdesk import` as a trainer uses it: training data in, a bot folder out that
/// `frontdesk validate` and `frontdesk chat` read.
@Suite struct ImportCLITests {
    static let fixtures = CLI.repositoryRoot.appendingPathComponent("Tests/FrontdeskBotFormatTests/Fixtures/import")

    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("frontdesk-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// English data of 500 examples or more: the bot gets the static word embeddings, and
    /// the summary says so, as it says that the intents' names are examples.
    @Test func largeEnglishDataGetsTheEmbeddings() throws {
        let work = try temporaryFolder()
        let lines = (0..<600).map { "{\"text\": \"please help with topic \($0 % 12) case \($0)\", \"intent\": \"topic_\($0 % 12)\"}" }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: work.appendingPathComponent("large.jsonl"))
        let result = try CLI.run(["import", "large.jsonl", "--out", "large"], in: work)
        #expect(result.status == 0)
        #expect(result.lines == [
            "imported 600 examples of 12 intents into large (bot.yaml, intents.yaml)",
            "static word embeddings are on for the English intent model (intent_model.embeddings in large/bot.yaml): better with paraphrases at this size",
            "each intent's name, read as words, is one more example of it (intent_model.names_as_examples in large/bot.yaml; set it to false if the names are only labels)",
            "every intent has the placeholder reply \"TODO: reply for <intent>\": write its real replies in large/intents.yaml",
            "next: frontdesk validate --bot large",
        ])
        let settings = try String(contentsOf: work.appendingPathComponent("large/bot.yaml"), encoding: .utf8)
        #expect(settings == "version: 1\nname: large\nlanguages: [en]\nintent_model:\n  embeddings: true\n  names_as_examples: true\n")
    }

    @Test func importsRasaDataIntoABotThatValidates() throws {
        let work = try temporaryFolder()
        let nlu = Self.fixtures.appendingPathComponent("nlu.yml").path
        let result = try CLI.run(["import", nlu, "--out", "bank", "--name", "Bank Helper"], in: work)
        #expect(result.status == 0)
        #expect(result.lines == [
            "imported 5 examples of 2 intents and 3 entities into bank (bot.yaml, intents.yaml, entities.yaml)",
            "each intent's name, read as words, is one more example of it (intent_model.names_as_examples in bank/bot.yaml; set it to false if the names are only labels)",
            "every intent has the placeholder reply \"TODO: reply for <intent>\": write its real replies in bank/intents.yaml",
            "2 warnings: what was not converted is listed above",
            "next: frontdesk validate --bot bank",
        ])
        #expect(result.stderr == """
            \(nlu):10:7: warning: intent 'transfer money' renamed to 'transfer_money' (intent names use letters, digits, '_', '-' and '.')
            \(nlu):11:24: warning: entity roles are not supported; the annotation is imported without its "role"
                - transfer to [Bob]{"entity": "person", "role": "recipient"}
                                   ^

            """)
        let settings = try String(contentsOf: work.appendingPathComponent("bank/bot.yaml"), encoding: .utf8)
        #expect(settings == "version: 1\nname: Bank Helper\nlanguages: [en]\nintent_model:\n  names_as_examples: true\n")

        let noTranscripts = try temporaryFolder().path
        let db = work.appendingPathComponent("db/frontdesk.sqlite").path
        let validate = try CLI.run(["validate", "--bot", "bank", "--db", db, "--transcripts", noTranscripts], in: work)
        #expect(validate.status == 0)
        #expect(!validate.stdout.contains(" error: "))
        #expect(validate.lines.last?.hasPrefix("0 errors, ") == true)

        // Existing files are not overwritten without --force.
        let again = try CLI.run(["import", nlu, "--out", "bank"], in: work)
        #expect(again.status == 1)
        #expect(again.stderr.hasSuffix("error: bank/bot.yaml, bank/intents.yaml, bank/entities.yaml already exist; nothing written (--force overwrites)\n"))
        let forced = try CLI.run(["import", nlu, "--out", "bank", "--force"], in: work)
        #expect(forced.status == 0)
        #expect(try String(contentsOf: work.appendingPathComponent("bank/bot.yaml"), encoding: .utf8) == "version: 1\nname: bank\nlanguages: [en]\nintent_model:\n  names_as_examples: true\n")
    }

    @Test func importedJSONLinesAnswerInTheREPL() throws {
        let work = try temporaryFolder()
        let data = Self.fixtures.appendingPathComponent("small.jsonl").path
        let result = try CLI.run(["import", data, "--out", "small"], in: work)
        #expect(result.status == 0)
        #expect(result.lines.prefix(2) == [
            "imported 5 examples of 3 intents into small (bot.yaml, intents.yaml)",
            "1 out-of-scope example (label 'oos') went into the intent out_of_scope: when it wins, the bot gives its fallback reply (--drop-oos leaves them out)",
        ])
        let db = work.appendingPathComponent("db/frontdesk.sqlite").path
        let chat = try CLI.run(["--bot", "small", "--db", db, "--seed", "1"], input: "what is my balance\n", in: work)
        #expect(chat.status == 0)
        #expect(chat.lines.last == "TODO: reply for balance")
    }

    @Test func writesNothingWhenTheInputHasErrors() throws {
        let work = try temporaryFolder()
        try "text,label\nhello,greet\n".write(to: work.appendingPathComponent("data.csv"), atomically: true, encoding: .utf8)
        let result = try CLI.run(["import", "data.csv", "--out", "bot"], in: work)
        #expect(result.status == 2)
        #expect(result.stdout == "")
        #expect(result.stderr == """
            data.csv:1:1: error: the header row has no 'intent' column (columns: text, label; expected text,intent)
            text,label
            ^
            1 error, 0 warnings; nothing written

            """)
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("bot").path))

        let unknown = try CLI.run(["import", "data.txt", "--out", "bot"], in: work)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("data.txt:1:1: error: cannot tell the format from the file name (use .jsonl, .csv, .yml or .yaml, or --format jsonl|csv|rasa)\n"))
    }
}
