import Foundation

/// The kind of an entity: a built-in one (`number`, `money`, `datetime`, `email`, `phone`,
/// `url`) or one the bot declares (`order_number`, `product`).
public struct EntityName: TypedName {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let number: EntityName = "number"
    public static let money: EntityName = "money"
    public static let datetime: EntityName = "datetime"
    public static let email: EntityName = "email"
    public static let phone: EntityName = "phone"
    public static let url: EntityName = "url"

    /// The names of the built-in extractors' entities.
    public static let builtin: [EntityName] = [.number, .money, .datetime, .email, .phone, .url]
}

/// What an entity means, as a typed value.
public enum EntityValue: Hashable, Sendable {
    /// A text: a canonical list value, a pattern match, an e-mail address, a URL.
    case text(String)
    /// A number ("42", "3.5", "zweiundvierzig", "twenty-one").
    case number(Double)
    /// An amount of money with its ISO 4217 currency code ("€12.50" → 12.5 EUR).
    case money(amount: Double, currency: String)
    /// A point in time resolved against the conversation's clock in the bot's time zone:
    /// with `.day` granularity the start of that day, with `.minute` the exact time.
    case datetime(Date, granularity: Granularity)
    /// A phone number, normalised to digits with an optional leading "+".
    case phone(String)

    public enum Granularity: String, Hashable, Sendable, Codable {
        case day
        case minute
    }
}

/// An entity found in a message: its kind, value, the text as written, where it is, and which
/// extractor found it.
public struct Entity: Hashable, Sendable {
    public let name: EntityName
    public let value: EntityValue
    /// The text as the customer wrote it.
    public let text: String
    /// Where it is in the message, in Unicode scalar offsets (as Python's `str` indexes).
    public let span: Range<Int>
    /// Which extractor found it: `builtin.number`, `builtin.datetime`, ..., `pattern`, `list`.
    public let extractor: String

    public init(name: EntityName, value: EntityValue, text: String, span: Range<Int>, extractor: String) {
        self.name = name
        self.value = value
        self.text = text
        self.span = span
        self.extractor = extractor
    }
}

/// An entity the bot declares: found by a regular expression, or from a list of values with
/// synonyms (with typo tolerance).
public struct EntityDefinition: Sendable {
    public enum Kind: Sendable {
        /// An ICU regular expression; the whole match is the entity, its value the matched text.
        case pattern(String)
        /// Canonical values and the ways customers write them.
        case list([ListValue])
    }

    public struct ListValue: Sendable, Hashable {
        /// The canonical value, which the entity's value is.
        public let value: String
        /// Ways of writing it, per language; `nil` key: every language. The value itself
        /// always counts as a synonym.
        public var synonyms: [LanguageCode?: [String]]

        public init(value: String, synonyms: [LanguageCode?: [String]] = [:]) {
            self.value = value
            self.synonyms = synonyms
        }

        /// The value and its synonyms for `language`.
        public func forms(in language: LanguageCode) -> [String] {
            [value] + (synonyms[nil] ?? []) + (synonyms[language] ?? [])
        }
    }

    public let name: EntityName
    public var kind: Kind
    /// Whether list values match with typos (one edit in words of 4 to 7 letters, two in longer words).
    public let fuzzy: Bool
    public let location: SourceLocation?

    public init(name: EntityName, kind: Kind, fuzzy: Bool = true, location: SourceLocation? = nil) {
        self.name = name
        self.kind = kind
        self.fuzzy = fuzzy
        self.location = location
    }
}

/// An entity marked in a training example: `[12345](order_number)` or
/// `[the vpn app](product:Kestrel VPN)`.
public struct Annotation: Sendable, Hashable {
    public let entity: EntityName
    /// The annotated text, as it stands in the example.
    public let text: String
    /// The canonical value, when given after a colon.
    public let value: String?
    /// Where the text is in the example (without the brackets), in Unicode-scalar offsets.
    public let span: Range<Int>

    public init(entity: EntityName, text: String, value: String?, span: Range<Int>) {
        self.entity = entity
        self.text = text
        self.value = value
        self.span = span
    }

    public struct SyntaxError: Error, Sendable {
        public let offset: Int
        public let message: String
    }

    /// Parses the annotations out of an example: the plain text and the annotations in it.
    /// `[` without a following `](name)` is kept as text; `[[` is a literal `[`.
    public static func parse(_ example: String) throws(SyntaxError) -> (text: String, annotations: [Annotation]) {
        let scalars = Array(example.unicodeScalars)
        var plain = String.UnicodeScalarView()
        var plainCount = 0
        var annotations: [Annotation] = []
        var i = 0
        while i < scalars.count {
            if scalars[i] == "[", i + 1 < scalars.count, scalars[i + 1] == "[" {
                plain.append("[")
                plainCount += 1
                i += 2
                continue
            }
            if scalars[i] == "[",
               let close = scalars[(i + 1)...].firstIndex(of: "]"),
               close + 1 < scalars.count, scalars[close + 1] == "(",
               let end = scalars[(close + 2)...].firstIndex(of: ")")
            {
                let inner = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                let label = String(String.UnicodeScalarView(scalars[(close + 2)..<end]))
                let parts = label.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let name = parts[0].trimmingCharacters(in: .whitespaces)
                guard !inner.isEmpty else { throw SyntaxError(offset: i, message: "empty annotation: write [text](entity)") }
                guard name.isIdentifier() else {
                    throw SyntaxError(offset: close + 2, message: "invalid entity name '\(name)' in annotation (use letters, digits and '_')")
                }
                let value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
                let length = inner.unicodeScalars.count
                annotations.append(Annotation(entity: EntityName(name), text: inner, value: value?.isEmpty == true ? nil : value,
                                              span: plainCount..<(plainCount + length)))
                plain.append(contentsOf: inner.unicodeScalars)
                plainCount += length
                i = end + 1
                continue
            }
            plain.append(scalars[i])
            plainCount += 1
            i += 1
        }
        return (String(plain), annotations)
    }
}

extension EntityValue {
    /// The value for people: `42`, `12.5 EUR`, `2026-03-03`, `2026-03-03 15:00` (in
    /// `timeZone`), a text as it is.
    public func formatted(in timeZone: TimeZone) -> String {
        switch self {
        case .text(let text), .phone(let text):
            return text
        case .number(let number):
            return Self.format(number)
        case .money(let amount, let currency):
            return "\(Self.format(amount)) \(currency)"
        case .datetime(let date, let granularity):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
            return granularity == .day ? day : day + String(format: " %02d:%02d", c.hour ?? 0, c.minute ?? 0)
        }
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}
