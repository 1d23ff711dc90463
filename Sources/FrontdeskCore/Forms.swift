import Foundation

/// The name of a slot: a piece of information the bot keeps for a conversation.
public struct SlotName: TypedName {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// A slot's value.
public enum SlotValue: Hashable, Sendable {
    case text(String)
    case number(Double)
    case datetime(Date, granularity: EntityValue.Granularity)
    case boolean(Bool)
    case list([String])

    /// The value for people and for `{slot}` placeholders.
    public func formatted(in timeZone: TimeZone, language: LanguageCode) -> String {
        switch self {
        case .text(let text): return text
        case .number(let number): return EntityValue.number(number).formatted(in: timeZone)
        case .datetime(let date, let granularity): return EntityValue.datetime(date, granularity: granularity).formatted(in: timeZone)
        case .boolean(let value):
            return language == .german ? (value ? "ja" : "nein") : (value ? "yes" : "no")
        case .list(let items): return items.joined(separator: ", ")
        }
    }
}

/// A slot the bot declares: its type, where its value comes from and what is valid.
public struct SlotDefinition: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case text, number, datetime, boolean, choice, list
    }

    public let name: SlotName
    public let kind: Kind
    /// The entities that fill it (any of them); without one, a text slot takes the customer's
    /// whole answer.
    public let entities: [EntityName]
    public var entity: EntityName? { entities.first }
    /// Validation: the value (as text) must match this regular expression as a whole.
    public let pattern: String?
    /// For `choice`: the allowed values.
    public let values: [String]
    /// For `number`: the allowed range.
    public let minimum: Double?
    public let maximum: Double?
    public let location: SourceLocation?

    public init(name: SlotName, kind: Kind, entities: [EntityName] = [], pattern: String? = nil, values: [String] = [],
                minimum: Double? = nil, maximum: Double? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.kind = kind
        self.entities = entities
        self.pattern = pattern
        self.values = values
        self.minimum = minimum
        self.maximum = maximum
        self.location = location
    }
}

/// A form: slots the bot asks for in order, then a confirmation and a completion event.
public struct FormDefinition: Sendable {
    public struct Step: Sendable {
        public let slot: SlotName
        /// The question, per language.
        public let ask: Variations
        /// Asked again after an invalid answer; without it, the question is repeated.
        public let reprompt: Variations
        public init(slot: SlotName, ask: Variations, reprompt: Variations = [:]) {
            self.slot = slot
            self.ask = ask
            self.reprompt = reprompt
        }
    }

    public let name: String
    /// Intents that start the form.
    public let triggers: [IntentName]
    public let steps: [Step]
    /// Invalid answers to one question before the bot gives up and offers a human.
    public let maxAttempts: Int
    /// "A refund for order {order_number}, is that right?"; without it, no confirmation step.
    public let confirm: Variations
    /// The reply when the form is complete.
    public let done: Variations
    /// The event emitted on completion, with the slot values (for example `create_ticket`).
    public let event: String?
    public let location: SourceLocation?

    public init(name: String, triggers: [IntentName], steps: [Step], maxAttempts: Int = 3, confirm: Variations = [:],
                done: Variations, event: String? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.triggers = triggers
        self.steps = steps
        self.maxAttempts = maxAttempts
        self.confirm = confirm
        self.done = done
        self.event = event
        self.location = location
    }
}

/// Something the integrator can act on, emitted by a turn: a completed form's event with its
/// values, a hand-off.
public struct DialogueEvent: Hashable, Sendable {
    public let name: String
    /// The form that emitted it, if a form did.
    public let form: String?
    public let values: [SlotName: SlotValue]
    /// For a hand-off: what the agent needs to know.
    public let summary: HandoffSummary?
    public init(name: String, form: String? = nil, values: [SlotName: SlotValue] = [:], summary: HandoffSummary? = nil) {
        self.name = name
        self.form = form
        self.values = values
        self.summary = summary
    }
}

/// Stored as `{"type": "text", "value": ...}`; a datetime's value is seconds since 1970 with
/// its `granularity`, so that a value read back is exactly the one written.
extension SlotValue: Codable {
    private enum CodingKeys: String, CodingKey { case type, value, granularity }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .value)
        case .number(let number):
            try container.encode("number", forKey: .type)
            try container.encode(number, forKey: .value)
        case .datetime(let date, let granularity):
            try container.encode("datetime", forKey: .type)
            try container.encode(date.timeIntervalSince1970, forKey: .value)
            try container.encode(granularity, forKey: .granularity)
        case .boolean(let value):
            try container.encode("boolean", forKey: .type)
            try container.encode(value, forKey: .value)
        case .list(let items):
            try container.encode("list", forKey: .type)
            try container.encode(items, forKey: .value)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text": self = .text(try container.decode(String.self, forKey: .value))
        case "number": self = .number(try container.decode(Double.self, forKey: .value))
        case "datetime":
            self = .datetime(Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .value)),
                             granularity: try container.decode(EntityValue.Granularity.self, forKey: .granularity))
        case "boolean": self = .boolean(try container.decode(Bool.self, forKey: .value))
        case "list": self = .list(try container.decode([String].self, forKey: .value))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown slot value type '\(other)'")
        }
    }
}
