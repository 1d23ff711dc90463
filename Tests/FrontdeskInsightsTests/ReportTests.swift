import Foundation
import FrontdeskCore
import FrontdeskStore
import Logging
import Testing

@testable import FrontdeskInsights

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct ReportTests {
    func close(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return abs(a - b) < 1e-9
    }

    @Test func theTurnsAreReadBackWithEverythingTheirEventsSay() throws {
        let messages = try Insights.customerMessages(in: Fixture.store())
        #expect(messages.count == 12)
        #expect(messages.map(\.text) == Fixture.turns.map(\.text))
        let insult = messages[5]
        #expect(insult.moderation == CustomerMessage.Moderation(categories: ["insult"], severity: "clear", action: "warn", hide: true))
        #expect(insult.decision == "fallback")
        #expect(messages[4].handoffReason == "requested" && messages[4].handoffOpen == true)
        #expect(messages[3].sentiment == CustomerMessage.Sentiment(score: -0.7, frustration: 0.7, offeredHuman: true))
        #expect(messages[11].payload == "intent:refund_request")
        #expect(messages[10].bestConfidence == 0.45 && messages[10].guess == "refund_request")
        #expect(messages.allSatisfy { $0.language == "en" })
    }

    @Test func theNumbersAreTheHandComputedOnes() throws {
        let report = try Report.build(from: Fixture.store())
        #expect(report.conversations == 5)
        #expect(report.customerMessages == 12)
        #expect(report.handedOffConversations == 2)
        #expect(close(report.containment, 0.6))
        #expect(close(report.handoffRate, 0.4))
        #expect(report.handoffs == 2)
        #expect(report.handoffReasons == [NamedCount("fallbacks", 1), NamedCount("requested", 1)])
        #expect(report.fallbacks == 5)
        #expect(close(report.fallbackRate, 5.0 / 12))
        #expect(report.decisions == [NamedCount("fallback", 5), NamedCount("answer", 4), NamedCount("handoff", 2), NamedCount("clarify", 1)])
        #expect(report.answeredMessages == 5)
        #expect(report.topIntents == [NamedCount("refund_request", 3), NamedCount("human_handoff", 1), NamedCount("subscription_cancel", 1)])
        #expect(report.moderatedMessages == 2)
        #expect(report.moderationCategories == [NamedCount("insult", 1), NamedCount("profanity", 1)])
        #expect(report.moderationActions == [NamedCount("none", 1), NamedCount("warn", 1)])
        #expect(report.hiddenMessages == 1)
        #expect(report.sentimentMessages == 12)
        #expect(close(report.meanSentiment, -2.95 / 12))
        #expect(report.frustrationOffers == 1)
        #expect(report.feedbackGood == 2 && report.feedbackBad == 1)
        #expect(close(report.feedbackScore, 2.0 / 3))
        #expect(report.firstMessage == Fixture.at(Fixture.day1, 10, 0))
        #expect(report.lastMessage == Fixture.at(Fixture.day2, 15, 1))
        #expect(report.days.map(\.day) == ["2026-03-02", "2026-03-03"])
        #expect(report.days.map(\.messages) == [5, 7])
        #expect(report.days.map(\.conversations) == [2, 3])
        #expect(close(report.days[0].sentiment, -1.5 / 5))
        #expect(close(report.days[1].sentiment, -1.45 / 7))
        // The unanswered questions: the three VPN fallbacks together, then PayPal; the insult
        // (moderated) is not a question.
        #expect(report.unanswered.map(\.count) == [3, 1])
        #expect(report.unanswered[0].guess == "vpn_issue")
        #expect(report.unanswered[0].examples == ["vpn not connecting on my laptop", "vpn won't connect at all", "my vpn does not connect"])
        #expect(report.unanswered[1].examples == ["can I pay with paypal"])
    }

    @Test func sinceLimitsMessagesAndRatings() throws {
        let report = try Report.build(from: Fixture.store(), options: ReportOptions(since: Fixture.day2))
        #expect(report.conversations == 3)
        #expect(report.customerMessages == 7)
        #expect(report.handedOffConversations == 1)
        #expect(close(report.containment, 2.0 / 3))
        #expect(report.handoffReasons == [NamedCount("fallbacks", 1)])
        #expect(report.fallbacks == 3)
        #expect(report.feedbackGood == 2 && report.feedbackBad == 0)
        #expect(close(report.feedbackScore, 1))
        #expect(report.days.map(\.day) == ["2026-03-03"])
        #expect(report.frustrationOffers == 0)
    }

    @Test func daysAreCountedInTheChosenTimeZoneAndGapsAreFilled() throws {
        let store = try Fixture.store()
        // Tokyo is 9 hours ahead: 15:00 UTC on day 2 is already day 3 there.
        let tokyo = try Report.build(from: store, options: ReportOptions(timeZone: TimeZone(identifier: "Asia/Tokyo")!))
        #expect(tokyo.days.map(\.day) == ["2026-03-02", "2026-03-03", "2026-03-04"])
        #expect(tokyo.days.map(\.messages) == [5, 5, 2])
        let sparse = Report.build(messages: [
            CustomerMessage(conversation: "a", requestID: nil, at: Fixture.day1, text: "x", decision: "fallback"),
            CustomerMessage(conversation: "a", requestID: nil, at: Fixture.day1.addingTimeInterval(3 * 86_400), text: "y", decision: "fallback"),
        ], feedback: [])
        #expect(sparse.days.map(\.messages) == [1, 0, 0, 1])
        #expect(sparse.days.allSatisfy { $0.sentiment == nil })
    }

    @Test func anEmptyStoreGivesAnEmptyReport() throws {
        let report = try Report.build(from: Store(inMemory: Logger(label: "test")))
        #expect(report.conversations == 0 && report.customerMessages == 0)
        #expect(report.containment == nil && report.fallbackRate == nil && report.feedbackScore == nil)
        #expect(report.days.isEmpty)
        #expect(report.textLines().allSatisfy { $0.count <= 100 })
        let html = ReportHTML.render(report)
        #expect(html.contains("No customer messages in this period."))
    }

    @Test func theTextFitsOneHundredColumns() throws {
        let lines = try Report.build(from: Fixture.store()).textLines()
        for line in lines { #expect(line.count <= 100, "\(line)") }
        #expect(lines[0] == "Frontdesk report: all time; messages from 2026-03-02 to 2026-03-03 (UTC)")
        #expect(lines.contains("Conversations                        5"))
        #expect(lines.contains { $0.hasPrefix("Containment") && $0.contains("60.0 %") && $0.contains("3 of 5 conversations never handed off") })
        #expect(lines.contains { $0.hasPrefix("Fallback rate") && $0.contains("41.7 %") })
        #expect(lines.contains { $0.hasPrefix("Feedback score") && $0.contains("66.7 %") })
        #expect(lines.contains("  refund_request             3    60.0 %"))
        #expect(lines.contains("Per day (UTC)"))
        #expect(lines.contains("  2026-03-02         5              2      -0.30"))
    }

    @Test func theJSONHasSortedKeysAndTheNumbers() throws {
        let json = try Report.build(from: Fixture.store()).json.serialized
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["conversations"] as? Int == 5)
        #expect(object["customer_messages"] as? Int == 12)
        #expect(object["containment"] as? Double == 0.6)
        #expect(object["fallback_rate"] as? Double == 0.4167)
        let handoffs = try #require(object["handoffs"] as? [String: Any])
        #expect(handoffs["by_reason"] as? [String: Int] == ["fallbacks": 1, "requested": 1])
        let moderation = try #require(object["moderation"] as? [String: Any])
        #expect(moderation["by_category"] as? [String: Int] == ["insult": 1, "profanity": 1])
        #expect(moderation["hidden"] as? Int == 1)
        let feedback = try #require(object["feedback"] as? [String: Any])
        #expect(feedback["score"] as? Double == 0.6667)
        #expect((object["days"] as? [[String: Any]])?.count == 2)
        #expect(object["time_zone"] as? String == "UTC")
        // Keys in order at the top level (the serialisation keeps the sorted order).
        guard case .object(let top) = try JSONParser.parse(Array(json.utf8)) else {
            Issue.record("not an object")
            return
        }
        let keys = top.members.map(\.key)
        #expect(keys == keys.sorted())
    }

    @Test func theHTMLPageIsSelfContainedWellFormedAndEscaped() throws {
        var messages = try Insights.customerMessages(in: Fixture.store())
        messages.append(CustomerMessage(conversation: "c9", requestID: "x", at: Fixture.at(Fixture.day2, 16, 0),
                                        text: "see https://evil.example/<script>alert(1)</script> & \"more\"", decision: "fallback",
                                        ranking: [IntentGuess(name: "<b>odd</b>", confidence: 0.1)]))
        let page = ReportHTML.render(Report.build(messages: messages, feedback: []))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("<svg"))
        for tag in ["html", "head", "body", "section", "svg", "table", "ul", "figure", "tr", "td", "text", "rect"] {
            #expect(page.components(separatedBy: "<\(tag)>").count + page.components(separatedBy: "<\(tag) ").count - 2
                    == page.components(separatedBy: "</\(tag)>").count - 1, "<\(tag)> balanced")
        }
        // Nothing is loaded: no scripts, links, images or imports; the only http is the escaped text.
        for forbidden in ["<script", "href=", "src=", "url(", "@import", "xmlns"] { #expect(!page.contains(forbidden), "\(forbidden)") }
        #expect(page.contains("https://evil.example/&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;"))
        #expect(page.contains("&lt;b&gt;odd&lt;/b&gt;"))
        #expect(page.components(separatedBy: "http").count - 1 == 1)
        #expect(page.contains("id=\"unanswered\"") && page.contains("id=\"moderation\"") && page.contains("id=\"days\""))
        #if canImport(FoundationXML)
        let document = try XMLDocument(xmlString: page, options: [])
        #expect(document.rootElement()?.name == "html")
        #expect(try document.nodes(forXPath: "//svg").count >= 5)
        #expect(try document.nodes(forXPath: "//section").count == 8)
        #endif
    }
}
