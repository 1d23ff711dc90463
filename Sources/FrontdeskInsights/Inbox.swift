import Foundation
import FrontdeskCore
import FrontdeskStore

/// Why a customer message is in the inbox.
public enum InboxReason: String, Sendable, CaseIterable, Comparable {
    /// The bot gave its fallback reply.
    case fallback
    /// It answered or asked "did you mean", but its best confidence was below the cut-off.
    case lowConfidence = "low_confidence"
    /// The customer rated the reply `bad`.
    case badRating = "bad_rating"

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// As shown to people: `fallback`, `low confidence`, `rated bad`.
    public var label: String {
        switch self {
        case .fallback: "fallback"
        case .lowConfidence: "low confidence"
        case .badRating: "rated bad"
        }
    }
}

/// A customer message in the inbox.
public struct InboxMessage: Sendable, Equatable {
    public let text: String
    public let at: Date
    public let reasons: [InboxReason]
    /// The classifier's best guess and its confidence.
    public let guess: String?
    public let confidence: Double?
    public let language: String?
    public let conversation: String
    public let requestID: String?
}

/// Similar inbox messages.
public struct InboxGroup: Sendable, Equatable {
    /// 1, 2, ... in the inbox's order (newest group first); the export names it `inbox_N`.
    public let number: Int
    /// Its messages, newest first.
    public let messages: [InboxMessage]
    /// Why its messages are in the inbox (each reason of at least one of them).
    public let reasons: [InboxReason]
    /// The intent the classifier guessed most often for them, and for how many.
    public let guess: String?
    public let guessCount: Int

    public var count: Int { messages.count }
    /// The time of its newest message.
    public var latest: Date { messages.first?.at ?? .distantPast }

    /// Up to `limit` different texts, newest first.
    public func examples(_ limit: Int = 3) -> [String] {
        var seen: Set<String> = []
        var result: [String] = []
        for message in messages where result.count < limit {
            if seen.insert(message.text).inserted { result.append(message.text) }
        }
        return result
    }
}

/// What the inbox collects.
public struct InboxOptions: Sendable, Equatable {
    /// Only messages stamped at or after this.
    public var since: Date?
    /// At most this many groups (the newest); `nil`: all.
    public var limit: Int?
    /// An answered or clarified message whose best confidence is below this is in the inbox.
    public var lowConfidence: Double
    /// How similar (cosine, 0...1) a message must be to a group to join it.
    public var similarity: Double

    public static let defaultLowConfidence = 0.5

    public init(since: Date? = nil, limit: Int? = nil, lowConfidence: Double = defaultLowConfidence,
                similarity: Double = MessageGrouper.defaultThreshold) {
        self.since = since
        self.limit = limit
        self.lowConfidence = lowConfidence
        self.similarity = similarity
    }
}

/// The trainers' inbox: the customer messages the bot did not handle well, grouped by
/// similarity, newest group first.
public struct Inbox: Sendable, Equatable {
    public let options: InboxOptions
    /// The groups shown (at most `options.limit`).
    public let groups: [InboxGroup]
    /// All groups and messages found, also those beyond the limit.
    public let totalGroups: Int
    public let totalMessages: Int
    /// Messages per reason (a message may have several), among all found.
    public let reasonCounts: [InboxReason: Int]

    /// Reads the store's log and builds the inbox.
    public static func build(from store: Store, options: InboxOptions = InboxOptions()) throws(FrontdeskError) -> Inbox {
        let messages = try Insights.customerMessages(in: store, since: options.since)
        let feedback = try store.allFeedback(since: nil)
        return build(messages: messages, feedback: feedback, options: options)
    }

    /// Builds the inbox from messages and ratings (all of them; `options.since` is applied here).
    public static func build(messages: [CustomerMessage], feedback: [FeedbackRecord], options: InboxOptions = InboxOptions()) -> Inbox {
        let rated = badlyRated(messages, feedback)
        var selected: [InboxMessage] = []
        for (index, message) in messages.enumerated() {
            if let since = options.since, message.at < since { continue }
            let reasons = Self.reasons(message, badlyRated: rated.contains(index), lowConfidence: options.lowConfidence)
            guard !reasons.isEmpty else { continue }
            selected.append(InboxMessage(text: message.text, at: message.at, reasons: reasons, guess: message.guess,
                                         confidence: message.bestConfidence, language: message.language,
                                         conversation: message.conversation, requestID: message.requestID))
        }
        let groups = Self.group(selected, similarity: options.similarity)
        var counts: [InboxReason: Int] = [:]
        for message in selected { for reason in message.reasons { counts[reason, default: 0] += 1 } }
        let shown = options.limit.map { Array(groups.prefix(max(0, $0))) } ?? groups
        return Inbox(options: options, groups: shown, totalGroups: groups.count, totalMessages: selected.count, reasonCounts: counts)
    }

    /// Why a message belongs in the inbox; empty when it does not. Messages without text (a
    /// tapped quick reply), and messages that moderation acted on or hid, never do.
    static func reasons(_ message: CustomerMessage, badlyRated: Bool, lowConfidence: Double) -> [InboxReason] {
        guard !message.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return [] }
        if let moderation = message.moderation, moderation.hide || moderation.action != "none" { return [] }
        var reasons: [InboxReason] = []
        switch message.decision {
        case "fallback":
            reasons.append(.fallback)
        case "answer", "clarify":
            if let confidence = message.bestConfidence, confidence < lowConfidence { reasons.append(.lowConfidence) }
        default:
            break
        }
        if badlyRated { reasons.append(.badRating) }
        return reasons
    }

    /// Groups messages by similarity (`MessageGrouper`), newest group first, numbered from 1.
    static func group(_ messages: [InboxMessage], similarity: Double) -> [InboxGroup] {
        // Newest first; the same time keeps the log's order, later first.
        let ordered = messages.enumerated().sorted { $0.element.at != $1.element.at ? $0.element.at > $1.element.at : $0.offset > $1.offset }
            .map(\.element)
        var grouper = MessageGrouper(threshold: similarity)
        let indices = grouper.group(ordered.map { (text: $0.text, language: $0.language) })
        // Groups start in the order of their newest message, so they are newest first already.
        let groups = indices.map { members in members.map { ordered[$0] } }
        return groups.enumerated().map { offset, members in
            var guesses: [String: (count: Int, confidence: Double)] = [:]
            for message in members {
                guard let guess = message.guess else { continue }
                guesses[guess, default: (0, 0)].count += 1
                guesses[guess, default: (0, 0)].confidence += message.confidence ?? 0
            }
            let top = guesses.max { a, b in
                a.value.count != b.value.count ? a.value.count < b.value.count
                    : a.value.confidence != b.value.confidence ? a.value.confidence < b.value.confidence : a.key > b.key
            }
            return InboxGroup(number: offset + 1, messages: members, reasons: Array(Set(members.flatMap(\.reasons))).sorted(),
                              guess: top?.key, guessCount: top?.value.count ?? 0)
        }
    }

    /// The indices of the messages whose reply was rated bad. A rating names the conversation
    /// and the message's request id; should the id occur twice in the conversation (the REPL
    /// numbers its messages anew after a reset), the rating belongs to the latest such
    /// message sent before it.
    static func badlyRated(_ messages: [CustomerMessage], _ feedback: [FeedbackRecord]) -> Set<Int> {
        var byRequest: [String: [Int]] = [:]
        for (index, message) in messages.enumerated() {
            guard let id = message.requestID else { continue }
            byRequest[key(message.conversation, id), default: []].append(index)
        }
        var rated: Set<Int> = []
        for record in feedback where record.rating == "bad" {
            guard let candidates = byRequest[key(record.conversation, record.requestID)] else { continue }
            if let index = candidates.last(where: { messages[$0].at <= record.at }) ?? candidates.last { rated.insert(index) }
        }
        return rated
    }

    private static func key(_ conversation: String, _ requestID: String) -> String { conversation + "\u{0}" + requestID }
}

// MARK: - Renderings

extension Inbox {
    /// The inbox as text lines (at most 100 columns): a summary, then each group with its
    /// count, latest time (UTC), reasons, guessed intent and up to three example texts.
    public func textLines() -> [String] {
        var lines: [String] = []
        let reasons = InboxReason.allCases.compactMap { reason in reasonCounts[reason].map { "\(reason.label) \($0)" } }
        var summary = "\(Format.plural(totalMessages, "message")) in \(Format.plural(totalGroups, "group"))"
        if let since = options.since { summary += " since \(Format.day(since))" }
        if !reasons.isEmpty { summary += " (\(reasons.joined(separator: ", ")))" }
        lines.append(summary)
        guard !groups.isEmpty else {
            lines.append("Nothing to review: no fallbacks, low-confidence answers or bad ratings.")
            return lines
        }
        if groups.count < totalGroups { lines.append("showing the newest \(groups.count) groups") }
        lines.append("")
        lines.append("   #  messages  latest (UTC)      reasons                               guessed intent")
        for group in groups {
            let guess = group.guess.map { "\($0) (\(group.guessCount) of \(group.count))" } ?? "–"
            lines.append(Format.pad("\(group.number)", 4, right: true) + "  " + Format.pad("\(group.count)", 8, right: true) + "  "
                + Format.pad(Format.minute(group.latest), 16) + "  " + Format.pad(group.reasons.map(\.label).joined(separator: ", "), 36)
                + "  " + Format.clip(guess, 26))
            for example in group.examples() { lines.append("      “" + Format.clip(example, 90) + "”") }
        }
        return lines
    }

    /// The inbox as one JSON object (sorted keys): the counts and the groups with all their
    /// messages.
    public var json: JSONValue {
        .object(JSONObject(sorted: [
            "since": options.since.map { .string(Format.timestamp($0)) } ?? .null,
            "low_confidence": .double(options.lowConfidence),
            "messages": .int(totalMessages),
            "groups_total": .int(totalGroups),
            "reasons": .object(JSONObject(sorted: Dictionary(uniqueKeysWithValues: reasonCounts.map { ($0.key.rawValue, JSONValue.int($0.value)) }))),
            "groups": .array(groups.map { group in
                .object(JSONObject(sorted: [
                    "group": .int(group.number),
                    "count": .int(group.count),
                    "latest": .string(Format.timestamp(group.latest)),
                    "reasons": .array(group.reasons.map { .string($0.rawValue) }),
                    "guess": group.guess.map(JSONValue.string) ?? .null,
                    "guess_count": .int(group.guessCount),
                    "examples": .array(group.examples().map(JSONValue.string)),
                    "messages": .array(group.messages.map(Self.messageJSON(group.number))),
                ]))
            }),
        ]))
    }

    /// The export as JSON Lines: one `{"at", "group", "guess", "reasons", "text"}` per
    /// message, group by group, newest first.
    public func jsonLines() -> String {
        groups.flatMap { group in group.messages.map { Self.messageJSON(group.number)($0).serialized + "\n" } }.joined()
    }

    private static func messageJSON(_ group: Int) -> (InboxMessage) -> JSONValue {
        { message in
            .object(JSONObject(sorted: [
                "text": .string(message.text),
                "reasons": .array(message.reasons.map { .string($0.rawValue) }),
                "group": .int(group),
                "at": .string(Format.timestamp(message.at)),
                "guess": message.guess.map(JSONValue.string) ?? .null,
            ]))
        }
    }

    /// The comment that stands where a reply is to be written in the YAML export.
    public static let replyPlaceholder = "# TODO: write the reply"

    /// The export as an intent file of the bot format, version 1: one intent per group,
    /// `inbox_1`, `inbox_2`, ..., with the group's texts (each once) as examples in their
    /// languages, a `# TODO` comment with the count, the reasons and the guessed intent, and an
    /// empty `replies:` per language with a placeholder comment.
    ///
    /// As written, the file does not load (an intent needs replies): a trainer writes the
    /// replies (or moves the examples to the guessed intent), renames the intents and puts the
    /// file into the bot folder; then `frontdesk validate` accepts it. So nothing untrained
    /// reaches customers by accident.
    public func yaml() -> String {
        var out = """
            # Frontdesk inbox: customer messages the bot did not handle well, grouped by similarity.
            # \(Format.plural(totalMessages, "message")) in \(Format.plural(totalGroups, "group"))\(options.since.map { " since \(Format.day($0))" } ?? "")\(groups.count < totalGroups ? "; the newest \(groups.count) groups exported" : "").
            # For each intent: write its replies (or move its examples to an existing intent), give it
            # a better name, delete what should not be learned; then put this file into the bot folder
            # and run `frontdesk validate`. The file does not load until every intent has replies.
            version: 1

            """
        guard !groups.isEmpty else { return out + "intents: []\n" }
        out += "intents:\n"
        for group in groups {
            let guess = group.guess.map { "\($0) (\(group.guessCount) of \(group.count))" } ?? "none"
            out += "  # TODO: \(Format.plural(group.count, "message")), latest \(Format.minute(group.latest)) UTC; "
                + "reasons: \(group.reasons.map(\.label).joined(separator: ", ")); guessed intent: \(guess)\n"
            out += "  - name: inbox_\(group.number)\n"
            out += "    examples:\n"
            var languages: [String] = []
            var examples: [String: [String]] = [:]
            var seen: Set<String> = []
            for message in group.messages {
                let text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
                let language = message.language ?? "en"
                guard !text.isEmpty, seen.insert(language + "\u{0}" + text.lowercased()).inserted else { continue }
                if examples[language] == nil { languages.append(language) }
                examples[language, default: []].append(text)
            }
            for language in languages {
                out += "      \(Self.yamlKey(language)):\n"
                for text in examples[language] ?? [] { out += "        - \(Self.yamlQuoted(Self.literalExample(text)))\n" }
            }
            out += "    replies:\n"
            for language in languages {
                out += "      \(Self.yamlKey(language)):\n        \(Self.replyPlaceholder)\n"
            }
        }
        return out
    }

    /// A language code as a YAML key (quoted unless it is plain letters).
    private static func yamlKey(_ text: String) -> String {
        !text.isEmpty && text.allSatisfy({ $0.isASCII && $0.isLetter }) && !["y", "n", "no", "on", "off", "yes"].contains(text.lowercased())
            ? text : yamlQuoted(text)
    }

    /// A YAML double-quoted scalar whose escapes are also JSON's: `\\`, `\"`, `\n`, `\t`, `\r`
    /// and `\uXXXX` for anything YAML does not print (and for the line separators).
    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let v = scalar.value
                let printable = (0x20...0x7E).contains(v) || (0xA0...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
                if printable && v != 0xFEFF && v != 0x2028 && v != 0x2029 {
                    out.unicodeScalars.append(scalar)
                } else if v <= 0xFFFF {
                    out += String(format: "\\u%04X", v)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// The text as a training example that reads back as itself: a `[` that would start an
    /// annotation (`[text](entity)`) or that precedes another `[` is doubled (`[[` is a literal `[`).
    static func literalExample(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, scalar) in scalars.enumerated() {
            out.append(scalar)
            guard scalar == "[" else { continue }
            var escape = i + 1 < scalars.count && scalars[i + 1] == "["
            if !escape, let close = scalars[(i + 1)...].firstIndex(of: "]"), close + 1 < scalars.count, scalars[close + 1] == "(",
               scalars[(close + 2)...].contains(")") {
                escape = true
            }
            if escape { out.append("[") }
        }
        return String(out)
    }
}
