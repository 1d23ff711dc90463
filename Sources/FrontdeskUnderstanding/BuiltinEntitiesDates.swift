import Foundation
import FrontdeskCore

// Dates and times, resolved against the injected clock in the bot's time zone.
//
// Choices (documented here because natural language is ambiguous):
// - A weekday alone, "on Friday", "next Friday", "am Freitag", "nächsten Freitag" mean the next
//   such day strictly after today (said on a Friday, "Friday" is a week later); "this Friday" /
//   "diesen Freitag" may be today; "last Friday" / "letzten Freitag" is the previous one
//   strictly before today.
// - "next week" / "nächste Woche" is the Monday of next week; "next month" the 1st of next
//   month; "next year" January 1st of next year.
// - A date without a year is its next occurrence, today included ("March 3" asked in December
//   is next year's).
// - A time without a date is today at that time, even if it has passed ("at 3pm").
// - "at 9" / "um 9" is 09:00 (24-hour clock unless "am"/"pm" follows); not before a quantity
//   word ("at 5 dollars", "um 10 Prozent").
// - "may" is a month only written with a capital ("May 3"); "I may 3 times" is no date.
// - German "morgen" is tomorrow, except after "am", "guten", "jeden", "heute", "gestern",
//   "diesen", "den", "ganzen" (the morning).
// - "in 3 days", "3 days ago", "vor 3 Tagen" have day granularity; "in 2 hours" / "in 30
//   minutes" are exact instants (minute granularity).
// - Days are counted on the civil calendar (not in seconds), so daylight-saving changes do not
//   shift dates; "in 2 hours" / "in 30 minutes" is elapsed time from `now`.

extension BuiltinEntities {
    /// What a word means for dates and times (per language).
    enum Keyword: Equatable, Sendable {
        case weekday(Int)  // 0 = Monday ... 6 = Sunday
        case month(Int)  // 1...12
        case relativeDay(Int)  // today 0, tomorrow 1, yesterday -1
        case unit(Unit)
        case next, this, last
        case on  // "on", "am"
        case at  // "at", "um", "gegen"
        case the  // "the", "den"
        case of
        case `in`
        case after, before
        case uhr
        case noon, midnight
        case ordinal  // st, nd, rd, th
        case article  // "a", "an", "einem", "einer", "eine"
        case ago  // "ago"; German "vor" comes first: "vor zwei Wochen"

        enum Unit: Sendable { case minute, hour, day, week, month, year }

        static let english: [String: Keyword] = {
            var table: [String: Keyword] = [:]
            for (i, day) in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].enumerated() {
                table[day] = .weekday(i)
            }
            let months = [
                ["january", "jan"], ["february", "feb"], ["march", "mar"], ["april", "apr"], ["may"], ["june", "jun"],
                ["july", "jul"], ["august", "aug"], ["september", "sep", "sept"], ["october", "oct"],
                ["november", "nov"], ["december", "dec"],
            ]
            for (i, names) in months.enumerated() { for name in names { table[name] = .month(i + 1) } }
            table.merge([
                "today": .relativeDay(0), "tonight": .relativeDay(0), "tomorrow": .relativeDay(1), "tmrw": .relativeDay(1),
                "yesterday": .relativeDay(-1),
                "minute": .unit(.minute), "minutes": .unit(.minute), "min": .unit(.minute), "mins": .unit(.minute),
                "hour": .unit(.hour), "hours": .unit(.hour), "hr": .unit(.hour), "hrs": .unit(.hour),
                "day": .unit(.day), "days": .unit(.day), "week": .unit(.week), "weeks": .unit(.week),
                "month": .unit(.month), "months": .unit(.month), "year": .unit(.year), "years": .unit(.year),
                "next": .next, "coming": .next, "this": .this, "last": .last,
                "on": .on, "at": .at, "the": .the, "of": .of, "in": .in, "after": .after, "before": .before,
                "noon": .noon, "midday": .noon, "midnight": .midnight,
                "st": .ordinal, "nd": .ordinal, "rd": .ordinal, "th": .ordinal,
                "a": .article, "an": .article, "ago": .ago,
            ]) { a, _ in a }
            return table
        }()

        static let german: [String: Keyword] = {
            var table: [String: Keyword] = [:]
            for (i, day) in ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"].enumerated() {
                table[day] = .weekday(i)
            }
            table["sonnabend"] = .weekday(5)
            let months = [
                ["januar", "jan", "jaenner", "janner"], ["februar", "feb", "feber"], ["maerz", "marz", "mrz"],
                ["april", "apr"], ["mai"], ["juni", "jun"], ["juli", "jul"], ["august", "aug"],
                ["september", "sep", "sept"], ["oktober", "okt"], ["november", "nov"], ["dezember", "dez"],
            ]
            for (i, names) in months.enumerated() { for name in names { table[name] = .month(i + 1) } }
            for word in ["naechste", "naechsten", "naechster", "naechstes", "nachste", "nachsten", "nachster", "nachstes",
                "kommende", "kommenden", "kommender", "kommendes"]
            {
                table[word] = .next
            }
            for word in ["diese", "diesen", "dieser", "dieses"] { table[word] = .this }
            for word in ["letzte", "letzten", "letzter", "letztes", "vergangene", "vergangenen", "vergangener"] { table[word] = .last }
            table.merge([
                "heute": .relativeDay(0), "morgen": .relativeDay(1), "uebermorgen": .relativeDay(2),
                "ubermorgen": .relativeDay(2), "gestern": .relativeDay(-1), "vorgestern": .relativeDay(-2),
                "minute": .unit(.minute), "minuten": .unit(.minute), "stunde": .unit(.hour), "stunden": .unit(.hour),
                "tag": .unit(.day), "tage": .unit(.day), "tagen": .unit(.day), "woche": .unit(.week), "wochen": .unit(.week),
                "monat": .unit(.month), "monate": .unit(.month), "monaten": .unit(.month),
                "jahr": .unit(.year), "jahre": .unit(.year), "jahren": .unit(.year),
                "am": .on, "um": .at, "gegen": .at, "den": .the, "in": .in, "uhr": .uhr, "mitternacht": .midnight,
                "einem": .article, "einer": .article, "eine": .article, "vor": .ago,
                "st": .ordinal, "nd": .ordinal, "rd": .ordinal, "th": .ordinal,
            ]) { a, _ in a }
            return table
        }()
    }

    /// A calendar day independent of time zones, with exact day arithmetic.
    struct CivilDay: Hashable, Sendable {
        var year: Int
        var month: Int
        var day: Int

        /// Days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
        var serial: Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let mp = (month + 9) % 12
            let doy = (153 * mp + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return era * 146_097 + doe - 719_468
        }

        init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }

        init(serial: Int) {
            let z = serial + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let d = doy - (153 * mp + 2) / 5 + 1
            let m = mp < 10 ? mp + 3 : mp - 9
            self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
        }

        /// 0 = Monday ... 6 = Sunday.
        var weekday: Int { ((serial + 3) % 7 + 7) % 7 }

        func adding(days: Int) -> CivilDay { CivilDay(serial: serial + days) }

        /// Whole months later, the day clamped to the month's length (Jan 31 + 1 month = Feb 28).
        func adding(months: Int) -> CivilDay {
            let total = year * 12 + (month - 1) + months
            let y = total >= 0 ? total / 12 : (total - 11) / 12
            let m = total - y * 12 + 1
            return CivilDay(year: y, month: m, day: min(day, Self.days(inMonth: m, year: y)))
        }

        static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

        static func days(inMonth month: Int, year: Int) -> Int {
            switch month {
            case 2: isLeap(year) ? 29 : 28
            case 4, 6, 9, 11: 30
            default: 31
            }
        }

        static func isValid(year: Int, month: Int, day: Int) -> Bool {
            (1...12).contains(month) && day >= 1 && day <= days(inMonth: month, year: year)
        }
    }

    enum DatePoint {
        case day(CivilDay)
        case instant(Date)
    }
}

extension BuiltinEntities.Scanner {
    typealias Keyword = BuiltinEntities.Keyword
    typealias CivilDay = BuiltinEntities.CivilDay
    typealias DatePoint = BuiltinEntities.DatePoint

    /// Every date/time expression starting at any token (overlapping; `resolve` keeps the longest).
    func datetimes() -> [Candidate] {
        var found: [Candidate] = []
        for i in tokens.indices where tokens[i].kind == .digits || tokens[i].lexeme.keyword != nil || tokens[i].lexeme.number >= 0 {
            if let (value, end) = dateTime(at: i), end > i {
                found.append(Candidate(.datetime, value, start: tokens[i].start, end: tokens[end - 1].end))
            }
        }
        return found
    }

    /// A date with an optional time ("next Friday at 3pm"), a time with an optional date
    /// ("3pm tomorrow"), or a time alone (today).
    func dateTime(at i: Int) -> (BuiltinEntities.PendingValue, Int)? {
        if let (point, end) = date(at: i) {
            switch point {
            case .instant(let instant):
                return (.value(.datetime(instant, granularity: .minute)), end)
            case .day(let day):
                let j = isSymbol(end, ",") ? end + 1 : end
                if let time = time(at: j) { return (.time(day, hour: time.hour, minute: time.minute), time.end) }
                return (.day(day), end)
            }
        }
        guard let time = time(at: i) else { return nil }
        let j = isSymbol(time.end, ",") ? time.end + 1 : time.end
        if let (point, end) = date(at: j), case .day(let day) = point {
            return (.time(day, hour: time.hour, minute: time.minute), end)
        }
        return (.time(today, hour: time.hour, minute: time.minute), time.end)
    }

    // MARK: Dates

    /// A date, with a leading "on", "the", "am", "den" included.
    func date(at i: Int) -> (DatePoint, Int)? {
        var j = i
        if keyword(j) == .on { j += 1 }
        if keyword(j) == .the { j += 1 }
        return dateCore(at: j)
    }

    static let germanMorningWords: Set<String> = ["am", "guten", "jeden", "heute", "gestern", "diesen", "den", "ganzen"]

    func dateCore(at j: Int) -> (DatePoint, Int)? {
        guard j < tokens.count else { return nil }
        if tokens[j].kind == .digits { return numericDate(at: j) ?? dayMonthDate(at: j) ?? ago(at: j) }
        guard let k = tokens[j].lexeme.keyword else { return tokens[j].lexeme.number >= 0 ? ago(at: j) : nil }
        switch k {
        case .relativeDay(let offset):
            if german, tokens[j].text == "morgen", let previous = word(j - 1), Self.germanMorningWords.contains(previous) {
                return nil
            }
            return (.day(today.adding(days: offset)), j + 1)
        case .unit(.day) where !german:
            // "(the) day after tomorrow", "(the) day before yesterday"
            if keyword(j + 1) == .after, keyword(j + 2) == .relativeDay(1) { return (.day(today.adding(days: 2)), j + 3) }
            if keyword(j + 1) == .before, keyword(j + 2) == .relativeDay(-1) { return (.day(today.adding(days: -2)), j + 3) }
            return nil
        case .in:
            return duration(at: j + 1, sign: 1)
        case .ago where german:
            return duration(at: j + 1, sign: -1)
        case .article where !german:
            return ago(at: j)
        case .next, .this, .last:
            return modified(at: j, k)
        case .weekday(let weekday):
            // "Friday, March 6" / "Freitag, den 6. März": the explicit date wins.
            var e = j + 1
            if isSymbol(e, ",") { e += 1 }
            if keyword(e) == .the { e += 1 }
            if let explicit = explicitDate(at: e) { return explicit }
            return (.day(next(weekday, includingToday: false)), j + 1)
        case .month(let month):
            // "may" is a month only when written "May".
            if tokens[j].text == "may", scalars[tokens[j].start] == "m" { return nil }
            return german ? nil : monthFirstDate(at: j, month: month)
        default:
            return nil
        }
    }

    func explicitDate(at j: Int) -> (DatePoint, Int)? {
        if digits(j) != nil { return numericDate(at: j) ?? dayMonthDate(at: j) }
        if !german, case .month(let month)? = keyword(j), !(tokens[j].text == "may" && scalars[tokens[j].start] == "m") {
            return monthFirstDate(at: j, month: month)
        }
        return nil
    }

    static let germanYearlessPrefixes: Set<String> = ["am", "den", "der", "dem", "zum", "vom", "bis", "ab", "seit"]

    /// "2026-03-03", "03.03.2026", "3.3.26", "03/03/2026" (month first in English, day first
    /// otherwise), German "am 3.3." without a year.
    func numericDate(at j: Int) -> (DatePoint, Int)? {
        guard let a = digits(j), let separator = gluedSymbol(j + 1) else { return nil }
        guard separator == "." || separator == "/" || separator == "-", adjacent(j + 2), let b = digits(j + 2), b.count <= 2 else {
            return nil
        }
        if adjacent(j), tokens[j - 1].kind == .word { return nil }
        if followsNumber(at: j, Self.isDateSeparator) { return nil }
        if isSymbol(j + 3, separator), adjacent(j + 4), let c = digits(j + 4) {
            if continuesNumber(at: j + 5, Self.isDateSeparator) { return nil }
            let year: Int
            let month: Int
            let day: Int
            if a.count == 4, separator != ".", c.count <= 2, Int(a)! >= 1000 {
                (year, month, day) = (Int(a)!, Int(b)!, Int(c)!)
            } else if a.count <= 2, c.count == 4 || c.count == 2 {
                let dayFirst = separator == "." || german
                (day, month) = dayFirst ? (Int(a)!, Int(b)!) : (Int(b)!, Int(a)!)
                year = c.count == 4 ? Int(c)! : 2000 + Int(c)!
            } else {
                return nil
            }
            guard CivilDay.isValid(year: year, month: month, day: day) else { return nil }
            return (.day(CivilDay(year: year, month: month, day: day)), j + 5)
        }
        if german, separator == ".", a.count <= 2, isSymbol(j + 3, "."), !(adjacent(j + 4) && digits(j + 4) != nil),
            let previous = word(j - 1), Self.germanYearlessPrefixes.contains(previous),
            let day = nextOccurrence(month: Int(b)!, day: Int(a)!)
        {
            return (.day(day), j + 4)
        }
        return nil
    }

    /// "3 March", "3rd of March 2027", German "3. März", "3. März 2027".
    func dayMonthDate(at j: Int) -> (DatePoint, Int)? {
        guard let a = digits(j), a.count <= 2, let day = Int(a), (1...31).contains(day) else { return nil }
        if followsNumber(at: j, Self.isDateSeparator) { return nil }
        var k = j + 1
        if german {
            if isSymbol(k, ".") { k += 1 }
        } else {
            if keyword(k) == .ordinal, adjacent(k) { k += 1 }
            if keyword(k) == .of { k += 1 }
        }
        guard case .month(let month)? = keyword(k) else { return nil }
        return resolve(day: day, month: month, yearAt: k + 1)
    }

    /// "March 3", "Mar. 3rd", "March 3, 2027" (English).
    func monthFirstDate(at j: Int, month: Int) -> (DatePoint, Int)? {
        var k = j + 1
        if isSymbol(k, ".") { k += 1 }
        guard let a = digits(k), a.count <= 2, let day = Int(a), (1...31).contains(day) else { return nil }
        if continuesNumber(at: k + 1) { return nil }
        k += 1
        if keyword(k) == .ordinal, adjacent(k) { k += 1 }
        return resolve(day: day, month: month, yearAt: k)
    }

    /// A day and month with an optional year at token `k` ("2027" or ", 2027").
    func resolve(day: Int, month: Int, yearAt k: Int) -> (DatePoint, Int)? {
        let y = isSymbol(k, ",") ? k + 1 : k
        if let text = digits(y), text.count == 4, let year = Int(text), (1900...2199).contains(year),
            !continuesNumber(at: y + 1, Self.isDateSeparator)
        {
            guard CivilDay.isValid(year: year, month: month, day: day) else { return nil }
            return (.day(CivilDay(year: year, month: month, day: day)), y + 1)
        }
        guard let date = nextOccurrence(month: month, day: day) else { return nil }
        return (.day(date), k)
    }

    /// The next day with this month and day, today included; Feb 29 waits for a leap year.
    func nextOccurrence(month: Int, day: Int) -> CivilDay? {
        guard (1...12).contains(month), day >= 1, day <= CivilDay.days(inMonth: month, year: 2000) else { return nil }
        var year = (month, day) < (today.month, today.day) ? today.year + 1 : today.year
        for _ in 0..<8 {
            if CivilDay.isValid(year: year, month: month, day: day) { return CivilDay(year: year, month: month, day: day) }
            year += 1
        }
        return nil
    }

    /// "next Friday", "this Friday", "last Friday", "next week", "next month", "next year".
    func modified(at j: Int, _ modifier: Keyword) -> (DatePoint, Int)? {
        switch keyword(j + 1) {
        case .weekday(let weekday)?:
            let day: CivilDay
            switch modifier {
            case .last: day = previous(weekday)
            case .this: day = next(weekday, includingToday: true)
            default: day = next(weekday, includingToday: false)
            }
            return (.day(day), j + 2)
        case .unit(.week)? where modifier == .next:
            return (.day(today.adding(days: 7 - today.weekday)), j + 2)
        case .unit(.month)? where modifier == .next:
            let first = CivilDay(year: today.year, month: today.month, day: 1)
            return (.day(first.adding(months: 1)), j + 2)
        case .unit(.year)? where modifier == .next:
            return (.day(CivilDay(year: today.year + 1, month: 1, day: 1)), j + 2)
        default:
            return nil
        }
    }

    func next(_ weekday: Int, includingToday: Bool) -> CivilDay {
        var delta = (weekday - today.weekday + 7) % 7
        if delta == 0 && !includingToday { delta = 7 }
        return today.adding(days: delta)
    }

    func previous(_ weekday: Int) -> CivilDay {
        var delta = (today.weekday - weekday + 7) % 7
        if delta == 0 { delta = 7 }
        return today.adding(days: -delta)
    }

    /// English "3 days ago", "a week ago".
    func ago(at j: Int) -> (DatePoint, Int)? {
        guard !german, let (point, end) = duration(at: j, sign: -1), keyword(end) == .ago else { return nil }
        return (point, end + 1)
    }

    /// A count and a unit from token `j` on, `sign` 1 into the future, -1 into the past: "(in) 3
    /// days", "(in) two weeks", "(in) a month", "(in) zwei Tagen", "(in) einer Woche", "(in) 2
    /// hours", "(vor) zwei Wochen".
    func duration(at j: Int, sign: Int) -> (DatePoint, Int)? {
        var k = j
        let count: Int
        if keyword(k) == .article {
            count = 1
            k += 1
        } else if let text = digits(k) {
            guard text.count <= 5, let value = Int(text), !continuesNumber(at: k + 1) else { return nil }
            count = value
            k += 1
        } else if let number = wordNumber(at: k), number.isInteger, number.value >= 0, number.value <= 10_000 {
            count = Int(number.value)
            k = number.endToken
        } else {
            return nil
        }
        guard count <= 10_000, case .unit(let unit)? = keyword(k) else { return nil }
        let n = sign * count
        switch unit {
        case .minute: return (.instant(now.addingTimeInterval(Double(n) * 60)), k + 1)
        case .hour: return (.instant(now.addingTimeInterval(Double(n) * 3600)), k + 1)
        case .day: return (.day(today.adding(days: n)), k + 1)
        case .week: return (.day(today.adding(days: 7 * n)), k + 1)
        case .month: return (.day(today.adding(months: n)), k + 1)
        case .year: return (.day(today.adding(months: 12 * n)), k + 1)
        }
    }

    // MARK: Times

    /// "at 3pm", "3:30 pm", "15:00", "at 9", "3 p.m.", "noon"; German "um 15 Uhr", "um 15:30",
    /// "15.30 Uhr", "um 9".
    func time(at i: Int) -> (hour: Int, minute: Int, end: Int)? {
        var j = i
        var prefixed = false
        if keyword(j) == .at {
            j += 1
            prefixed = true
        }
        guard j < tokens.count else { return nil }
        switch tokens[j].lexeme.keyword {
        case .noon?: return (12, 0, j + 1)
        case .midnight?: return (0, 0, j + 1)
        default: break
        }
        guard let hourText = digits(j), hourText.count <= 2, var hour = Int(hourText) else { return nil }
        if adjacent(j), tokens[j - 1].kind == .word { return nil }
        if followsNumber(at: j) { return nil }  // "10:30-11:30" has two times
        var k = j + 1
        var minute = 0
        var strong = false
        var dotted = false
        if isSymbol(k, ":"), adjacent(k + 1), let m = digits(k + 1), m.count == 2, let value = Int(m) {
            guard value < 60 else { return nil }
            minute = value
            strong = true
            k += 2
            if isSymbol(k, ":"), adjacent(k + 1), let s = digits(k + 1), s.count == 2 { k += 2 }
        } else if isSymbol(k, "."), adjacent(k + 1), let m = digits(k + 1), m.count == 2, let value = Int(m), value < 60 {
            minute = value
            dotted = true
            k += 2
        }
        if let meridiem = meridiem(at: k) {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + (meridiem.pm ? 12 : 0)
            k = meridiem.end
            strong = true
        } else if keyword(k) == .uhr {
            k += 1
            strong = true
            // "15 Uhr 30"
            if !dotted, minute == 0, let m = digits(k), m.count == 2, let value = Int(m), value < 60,
                !continuesNumber(at: k + 1), keyword(k + 1) == nil || keyword(k + 1) == .on || keyword(k + 1) == .relativeDay(0)
                    || keyword(k + 1) == .relativeDay(1)
            {
                minute = value
                k += 1
            }
        } else if word(k) == "o", isSymbol(k + 1, "'"), adjacent(k + 2), word(k + 2) == "clock" {
            k += 3
            strong = true
        } else if word(k) == "oclock" {
            k += 1
            strong = true
        } else {
            if !strong && !prefixed { return nil }
            if !strong, k < tokens.count,
                tokens[k].lexeme.blocksTime || tokens[k].symbol == "%" || Self.currencySymbol(tokens[k].symbol) != nil
            {
                return nil
            }
        }
        guard hour <= 23, !continuesNumber(at: k) else { return nil }
        return (hour, minute, k)
    }

    /// "am", "pm", "a.m.", "p.m." ("am" in German only glued to the number: "3am"; a spaced
    /// "am" is the preposition).
    func meridiem(at k: Int) -> (pm: Bool, end: Int)? {
        guard let w = word(k) else { return nil }
        if w == "pm" { return (true, k + 1) }
        if w == "am", !german || adjacent(k) { return (false, k + 1) }
        if w == "a" || w == "p", isSymbol(k + 1, "."), adjacent(k + 2), word(k + 2) == "m" {
            return (w == "p", isSymbol(k + 3, ".") ? k + 4 : k + 3)
        }
        return nil
    }

    // MARK: Conversion to dates

    func startOfDay(_ day: CivilDay) -> Date? {
        // Noon always exists; midnight may not on a daylight-saving change.
        guard let noon = instant(day, hour: 12, minute: 0) else { return nil }
        return calendar.startOfDay(for: noon)
    }

    func instant(_ day: CivilDay, hour: Int, minute: Int) -> Date? {
        var components = DateComponents()
        components.year = day.year
        components.month = day.month
        components.day = day.day
        components.hour = hour
        components.minute = minute
        return calendar.date(from: components)
    }
}
