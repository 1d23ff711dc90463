import Foundation
import FrontdeskCore
import FrontdeskStore
import Logging

/// A small, fixed conversation store: five conversations over two days (2026-03-02 and
/// 2026-03-03, UTC), written event by event the way a turn writes them. The numbers the tests
/// expect are computed by hand from this list.
///
/// | conversation (user) | message | decision, intent | also |
/// |---|---|---|---|
/// | c1 (alice) | d1 10:00 "I want a refund" | answer refund_request 0.91 | sentiment 0.1 |
/// | | d1 10:01 "how long does the refund take" | answer refund_request 0.42 | borderline profanity (none); rated bad; sentiment 0.0 |
/// | c2 (bob) | d1 11:00 "my vpn does not connect" | fallback (vpn_issue 0.2) | sentiment −0.5 |
/// | | d1 11:01 "vpn won't connect at all" | fallback (vpn_issue 0.25) | sentiment −0.7, human offered |
/// | | d1 11:02 "I want to talk to a human" | handoff human_handoff 0.95 | hand-off requested; sentiment −0.4 |
/// | c3 (alice) | d2 09:00 "you are an idiot" | fallback | insult, clear, warn, hidden; sentiment −0.9 |
/// | | d2 09:01 "can I pay with paypal" | fallback (payment_methods 0.3) | rated good; sentiment 0.2 |
/// | c4 (carol) | d2 12:00 "vpn not connecting on my laptop" | fallback (vpn_issue 0.3) | sentiment −0.3 |
/// | | d2 12:01 "cancel my subscription" | answer subscription_cancel 0.88 | rated good; sentiment 0.0 |
/// | | d2 12:02 "still no vpn connection" | handoff (vpn_issue 0.22) | hand-off after fallbacks; sentiment −0.6 |
/// | c5 (none) | d2 15:00 "refund or cancel" | clarify (refund_request 0.45, subscription_cancel 0.40) | sentiment 0.05 |
/// | | d2 15:01 "Get a refund" (payload) | answer refund_request 1.0 | sentiment 0.1 |
enum Fixture {
    static let alice = "cust-alice-0001"
    static let bob = "cust-bob-0002"
    static let carol = "cust-carol-0003"

    /// 2026-03-02T00:00:00Z and 2026-03-03T00:00:00Z.
    static let day1 = Date(timeIntervalSince1970: 1_772_409_600)
    static let day2 = day1.addingTimeInterval(86_400)

    static func at(_ day: Date, _ hour: Int, _ minute: Int) -> Date {
        day.addingTimeInterval(Double(hour * 3600 + minute * 60))
    }

    struct Turn {
        var conversation: String
        var user: String?
        var id: String
        var at: Date
        var text: String
        var payload: String? = nil
        var decision: String
        var intent: (String, Double)? = nil
        var ranking: [(String, Double)] = []
        var handoff: String? = nil
        var moderation: (categories: [String], severity: String, action: String, hide: Bool)? = nil
        var sentiment: (score: Double, frustration: Double, offered: Bool)? = nil
    }

    static var turns: [Turn] {
        [
            Turn(conversation: "c1", user: alice, id: "m1", at: at(day1, 10, 0), text: "I want a refund", decision: "answer",
                 intent: ("refund_request", 0.91), ranking: [("refund_request", 0.91), ("subscription_cancel", 0.05)],
                 sentiment: (0.1, 0.0, false)),
            Turn(conversation: "c1", user: alice, id: "m2", at: at(day1, 10, 1), text: "how long does the refund take", decision: "answer",
                 intent: ("refund_request", 0.42), ranking: [("refund_request", 0.42), ("billing_question", 0.3)],
                 moderation: (["profanity"], "borderline", "none", false), sentiment: (0.0, 0.1, false)),
            Turn(conversation: "c2", user: bob, id: "m1", at: at(day1, 11, 0), text: "my vpn does not connect", decision: "fallback",
                 ranking: [("vpn_issue", 0.2), ("installation", 0.1)], sentiment: (-0.5, 0.3, false)),
            Turn(conversation: "c2", user: bob, id: "m2", at: at(day1, 11, 1), text: "vpn won't connect at all", decision: "fallback",
                 ranking: [("vpn_issue", 0.25)], sentiment: (-0.7, 0.7, true)),
            Turn(conversation: "c2", user: bob, id: "m3", at: at(day1, 11, 2), text: "I want to talk to a human", decision: "handoff",
                 intent: ("human_handoff", 0.95), ranking: [("human_handoff", 0.95)], handoff: "requested", sentiment: (-0.4, 0.5, false)),
            Turn(conversation: "c3", user: alice, id: "m1", at: at(day2, 9, 0), text: "you are an idiot", decision: "fallback",
                 ranking: [("smalltalk_insult", 0.1)], moderation: (["insult"], "clear", "warn", true), sentiment: (-0.9, 0.6, false)),
            Turn(conversation: "c3", user: alice, id: "m2", at: at(day2, 9, 1), text: "can I pay with paypal", decision: "fallback",
                 ranking: [("payment_methods", 0.3)], sentiment: (0.2, 0.0, false)),
            Turn(conversation: "c4", user: carol, id: "m1", at: at(day2, 12, 0), text: "vpn not connecting on my laptop", decision: "fallback",
                 ranking: [("vpn_issue", 0.3)], sentiment: (-0.3, 0.2, false)),
            Turn(conversation: "c4", user: carol, id: "m2", at: at(day2, 12, 1), text: "cancel my subscription", decision: "answer",
                 intent: ("subscription_cancel", 0.88), ranking: [("subscription_cancel", 0.88)], sentiment: (0.0, 0.1, false)),
            Turn(conversation: "c4", user: carol, id: "m3", at: at(day2, 12, 2), text: "still no vpn connection", decision: "handoff",
                 ranking: [("vpn_issue", 0.22)], handoff: "fallbacks", sentiment: (-0.6, 0.5, false)),
            Turn(conversation: "c5", user: nil, id: "m1", at: at(day2, 15, 0), text: "refund or cancel", decision: "clarify",
                 ranking: [("refund_request", 0.45), ("subscription_cancel", 0.40)], sentiment: (0.05, 0.0, false)),
            Turn(conversation: "c5", user: nil, id: "m2", at: at(day2, 15, 1), text: "Get a refund", payload: "intent:refund_request",
                 decision: "answer", intent: ("refund_request", 1.0), ranking: [("refund_request", 1.0)], sentiment: (0.1, 0.0, false)),
        ]
    }

    /// (conversation, message id, rating), each given 30 seconds after the message.
    static let ratings: [(String, String, String)] = [("c1", "m2", "bad"), ("c3", "m2", "good"), ("c4", "m2", "good")]

    /// The fixture in a new in-memory store (or the given one).
    static func store(_ existing: Store? = nil) throws -> Store {
        let store = try existing ?? Store(inMemory: Logger(label: "test"))
        for turn in turns { try append(turn, to: store) }
        for (conversation, id, rating) in ratings {
            let message = turns.first { $0.conversation == conversation && $0.id == id }!
            try store.recordFeedback(conversation: conversation, requestID: id, rating: rating, comment: rating == "bad" ? "not helpful" : nil,
                                     at: message.at.addingTimeInterval(30))
        }
        return store
    }

    static func score(_ name: String, _ confidence: Double) -> JSONValue {
        ["name": .string(name), "confidence": .rounded(confidence)]
    }

    /// A turn's events as the engine writes them: message, intent, hand-off, moderation,
    /// sentiment, reply and state (which repeats the text, as the real state's recent messages do).
    static func append(_ turn: Turn, to store: Store) throws {
        var events: [(String, JSONValue)] = []
        var message: [String: JSONValue] = ["text": .string(turn.text)]
        if let payload = turn.payload { message["payload"] = .string(payload) }
        events.append(("message", .object(JSONObject(sorted: message))))
        events.append(("intent", [
            "decision": .string(turn.decision), "intent": turn.intent.map { score($0.0, $0.1) } ?? .null,
            "ranking": .array(turn.ranking.map { score($0.0, $0.1) }), "language": "en", "knowledge": nil,
        ]))
        if let reason = turn.handoff { events.append(("handoff", ["reason": .string(reason), "open": true])) }
        if let m = turn.moderation {
            events.append(("moderation", [
                "categories": .array(m.categories.map(JSONValue.string)), "severity": .string(m.severity),
                "action": .string(m.action), "hide": .bool(m.hide),
            ]))
        }
        if let s = turn.sentiment {
            events.append(("sentiment", ["score": .double(s.score), "frustration": .double(s.frustration), "offered_human": .bool(s.offered)]))
        }
        events.append(("reply", ["messages": [.string("reply to \(turn.id)")]]))
        events.append(("state", ["v": 1, "conversation": [
            "id": .string(turn.conversation), "user_name": turn.user.map(JSONValue.string) ?? .null,
            "recent_messages": [.string(turn.text)],
        ]]))
        try store.append(events.map { LoggedEvent(conversation: turn.conversation, requestID: turn.id, at: turn.at, kind: $0.0, data: $0.1.serialized) },
                         conversation: turn.conversation, user: turn.user, status: turn.handoff == nil ? "open" : "handed_off",
                         countsMessage: true, at: turn.at)
    }

    /// How many events `append` writes for a turn.
    static func eventCount(_ turn: Turn) -> Int {
        4 + (turn.handoff == nil ? 0 : 1) + (turn.moderation == nil ? 0 : 1) + (turn.sentiment == nil ? 0 : 1)
    }
}
