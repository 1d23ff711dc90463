import Foundation
import FrontdeskCore
import FrontdeskStore

/// What the report covers.
public struct ReportOptions: Sendable, Equatable {
    /// Only messages (and ratings) stamped at or after this.
    public var since: Date?
    /// How many intents and unanswered questions are listed.
    public var top: Int
    /// Days are counted in this time zone (default UTC).
    public var timeZone: TimeZone

    public init(since: Date? = nil, top: Int = 10, timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.since = since
        self.top = top
        self.timeZone = timeZone
    }
}

/// The support lead's report over the conversation log: volume, containment, fallbacks,
/// hand-offs, what was answered and what was not, moderation, sentiment and feedback.
///
/// Every number counts customer messages (one `message` event each) or conversations with at
/// least one customer message in the period; see docs/insights.md for the definitions.
public struct Report: Sendable, Equatable {
    /// One day (in the report's time zone).
    public struct Day: Sendable, Equatable {
        /// `2026-03-02`.
        public let day: String
        public let messages: Int
        /// Conversations with a customer message that day.
        public let conversations: Int
        /// The mean sentiment score (−1...1) of the day's messages that have one.
        public let sentiment: Double?
        /// The day's messages with a sentiment score.
        public let sentimentMessages: Int

        public init(day: String, messages: Int, conversations: Int, sentiment: Double?, sentimentMessages: Int) {
            self.day = day
            self.messages = messages
            self.conversations = conversations
            self.sentiment = sentiment
            self.sentimentMessages = sentimentMessages
        }
    }

    /// A group of similar unanswered messages.
    public struct Question: Sendable, Equatable {
        public let count: Int
        public let latest: Date
        public let examples: [String]
        public let guess: String?

        public init(count: Int, latest: Date, examples: [String], guess: String?) {
            self.count = count
            self.latest = latest
            self.examples = examples
            self.guess = guess
        }
    }

    public let since: Date?
    public let timeZone: TimeZone
    /// The first and the last customer message of the period.
    public let firstMessage: Date?
    public let lastMessage: Date?

    /// Conversations with at least one customer message in the period.
    public let conversations: Int
    public let customerMessages: Int
    /// Conversations with a hand-off (`handoff` event: to a human, or the out-of-hours
    /// callback offer) in the period.
    public let handedOffConversations: Int
    /// `handoff` events, and per reason (most frequent first).
    public let handoffs: Int
    public let handoffReasons: [NamedCount]
    /// Messages per decision (`answer`, `fallback`, ...), most frequent first.
    public let decisions: [NamedCount]
    public let fallbacks: Int
    /// Messages that an intent answered, and the most answered intents.
    public let answeredMessages: Int
    public let topIntents: [NamedCount]
    /// The most frequent groups of similar fallback messages.
    public let unanswered: [Question]
    /// Messages with a `moderation` event, per category (a message with two categories counts
    /// in both) and per action; messages the platform was asked to hide.
    public let moderatedMessages: Int
    public let moderationCategories: [NamedCount]
    public let moderationActions: [NamedCount]
    public let hiddenMessages: Int
    /// Messages with a `sentiment` event, their mean score, and how often a human was offered
    /// because of frustration.
    public let sentimentMessages: Int
    public let meanSentiment: Double?
    public let frustrationOffers: Int
    /// Ratings given in the period.
    public let feedbackGood: Int
    public let feedbackBad: Int
    /// Every day from the first to the last message.
    public let days: [Day]

    /// The share of conversations never handed off.
    public var containment: Double? { ratio(conversations - handedOffConversations, conversations) }
    /// The share of conversations handed off.
    public var handoffRate: Double? { ratio(handedOffConversations, conversations) }
    /// Fallback decisions per customer message.
    public var fallbackRate: Double? { ratio(fallbacks, customerMessages) }
    /// good / (good + bad).
    public var feedbackScore: Double? { ratio(feedbackGood, feedbackGood + feedbackBad) }

    private func ratio(_ a: Int, _ b: Int) -> Double? { b > 0 ? Double(a) / Double(b) : nil }

    /// Reads the store's log and computes the report.
    public static func build(from store: Store, options: ReportOptions = ReportOptions()) throws(FrontdeskError) -> Report {
        let messages = try Insights.customerMessages(in: store, since: options.since)
        let feedback = try store.allFeedback(since: options.since)
        return build(messages: messages, feedback: feedback, options: options)
    }

    /// Computes the report from messages and ratings (`options.since` is applied here too).
    public static func build(messages all: [CustomerMessage], feedback allFeedback: [FeedbackRecord],
                             options: ReportOptions = ReportOptions()) -> Report {
        let messages = all.filter { message in options.since.map { message.at >= $0 } ?? true }
        let feedback = allFeedback.filter { record in options.since.map { record.at >= $0 } ?? true }
        let top = max(0, options.top)

        let conversations = Set(messages.map(\.conversation))
        let handedOff = Set(messages.filter { $0.handoffReason != nil }.map(\.conversation))
        var reasons: [String: Int] = [:], decisions: [String: Int] = [:], intents: [String: Int] = [:]
        var categories: [String: Int] = [:], actions: [String: Int] = [:]
        var hidden = 0, moderated = 0, offers = 0
        var scores: [Double] = []
        for message in messages {
            if let reason = message.handoffReason { reasons[reason, default: 0] += 1 }
            decisions[message.decision ?? "unknown", default: 0] += 1
            if let intent = message.intent { intents[intent.name, default: 0] += 1 }
            if let moderation = message.moderation {
                moderated += 1
                for category in Set(moderation.categories) { categories[category, default: 0] += 1 }
                actions[moderation.action, default: 0] += 1
                if moderation.hide { hidden += 1 }
            }
            if let sentiment = message.sentiment {
                scores.append(sentiment.score)
                if sentiment.offeredHuman { offers += 1 }
            }
        }

        // The unanswered questions: the inbox's grouping of the fallbacks alone, largest first.
        let fallbackInbox = Inbox.build(messages: messages, feedback: [], options: InboxOptions(lowConfidence: 0))
        let questions = fallbackInbox.groups
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.latest > $1.latest }
            .prefix(top)
            .map { Question(count: $0.count, latest: $0.latest, examples: $0.examples(), guess: $0.guess) }

        return Report(
            since: options.since, timeZone: options.timeZone, firstMessage: messages.map(\.at).min(), lastMessage: messages.map(\.at).max(),
            conversations: conversations.count, customerMessages: messages.count, handedOffConversations: handedOff.count,
            handoffs: reasons.values.reduce(0, +), handoffReasons: NamedCount.ranked(reasons), decisions: NamedCount.ranked(decisions),
            fallbacks: decisions["fallback"] ?? 0, answeredMessages: intents.values.reduce(0, +),
            topIntents: Array(NamedCount.ranked(intents).prefix(top)), unanswered: Array(questions),
            moderatedMessages: moderated, moderationCategories: NamedCount.ranked(categories), moderationActions: NamedCount.ranked(actions),
            hiddenMessages: hidden, sentimentMessages: scores.count, meanSentiment: mean(scores), frustrationOffers: offers,
            feedbackGood: feedback.filter { $0.rating == "good" }.count, feedbackBad: feedback.filter { $0.rating == "bad" }.count,
            days: days(messages, timeZone: options.timeZone))
    }

    private static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Every day from the first message's to the last message's, with its counts.
    private static func days(_ messages: [CustomerMessage], timeZone: TimeZone) -> [Day] {
        guard let first = messages.map(\.at).min(), let last = messages.map(\.at).max() else { return [] }
        var byDay: [String: (messages: Int, conversations: Set<String>, scores: [Double])] = [:]
        for message in messages {
            let key = Format.day(message.at, timeZone)
            byDay[key, default: (0, [], [])].messages += 1
            byDay[key, default: (0, [], [])].conversations.insert(message.conversation)
            if let score = message.sentiment?.score { byDay[key, default: (0, [], [])].scores.append(score) }
        }
        let calendar = Format.calendar(timeZone)
        var days: [Day] = []
        var date = calendar.startOfDay(for: first)
        let end = Format.day(last, timeZone)
        while true {
            let key = Format.day(date, timeZone)
            let entry = byDay[key]
            days.append(Day(day: key, messages: entry?.messages ?? 0, conversations: entry?.conversations.count ?? 0,
                            sentiment: mean(entry?.scores ?? []), sentimentMessages: entry?.scores.count ?? 0))
            if key >= end { break }
            // Noon of the next day, then its start: daylight-saving changes cannot skip a day.
            guard let next = calendar.date(byAdding: .hour, value: 36, to: date) else { break }
            date = calendar.startOfDay(for: next)
        }
        return days
    }
}

// MARK: - Text and JSON

extension Report {
    /// What the period is: `since 2026-03-01` or `all time`, and the span of the messages.
    var periodDescription: String {
        var text = since.map { "since \(Format.day($0, timeZone))" } ?? "all time"
        if let firstMessage, let lastMessage {
            text += "; messages from \(Format.day(firstMessage, timeZone)) to \(Format.day(lastMessage, timeZone))"
        }
        return text + " (\(Format.zoneName(timeZone)))"
    }

    /// The report as text lines of at most 100 columns: the key numbers, then tables.
    public func textLines() -> [String] {
        var lines = ["Frontdesk report: \(periodDescription)", ""]
        func row(_ name: String, _ value: String, _ note: String = "") {
            lines.append(Format.pad(name, 28) + Format.pad(value, 10, right: true) + (note.isEmpty ? "" : "   " + Format.clip(note, 59)))
        }
        row("Conversations", "\(conversations)")
        row("Customer messages", "\(customerMessages)")
        row("Containment", Format.percent(containment),
            conversations > 0 ? "\(conversations - handedOffConversations) of \(conversations) conversations never handed off" : "")
        row("Hand-off rate", Format.percent(handoffRate), "\(Format.plural(handedOffConversations, "conversation")) handed off, \(Format.plural(handoffs, "hand-off"))")
        row("Fallback rate", Format.percent(fallbackRate), "\(fallbacks) of \(Format.plural(customerMessages, "message"))")
        row("Answered by an intent", "\(answeredMessages)")
        row("Feedback score", Format.percent(feedbackScore), "\(feedbackGood) good, \(feedbackBad) bad")
        row("Mean sentiment", meanSentiment.map { String(format: "%+.2f", $0) } ?? "–",
            sentimentMessages > 0 ? "over \(Format.plural(sentimentMessages, "message")) (−1 negative … +1 positive)" : "")
        row("Human offered (frustration)", "\(frustrationOffers)")
        row("Moderated messages", "\(moderatedMessages)", hiddenMessages > 0 ? "\(hiddenMessages) hidden" : "")

        // One name column for every table, as wide as the longest name (12 to 40 characters).
        let names = [decisions, topIntents, handoffReasons, moderationCategories, moderationActions].joined().map(\.name.count)
        let width = min(40, max(12, names.max() ?? 0))
        func table(_ title: String, _ counts: [NamedCount], total: Int? = nil, empty: String) {
            lines.append("")
            lines.append(title)
            guard !counts.isEmpty else {
                lines.append("  " + empty)
                return
            }
            for count in counts {
                var line = "  " + Format.pad(count.name, width) + "  " + Format.pad("\(count.count)", 7, right: true)
                if let total, total > 0 { line += "  " + Format.pad(Format.percent(Double(count.count) / Double(total)), 8, right: true) }
                lines.append(line)
            }
        }
        table("Decisions", decisions, total: customerMessages, empty: "no messages")
        table("Top intents (answered)", topIntents, total: answeredMessages, empty: "none")
        table("Hand-offs by reason", handoffReasons, total: handoffs, empty: "none")

        lines.append("")
        lines.append("Top unanswered questions (fallbacks, grouped by similarity)")
        if unanswered.isEmpty {
            lines.append("  none")
        } else {
            lines.append("  messages  latest            guessed intent")
            for question in unanswered {
                lines.append("  " + Format.pad("\(question.count)", 8, right: true) + "  " + Format.pad(Format.minute(question.latest, timeZone), 16)
                             + "  " + Format.clip(question.guess ?? "–", 70))
                for example in question.examples { lines.append("      “" + Format.clip(example, 90) + "”") }
            }
        }

        table("Moderation by category", moderationCategories, total: moderatedMessages, empty: "no flagged messages")
        table("Moderation by action", moderationActions, total: moderatedMessages, empty: "no flagged messages")

        lines.append("")
        lines.append("Per day (\(Format.zoneName(timeZone)))")
        if days.isEmpty {
            lines.append("  no messages")
        } else {
            let shown = days.suffix(31)
            if shown.count < days.count { lines.append("  the last 31 of \(days.count) days (--json has all)") }
            lines.append("  day         messages  conversations  sentiment")
            for day in shown {
                lines.append("  " + day.day + Format.pad("\(day.messages)", 10, right: true) + Format.pad("\(day.conversations)", 15, right: true)
                             + Format.pad(day.sentiment.map { String(format: "%+.2f", $0) } ?? "–", 11, right: true))
            }
        }
        return lines
    }

    /// The report as one JSON object with sorted keys; rates are numbers from 0 to 1 (`null`
    /// without anything to divide by).
    public var json: JSONValue {
        func counts(_ list: [NamedCount]) -> JSONValue {
            .object(JSONObject(sorted: Dictionary(uniqueKeysWithValues: list.map { ($0.name, JSONValue.int($0.count)) })))
        }
        func ranked(_ list: [NamedCount], key: String) -> JSONValue {
            .array(list.map { .object(JSONObject(sorted: [key: .string($0.name), "count": .int($0.count)])) })
        }
        return .object(JSONObject(sorted: [
            "since": since.map { .string(Format.timestamp($0)) } ?? .null,
            "time_zone": .string(Format.zoneName(timeZone)),
            "first_message": firstMessage.map { .string(Format.timestamp($0)) } ?? .null,
            "last_message": lastMessage.map { .string(Format.timestamp($0)) } ?? .null,
            "conversations": .int(conversations),
            "customer_messages": .int(customerMessages),
            "containment": Format.rounded(containment),
            "handed_off_conversations": .int(handedOffConversations),
            "handoff_rate": Format.rounded(handoffRate),
            "handoffs": .object(JSONObject(sorted: ["total": .int(handoffs), "by_reason": counts(handoffReasons)])),
            "fallbacks": .int(fallbacks),
            "fallback_rate": Format.rounded(fallbackRate),
            "decisions": counts(decisions),
            "answered_messages": .int(answeredMessages),
            "top_intents": ranked(topIntents, key: "intent"),
            "unanswered": .array(unanswered.map { question in
                .object(JSONObject(sorted: [
                    "count": .int(question.count),
                    "latest": .string(Format.timestamp(question.latest)),
                    "examples": .array(question.examples.map(JSONValue.string)),
                    "guess": question.guess.map(JSONValue.string) ?? .null,
                ]))
            }),
            "moderation": .object(JSONObject(sorted: [
                "messages": .int(moderatedMessages),
                "hidden": .int(hiddenMessages),
                "by_category": counts(moderationCategories),
                "by_action": counts(moderationActions),
            ])),
            "sentiment": .object(JSONObject(sorted: [
                "messages": .int(sentimentMessages),
                "mean": Format.rounded(meanSentiment),
                "frustration_offers": .int(frustrationOffers),
            ])),
            "feedback": .object(JSONObject(sorted: [
                "good": .int(feedbackGood),
                "bad": .int(feedbackBad),
                "score": Format.rounded(feedbackScore),
            ])),
            "days": .array(days.map { day in
                .object(JSONObject(sorted: [
                    "day": .string(day.day),
                    "messages": .int(day.messages),
                    "conversations": .int(day.conversations),
                    "sentiment": Format.rounded(day.sentiment),
                ]))
            }),
        ]))
    }
}
