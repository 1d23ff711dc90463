import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskTesting

@Suite struct TranscriptParserTests {
    @Test func readsAllKindsOfLines() throws {
        let text = """
            version: 1
            title: Refund in German
            # a comment
            language: de
            user: Ada
            time: 2026-03-02 14:30 Europe/Berlin
            seed: 7

            customer: Hallo
            bot one of: disclosure
            bot: Hallo!
              Wie kann ich helfen?
            customer: Geld zurück
            bot contains: Rückerstattung
            bot matches: .*(Geld|Erstattung).*
            intent: refund_request
            quick replies: Ja | Nein
            slot order_number: 12345
            event: handoff

            language: auto
            time: 2026-03-03 09:00
            customer: thanks
            """
        let t = try Transcript.parse(text, path: "t.txt")
        #expect(t.title == "Refund in German")
        #expect(t.language == "de")
        #expect(t.user == "Ada")
        #expect(t.seed == 7)
        #expect(t.time.map(TranscriptTime.format) == "2026-03-02 13:30:00 UTC")
        #expect(t.steps.count == 5)
        #expect(t.turns[0] == Transcript.Turn(customer: "Hallo", line: 9, expectations: [
            .init(.oneOf("disclosure"), line: 10), .init(.exact("Hallo!\nWie kann ich helfen?"), line: 11),
        ]))
        #expect(t.turns[1].expectations.map(\.kind) == [
            .contains("Rückerstattung"), .matches(".*(Geld|Erstattung).*"), .intent("refund_request"),
            .quickReplies(["Ja", "Nein"]), .slot(name: "order_number", value: "12345"), .event("handoff"),
        ])
        #expect(t.steps[2] == .language(nil, line: 21))
        #expect(t.steps[3] == .time(TranscriptTime.parse("2026-03-03 09:00")!, line: 22))
        #expect(t.turns[2].customer == "thanks")
        #expect(t.turns[2].expectations.isEmpty)
    }

    @Test func formattingAndParsingRoundTrip() throws {
        let original = Transcript(path: "x.txt", title: "Round trip", language: "en", user: "Bo",
                                  time: TranscriptTime.parse("2026-01-05 08:00 UTC"), seed: 3, steps: [
            .turn(.init(customer: "hi", line: 0, expectations: [.init(.exact("Line one\nline two"), line: 0), .init(.intent("greet"), line: 0)])),
            .language("de", line: 0),
            .turn(.init(customer: "hallo", line: 0, expectations: [.init(.quickReplies(["A", "B"]), line: 0), .init(.oneOf("fallback"), line: 0)])),
        ])
        let parsed = try Transcript.parse(original.formatted(), path: "x.txt")
        #expect(parsed.title == original.title)
        #expect(parsed.language == original.language)
        #expect(parsed.user == original.user)
        #expect(parsed.time == original.time)
        #expect(parsed.seed == original.seed)
        #expect(parsed.steps.count == 3)
        #expect(parsed.turns.map(\.customer) == ["hi", "hallo"])
        #expect(parsed.turns.flatMap(\.expectations).map(\.kind) == original.turns.flatMap(\.expectations).map(\.kind))
    }

    func errors(_ text: String) -> [String] {
        do {
            _ = try Transcript.parse(text, path: "t.txt")
            return []
        } catch {
            #expect(error.code == .invalidTranscript)
            return error.diagnostics.map(\.rendered)
        }
    }

    @Test func rejectsAnUnknownVersion() {
        #expect(errors("version: 2\ntitle: x\ncustomer: hi\n") == [
            """
            t.txt:1:10: error: unsupported transcript version '2' (this Frontdesk reads version 1)
            version: 2
                     ^
            """,
        ])
    }

    @Test func rejectsAMissingVersionAndTitle() {
        #expect(errors("customer: hi\nbot: Hello\n") == [
            """
            t.txt:1:1: error: the first line must be 'version: 1'
            customer: hi
            ^
            """,
            """
            t.txt:1:1: error: missing 'title: ...' (a name for this conversation test)
            customer: hi
            ^
            """,
        ])
    }

    @Test func rejectsABotLineBeforeTheCustomer() {
        #expect(errors("version: 1\ntitle: x\nbot: Hello\ncustomer: hi\n") == [
            """
            t.txt:3:1: error: 'bot:' comes before any 'customer:' line (the customer speaks first)
            bot: Hello
            ^
            """,
        ])
    }

    @Test func rejectsUnknownLinesWithASuggestion() {
        #expect(errors("version: 1\ntitle: x\ncustomer: hi\nbott: Hello\nwhatever: 1\njust words\n") == [
            """
            t.txt:4:1: error: unknown line 'bott:'; did you mean 'bot:'?
            bott: Hello
            ^
            """,
            """
            t.txt:5:1: error: unknown line 'whatever:' (expected one of 'version:', 'title:', 'language:', 'user:', 'time:', 'seed:', 'agent:', 'customer:', 'bot:', 'bot contains:', 'bot matches:', 'bot one of:', 'bot silent:', 'intent:', 'quick replies:', 'entity NAME:', 'event:', 'slot NAME:', 'article:', 'moderation:', 'hidden:', 'stored:')
            whatever: 1
            ^
            """,
            """
            t.txt:6:1: error: expected 'key: value' (for example 'customer: hello' or 'bot: Hi!')
            just words
            ^
            """,
        ])
    }

    @Test func rejectsBadValues() {
        let found = errors("version: 1\ntitle: x\nseed: many\ntime: tomorrow\nlanguage: german\ncustomer: hi\nbot matches: (unclosed\n")
        #expect(found.map { $0.components(separatedBy: "\n")[0] } == [
            "t.txt:3:7: error: the seed must be a whole number, not 'many'",
            "t.txt:4:7: error: invalid time 'tomorrow' (expected for example '2026-03-02 14:30 Europe/Berlin')",
            "t.txt:5:11: error: 'german' is not a language code (use en, de, ... or auto)",
            "t.txt:7:14: error: invalid regular expression '(unclosed'",
        ])
    }

    @Test func rejectsAnEmptyFile() {
        #expect(errors("# only a comment\n\n") == ["t.txt:1:1: error: the transcript is empty (expected 'version: 1', a title and turns)\n# only a comment\n^"])
    }

    @Test func readsTimesWithZonesAndOffsets() {
        #expect(TranscriptTime.parse("2026-03-02 14:30 Europe/Berlin").map(TranscriptTime.format) == "2026-03-02 13:30:00 UTC")
        #expect(TranscriptTime.parse("2026-03-02 14:30:15 +02:00").map(TranscriptTime.format) == "2026-03-02 12:30:15 UTC")
        #expect(TranscriptTime.parse("2026-07-01 00:00").map(TranscriptTime.format) == "2026-07-01 00:00:00 UTC")
        #expect(TranscriptTime.parse("2026-02-31 10:00") == nil)
        #expect(TranscriptTime.parse("2026-03-02 25:00") == nil)
        #expect(TranscriptTime.parse("2026-03-02 10:00 Mars/Olympus") == nil)
    }
}

@Suite struct AgentLineTests {
    @Test func readsAHandBack() throws {
        let t = try Transcript.parse("version: 1\ntitle: t\ncustomer: human please\nevent: handoff\n\nagent: hand back\nbot one of: handed_back\n\ncustomer: hi\n", path: "t.txt")
        #expect(t.steps.count == 3)
        #expect(t.steps[1] == .handBack(line: 6, expectations: [Transcript.Expectation(.oneOf("handed_back"), line: 7)]))
        #expect(t.turns.map(\.customer) == ["human please", "hi"])
    }

    @Test func rejectsOtherAgentActions() {
        do {
            _ = try Transcript.parse("version: 1\ntitle: t\ncustomer: hi\nagent: take over\n", path: "t.txt")
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.description) == ["t.txt:4:8: error: 'agent:' knows one action: 'agent: hand back' (a human gives the conversation back to the bot)"])
        }
    }
}
