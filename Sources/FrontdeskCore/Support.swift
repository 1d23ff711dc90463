import Foundation

/// When humans answer, and how the bot hands a conversation over to them.
public struct SupportSettings: Sendable {
    /// The intent with which a customer asks for a human.
    public var handoffIntent: IntentName?
    /// Consecutive fallbacks after which the bot hands over by itself (0: never).
    public var afterFallbacks: Int
    /// The form offered out of hours (name, contact, topic), ending in a ticket event.
    public var callbackForm: String?
    public var hours: SupportHours?
    /// A conversation without a message for this long starts anew (0: never).
    public var conversationTimeout: TimeInterval

    public init(handoffIntent: IntentName? = nil, afterFallbacks: Int = 3, callbackForm: String? = nil,
                hours: SupportHours? = nil, conversationTimeout: TimeInterval = 0) {
        self.handoffIntent = handoffIntent
        self.afterFallbacks = afterFallbacks
        self.callbackForm = callbackForm
        self.hours = hours
        self.conversationTimeout = conversationTimeout
    }
}

/// Opening hours per weekday in a time zone, with holidays.
public struct SupportHours: Sendable, Equatable {
    /// Minutes after midnight, [start, end) per weekday; weekday 1 = Sunday ... 7 = Saturday
    /// (as `Calendar` counts).
    public var ranges: [Int: [Range<Int>]]
    /// Days without support, as (year, month, day).
    public var holidays: Set<Day>
    public var timeZone: TimeZone

    public struct Day: Hashable, Sendable {
        public let year: Int, month: Int, day: Int
        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }
    }

    public init(ranges: [Int: [Range<Int>]], holidays: Set<Day> = [], timeZone: TimeZone) {
        self.ranges = ranges
        self.holidays = holidays
        self.timeZone = timeZone
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func isOpen(at date: Date) -> Bool {
        let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        guard let weekday = c.weekday, let hour = c.hour, let minute = c.minute,
              !holidays.contains(Day(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0))
        else { return false }
        return (ranges[weekday] ?? []).contains { $0.contains(hour * 60 + minute) }
    }

    /// The next time support opens after `date` (within four weeks), or `nil`.
    public func nextOpening(after date: Date) -> Date? {
        let calendar = self.calendar
        let startOfToday = calendar.startOfDay(for: date)
        for offset in 0..<28 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: startOfToday) else { continue }
            let c = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            if holidays.contains(Day(year: c.year ?? 0, month: c.month ?? 0, day: c.day ?? 0)) { continue }
            for range in (ranges[c.weekday ?? 0] ?? []).sorted(by: { $0.lowerBound < $1.lowerBound }) {
                guard let opening = calendar.date(bySettingHour: range.lowerBound / 60, minute: range.lowerBound % 60, second: 0, of: day) else { continue }
                if opening > date { return opening }
            }
        }
        return nil
    }
}

/// What the agent gets when a conversation is handed over.
public struct HandoffSummary: Hashable, Sendable {
    /// The intents the conversation went through, in order.
    public let intents: [IntentName]
    /// The slot values of a form that was running.
    public let slots: [SlotName: SlotValue]
    /// The customer's last messages, oldest first.
    public let lastMessages: [String]
    /// Why: `requested`, `fallbacks`, `form_failed`.
    public let reason: String

    public init(intents: [IntentName], slots: [SlotName: SlotValue], lastMessages: [String], reason: String) {
        self.intents = intents
        self.slots = slots
        self.lastMessages = lastMessages
        self.reason = reason
    }
}

extension String {
    /// Without leading and trailing white space and line breaks (without Foundation's
    /// `trimmingCharacters`, which goes through NSString and is slow on every reply).
    public var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return self }
        return String(scalars[first...last])
    }
}

extension String {
    /// Escaped for XML and HTML element content and quoted attribute values. Characters XML
    /// does not allow (control characters other than tab and line breaks) become U+FFFD.
    public var xmlEscaped: String {
        var output = ""
        output.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            case "\t", "\n", "\r": output.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFFFE || v == 0xFFFF {
                    output += "\u{FFFD}"
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }
}

/// The start of the self-contained HTML pages Frontdesk writes (`eval --html`, `report
/// --html`): the document head with its inline style, and the page's title as its heading.
public enum HTMLPage {
    public static func start(title: String, generator: String, style: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="\(generator.xmlEscaped)"/>
        <title>\(title.xmlEscaped)</title>
        <style>\(style)</style>
        </head>
        <body>
        <h1>\(title.xmlEscaped)</h1>

        """
    }
}
