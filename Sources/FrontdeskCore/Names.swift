import Foundation

/// A typed name over a string (`IntentName`, `SlotName`, ...): distinct types, so that an
/// intent is never passed where a slot is meant, with the string conveniences shared here.
public protocol TypedName: RawRepresentable, Hashable, Comparable, Sendable, Codable, CodingKeyRepresentable,
    CustomStringConvertible, ExpressibleByStringLiteral where RawValue == String
{
    init(rawValue: String)
}

extension TypedName {
    public init(_ rawValue: String) { self.init(rawValue: rawValue) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The name of an intent, as written in the bot's intent files (`refund_request`).
public struct IntentName: TypedName {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Examples of what the bot does not handle. Trained like any intent; when it wins, the
    /// message is not understood (the fallback, or an article), and it needs no replies.
    public static let outOfScope: IntentName = "out_of_scope"

    /// The name read as words, in lower case: split at anything but letters and digits and
    /// where a capital follows a small letter or digit ("card_arrival" and "cardArrival" are
    /// "card arrival"); words of digits only are left out ("faq_17" is "faq").
    public var words: String {
        var words: [String] = []
        var current = ""
        var afterLowerOrDigit = false
        func finish() {
            if !current.isEmpty, !current.allSatisfy(\.isNumber) { words.append(current) }
            current = ""
        }
        for character in rawValue {
            guard character.isLetter || character.isNumber else {
                finish()
                afterLowerOrDigit = false
                continue
            }
            if character.isUppercase, afterLowerOrDigit { finish() }
            current += character.lowercased()
            afterLowerOrDigit = character.isLowercase || character.isNumber
        }
        finish()
        return words.joined(separator: " ")
    }
}

/// An ISO 639-1 language code in lower case (`en`, `de`).
public struct LanguageCode: TypedName {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.lowercased() }

    public static let english: LanguageCode = "en"
    public static let german: LanguageCode = "de"

    /// Whether `text` looks like a language code (two or three ASCII letters).
    public static func isWellFormed(_ text: String) -> Bool {
        (2...3).contains(text.count) && text.allSatisfy { $0.isASCII && $0.isLetter }
    }

    /// Whether `text` is an ISO 639 language code (`en`, `de`, `gsw`; not `zz`).
    public static func isKnown(_ text: String) -> Bool {
        isWellFormed(text) && Locale.LanguageCode(text.lowercased()).isISOLanguage
    }
}

/// An intent with the confidence the classifier gave it, in [0, 1].
public struct IntentScore: Hashable, Sendable, Codable {
    public let intent: IntentName
    public let confidence: Double
    public init(intent: IntentName, confidence: Double) {
        self.intent = intent
        self.confidence = confidence
    }
}
