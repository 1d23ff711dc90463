import Foundation

/// What a message can be flagged as (`docs/trust-and-safety.md`).
public enum ModerationCategory: String, Sendable, CaseIterable, Codable, Comparable {
    case insult
    case profanity
    case hate
    case threat
    case sexualHarassment = "sexual_harassment"
    case selfHarm = "self_harm"
    case spam

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How sure and how bad a flag is. A `borderline` flag alone never leads to an action.
public enum ModerationSeverity: String, Sendable, CaseIterable, Codable, Comparable {
    case borderline
    case clear
    case severe

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the bot does about a flagged message.
public enum ModerationAction: String, Sendable, CaseIterable, Codable {
    /// Nothing (no flag, or a single borderline one).
    case none
    /// A calm reply, then the conversation goes on as usual.
    case calm
    /// A warning; after `warningsBeforeEnd` warnings the next one ends the conversation.
    case warn
    /// A human takes over.
    case escalate
    /// The bot stops answering this conversation (until it times out or is reset).
    case end
    /// A caring reply with help resources, and a human offered (self-harm).
    case care
}

/// The moderation policy of a bot (`moderation:` in bot.yaml).
public struct ModerationSettings: Sendable, Equatable {
    public var enabled: Bool
    /// The action per category.
    public var policies: [ModerationCategory: ModerationAction]
    /// Categories whose messages the platform should hide from public view.
    public var hide: Set<ModerationCategory>
    /// Link domains that are never spam (with their subdomains); the bot's own URLs count too.
    public var allowedDomains: Set<String>
    /// Warnings a conversation gets before the next `warn` ends it.
    public var warningsBeforeEnd: Int

    public static let defaultPolicies: [ModerationCategory: ModerationAction] = [
        .insult: .warn, .profanity: .calm, .hate: .end, .threat: .escalate,
        .sexualHarassment: .end, .selfHarm: .care, .spam: .end,
    ]
    public static let defaultHidden: Set<ModerationCategory> = [.insult, .hate, .threat, .sexualHarassment, .spam]

    public init(enabled: Bool = true, policies: [ModerationCategory: ModerationAction] = Self.defaultPolicies,
                hide: Set<ModerationCategory> = Self.defaultHidden, allowedDomains: Set<String> = [], warningsBeforeEnd: Int = 2) {
        self.enabled = enabled
        self.policies = policies
        self.hide = hide
        self.allowedDomains = allowedDomains
        self.warningsBeforeEnd = warningsBeforeEnd
    }

    public func action(for category: ModerationCategory) -> ModerationAction {
        policies[category] ?? Self.defaultPolicies[category] ?? .calm
    }
}

/// When the bot offers a human because the customer is getting frustrated (`frustration:`).
public struct FrustrationSettings: Sendable, Equatable {
    /// The frustration level (0...1) at which a human is offered; 0 never offers.
    public var offerHumanAt: Double
    public init(offerHumanAt: Double = 0.6) {
        self.offerHumanAt = offerHumanAt
    }
}

/// What is kept about customers (`privacy:`).
public struct PrivacySettings: Sendable, Equatable {
    /// E-mail addresses, phone numbers, IBANs, card numbers and the like are masked in stored
    /// messages, logs and exports.
    public var maskPersonalData: Bool
    /// Conversations without activity for this many days are deleted; `nil` keeps them.
    public var retentionDays: Int?
    public init(maskPersonalData: Bool = true, retentionDays: Int? = nil) {
        self.maskPersonalData = maskPersonalData
        self.retentionDays = retentionDays
    }
}

/// What moderation made of one message: the categories flagged, how bad, what the bot did,
/// and whether the platform should hide the message from public view.
public struct ModerationVerdict: Sendable, Equatable {
    public var categories: [ModerationCategory]
    public var severity: ModerationSeverity
    public var action: ModerationAction
    public var hide: Bool
    /// The list entries that matched (never the customer's words), for `/debug`.
    public var terms: [String]

    public init(categories: [ModerationCategory], severity: ModerationSeverity, action: ModerationAction, hide: Bool, terms: [String] = []) {
        self.categories = categories
        self.severity = severity
        self.action = action
        self.hide = hide
        self.terms = terms
    }
}
