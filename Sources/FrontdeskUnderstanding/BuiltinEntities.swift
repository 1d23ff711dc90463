import Foundation
import FrontdeskCore

/// The built-in entity extractors: numbers, money, dates and times, e-mail addresses, phone
/// numbers and URLs, in English and German (other languages get the English rules for numbers
/// and dates plus the language-independent extractors).
///
/// A hand-written scanner, no regular expressions: the text is split once into tokens (words
/// folded as by `Normalizer` and looked up once in a per-language lexicon, digit runs, single
/// symbols), every extractor proposes candidates, and overlaps are resolved by keeping the
/// longest candidate (ties: URL, e-mail, money, datetime, phone, number). Linear in the length
/// of the text.
public enum BuiltinEntities {
    /// All built-in entities in `text`, in order of position, without overlaps (a longer or more
    /// specific match wins: money over the number inside it, a datetime over its numbers, a URL over
    /// an e-mail inside it, a phone number over its digits).
    ///
    /// `now` is the conversation's clock; relative dates ("tomorrow", "next Friday", "in 3 days")
    /// are resolved against it in `timeZone`. Spans are Unicode-scalar offsets into `text`.
    public static func extract(_ text: String, language: LanguageCode, now: Date, timeZone: TimeZone) -> [Entity] {
        guard !text.isEmpty else { return [] }
        let scanner = Scanner(text: text, language: language, now: now, timeZone: timeZone)
        let numbers = scanner.numbers()
        var candidates: [Candidate] = numbers.map {
            Candidate(.number, .value(.number($0.value)), start: $0.start, end: $0.end)
        }
        candidates += scanner.money(numbers)
        candidates += scanner.datetimes()
        candidates += scanner.emails()
        candidates += scanner.phones()
        candidates += scanner.urls()
        return scanner.resolve(candidates)
    }
}

extension BuiltinEntities {
    /// A possible entity, before overlaps are resolved. `start..<end` in scalar offsets.
    struct Candidate {
        let name: EntityName
        let value: PendingValue
        let start: Int
        let end: Int
        /// Which kind wins when two overlapping candidates are equally long (lower wins).
        let priority: Int

        init(_ name: EntityName, _ value: PendingValue, start: Int, end: Int) {
            self.name = name
            self.value = value
            self.start = start
            self.end = end
            switch name {
            case .url: priority = 0
            case .email: priority = 1
            case .money: priority = 2
            case .datetime: priority = 3
            case .phone: priority = 4
            default: priority = 5
            }
        }
    }

    /// A value, or a date not yet turned into a `Date` (calendar conversions are the expensive
    /// part, so they are done only for the candidates that are kept).
    enum PendingValue {
        case value(EntityValue)
        case day(CivilDay)
        case time(CivilDay, hour: Int, minute: Int)
    }

    /// A token of the message: a run of letters (folded), a run of ASCII digits, or one other
    /// non-space scalar.
    struct Token {
        enum Kind { case word, digits, symbol }
        let kind: Kind
        let start: Int
        let end: Int
        /// Folded lower-case word or the digits ("" for a symbol).
        let text: String
        /// The symbol (NUL for words and digits).
        let symbol: Unicode.Scalar
        /// Whether white space (or the start of the text) comes right before the token.
        let spaced: Bool
        /// What the word means, in the message's language.
        let lexeme: Lexeme
    }

    /// What a word means to the extractors. Looked up once per word; plain data.
    struct Lexeme: Sendable {
        var keyword: Keyword?
        /// A number word's value: English "zero"..."ninety", German "eins"..."neunhunderttausend".
        var number: Int32 = -1
        /// English "twenty"..."ninety".
        var isTens = false
        /// The power of ten of "thousand" (3), "million" / "Millionen" (6), "Mrd" (9)...; 0 for none.
        var scaleExponent: Int8 = 0
        /// Index in `currencies` of a currency written after an amount ("euros", "EUR", "Franken").
        var currencyAfter: UInt8 = 0
        /// Index in `currencies` of a currency written before an amount ("EUR", "CHF").
        var currencyBefore: UInt8 = 0
        var role: Role = .none
        /// A word after which "at 5" / "um 5" is no time ("5 percent", "5 items", "5 euros").
        var blocksTime = false

        enum Role: UInt8, Sendable { case none, and, article, dozen, hundred }

        static let none = Lexeme()

        var scale: Double {
            switch scaleExponent {
            case 3: 1e3
            case 6: 1e6
            case 9: 1e9
            case 12: 1e12
            default: 0
            }
        }

        /// ISO 4217 codes; index 0 is "no currency".
        static let currencies = [
            "", "EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CNY",
            "INR", "HKD", "SGD",
        ]

        static func currencyIndex(_ code: String) -> UInt8 { UInt8(currencies.firstIndex(of: code) ?? 0) }
    }

    /// The shared state of one extraction: the text, its tokens, the language and the clock.
    struct Scanner {
        let scalars: [Unicode.Scalar]
        /// The text's UTF-8 and, for every scalar offset (and the end), its UTF-8 offset.
        let utf8: [UInt8]
        let utf8Offsets: [Int]
        /// Set once in `init` (tokenizing needs the other properties).
        var tokens: [Token]
        let german: Bool
        let now: Date
        let calendar: Calendar
        let today: CivilDay

        init(text: String, language: LanguageCode, now: Date, timeZone: TimeZone) {
            let scalars = Array(text.unicodeScalars)
            var offsets: [Int] = []
            offsets.reserveCapacity(scalars.count + 1)
            var offset = 0
            for scalar in scalars {
                offsets.append(offset)
                let v = scalar.value
                offset += v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4
            }
            offsets.append(offset)
            let german = language == .german
            self.scalars = scalars
            self.utf8 = Array(text.utf8)
            self.utf8Offsets = offsets
            self.german = german
            self.now = now
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            self.calendar = calendar
            let components = calendar.dateComponents([.year, .month, .day], from: now)
            self.today = CivilDay(year: components.year ?? 1970, month: components.month ?? 1, day: components.day ?? 1)
            self.tokens = []
            self.tokens = tokenize()
        }

        /// The text of scalars `range`, as written.
        func text(_ range: Range<Int>) -> String {
            String(decoding: utf8[utf8Offsets[range.lowerBound]..<utf8Offsets[range.upperBound]], as: UTF8.self)
        }

        // MARK: Tokens

        func tokenize() -> [Token] {
            let lexicon = german ? Self.germanLexicon : Self.englishLexicon
            var tokens: [Token] = []
            tokens.reserveCapacity(scalars.count / 3 + 1)
            var i = 0
            var spaced = true
            let n = scalars.count
            while i < n {
                let c = scalars[i]
                if Self.isSpace(c) {
                    spaced = true
                    i += 1
                    continue
                }
                var j = i + 1
                if Self.isDigit(c) {
                    while j < n, Self.isDigit(scalars[j]) { j += 1 }
                    tokens.append(Token(kind: .digits, start: i, end: j, text: text(i..<j), symbol: "\0", spaced: spaced, lexeme: .none))
                } else if Self.isLetter(c) {
                    while j < n, Self.isLetter(scalars[j]) || Self.isMark(scalars[j]) { j += 1 }
                    let word = foldedWord(i..<j)
                    var lexeme = lexicon[word] ?? .none
                    if german, lexeme.number < 0, let value = Self.germanNumber(word) { lexeme.number = Int32(value) }
                    tokens.append(Token(kind: .word, start: i, end: j, text: word, symbol: "\0", spaced: spaced, lexeme: lexeme))
                } else {
                    tokens.append(Token(kind: .symbol, start: i, end: j, text: "", symbol: c, spaced: spaced, lexeme: .none))
                }
                spaced = false
                i = j
            }
            return tokens
        }

        /// Lower case, German umlauts and ß spelled out; other non-ASCII words go through
        /// `Normalizer.fold`.
        func foldedWord(_ range: Range<Int>) -> String {
            let bytes = utf8[utf8Offsets[range.lowerBound]..<utf8Offsets[range.upperBound]]
            var plain = true
            for b in bytes where b >= 0x80 || (b >= 65 && b <= 90) {
                plain = false
                break
            }
            if plain { return String(decoding: bytes, as: UTF8.self) }
            var simple = true
            for c in scalars[range] where !c.isASCII {
                switch c {
                case "ä", "Ä", "ö", "Ö", "ü", "Ü", "ß", "ẞ": continue
                default: simple = false
                }
                if !simple { break }
            }
            guard simple else { return Normalizer.fold(text(range)) }
            return String(unsafeUninitializedCapacity: range.count * 2) { buffer in
                var k = 0
                func put(_ a: UInt8, _ b: UInt8) {
                    buffer[k] = a
                    buffer[k + 1] = b
                    k += 2
                }
                for c in scalars[range] {
                    let v = c.value
                    if v < 128 {
                        buffer[k] = UInt8(v >= 65 && v <= 90 ? v + 32 : v)
                        k += 1
                        continue
                    }
                    switch c {
                    case "ä", "Ä": put(97, 101)  // ae
                    case "ö", "Ö": put(111, 101)  // oe
                    case "ü", "Ü": put(117, 101)  // ue
                    default: put(115, 115)  // ss
                    }
                }
                return k
            }
        }

        @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

        @inline(__always) static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
            let v = c.value | 0x20
            return v >= 97 && v <= 122
        }

        @inline(__always) static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool { isDigit(c) || isASCIILetter(c) }

        static func isLetter(_ c: Unicode.Scalar) -> Bool {
            if c.isASCII { return isASCIILetter(c) }
            return c.properties.isAlphabetic
        }

        static func isMark(_ c: Unicode.Scalar) -> Bool {
            guard !c.isASCII else { return false }
            switch c.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return false
            }
        }

        static func isSpace(_ c: Unicode.Scalar) -> Bool {
            if c.isASCII { return c == " " || c == "\n" || c == "\t" || c == "\r" || c.value == 0x0B || c.value == 0x0C }
            return c.properties.isWhitespace
        }

        /// A letter, digit (of any script) or combining mark: something a word is made of.
        static func isWordLike(_ c: Unicode.Scalar) -> Bool {
            if c.isASCII { return isASCIIAlphanumeric(c) }
            return Normalizer.isWordScalar(c) || isMark(c)
        }

        // MARK: Token access

        func word(_ i: Int) -> String? {
            i >= 0 && i < tokens.count && tokens[i].kind == .word ? tokens[i].text : nil
        }

        func digits(_ i: Int) -> String? {
            i >= 0 && i < tokens.count && tokens[i].kind == .digits ? tokens[i].text : nil
        }

        func keyword(_ i: Int) -> Keyword? {
            i >= 0 && i < tokens.count ? tokens[i].lexeme.keyword : nil
        }

        func lexeme(_ i: Int) -> Lexeme? {
            i >= 0 && i < tokens.count && tokens[i].kind == .word ? tokens[i].lexeme : nil
        }

        /// Whether token `i` exists and directly follows the previous one (no white space).
        func adjacent(_ i: Int) -> Bool {
            i > 0 && i < tokens.count && !tokens[i].spaced
        }

        /// Whether token `i` is the symbol `symbol`, glued to the previous token.
        func isSymbol(_ i: Int, _ symbol: Unicode.Scalar) -> Bool {
            i > 0 && i < tokens.count && tokens[i].symbol == symbol && !tokens[i].spaced
        }

        /// The symbol at token `i` if it is glued to the previous token.
        func gluedSymbol(_ i: Int) -> Unicode.Scalar? {
            i > 0 && i < tokens.count && tokens[i].kind == .symbol && !tokens[i].spaced ? tokens[i].symbol : nil
        }

        static func isNumberSeparator(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," || c == "'" || c == "\u{2019}" }
        static func isTimeSeparator(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," || c == ":" }
        static func isDateSeparator(_ c: Unicode.Scalar) -> Bool { c == "." || c == "," || c == ":" || c == "/" || c == "-" }

        /// Whether a number goes on at token `i`: a separator, then digits, all glued ("." "5"
        /// after "3" in "3.5"). Used to refuse parts of longer numbers, versions, IPs.
        func continuesNumber(at i: Int, _ isSeparator: (Unicode.Scalar) -> Bool = isTimeSeparator) -> Bool {
            guard let s = gluedSymbol(i), isSeparator(s), i + 1 < tokens.count else { return false }
            return tokens[i + 1].kind == .digits && !tokens[i + 1].spaced
        }

        /// Whether token `i` is glued to a number before it ("5" in "1.5" or "3/5").
        func followsNumber(at i: Int, _ isSeparator: (Unicode.Scalar) -> Bool = isTimeSeparator) -> Bool {
            guard i >= 2, i < tokens.count, !tokens[i].spaced, let s = gluedSymbol(i - 1), isSeparator(s) else { return false }
            return tokens[i - 2].kind == .digits
        }

        // MARK: Overlaps

        /// Keeps the longest candidates (ties by kind, then position) that do not overlap a kept
        /// one, in order of position.
        func resolve(_ candidates: [Candidate]) -> [Entity] {
            let n = scalars.count
            // Sort small keys, not the candidates themselves.
            var order: [(length: Int, priority: Int, start: Int, index: Int)] = []
            order.reserveCapacity(candidates.count)
            for (index, c) in candidates.enumerated() where c.start >= 0 && c.start < c.end && c.end <= n {
                order.append((c.end - c.start, c.priority, c.start, index))
            }
            order.sort { a, b in
                if a.length != b.length { return a.length > b.length }
                if a.priority != b.priority { return a.priority < b.priority }
                return a.start < b.start
            }
            var taken = [Bool](repeating: false, count: n)
            var chosen: [(start: Int, index: Int)] = []
            for key in order {
                let candidate = candidates[key.index]
                var free = true
                for k in candidate.start..<candidate.end where taken[k] {
                    free = false
                    break
                }
                guard free else { continue }
                for k in candidate.start..<candidate.end { taken[k] = true }
                chosen.append((candidate.start, key.index))
            }
            chosen.sort { $0.start < $1.start }
            var dates = DateCache()
            var entities: [Entity] = []
            entities.reserveCapacity(chosen.count)
            for (_, index) in chosen {
                let c = candidates[index]
                guard let value = materialize(c.value, &dates) else { continue }
                entities.append(Entity(
                    name: c.name, value: value, text: text(c.start..<c.end), span: c.start..<c.end,
                    extractor: "builtin.\(c.name.rawValue)"))
            }
            return entities
        }

        /// Calendar conversions are slow; a message often names the same day twice.
        struct DateCache {
            var days: [(CivilDay, Date)] = []
            var times: [(CivilDay, Int, Date)] = []
        }

        func materialize(_ value: PendingValue, _ cache: inout DateCache) -> EntityValue? {
            switch value {
            case .value(let value):
                return value
            case .day(let day):
                if let hit = cache.days.first(where: { $0.0 == day }) { return .datetime(hit.1, granularity: .day) }
                guard let date = startOfDay(day) else { return nil }
                cache.days.append((day, date))
                return .datetime(date, granularity: .day)
            case .time(let day, let hour, let minute):
                let clock = hour * 60 + minute
                if let hit = cache.times.first(where: { $0.0 == day && $0.1 == clock }) { return .datetime(hit.2, granularity: .minute) }
                guard let date = instant(day, hour: hour, minute: minute) else { return nil }
                cache.times.append((day, clock, date))
                return .datetime(date, granularity: .minute)
            }
        }
    }
}
