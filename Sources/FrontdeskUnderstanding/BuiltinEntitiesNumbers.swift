import Foundation
import FrontdeskCore

// Numbers ("42", "-3.5", "1,000" / "1.000", "3,5", "twenty-one", "zweiundvierzig", "2 million")
// and money ("€12.50", "12,50 €", "CHF 20", "zwölf Euro", "ten euros"), and the lexicons.

extension BuiltinEntities {
    /// A number found in the text: its value, scalar span and token range.
    struct NumberMatch {
        let value: Double
        let start: Int
        let end: Int
        let firstToken: Int
        /// The token after the number.
        let endToken: Int
        let isInteger: Bool
        /// The value as an amount of money: "1.000" before "€" is a thousand even in English.
        var amount: Double
    }
}

extension BuiltinEntities.Scanner {
    typealias NumberMatch = BuiltinEntities.NumberMatch
    typealias Candidate = BuiltinEntities.Candidate
    typealias Lexeme = BuiltinEntities.Lexeme

    // MARK: Numbers

    /// All numbers, left to right, not overlapping each other.
    func numbers() -> [NumberMatch] {
        var found: [NumberMatch] = []
        var i = 0
        while i < tokens.count {
            let match: NumberMatch?
            switch tokens[i].kind {
            case .digits: match = digitNumber(at: i)
            case .word: match = wordNumber(at: i)
            case .symbol: match = nil
            }
            if let match, match.value.isFinite {
                found.append(match)
                i = max(match.endToken, i + 1)
            } else {
                i += 1
            }
        }
        return found
    }

    /// A number written with digits starting at token `i`, with its sign, separators and a
    /// scale word after it ("2 million").
    func digitNumber(at i: Int) -> NumberMatch? {
        let first = tokens[i]
        if first.start > 0 {
            // "A123" is a code, not a number; "5" in "1.2.5" was part of a longer (refused) run.
            if Self.isLetter(scalars[first.start - 1]) { return nil }
            if followsNumber(at: i, Self.isNumberSeparator) { return nil }
        }
        var j = i + 1
        var startToken = i
        var value: Double
        var isInteger: Bool
        var amount: Double?
        if continuesNumber(at: j, Self.isNumberSeparator) {
            var groups = [first.text]
            var separators: [Unicode.Scalar] = []
            while continuesNumber(at: j, Self.isNumberSeparator) {
                separators.append(tokens[j].symbol)
                groups.append(tokens[j + 1].text)
                j += 2
            }
            guard let interpreted = Self.interpretDigits(groups, separators, german: german) else { return nil }
            (value, isInteger) = interpreted
            // Nobody prices with three zero decimals: "1.000 €" / "$1,000" mean a thousand in
            // either language (but "1,759 €" for fuel is 1.759 in German).
            if groups.count == 2, groups[1] == "000", groups[0].utf8.first != UInt8(ascii: "0"), let thousands = Double(groups[0] + "000") {
                amount = thousands
            }
        } else if i >= 1, !first.spaced, tokens[i - 1].symbol == "." || tokens[i - 1].symbol == ",",
            tokens[i - 1].start == 0 || Self.isSpace(scalars[tokens[i - 1].start - 1]) || "(-".unicodeScalars.contains(scalars[tokens[i - 1].start - 1])
        {
            // ".5" / ",5"
            guard let fraction = Double("0." + first.text) else { return nil }
            (value, isInteger) = (fraction, fraction == 0)
            startToken = i - 1
        } else {
            guard let plain = Double(first.text) else { return nil }
            (value, isInteger) = (plain, true)
        }
        if adjacent(j), tokens[j].kind == .word {
            // "3rd", "21st": ordinals belong to dates; "1Z999" is a code.
            if tokens[j].lexeme.keyword == .ordinal { return nil }
            if adjacent(j + 1), tokens[j + 1].kind == .digits { return nil }
        }
        var firstToken = startToken
        var start = tokens[firstToken].start
        if firstToken > 0, !tokens[firstToken].spaced, tokens[firstToken - 1].symbol == "-" || tokens[firstToken - 1].symbol == "\u{2212}" {
            let minus = tokens[firstToken - 1].start
            let before = minus > 0 ? scalars[minus - 1] : " "
            if !(Self.isWordLike(before) || before == "." || before == "," || before == "-" || before == "/") {
                value = value == 0 ? 0 : -value
                amount = amount.map { -$0 }
                start = minus
                firstToken -= 1
            }
        }
        var end = tokens[j - 1].end
        if j < tokens.count, tokens[j].kind == .word, tokens[j].lexeme.scale > 0 {
            value *= tokens[j].lexeme.scale
            amount = nil
            isInteger = value == value.rounded()
            end = tokens[j].end
            j += 1
        }
        return NumberMatch(
            value: value, start: start, end: end, firstToken: firstToken, endToken: j, isInteger: isInteger,
            amount: amount ?? value)
    }

    /// The value of digit groups joined by separators: "1,000.50" in English, "1.000,50" in
    /// German (the other convention is tried when the language's does not fit). A single
    /// separator not followed by exactly three digits is a decimal point either way ("3,5" and
    /// "3.5" are 3.5 in both languages); "1.2.3" is no number. Swiss "1'000" is a thousand.
    static func interpretDigits(_ groups: [String], _ separators: [Unicode.Scalar], german: Bool) -> (Double, Bool)? {
        if separators.isEmpty {
            guard let value = Double(groups[0]) else { return nil }
            return (value, true)
        }
        let (thousands, decimal): (Unicode.Scalar, Unicode.Scalar) = german ? (".", ",") : (",", ".")
        return interpretDigits(groups, separators, thousands: thousands, decimal: decimal)
            ?? interpretDigits(groups, separators, thousands: decimal, decimal: thousands)
    }

    static func interpretDigits(
        _ groups: [String], _ separators: [Unicode.Scalar], thousands: Unicode.Scalar, decimal: Unicode.Scalar
    ) -> (Double, Bool)? {
        var integer = groups[0]
        var fraction: String?
        let leadingGroupFits = groups[0].utf8.count <= 3 && groups[0].utf8.first != UInt8(ascii: "0")
        for (k, separator) in separators.enumerated() {
            let group = groups[k + 1]
            let isLast = k == separators.count - 1
            if separator == thousands || separator == "'" || separator == "\u{2019}" {
                if group.utf8.count == 3 && leadingGroupFits && fraction == nil {
                    integer += group
                } else if separators.count == 1 && separator == thousands {
                    fraction = group  // "3,5" / "3.5": a decimal whatever the convention
                } else {
                    return nil
                }
            } else if separator == decimal && isLast {
                fraction = group
            } else {
                return nil
            }
        }
        let text = fraction.map { "\(integer).\($0)" } ?? integer
        guard let value = Double(text) else { return nil }
        return (value, fraction?.utf8.allSatisfy { $0 == UInt8(ascii: "0") } ?? true)
    }

    // MARK: Numbers as words

    func wordNumber(at i: Int) -> NumberMatch? {
        guard i >= 0, i < tokens.count, tokens[i].kind == .word else { return nil }
        return german ? germanWordNumber(at: i) : englishWordNumber(at: i)
    }

    /// "twenty-one", "one hundred and five", "two thousand three hundred", "a dozen",
    /// "a hundred". "a"/"an" alone is no number.
    func englishWordNumber(at i: Int) -> NumberMatch? {
        let head = tokens[i].lexeme
        guard head.number >= 0 || head.scale > 0 || head.role == .hundred || head.role == .article else { return nil }
        var total = 0.0
        var j = i
        var end = i
        var lastScale = Double.infinity
        var parsedAny = false
        while true {
            var k = j
            if parsedAny, lexeme(k)?.role == .and { k += 1 }
            guard let group = englishGroup(at: k, first: !parsedAny) else { break }
            let value = Double(group.value)
            if let next = lexeme(group.end) {
                if next.scale > 0, next.scale < lastScale {
                    total += value * next.scale
                    lastScale = next.scale
                    j = group.end + 1
                    end = j
                    parsedAny = true
                    continue
                }
                if next.role == .dozen, !parsedAny {
                    total += value * 12
                    end = group.end + 1
                    parsedAny = true
                    break
                }
            }
            if group.needsScale { break }
            total += value
            end = group.end
            parsedAny = true
            break
        }
        guard parsedAny, end > i else { return nil }
        return NumberMatch(
            value: total, start: tokens[i].start, end: tokens[end - 1].end, firstToken: i, endToken: end, isInteger: true,
            amount: total)
    }

    /// A number below 1000 in words; `needsScale` for "a" / a bare scale word, which only count
    /// before "thousand", "million", "dozen".
    func englishGroup(at k: Int, first: Bool) -> (value: Int, end: Int, needsScale: Bool)? {
        guard let w = lexeme(k) else { return nil }
        var value = 0
        var j = k
        var hundreds = false
        if w.number >= 1 && w.number <= 9, lexeme(k + 1)?.role == .hundred {
            value = Int(w.number) * 100
            j = k + 2
            hundreds = true
        } else if first, w.role == .article, tokens[k].text == "a", lexeme(k + 1)?.role == .hundred {
            value = 100
            j = k + 2
            hundreds = true
        } else if first, w.role == .hundred {
            value = 100
            j = k + 1
            hundreds = true
        }
        if hundreds {
            var m = j
            if lexeme(m)?.role == .and { m += 1 }
            if let rest = englishBelow100(at: m), rest.value > 0 {
                value += rest.value
                j = rest.end
            }
            return (value, j, false)
        }
        if let below = englishBelow100(at: k) { return (below.value, below.end, false) }
        if first, w.role == .article, tokens[k].text == "a", let next = lexeme(k + 1), next.scale > 0 || next.role == .dozen {
            return (1, k + 1, true)
        }
        if first, w.scale > 0 { return (1, k, true) }
        return nil
    }

    func englishBelow100(at m: Int) -> (value: Int, end: Int)? {
        guard let w = lexeme(m), w.number >= 0 else { return nil }
        if w.isTens {
            if isSymbol(m + 1, "-"), adjacent(m + 2), let unit = lexeme(m + 2), unit.number >= 1, unit.number <= 9 {
                return (Int(w.number + unit.number), m + 3)
            }
            if m + 1 < tokens.count, tokens[m + 1].spaced, let unit = lexeme(m + 1), unit.number >= 1, unit.number <= 9 {
                return (Int(w.number + unit.number), m + 2)
            }
        }
        return (Int(w.number), m + 1)
    }

    /// "einundzwanzig", "hundertfünf", "zweitausend", "eins"; "eine Million", "zwei Millionen
    /// dreihunderttausend", "zwei tausend". "ein", "eine", "einen"... alone are no numbers.
    func germanWordNumber(at i: Int) -> NumberMatch? {
        let head = tokens[i].lexeme
        var value: Double
        var j = i + 1
        if head.number >= 0 {
            value = Double(head.number)
        } else if head.role == .article, let next = lexeme(i + 1), next.scale >= 1e6 {
            value = 1
        } else {
            return nil
        }
        if value >= 1, value < 1000, let next = lexeme(j), next.scale == 1e3 {
            value *= 1000
            j += 1
            if let rest = lexeme(j)?.number, rest > 0, rest < 1000 {
                value += Double(rest)
                j += 1
            }
        }
        if value >= 1, value < 1000, let next = lexeme(j), next.scale >= 1e6 {
            value *= next.scale
            j += 1
            if let rest = lexeme(j)?.number, rest > 0, Double(rest) < next.scale {
                value += Double(rest)
                j += 1
            }
        }
        return NumberMatch(
            value: value, start: tokens[i].start, end: tokens[j - 1].end, firstToken: i, endToken: j, isInteger: true,
            amount: value)
    }

    /// A German number word below a million, folded ("fuenfhundertzweiundvierzig"), or nil.
    static func germanNumber(_ word: String) -> Int? {
        var utf8 = word.utf8.makeIterator()
        guard let b0 = utf8.next(), let b1 = utf8.next() else { return nil }
        // Cheap filter on the first two letters: null, eins/ein…, zwei/zehn/zwanzig, drei, vier,
        // fünf, sechs/sieben, acht, neun, elf, hundert, tausend.
        switch (b0, b1) {
        case (0x6E, 0x75), (0x65, 0x69), (0x7A, 0x77), (0x7A, 0x65), (0x64, 0x72), (0x76, 0x69), (0x66, 0x75),
            (0x73, 0x65), (0x73, 0x69), (0x61, 0x63), (0x6E, 0x65), (0x65, 0x6C), (0x68, 0x75), (0x74, 0x61):
            break
        default:
            return nil
        }
        let bytes = Array(word.utf8)
        guard bytes.count >= 3, bytes.count <= 80, bytes.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return nil }
        if word == "null" { return 0 }
        if let t = find("tausend", in: bytes[...]) {
            let left = bytes[..<t]
            var right = bytes[(t + 7)...]
            let multiplier: Int
            if left.isEmpty || left.elementsEqual("ein".utf8) {
                multiplier = 1
            } else if let m = germanBelowThousand(left), m > 0 {
                multiplier = m
            } else {
                return nil
            }
            if right.starts(with: "und".utf8) { right = right.dropFirst(3) }
            if right.isEmpty { return multiplier * 1000 }
            guard let rest = germanBelowThousand(right), rest > 0 else { return nil }
            return multiplier * 1000 + rest
        }
        return germanBelowThousand(bytes[...])
    }

    static func germanBelowThousand(_ bytes: ArraySlice<UInt8>) -> Int? {
        if let h = find("hundert", in: bytes) {
            let left = String(decoding: bytes[..<h], as: UTF8.self)
            var right = bytes[(h + 7)...]
            let multiplier: Int
            if left.isEmpty || left == "ein" {
                multiplier = 1
            } else if let unit = germanBelow100[left], unit >= 2 {
                multiplier = unit  // "zweihundert", also "fünfzehnhundert"
            } else {
                return nil
            }
            if right.starts(with: "und".utf8) { right = right.dropFirst(3) }
            if right.isEmpty { return multiplier * 100 }
            guard let rest = germanBelow100[String(decoding: right, as: UTF8.self)] else { return nil }
            return multiplier * 100 + rest
        }
        return germanBelow100[String(decoding: bytes, as: UTF8.self)]
    }

    static func find(_ needle: String, in bytes: ArraySlice<UInt8>) -> Int? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return nil }
        var i = bytes.startIndex
        while i + pattern.count <= bytes.endIndex {
            if bytes[i] == pattern[0], bytes[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
            i += 1
        }
        return nil
    }

    static let germanUnits: [String: Int] = [
        "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    ]

    /// 1...99 in words, with the spellings typed without umlauts ("funfzig", "zwolf").
    static let germanBelow100: [String: Int] = {
        var table: [String: Int] = germanUnits
        let teens = [
            "zehn": 10, "elf": 11, "zwoelf": 12, "dreizehn": 13, "vierzehn": 14, "fuenfzehn": 15, "sechzehn": 16,
            "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
        ]
        let tens = [
            "zwanzig": 20, "dreissig": 30, "vierzig": 40, "fuenfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
            "neunzig": 90,
        ]
        table.merge(teens) { a, _ in a }
        table.merge(tens) { a, _ in a }
        let unitPrefixes = ["ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9]
        for (unitWord, unit) in unitPrefixes {
            for (tensWord, ten) in tens { table[unitWord + "und" + tensWord] = unit + ten }
        }
        for (key, value) in table {
            let plain = key.replacingOccurrences(of: "fuenf", with: "funf").replacingOccurrences(of: "zwoelf", with: "zwolf")
            if plain != key { table[plain] = value }
        }
        return table
    }()

    // MARK: Money

    /// Amounts with a currency before ("€12.50", "CHF 20", "US$ 5") or after ("12,50 €",
    /// "5 dollars", "zwölf Euro", "12,- €").
    func money(_ numbers: [NumberMatch]) -> [Candidate] {
        var found: [Candidate] = []
        var usedAsSuffix = Set<Int>()  // currency tokens taken by the amount before them
        var pending: [NumberMatch] = []
        for number in numbers {
            // German "12,-" / "12,--" for whole amounts.
            var dashed: Int?
            let j = number.endToken
            if number.isInteger, isSymbol(j, ",") || isSymbol(j, "."), isSymbol(j + 1, "-") || isSymbol(j + 1, "\u{2013}") {
                dashed = isSymbol(j + 2, "-") ? j + 3 : j + 2
            }
            if let after = dashed.flatMap({ currencyAfter($0) }) ?? currencyAfter(number.endToken) {
                usedAsSuffix.insert(after.end - 1)
                found.append(Candidate(.money, .value(.money(amount: number.amount, currency: after.code)),
                    start: number.start, end: tokens[after.end - 1].end))
            } else {
                pending.append(number)
            }
        }
        for number in pending {
            guard let before = currencyBefore(number.firstToken), !usedAsSuffix.contains(number.firstToken - 1) else { continue }
            found.append(Candidate(.money, .value(.money(amount: number.amount, currency: before.code)),
                start: tokens[before.start].start, end: number.end))
        }
        return found
    }

    static func currencySymbol(_ c: Unicode.Scalar) -> String? {
        switch c {
        case "€": "EUR"
        case "$": "USD"
        case "£": "GBP"
        case "¥": "JPY"
        case "₹": "INR"
        case "₽": "RUB"
        case "₩": "KRW"
        case "₺": "TRY"
        case "₪": "ILS"
        default: nil
        }
    }

    /// A currency starting at token `j` (right after an amount); `end` is the token after it.
    func currencyAfter(_ j: Int) -> (code: String, end: Int)? {
        guard j < tokens.count else { return nil }
        let token = tokens[j]
        switch token.kind {
        case .symbol:
            return Self.currencySymbol(token.symbol).map { ($0, j + 1) }
        case .word:
            if token.text == "us" {
                if isSymbol(j + 1, "$") { return ("USD", j + 2) }
                let k = isSymbol(j + 1, "-") ? j + 2 : j + 1
                if let w = word(k), w == "dollar" || w == "dollars" { return ("USD", k + 1) }
                return nil
            }
            if token.text == "schweizer" || token.text == "swiss", let next = lexeme(j + 1), Lexeme.currencies[Int(next.currencyAfter)] == "CHF" {
                return ("CHF", j + 2)
            }
            guard token.lexeme.currencyAfter > 0 else { return nil }
            return (Lexeme.currencies[Int(token.lexeme.currencyAfter)], j + 1)
        case .digits:
            return nil
        }
    }

    /// A currency symbol or code right before the amount starting at token `first`.
    func currencyBefore(_ first: Int) -> (code: String, start: Int)? {
        let k = first - 1
        guard k >= 0 else { return nil }
        let token = tokens[k]
        switch token.kind {
        case .symbol:
            guard let code = Self.currencySymbol(token.symbol) else { return nil }
            if token.symbol == "$", !token.spaced, word(k - 1) == "us" { return ("USD", k - 1) }
            return (code, k)
        case .word:
            guard token.lexeme.currencyBefore > 0 else { return nil }
            return (Lexeme.currencies[Int(token.lexeme.currencyBefore)], k)
        case .digits:
            return nil
        }
    }

    // MARK: Lexicons

    static let englishLexicon = lexicon(german: false)
    static let germanLexicon = lexicon(german: true)

    static func lexicon(german: Bool) -> [String: Lexeme] {
        var table: [String: Lexeme] = [:]
        for (word, keyword) in german ? Keyword.german : Keyword.english { table[word, default: .none].keyword = keyword }
        if german {
            let scales: [String: Int8] = [
                "tausend": 3, "million": 6, "millionen": 6, "mio": 6, "milliarde": 9, "milliarden": 9, "mrd": 9,
                "billion": 12, "billionen": 12,
            ]
            for (word, exponent) in scales { table[word, default: .none].scaleExponent = exponent }
            for word in ["ein", "eine"] { table[word, default: .none].role = .article }
        } else {
            let small = [
                "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
            ]
            for (value, word) in small.enumerated() { table[word, default: .none].number = Int32(value) }
            for (i, word) in ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"].enumerated() {
                table[word, default: .none].number = Int32((i + 2) * 10)
                table[word, default: .none].isTens = true
            }
            for (word, exponent) in ["thousand": 3, "million": 6, "billion": 9] as [String: Int8] {
                table[word, default: .none].scaleExponent = exponent
            }
            table["hundred", default: .none].role = .hundred
            table["and", default: .none].role = .and
            table["dozen", default: .none].role = .dozen
            for word in ["a", "an"] { table[word, default: .none].role = .article }
        }
        // Currencies, in both languages.
        var codes: [String: String] = ["sfr": "CHF"]
        for code in ["EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "CNY", "INR", "HKD", "SGD"] {
            codes[code.lowercased()] = code
        }
        let words = [
            "euro": "EUR", "euros": "EUR", "dollar": "USD", "dollars": "USD", "bucks": "USD",
            "pound": "GBP", "pounds": "GBP", "pfund": "GBP", "quid": "GBP",
            "franken": "CHF", "franc": "CHF", "francs": "CHF", "fr": "CHF", "yen": "JPY",
        ]
        for (word, code) in codes {
            table[word, default: .none].currencyBefore = Lexeme.currencyIndex(code)
            table[word, default: .none].currencyAfter = Lexeme.currencyIndex(code)
        }
        for (word, code) in words { table[word, default: .none].currencyAfter = Lexeme.currencyIndex(code) }
        // Words after which "at 5" / "um 5" is a quantity, not a time.
        let blockers = [
            "percent", "prozent", "x", "times", "mal", "items", "pieces", "stueck", "people", "personen", "leute",
            "kg", "g", "gb", "mb", "tb", "km", "m", "cm", "mm", "l", "ml",
        ]
        for word in blockers { table[word, default: .none].blocksTime = true }
        for (word, entry) in table {
            var isUnit = false
            if case .unit? = entry.keyword { isUnit = true }
            if isUnit || entry.currencyAfter > 0 || entry.scaleExponent > 0 { table[word]?.blocksTime = true }
        }
        return table
    }
}
