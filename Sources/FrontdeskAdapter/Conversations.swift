import Foundation
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine
import FrontdeskSafety
import FrontdeskStore
import Logging

/// Every conversation, kept in the store: a turn's events (the customer's message, the
/// intent, entities, slot changes, the form step, hand-offs, the reply, and the conversation's
/// state after the turn) are appended in one transaction, and a conversation is rebuilt from
/// its log when it is not in memory, so a restart continues every conversation where it was.
///
/// A turn is made in two steps, so that callers can write their reply only once it is
/// committed: `respond` computes it, `commit` stores it. Several turns can be staged and
/// committed in one transaction (`stage`, then `commitStaged`: a group commit); a staged turn
/// is seen by the next `respond` of its conversation but is in no cache until committed.
/// Used from one thread at a time.
public final class Conversations {
    public private(set) var engine: Engine
    public let store: Store
    /// How a conversation's reply variations are chosen; by default seeded by `seed` mixed
    /// with the conversation's id, so the same conversation gets the same replies after a
    /// restart while different customers see different variations.
    public var variations: @Sendable (_ conversation: String) -> VariationChooser
    /// How many conversations are kept in memory (the most recently active); others are read
    /// back from the store when they write again.
    public let cacheCapacity: Int
    private var cache: [String: (conversation: Conversation, used: UInt64)] = [:]
    /// Turns staged for the next group commit, and the conversations as they leave them.
    private var staged: [(pending: PendingTurn, line: String?)] = []
    private var overlay: [String: Conversation] = [:]
    private var tick: UInt64 = 0
    private let logger: Logger

    /// The version of the stored state snapshot.
    public static let stateVersion = 1

    public init(engine: Engine, store: Store, seed: UInt64 = 1, cacheCapacity: Int = 10_000,
                logger: Logger = Logger(label: "frontdesk.conversations")) {
        self.engine = engine
        self.store = store
        self.variations = { id in .seeded(Self.variationSeed(seed, id)) }
        self.cacheCapacity = max(1, cacheCapacity)
        self.logger = logger
    }

    /// A new bot (after a reload); conversations keep their state.
    public func replace(engine: Engine) {
        self.engine = engine
    }

    /// How many conversations are in memory.
    public var cachedCount: Int { cache.count }

    /// The conversation's current state: from memory, else rebuilt from the store, else new.
    public func conversation(_ id: String) throws(FrontdeskError) -> Conversation {
        if let staged = overlay[id] { return staged }
        if let entry = cache[id] {
            touch(id, entry.conversation)
            return entry.conversation
        }
        let conversation = try load(id)
        touch(id, conversation)
        return conversation
    }

    /// Rebuilds a conversation from its log (not from memory): its latest `state` event, or a new
    /// conversation after `reset`/`ended` or when it has none.
    public func load(_ id: String) throws(FrontdeskError) -> Conversation {
        guard let event = try store.latestState(conversation: id), event.kind == "state" else {
            return engine.startConversation(id: id)
        }
        do {
            let snapshot = try Self.decoder.decode(Snapshot.self, from: Data(event.data.utf8))
            guard snapshot.v == Self.stateVersion else {
                throw FrontdeskError(.storage, "conversation \(id): stored state has version \(snapshot.v); this Frontdesk reads version \(Self.stateVersion)")
            }
            var conversation = snapshot.conversation
            if !engine.bot.languages.contains(conversation.language) {  // the bot changed since
                conversation.language = engine.bot.defaultLanguage
                conversation.languageIsFixed = false
            }
            return conversation
        } catch let error as FrontdeskError {
            throw error
        } catch {
            throw FrontdeskError(.storage, "conversation \(id): cannot read its stored state (event \(event.sequence)): \(error)")
        }
    }

    /// A turn computed but not yet stored.
    public struct PendingTurn: Sendable {
        public let conversationID: String
        public let user: String?
        public let requestID: String?
        /// The conversation after the turn.
        public let conversation: Conversation
        public let turn: Turn
        public let at: Date
        /// The events to append, without the `reply` and `state` events (`commit` adds them).
        public let events: [LoggedEvent]
        /// Whether the turn answers a customer message (counted in the conversation's row).
        public let isMessage: Bool
        /// A digest of the customer's message, to recognise a request sent twice.
        public let digest: String?
    }

    /// Answers a customer message (nothing is stored until `commit`).
    public func respond(to message: UserMessage, conversation id: String, user: String?, userName: String? = nil,
                        requestID: String? = nil) throws(FrontdeskError) -> PendingTurn {
        var conversation = try self.conversation(id)
        if let userName { conversation.userName = userName }
        let before = conversation
        var engine = self.engine
        engine.variations = variations(id)
        let turn = engine.respond(to: message, in: &conversation)
        let at = message.timestamp ?? conversation.lastMessageAt ?? engine.clock()
        let zone = engine.bot.timeZone

        var events: [(String, JSONValue)] = []
        // The message as stored: with personal data masked (the engine did it, unless the bot
        // keeps personal data); only the analysed beginning of a very long message.
        let masks = engine.bot.privacy.maskPersonalData
        var messageData: [String: JSONValue] = ["text": .string(masks ? turn.storedText : message.text)]
        if !turn.personalData.isEmpty { messageData["masked"] = .array(turn.personalData.map { .string($0.rawValue) }) }
        if let payload = message.payload { messageData["payload"] = .string(payload) }
        if let language = message.language { messageData["language"] = .string(language.rawValue) }
        events.append(("message", .object(JSONObject(sorted: messageData))))

        events.append(("intent", .object(JSONObject(sorted: Rendering.understanding(turn)))))
        if !turn.entities.isEmpty {
            events.append(("entities", .array(turn.entities.map { entity in
                // An e-mail address or a phone number found as an entity is masked like the message.
                let rendered = Rendering.entity(entity, timeZone: zone)
                guard masks, case .object(let object) = rendered, !PersonalData.mask(entity.text).found.isEmpty else { return rendered }
                return .object(JSONObject(object.members.map { member in
                    guard member.key == "text" || member.key == "value", case .string(let text) = member.value else { return member }
                    return (key: member.key, value: .string(PersonalData.mask(text).text))
                }))
            })))
        }
        if let verdict = turn.moderation {
            events.append(("moderation", Rendering.moderation(verdict)))
        }
        events.append(("sentiment", Rendering.sentiment(turn)))
        for change in Self.slotChanges(from: before.state, to: conversation.state, turn: turn) {
            events.append(("slot", ["name": .string(change.name.rawValue),
                                    "value": change.value.map { Rendering.plain($0, timeZone: zone) } ?? .null]))
        }
        switch turn.decision {
        case .form(let formTurn):
            events.append(("form", Rendering.formStep(formTurn)))
        case .handoff(let reason, _):
            events.append(("handoff", ["reason": .string(reason), "open": true]))
        case .handoffClosed(let nextOpen, let reason, let callback):
            var data: [String: JSONValue] = ["reason": .string(reason), "open": false]
            data["next_open"] = nextOpen.map { .string(Rendering.timestamp($0)) } ?? .null
            events.append(("handoff", .object(JSONObject(sorted: data))))
            if let callback { events.append(("form", Rendering.formStep(callback))) }
        default:
            break
        }
        for event in turn.events {
            events.append(("event", Rendering.event(event, timeZone: zone)))
        }
        return PendingTurn(
            conversationID: id, user: user, requestID: requestID, conversation: conversation, turn: turn, at: at,
            events: events.map { LoggedEvent(conversation: id, requestID: requestID, at: at, kind: $0.0, data: $0.1.serialized) },
            isMessage: true, digest: Self.digest(message))
    }

    /// A human agent hands the conversation back; `nil` when it was not with a human.
    public func handBack(conversation id: String, requestID: String? = nil, at date: Date? = nil) throws(FrontdeskError) -> PendingTurn? {
        try commitStaged()
        var conversation = try self.conversation(id)
        var engine = self.engine
        engine.variations = variations(id)
        guard let turn = engine.handBack(&conversation) else { return nil }
        let at = date ?? engine.clock()
        return PendingTurn(conversationID: id, user: nil, requestID: requestID, conversation: conversation, turn: turn, at: at,
                           events: [LoggedEvent(conversation: id, requestID: requestID, at: at, kind: "handed_back", data: "{}")],
                           isMessage: false, digest: nil)
    }

    /// Stores a turn: its events, the reply (with `line`, the exact line sent, if any) and
    /// the state, in one transaction. Only then does the conversation change in memory.
    public func commit(_ pending: PendingTurn, line: String? = nil) throws(FrontdeskError) {
        stage(pending, line: line)
        try commitStaged()
    }

    /// Adds a turn to the next group commit.
    public func stage(_ pending: PendingTurn, line: String? = nil) {
        staged.append((pending, line))
        overlay[pending.conversationID] = pending.conversation
    }

    /// How many turns wait for `commitStaged`.
    public var stagedCount: Int { staged.count }

    /// Stores every staged turn (its events, the reply with `line`, the exact line sent, and the
    /// state) in one transaction. Only then do the conversations change in memory; if it fails,
    /// nothing is stored and the staged turns are dropped.
    public func commitStaged() throws(FrontdeskError) {
        guard !staged.isEmpty else { return }
        let turns = staged
        staged.removeAll(keepingCapacity: true)
        overlay.removeAll(keepingCapacity: true)
        let appended = turns.map { pending, line in
            // The messages are in the line when there is one (a JSON-lines reply); else on their own.
            var reply: [String: JSONValue] = [:]
            if let line {
                // The line echoes the message's entities: stored with their personal data masked.
                reply["line"] = .string(pending.turn.personalData.isEmpty || !engine.bot.privacy.maskPersonalData ? line : Self.masked(line: line))
            } else {
                reply["messages"] = Rendering.messages(pending.turn.messages)
            }
            if let digest = pending.digest { reply["digest"] = .string(digest) }
            var events = pending.events
            events.append(LoggedEvent(conversation: pending.conversationID, requestID: pending.requestID, at: pending.at, kind: "reply",
                                      data: JSONValue.object(JSONObject(sorted: reply)).serialized))
            events.append(stateEvent(pending.conversation, requestID: pending.requestID, at: pending.at))
            return Store.Appended(events, conversation: pending.conversationID, user: pending.user, status: Self.status(pending.conversation),
                                  countsMessage: pending.isMessage, at: pending.at)
        }
        try store.append(appended)
        for (pending, _) in turns { touch(pending.conversationID, pending.conversation) }
    }

    /// Stores a changed conversation (a language fixed in the REPL, a replayed transcript).
    public func save(_ conversation: Conversation, at date: Date? = nil) throws(FrontdeskError) {
        try commitStaged()
        let at = date ?? engine.clock()
        try store.append([stateEvent(conversation, requestID: nil, at: at)], conversation: conversation.id, user: nil,
                         status: Self.status(conversation), countsMessage: false, at: at)
        touch(conversation.id, conversation)
    }

    /// Forgets the conversation's state (its log is kept): the next message starts anew.
    public func reset(_ id: String, requestID: String? = nil, at date: Date? = nil) throws(FrontdeskError) {
        try close(id, kind: "reset", status: "open", requestID: requestID, at: date)
    }

    /// Ends the conversation: the next message on the same id starts a new one.
    public func end(_ id: String, requestID: String? = nil, at date: Date? = nil) throws(FrontdeskError) {
        try close(id, kind: "ended", status: "ended", requestID: requestID, at: date)
    }

    private func close(_ id: String, kind: String, status: String, requestID: String?, at date: Date?) throws(FrontdeskError) {
        try commitStaged()
        let at = date ?? engine.clock()
        try store.append([LoggedEvent(conversation: id, requestID: requestID, at: at, kind: kind, data: "{}")],
                         conversation: id, user: nil, status: status, countsMessage: false, at: at)
        cache[id] = nil
    }

    /// The line sent for a request already answered with the same message, if there is one:
    /// a bridge that re-sends after a crash gets the same reply instead of a second turn.
    /// With `message`, only the line of a reply to the same text and payload; without, the line
    /// of whatever answered `requestID` (a `handback` ack, say). Staged turns count; ids count
    /// since the conversation's latest `reset` or `end`. The line comes parsed.
    public func previousReply(conversation id: String, requestID: String, message: UserMessage?) throws(FrontdeskError) -> JSONObject? {
        let digest = message.map(Self.digest)
        var line: String?
        if let turn = staged.last(where: { $0.pending.conversationID == id && $0.pending.requestID == requestID }) {
            guard digest == nil || turn.pending.digest == digest else { return nil }
            line = turn.line
        } else if let event = try store.reply(conversation: id, requestID: requestID, sinceReset: true),
                  case .object(let data)? = try? JSONParser.parse(Array(event.data.utf8)) {
            guard digest == nil || data["digest"]?.stringValue == digest else { return nil }
            line = data["line"]?.stringValue
        }
        guard let line, case .object(let object)? = try? JSONParser.parse(Array(line.utf8)) else { return nil }
        return object
    }

    // MARK: -

    /// Reads snapshots: times are seconds since 1970, as everywhere in the store.
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }

    struct Snapshot: Codable {
        let v: Int
        let conversation: Conversation
    }

    private func stateEvent(_ conversation: Conversation, requestID: String?, at: Date) -> LoggedEvent {
        LoggedEvent(conversation: conversation.id, requestID: requestID, at: at, kind: "state", data: Self.snapshot(conversation))
    }

    /// The stored state: `{"v": 1, "conversation": {...}}`, in the shape `Conversation`'s
    /// `Codable` conformance reads (written by hand: this runs on every turn, and is several
    /// times faster than `JSONEncoder`; a test checks that the two agree).
    static func snapshot(_ c: Conversation) -> String {
        func slot(_ value: SlotValue) -> JSONValue {
            switch value {
            case .text(let text): ["type": "text", "value": .string(text)]
            case .number(let number): ["type": "number", "value": .double(number)]
            case .boolean(let flag): ["type": "boolean", "value": .bool(flag)]
            case .list(let items): ["type": "list", "value": .array(items.map(JSONValue.string))]
            case .datetime(let date, let granularity):
                ["type": "datetime", "value": .double(date.timeIntervalSince1970), "granularity": .string(granularity.rawValue)]
            }
        }
        func date(_ date: Date) -> JSONValue { .double(date.timeIntervalSince1970) }
        let state: JSONValue
        switch c.state {
        case .idle: state = ["kind": "idle"]
        case .handedOff: state = ["kind": "handed_off"]
        case .awaitingChoice(let options): state = ["kind": "awaiting_choice", "options": .array(options.map { .string($0.rawValue) })]
        case .form(let form):
            var object: [String: JSONValue] = [
                "form": .string(form.form), "attempts": .int(form.attempts), "phase": .string(form.phase.rawValue),
                "values": .object(JSONObject(sorted: Dictionary(uniqueKeysWithValues: form.values.map { ($0.key.rawValue, slot($0.value)) }))),
            ]
            if let pending = form.pending { object["pending"] = .string(pending.rawValue) }
            state = ["kind": "form", "form": .object(JSONObject(sorted: object))]
        }
        var conversation: [String: JSONValue] = [
            "id": .string(c.id), "language": .string(c.language.rawValue), "language_is_fixed": .bool(c.languageIsFixed),
            "turn": .int(c.turn), "state": state, "consecutive_fallbacks": .int(c.consecutiveFallbacks),
            "contexts": .array(c.contexts.map { ["name": .string($0.name), "turns_left": .int($0.turnsLeft), "expires": date($0.expires)] }),
            "intents": .array(c.intents.map { .string($0.rawValue) }),
            "recent_messages": .array(c.recentMessages.map(JSONValue.string)),
        ]
        if let name = c.userName { conversation["user_name"] = .string(name) }
        if let trust = c.trust {
            var object: [String: JSONValue] = [
                "warnings": .int(trust.warnings), "borderline": .int(trust.borderline), "moderated": .bool(trust.moderated),
                "ended": .bool(trust.ended), "spam": .object(JSONObject(sorted: trust.spam.snapshot)),
                "frustration": .object(JSONObject(sorted: trust.frustration.snapshot)),
            ]
            if let offer = trust.humanOffer { object["human_offer"] = .string(offer) }
            conversation["trust"] = .object(JSONObject(sorted: object))
        }
        if let last = c.lastMessageAt { conversation["last_message_at"] = date(last) }
        return JSONValue.object(JSONObject(sorted: ["v": .int(stateVersion), "conversation": .object(JSONObject(sorted: conversation))])).serialized
    }

    /// A reply line with personal data masked in every string value (numbers and keys stay,
    /// so the line is still the same JSON shape).
    static func masked(line: String) -> String {
        func mask(_ value: JSONValue) -> JSONValue {
            switch value {
            case .string(let text): return .string(PersonalData.mask(text).text)
            case .array(let items): return .array(items.map(mask))
            case .object(let object): return .object(JSONObject(object.members.map { (key: $0.key, value: mask($0.value)) }))
            default: return value
            }
        }
        guard let value = try? JSONParser.parse(Array(line.utf8)) else { return PersonalData.mask(line).text }
        return mask(value).serialized
    }

    static func status(_ conversation: Conversation) -> String {
        conversation.state == .handedOff ? "handed_off" : "open"
    }

    static func digest(_ message: UserMessage) -> String {
        StableHasher.hexDigest([message.text, message.payload ?? "\u{0}"])
    }

    static func variationSeed(_ seed: UInt64, _ id: String) -> UInt64 {
        var hasher = StableHasher(seed: StableHasher.offsetBasis ^ seed)
        hasher.combine(id)
        return hasher.value
    }

    /// The slots set (or cleared) by a turn: the running form's values before and after.
    static func slotChanges(from before: DialogueState, to after: DialogueState, turn: Turn) -> [(name: SlotName, value: SlotValue?)] {
        var old: [SlotName: SlotValue] = [:]
        if case .form(let state) = before { old = state.values }
        var new = turn.slots
        if case .form(let state) = after { new = state.values }
        if case .form(let formTurn) = turn.decision, case .cancelled = formTurn.next { new = [:] }
        let names = Set(old.keys).union(new.keys).sorted()
        return names.compactMap { name in old[name] == new[name] ? nil : (name: name, value: new[name]) }
    }

    private func touch(_ id: String, _ conversation: Conversation) {
        tick += 1
        cache[id] = (conversation, tick)
        if cache.count > cacheCapacity {
            // Drop the least recently used quarter at once, so eviction costs little per message.
            let keep = cacheCapacity - cacheCapacity / 4
            let cutoff = cache.values.map(\.used).sorted(by: >)[keep - 1]
            cache = cache.filter { $0.value.used >= cutoff }
        }
    }
}
