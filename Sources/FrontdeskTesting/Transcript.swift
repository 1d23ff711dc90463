import Foundation
import FrontdeskCore

/// A conversation test: what the customer says and what the bot is expected to answer.
/// Plain text, format v1; see docs/transcripts.md.
public struct Transcript: Sendable, Equatable {
    public static let formatVersion = 1
    /// Transcript files end with this (`refund_de.txt`).
    public static let fileExtension = "txt"

    public var path: String
    public var title: String
    /// The conversation's language; `nil` lets it be detected from each message.
    public var language: LanguageCode?
    /// The customer's name, for `{user_name}`.
    public var user: String?
    /// The clock of the conversation (fixed; `time:` lines between turns move it).
    public var time: Date?
    /// Seed for choosing reply variations.
    public var seed: UInt64
    public var steps: [Step]

    public init(path: String, title: String, language: LanguageCode? = nil, user: String? = nil, time: Date? = nil,
                seed: UInt64 = Transcript.defaultSeed, steps: [Step] = []) {
        self.path = path
        self.title = title
        self.language = language
        self.user = user
        self.time = time
        self.seed = seed
        self.steps = steps
    }

    public static let defaultSeed: UInt64 = 1
    /// The clock of a transcript without `time:`: Monday 2 March 2026, 10:00 UTC, so that every
    /// replay sees the same time.
    public static let defaultTime = Date(timeIntervalSince1970: 1_772_445_600)

    public enum Step: Sendable, Equatable {
        /// The customer's message and what the bot should answer.
        case turn(Turn)
        /// From here on the language is fixed (`language: de`) or detected (`language: auto`).
        case language(LanguageCode?, line: Int)
        /// From here on the clock shows this time.
        case time(Date, line: Int)
        /// `agent: hand back`: the human agent gives the conversation back to the bot;
        /// `expectations` are about what the bot then says.
        case handBack(line: Int, expectations: [Expectation])
    }

    public struct Turn: Sendable, Equatable {
        public var customer: String
        public var line: Int
        public var expectations: [Expectation]

        public init(customer: String, line: Int, expectations: [Expectation] = []) {
            self.customer = customer
            self.line = line
            self.expectations = expectations
        }

        /// The expectations on the bot's messages, in order.
        public var messageExpectations: [Expectation] { expectations.filter(\.kind.isMessage) }
    }

    public struct Expectation: Sendable, Equatable {
        public var kind: Kind
        public var line: Int

        public init(_ kind: Kind, line: Int) {
            self.kind = kind
            self.line = line
        }

        public enum Kind: Sendable, Equatable {
            /// `bot: text`: this exact message.
            case exact(String)
            /// `bot contains: text`.
            case contains(String)
            /// `bot matches: regular expression` (the whole message).
            case matches(String)
            /// `bot one of: name`: any variation of that intent's replies, or of a built-in
            /// reply (`disclosure`, `fallback`, `did_you_mean`, `rephrase`).
            case oneOf(String)
            /// `intent: name`: the turn was answered with this intent.
            case intent(IntentName)
            /// `quick replies: A | B`: the turn offered these quick replies.
            case quickReplies([String])
            /// `bot silent: yes`: the bot says nothing (a human has the conversation).
            case silent
            /// `entity name: value`: the message contains this entity with this value.
            case entity(name: String, value: String)
            /// `slot name: value`: after the turn, the slot holds this value.
            case slot(name: String, value: String)
            /// `event: name`: the turn emitted this event for the integrator.
            case event(String)
            /// `article: id`: the reply quotes this knowledge article; `article: none`: it quotes none.
            case article(String?)
            /// `moderation: insult warn`: the message was flagged in these categories and this
            /// action was taken; `moderation: none`: nothing was flagged.
            case moderation(categories: [String], action: String?)
            /// `hidden: yes|no`: whether the platform is told to hide the message.
            case hidden(Bool)
            /// `stored: text`: the message as stored and logged (personal data masked).
            case stored(String)

            /// Whether it describes one of the bot's messages (one each, in order).
            public var isMessage: Bool {
                switch self {
                case .exact, .contains, .matches, .oneOf: return true
                default: return false
                }
            }
        }
    }

    public var turns: [Turn] {
        steps.compactMap { if case .turn(let t) = $0 { return t } else { return nil } }
    }
}

/// Reading and writing the text format.
extension Transcript {
    static let headerKeys = ["version", "title", "language", "user", "time", "seed", "agent"]
    static let turnKeys = ["customer", "bot", "bot contains", "bot matches", "bot one of", "bot silent", "intent", "quick replies", "entity", "event", "slot", "article", "moderation", "hidden", "stored"]
    public static var builtinReplyNames: [String] { BuiltinReplies.names }

    /// Parses a transcript; every problem is reported as `file:line:column: error: ...`.
    public static func parse(_ text: String, path: String) throws(FrontdeskError) -> Transcript {
        var parser = TranscriptParser(path: path, text: text)
        let transcript = parser.parse()
        if !parser.diagnostics.isEmpty {
            throw FrontdeskError(.invalidTranscript, "\(path) has \(parser.diagnostics.count) error(s)", diagnostics: parser.diagnostics)
        }
        return transcript
    }

    /// Reads a transcript file (which must be UTF-8).
    public static func read(path: String) throws(FrontdeskError) -> Transcript {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FrontdeskError(.io, "\(path): cannot read the file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw FrontdeskError(.invalidTranscript, "\(path) is not UTF-8",
                                 diagnostics: [Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "the file is not valid UTF-8 (save it as UTF-8)")])
        }
        return try parse(text, path: path)
    }

    /// The transcript as text, in the form `parse` reads.
    public func formatted() -> String {
        var lines = ["version: \(Self.formatVersion)", "title: \(title)"]
        if let language { lines.append("language: \(language)") }
        if let user { lines.append("user: \(user)") }
        if let time { lines.append("time: \(TranscriptTime.format(time))") }
        lines.append("seed: \(seed)")
        for step in steps {
            switch step {
            case .language(let language, _):
                lines += ["", "language: \(language?.rawValue ?? "auto")"]
            case .time(let date, _):
                lines += ["", "time: \(TranscriptTime.format(date))"]
            case .handBack(_, let expectations):
                lines += ["", "agent: hand back"]
                for expectation in expectations {
                    if case .exact(let text) = expectation.kind { lines.append(Self.line("bot", text)) }
                }
            case .turn(let turn):
                lines.append("")
                lines.append(Self.line("customer", turn.customer))
                for expectation in turn.expectations {
                    switch expectation.kind {
                    case .exact(let text): lines.append(Self.line("bot", text))
                    case .contains(let text): lines.append(Self.line("bot contains", text))
                    case .matches(let pattern): lines.append(Self.line("bot matches", pattern))
                    case .oneOf(let name): lines.append("bot one of: \(name)")
                    case .intent(let name): lines.append("intent: \(name)")
                    case .quickReplies(let titles): lines.append("quick replies: \(titles.joined(separator: " | "))")
                    case .entity(let name, let value): lines.append(Self.line("entity \(name)", value))
                    case .slot(let name, let value): lines.append(Self.line("slot \(name)", value))
                    case .event(let name): lines.append("event: \(name)")
                    case .article(let id): lines.append("article: \(id ?? "none")")
                    case .moderation(let categories, let action):
                        lines.append("moderation: " + (categories.isEmpty ? "none" : (categories + [action ?? "none"]).joined(separator: " ")))
                    case .hidden(let flag): lines.append("hidden: \(flag ? "yes" : "no")")
                    case .stored(let text): lines.append("stored: \(text)")
                    case .silent: lines.append("bot silent: yes")
                    }
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `key: value`, with the lines of a multi-line value after the first indented by two spaces.
    static func line(_ key: String, _ value: String) -> String {
        let parts = value.split(separator: "\n", omittingEmptySubsequences: false)
        return "\(key): \(parts[0])" + parts.dropFirst().map { "\n  \($0)" }.joined()
    }
}

/// Times in transcripts: `2026-03-02 14:30`, optionally with seconds and a time zone
/// (`Europe/Berlin`, `UTC`, `+01:00`); without one, UTC.
public enum TranscriptTime {
    public static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ").map(String.init)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let zone: TimeZone?
        if parts.count == 3 {
            if let named = TimeZone(identifier: parts[2]) {
                zone = named
            } else if let offset = offsetSeconds(parts[2]) {
                zone = TimeZone(secondsFromGMT: offset)
            } else {
                zone = nil
            }
        } else {
            zone = TimeZone(identifier: "UTC")
        }
        guard let zone else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, clock.count == 2 || clock.count == 3,
              (1...12).contains(date[1]), (1...31).contains(date[2]),
              (0...23).contains(clock[0]), (0...59).contains(clock[1]), clock.count == 2 || (0...59).contains(clock[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: date[0], month: date[1], day: date[2], hour: clock[0], minute: clock[1], second: clock.count == 3 ? clock[2] : 0)
        guard let result = calendar.date(from: components),
              calendar.component(.day, from: result) == date[2]  // rejects 2026-02-31
        else { return nil }
        return result
    }

    /// UTC, `2026-03-02 13:30:00 UTC`.
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d UTC", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static func offsetSeconds(_ text: String) -> Int? {
        guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
        let digits = text.dropFirst().split(separator: ":").compactMap { Int($0) }
        guard digits.count == 2, (0...14).contains(digits[0]), (0...59).contains(digits[1]) else { return nil }
        return (sign == "-" ? -1 : 1) * (digits[0] * 3600 + digits[1] * 60)
    }
}
