import Foundation
import FrontdeskCore
import FrontdeskStore
import Testing

@testable import FrontdeskInsights

@Suite struct InboxTests {
    @Test func similarMessagesAreGroupedDifferentOnesApartNewestFirst() throws {
        let inbox = try Inbox.build(from: Fixture.store())
        #expect(inbox.totalMessages == 6)
        #expect(inbox.totalGroups == 4)
        #expect(inbox.reasonCounts == [.fallback: 4, .lowConfidence: 2, .badRating: 1])
        #expect(inbox.groups.map(\.number) == [1, 2, 3, 4])
        #expect(inbox.groups.map { $0.messages.map(\.text) } == [
            ["refund or cancel"],
            ["vpn not connecting on my laptop", "vpn won't connect at all", "my vpn does not connect"],
            ["can I pay with paypal"],
            ["how long does the refund take"],
        ])
        #expect(inbox.groups.map(\.latest) == [Fixture.at(Fixture.day2, 15, 0), Fixture.at(Fixture.day2, 12, 0),
                                               Fixture.at(Fixture.day2, 9, 1), Fixture.at(Fixture.day1, 10, 1)])
        #expect(inbox.groups.map(\.reasons) == [[.lowConfidence], [.fallback], [.fallback], [.lowConfidence, .badRating]])
        #expect(inbox.groups[1].guess == "vpn_issue" && inbox.groups[1].guessCount == 3)
        #expect(inbox.groups[2].guess == "payment_methods")
        // The badly rated reply's message is there with its own confidence and guess.
        let rated = inbox.groups[3].messages[0]
        #expect(rated.reasons == [.lowConfidence, .badRating])
        #expect(rated.confidence == 0.42 && rated.guess == "refund_request")
        // The insult (moderation acted on it) and the good answers are not.
        let texts = inbox.groups.flatMap { $0.messages.map(\.text) }
        #expect(!texts.contains("you are an idiot"))
        #expect(!texts.contains("I want a refund"))
    }

    @Test func aBadRatingAloneIsEnoughAndTheCutOffCanChange() throws {
        let inbox = try Inbox.build(from: Fixture.store(), options: InboxOptions(lowConfidence: 0.4))
        // 0.42 and 0.45 are no longer low; the rated message stays for its bad rating.
        #expect(inbox.totalMessages == 5)
        #expect(inbox.reasonCounts == [.fallback: 4, .badRating: 1])
        #expect(inbox.groups.last?.messages.map(\.text) == ["how long does the refund take"])
        #expect(inbox.groups.last?.reasons == [.badRating])
    }

    @Test func sinceAndLimit() throws {
        let store = try Fixture.store()
        let recent = try Inbox.build(from: store, options: InboxOptions(since: Fixture.day2))
        #expect(recent.totalMessages == 3)
        #expect(recent.groups.map { $0.messages.map(\.text) } == [["refund or cancel"], ["vpn not connecting on my laptop"], ["can I pay with paypal"]])
        let limited = try Inbox.build(from: store, options: InboxOptions(limit: 2))
        #expect(limited.groups.map(\.number) == [1, 2])
        #expect(limited.totalGroups == 4 && limited.totalMessages == 6)
        #expect(limited.textLines().contains("showing the newest 2 groups"))
    }

    @Test func germanMessagesAreStemmedAndGrouped() {
        var grouper = MessageGrouper()
        let groups = grouper.group([
            (text: "Ich möchte eine Rückerstattung", language: "de"),
            (text: "RÜCKERSTATTUNGEN bitte!", language: "de"),
            (text: "Mein VPN verbindet sich nicht", language: "de"),
            (text: "das vpn verbindet nicht", language: "de"),
            (text: "???", language: "de"),
            (text: "???", language: "de"),
        ])
        #expect(groups == [[0, 1], [2, 3], [4, 5]])
        #expect(grouper.terms("Ich möchte eine Rückerstattung", language: "de") == grouper.terms("möchte rueckerstattung", language: "de"))
    }

    @Test func theTextListFitsOneHundredColumns() throws {
        let lines = try Inbox.build(from: Fixture.store()).textLines()
        for line in lines { #expect(line.count <= 100, "\(line)") }
        #expect(lines[0] == "6 messages in 4 groups (fallback 4, low confidence 2, rated bad 1)")
        #expect(lines.contains { $0.hasPrefix("   2         3  2026-03-03 12:00") && $0.contains("vpn_issue (3 of 3)") })
        #expect(lines.contains("      “how long does the refund take”"))
        let empty = Inbox.build(messages: [], feedback: [])
        #expect(empty.textLines() == ["0 messages in 0 groups", "Nothing to review: no fallbacks, low-confidence answers or bad ratings."])
    }

    @Test func theJSONLinesExportHasOneObjectPerMessage() throws {
        let inbox = try Inbox.build(from: Fixture.store())
        let lines = inbox.jsonLines().split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        var groups: [Int] = []
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["text", "reasons", "group", "at", "guess"])
            groups.append(try #require(object["group"] as? Int))
        }
        #expect(groups == [1, 2, 2, 2, 3, 4])
        #expect(lines[5] == #"{"at":"2026-03-02T10:01:00Z","group":4,"guess":"refund_request","reasons":["low_confidence","bad_rating"],"text":"how long does the refund take"}"#)
    }

    /// Reads the YAML export the way the bot format lays it out, line by line; the quoted
    /// texts are read as JSON strings (the export writes only escapes JSON shares).
    func parseExport(_ yaml: String) throws -> [(name: String, examples: [String: [String]], replies: [String: [String]])] {
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let content = lines.filter { !$0.hasPrefix("#") }
        try #require(content.count >= 2)
        #expect(content[0] == "version: 1")
        #expect(content[1] == "intents:")
        var intents: [(name: String, examples: [String: [String]], replies: [String: [String]])] = []
        var section = ""
        var language = ""
        for line in content.dropFirst(2) {
            if line.hasPrefix("  # TODO: ") { continue }
            if line.hasPrefix("  - name: ") {
                intents.append((String(line.dropFirst(10)), [:], [:]))
            } else if line == "    examples:" || line == "    replies:" {
                section = line.trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("      "), line.hasSuffix(":"), !line.hasPrefix("       ") {
                language = String(line.dropFirst(6).dropLast())
                if section == "examples:" { intents[intents.count - 1].examples[language] = [] } else { intents[intents.count - 1].replies[language] = [] }
            } else if line.hasPrefix("        - \"") {
                let quoted = String(line.dropFirst(10))
                let text = try #require(try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]).first!
                if section == "examples:" { intents[intents.count - 1].examples[language]!.append(text) } else { intents[intents.count - 1].replies[language]!.append(text) }
            } else if line == "        " + Inbox.replyPlaceholder {
                continue
            } else {
                Issue.record("unexpected line: \(line)")
            }
        }
        return intents
    }

    @Test func theYAMLExportIsAnIntentFileWithRepliesToWrite() throws {
        let inbox = try Inbox.build(from: Fixture.store())
        let yaml = inbox.yaml()
        #expect(yaml.hasPrefix("# Frontdesk inbox"))
        #expect(yaml.contains("  # TODO: 3 messages, latest 2026-03-03 12:00 UTC; reasons: fallback; guessed intent: vpn_issue (3 of 3)\n  - name: inbox_2\n"))
        let intents = try parseExport(yaml)
        #expect(intents.map(\.name) == ["inbox_1", "inbox_2", "inbox_3", "inbox_4"])
        #expect(intents[1].examples == ["en": ["vpn not connecting on my laptop", "vpn won't connect at all", "my vpn does not connect"]])
        #expect(intents.allSatisfy { $0.replies == ["en": []] })
        #expect(yaml.components(separatedBy: Inbox.replyPlaceholder).count - 1 == 4)
        // Once the trainer writes the replies, every intent has examples and replies.
        let filled = yaml.replacingOccurrences(of: Inbox.replyPlaceholder, with: "- \"We are on it.\"")
        let completed = try parseExport(filled)
        #expect(completed.allSatisfy { $0.replies == ["en": ["We are on it."]] && !($0.examples["en"] ?? []).isEmpty })
        #expect(Inbox.build(messages: [], feedback: []).yaml().hasSuffix("version: 1\nintents: []\n"))
    }

    @Test func exportedTextsReadBackAsThemselves() throws {
        let tricky = [
            "He said \"refund\" \\ now", "line one\nline two\ttab", "mail [email] or [[x]]", "[see](this) link", "# not a comment: yes",
            "ünïcödé – 🚀 \u{2028}sep", "nul\u{0}and\u{7F}del", "{placeholder} & more", "- dash", "[x]([y)",
        ]
        for text in tricky {
            let quoted = Inbox.yamlQuoted(text)
            let back = try #require(try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]).first
            #expect(back == text)
            #expect(!quoted.contains("\n") && !quoted.contains("\u{2028}"))
        }
        // A `[` that would start an annotation, or that precedes a `[`, is doubled (`[[` is a literal `[`).
        #expect(Inbox.literalExample("[see](this) link") == "[[see](this) link")
        #expect(Inbox.literalExample("mail [email] or [[x]]") == "mail [email] or [[[x]]")
        #expect(Inbox.literalExample("no [brackets") == "no [brackets")
    }

    @Test func aRatingBelongsToTheLatestMessageWithItsIdBeforeIt() {
        let t = Fixture.day1
        // The REPL numbers messages anew after /reset: repl-1 twice in one conversation.
        let messages = [
            CustomerMessage(conversation: "r", requestID: "repl-1", at: t, text: "first question about invoices", decision: "answer",
                            intent: IntentGuess(name: "billing", confidence: 0.9)),
            CustomerMessage(conversation: "r", requestID: "repl-1", at: t.addingTimeInterval(600), text: "second question about passwords",
                            decision: "answer", intent: IntentGuess(name: "password", confidence: 0.9)),
            CustomerMessage(conversation: "other", requestID: "repl-1", at: t, text: "another conversation entirely", decision: "answer",
                            intent: IntentGuess(name: "billing", confidence: 0.9)),
        ]
        let rating = FeedbackRecord(conversation: "r", requestID: "repl-1", rating: "bad", comment: nil, at: t.addingTimeInterval(60))
        let inbox = Inbox.build(messages: messages, feedback: [rating])
        #expect(inbox.groups.flatMap { $0.messages.map(\.text) } == ["first question about invoices"])
        #expect(inbox.groups.first?.reasons == [.badRating])
        let good = FeedbackRecord(conversation: "r", requestID: "repl-1", rating: "good", comment: nil, at: t.addingTimeInterval(60))
        #expect(Inbox.build(messages: messages, feedback: [good]).totalMessages == 0)
    }

    @Test func moderatedHiddenAndEmptyMessagesAreLeftOut() {
        let at = Fixture.day1
        let messages = [
            CustomerMessage(conversation: "a", requestID: "1", at: at, text: "spam spam", decision: "fallback",
                            moderation: .init(categories: ["spam"], severity: "clear", action: "end", hide: true)),
            CustomerMessage(conversation: "a", requestID: "2", at: at, text: "hidden but no action", decision: "fallback",
                            moderation: .init(categories: ["insult"], severity: "clear", action: "none", hide: true)),
            CustomerMessage(conversation: "a", requestID: "3", at: at, text: "  ", payload: "yes", decision: "fallback"),
            CustomerMessage(conversation: "a", requestID: "4", at: at, text: "darn this thing", decision: "fallback",
                            moderation: .init(categories: ["profanity"], severity: "borderline", action: "none", hide: false)),
        ]
        let inbox = Inbox.build(messages: messages, feedback: [FeedbackRecord(conversation: "a", requestID: "1", rating: "bad", comment: nil, at: at)])
        #expect(inbox.groups.flatMap { $0.messages.map(\.text) } == ["darn this thing"])
    }
}
