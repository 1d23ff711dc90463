import Foundation
import FrontdeskCore
import FrontdeskStore

/// The trainers' inbox and the support lead's report, computed from the store's conversation
/// log (`conversation_events` and `feedback`). Nothing here writes to the store or the
/// terminal: the functions return values, and the values render themselves as text, JSON,
/// YAML or HTML.
public enum Insights {
    /// The event kinds a customer message's turn is read from.
    static let turnKinds: Set<String> = ["message", "intent", "handoff", "moderation", "sentiment"]

    /// Every customer message stamped at or after `since`, oldest first, with what its turn
    /// logged about it.
    public static func customerMessages(in store: Store, since: Date? = nil) throws(FrontdeskError) -> [CustomerMessage] {
        var assembler = TurnAssembler()
        try store.scanEvents(kinds: turnKinds, since: since) { assembler.add($0) }
        return assembler.messages
    }
}

/// An intent the classifier named, with its confidence.
public struct IntentGuess: Sendable, Equatable {
    public let name: String
    public let confidence: Double
    public init(name: String, confidence: Double) {
        self.name = name
        self.confidence = confidence
    }
}

/// A customer message and what its turn logged: the `intent` event (decision, answered
/// intent, ranking, language), a `handoff`, a `moderation` flag and the `sentiment`.
public struct CustomerMessage: Sendable, Equatable {
    public struct Moderation: Sendable, Equatable {
        public var categories: [String]
        /// `borderline`, `clear` or `severe`.
        public var severity: String
        /// `none`, `calm`, `warn`, `escalate`, `end` or `care`.
        public var action: String
        /// Whether the platform was asked to hide the message.
        public var hide: Bool
        public init(categories: [String], severity: String, action: String, hide: Bool) {
            self.categories = categories
            self.severity = severity
            self.action = action
            self.hide = hide
        }
    }

    public struct Sentiment: Sendable, Equatable {
        /// −1 (negative) to 1 (positive).
        public var score: Double
        /// 0 to 1.
        public var frustration: Double
        /// Whether the bot offered a human because of the frustration.
        public var offeredHuman: Bool
        public init(score: Double, frustration: Double, offeredHuman: Bool) {
            self.score = score
            self.frustration = frustration
            self.offeredHuman = offeredHuman
        }
    }

    public var conversation: String
    public var requestID: String?
    public var at: Date
    /// As stored (personal data already masked by the engine).
    public var text: String
    public var payload: String?
    /// The language the message was handled in (the `intent` event's, else the message's).
    public var language: String?
    /// `answer`, `clarify`, `fallback`, `knowledge`, `rephrase`, `form`, `handoff`,
    /// `handoff_closed`, `silent` or `handed_back`; `nil` when the turn logged no `intent`.
    public var decision: String?
    /// The intent that was answered, if any.
    public var intent: IntentGuess?
    /// The best intents, best first.
    public var ranking: [IntentGuess]
    /// The `handoff` event's reason, and whether support was open.
    public var handoffReason: String?
    public var handoffOpen: Bool?
    public var moderation: Moderation?
    public var sentiment: Sentiment?

    public init(conversation: String, requestID: String?, at: Date, text: String, payload: String? = nil, language: String? = nil,
                decision: String? = nil, intent: IntentGuess? = nil, ranking: [IntentGuess] = [], handoffReason: String? = nil,
                handoffOpen: Bool? = nil, moderation: Moderation? = nil, sentiment: Sentiment? = nil) {
        self.conversation = conversation
        self.requestID = requestID
        self.at = at
        self.text = text
        self.payload = payload
        self.language = language
        self.decision = decision
        self.intent = intent
        self.ranking = ranking
        self.handoffReason = handoffReason
        self.handoffOpen = handoffOpen
        self.moderation = moderation
        self.sentiment = sentiment
    }

    /// The classifier's confidence in its best guess: the answered intent's, else the top of
    /// the ranking's.
    public var bestConfidence: Double? { intent?.confidence ?? ranking.first?.confidence }

    /// The classifier's best guess: the answered intent, else the top of the ranking.
    public var guess: String? { intent?.name ?? ranking.first?.name }
}

/// Puts a turn's events together. The events of one turn share the conversation, the request
/// id and the time, and the `message` comes first; an event that arrives before its turn's
/// `message` is kept until the message comes.
struct TurnAssembler {
    private(set) var messages: [CustomerMessage] = []
    private var open: [String: Int] = [:]
    private var early: [String: [LoggedEvent]] = [:]

    mutating func add(_ event: LoggedEvent) {
        guard case .object(let data)? = try? JSONParser.parse(Array(event.data.utf8)) else {
            // An entities event is an array; the kinds read here are all objects.
            return
        }
        if event.kind == "message" {
            let message = CustomerMessage(
                conversation: event.conversation, requestID: event.requestID, at: event.at, text: data["text"]?.stringValue ?? "",
                payload: data["payload"]?.stringValue, language: data["language"]?.stringValue)
            messages.append(message)
            let index = messages.count - 1
            open[event.conversation] = index
            for pending in early.removeValue(forKey: event.conversation) ?? [] where Self.sameTurn(pending, messages[index]) {
                apply(pending.kind, data: Self.object(pending.data) ?? JSONObject(), to: index)
            }
            return
        }
        if let index = open[event.conversation], Self.sameTurn(event, messages[index]) {
            apply(event.kind, data: data, to: index)
        } else {
            var pending = early[event.conversation] ?? []
            if let first = pending.first, first.requestID != event.requestID || first.at != event.at { pending.removeAll() }
            pending.append(event)
            early[event.conversation] = pending
        }
    }

    private static func sameTurn(_ event: LoggedEvent, _ message: CustomerMessage) -> Bool {
        event.requestID == message.requestID && event.at == message.at
    }

    private static func object(_ text: String) -> JSONObject? {
        guard case .object(let data)? = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        return data
    }

    private static func guess(_ value: JSONValue?) -> IntentGuess? {
        guard let name = value?["name"]?.stringValue else { return nil }
        return IntentGuess(name: name, confidence: value?["confidence"]?.doubleValue ?? 0)
    }

    private mutating func apply(_ kind: String, data: JSONObject, to index: Int) {
        switch kind {
        case "intent":
            messages[index].decision = data["decision"]?.stringValue
            messages[index].intent = Self.guess(data["intent"])
            if case .array(let items)? = data["ranking"] { messages[index].ranking = items.compactMap { Self.guess($0) } }
            if let language = data["language"]?.stringValue { messages[index].language = language }
        case "handoff":
            messages[index].handoffReason = data["reason"]?.stringValue ?? "unknown"
            if case .bool(let open)? = data["open"] { messages[index].handoffOpen = open }
        case "moderation":
            var categories: [String] = []
            if case .array(let items)? = data["categories"] { categories = items.compactMap(\.stringValue) }
            var hide = false
            if case .bool(let flag)? = data["hide"] { hide = flag }
            messages[index].moderation = CustomerMessage.Moderation(
                categories: categories, severity: data["severity"]?.stringValue ?? "unknown",
                action: data["action"]?.stringValue ?? "none", hide: hide)
        case "sentiment":
            var offered = false
            if case .bool(let flag)? = data["offered_human"] { offered = flag }
            if let score = data["score"]?.doubleValue {
                messages[index].sentiment = CustomerMessage.Sentiment(
                    score: score, frustration: data["frustration"]?.doubleValue ?? 0, offeredHuman: offered)
            }
        default:
            break
        }
    }
}

/// A name with how often it occurred.
public struct NamedCount: Sendable, Equatable {
    public let name: String
    public let count: Int
    public init(_ name: String, _ count: Int) {
        self.name = name
        self.count = count
    }

    /// Counts, most frequent first (ties by name).
    static func ranked(_ counts: [String: Int]) -> [NamedCount] {
        counts.map { NamedCount($0.key, $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
    }
}

// MARK: - Formatting shared by the renderings

enum Format {
    static let utc = TimeZone(identifier: "UTC")!

    /// The zone's name; UTC as `UTC` (Foundation calls it `GMT` on some platforms).
    static func zoneName(_ zone: TimeZone) -> String {
        ["GMT", "UTC", "Etc/UTC", "Etc/GMT", "Etc/Universal", "Universal", "Zulu"].contains(zone.identifier) ? "UTC" : zone.identifier
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// `2026-03-02`.
    static func day(_ date: Date, _ zone: TimeZone = utc) -> String {
        let c = calendar(zone).dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// `2026-03-02 10:05`.
    static func minute(_ date: Date, _ zone: TimeZone = utc) -> String {
        let c = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// ISO 8601 in UTC: `2026-03-02T10:05:00Z`.
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func percent(_ x: Double?) -> String {
        guard let x else { return "–" }
        return String(format: "%.1f %%", x * 100)
    }

    static func fixed(_ x: Double?, _ digits: Int = 2) -> String {
        guard let x else { return "–" }
        return String(format: "%.\(digits)f", x)
    }

    static func rounded(_ x: Double?) -> JSONValue {
        x.map { JSONValue.rounded($0) } ?? .null
    }

    /// At most `width` characters, with `…` when cut; line breaks become spaces.
    static func clip(_ text: String, _ width: Int) -> String {
        let flat = text.map { $0.isNewline ? " " : String($0) }.joined()
        return flat.count <= width ? flat : String(flat.prefix(max(0, width - 1))) + "…"
    }

    /// Pads (or clips) to `width` characters, left- or right-aligned.
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let clipped = clip(text, width)
        let fill = String(repeating: " ", count: max(0, width - clipped.count))
        return right ? fill + clipped : clipped + fill
    }

    static func plural(_ n: Int, _ word: String, _ plural: String? = nil) -> String {
        "\(n) \(n == 1 ? word : plural ?? word + "s")"
    }
}
