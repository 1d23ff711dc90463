import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine
import FrontdeskSafety
import Testing

@testable import FrontdeskAdapter

/// The state snapshot is written by hand (for speed) and read by `Codable`: the two must agree.
struct SnapshotTests {
    static func conversation(_ state: DialogueState) -> Conversation {
        var conversation = Conversation(id: "c/1 \"quoted\"", language: "de", languageIsFixed: true, userName: "Zoë")
        conversation.turn = 7
        conversation.state = state
        conversation.lastMessageAt = Date(timeIntervalSince1970: 1_772_445_600.123_456)
        conversation.contexts = [OpenContext(name: "vpn_fix", turnsLeft: 2, expires: Date(timeIntervalSince1970: 1_772_446_200.5))]
        conversation.consecutiveFallbacks = 1
        conversation.intents = ["refund_request", "greet"]
        conversation.recentMessages = ["ich möchte eine Rückerstattung", "line\nbreak \u{2028} and \\ \"quotes\""]
        var trust = TrustState()
        trust.warnings = 1
        trust.borderline = 2
        trust.moderated = true
        trust.humanOffer = "frustration"
        _ = Moderator.floodCheck(text: "where is my parcel", at: Date(timeIntervalSince1970: 1_772_445_500.5), history: &trust.spam)
        trust.frustration = Frustration.State(level: 0.45, sentiments: [-0.25, 0.5], recentDigests: [0xdead_beef_0000_0001], offeredHuman: true)
        conversation.trust = trust
        return conversation
    }

    static let states: [DialogueState] = [
        .idle,
        .handedOff,
        .awaitingChoice(options: ["cancel_subscription", "refund_request"]),
        .form(FormState(form: "refund", values: [
            "order_number": .text("KS-1234567"),
            "amount": .number(12.5),
            "count": .number(3),
            "when": .datetime(Date(timeIntervalSince1970: 1_772_500_000.25), granularity: .minute),
            "day": .datetime(Date(timeIntervalSince1970: 1_772_406_000), granularity: .day),
            "agree": .boolean(true),
            "items": .list(["a", "b"]),
        ], pending: "refund_reason", attempts: 2, phase: .asking)),
        .form(FormState(form: "callback", values: [:], pending: nil, attempts: 0, phase: .confirmingCancel)),
    ]

    @Test(arguments: states)
    func handWrittenSnapshotReadsBackEqual(_ state: DialogueState) throws {
        let original = Self.conversation(state)
        let text = Conversations.snapshot(original)
        let decoded = try Conversations.decoder.decode(Conversations.Snapshot.self, from: Data(text.utf8))
        #expect(decoded.v == Conversations.stateVersion)
        let conversation = decoded.conversation
        #expect(conversation == original)
    }

    @Test func handWrittenSnapshotMatchesTheCodableEncoding() throws {
        let original = Self.conversation(Self.states[3])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        let viaCodable = try encoder.encode(Conversations.Snapshot(v: Conversations.stateVersion, conversation: original))
        // Same keys and values (numbers may be written differently: compare parsed values).
        let a = try JSONParser.parse(Array(Conversations.snapshot(original).utf8))
        let b = try JSONParser.parse(Array(viaCodable))
        #expect(Self.normalised(a) == Self.normalised(b))
    }

    /// Numbers compared by value, object members by key.
    static func normalised(_ value: JSONValue) -> String {
        switch value {
        case .number: return "n:\(value.doubleValue ?? .nan)"
        case .array(let items): return "[" + items.map(normalised).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.members.sorted { $0.key < $1.key }.map { "\($0.key)=\(normalised($0.value))" }.joined(separator: ",") + "}"
        default: return value.serialized
        }
    }
}
