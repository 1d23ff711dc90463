import Foundation

/// A kind of personal data that is masked in stored messages, logs and exports.
public enum PersonalDataKind: String, Sendable, CaseIterable, Codable {
    case email
    case phone
    case iban
    case card
    case ipAddress = "ip_address"

    /// What replaces it: `[email]`, `[phone]`, `[iban]`, `[card]`, `[ip_address]`.
    public var placeholder: String { "[\(rawValue)]" }
}

/// Masks personal data in a text, in one pass over its characters (no regular expressions):
///
/// - e-mail addresses: `local@domain.tld`;
/// - IBANs: a country code, 2 check digits and the country's length of letters and digits,
///   spaces allowed between them, mod-97 checked (a wrong check digit is left alone);
/// - payment cards: 13–19 digits starting with 2–6, single spaces or dashes allowed between,
///   Luhn-checked. A number that fails the check is not a card; it is masked as a phone only
///   if it is shaped like one (starts with `+`, `00` or `0`), so long order and tracking
///   numbers stay readable;
/// - phone numbers: international (`+49 30 1234567`, `0049 30 1234567`, `+1 (555) 123-4567`:
///   8–15 digits after the country prefix), national (`030 1234567`, `0151-12345678`,
///   `030/1234567`: a leading 0, 7–13 digits), North American (`(555) 123-4567`,
///   `555-123-4567`, `555.123.4567`). Dates (`29.11.2026`, `01.02.2026`), times (`14:30`),
///   prices (`€49.99`) and order numbers (`#12345`, `12345678`) do not look like any of these;
/// - IPv4 addresses (four numbers up to 255 with dots).
public enum PersonalData {
    /// The text with each occurrence replaced by its kind's placeholder, and the kinds found
    /// (each once, in the order they first occur).
    public static func mask(_ text: String) -> (text: String, found: [PersonalDataKind]) {
        // Cheap pre-check: without an "@" and with fewer than 4 digits there is nothing to mask.
        var digits = 0
        var at = false
        for byte in text.utf8 {
            if byte >= 48 && byte <= 57 { digits += 1 } else if byte == 64 { at = true }
        }
        if !at && digits < 4 { return (text, []) }

        let s = Array(text.unicodeScalars)
        let emails = at ? emailRanges(s) : []
        var emailIndex = 0
        var out = String.UnicodeScalarView()
        out.reserveCapacity(s.count)
        var found: [PersonalDataKind] = []
        func emit(_ kind: PersonalDataKind) {
            out.append(contentsOf: kind.placeholder.unicodeScalars)
            if !found.contains(kind) { found.append(kind) }
        }

        var i = 0
        while i < s.count {
            while emailIndex < emails.count, emails[emailIndex].upperBound <= i { emailIndex += 1 }
            if emailIndex < emails.count, emails[emailIndex].lowerBound == i {
                emit(.email)
                i = emails[emailIndex].upperBound
                continue
            }
            let c = s[i]
            let boundary = i == 0 || !isAlnum(s[i - 1])
            if boundary, isASCIILetter(c), let candidate = iban(s, at: i) {
                if candidate.valid {
                    emit(.iban)
                } else {
                    out.append(contentsOf: s[i..<candidate.end])  // a wrong check digit: left alone, whole
                }
                i = candidate.end
                continue
            }
            if boundary, isDigit(c) || c == "+" || c == "(", !continuesNumber(s, at: i) {
                if let end = ipv4(s, at: i) {
                    emit(.ipAddress)
                    i = end
                    continue
                }
                let card = cardCandidate(s, at: i)
                if let end = card.match {
                    emit(.card)
                    i = end
                    continue
                }
                if let end = phone(s, at: i) {
                    emit(.phone)
                    i = end
                    continue
                }
                // Not personal data: copy the number (a failed card candidate whole, so that
                // no part of it is matched on its own).
                var end = max(i + 1, card.candidateEnd ?? i + 1)
                while end < s.count, isDigit(s[end]) { end += 1 }
                out.append(contentsOf: s[i..<end])
                i = end
                continue
            }
            if isAlnum(c) {
                // Copy the rest of the word: nothing starts inside a word.
                var end = i + 1
                while end < s.count, isAlnum(s[end]) { end += 1 }
                out.append(contentsOf: s[i..<end])
                i = end
                continue
            }
            out.append(c)
            i += 1
        }
        return found.isEmpty ? (text, []) : (String(out), found)
    }

    // MARK: Character classes

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
    @inline(__always) static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
        (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122)
    }
    @inline(__always) static func isAlnum(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return isDigit(c) || isASCIILetter(c) }
        return c.properties.isAlphabetic || c.properties.numericType != nil
    }

    /// Whether position `i` is inside a number already: after "3." / "3," / "3:" / "3-" / "3/".
    static func continuesNumber(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        guard i >= 2 else { return false }
        let p = s[i - 1]
        return (p == "." || p == "," || p == ":" || p == "-" || p == "/") && isDigit(s[i - 2])
    }

    // MARK: E-mail

    static func emailRanges(_ s: [Unicode.Scalar]) -> [Range<Int>] {
        func isLocal(_ c: Unicode.Scalar) -> Bool {
            isAlnum(c) || c == "." || c == "_" || c == "%" || c == "+" || c == "-"
        }
        func isDomain(_ c: Unicode.Scalar) -> Bool { isAlnum(c) || c == "." || c == "-" }
        var ranges: [Range<Int>] = []
        var i = 0
        while i < s.count {
            guard s[i] == "@" else {
                i += 1
                continue
            }
            var start = i
            while start > 0, isLocal(s[start - 1]) { start -= 1 }
            while start < i, s[start] == "." { start += 1 }
            var end = i + 1
            while end < s.count, isDomain(s[end]) { end += 1 }
            while end > i + 1, s[end - 1] == "." || s[end - 1] == "-" { end -= 1 }
            let domain = s[(i + 1)..<end]
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            if start < i, labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }),
               let tld = labels.last, tld.count >= 2, tld.allSatisfy({ isASCIILetter($0) || $0.value >= 0x80 }),
               ranges.last.map({ $0.upperBound <= start }) ?? true {
                ranges.append(start..<end)
                i = end
            } else {
                i += 1
            }
        }
        return ranges
    }

    // MARK: IBAN

    /// The length of an IBAN per country (the SWIFT registry).
    static let ibanLengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27, "BR": 29,
        "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
        "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
        "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28,
        "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20,
        "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
        "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
        "SO": 23, "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    ]

    /// An IBAN-shaped text starting at `i` (a known country and its length; single spaces
    /// allowed between the characters): where it ends, and whether its check digits are right.
    static func iban(_ s: [Unicode.Scalar], at i: Int) -> (end: Int, valid: Bool)? {
        guard i + 3 < s.count, isASCIILetter(s[i + 1]), isDigit(s[i + 2]), isDigit(s[i + 3]) else { return nil }
        let country = String(String.UnicodeScalarView([s[i], s[i + 1]])).uppercased()
        guard let length = ibanLengths[country] else { return nil }
        var chars: [Unicode.Scalar] = []
        var j = i
        while j < s.count, chars.count < length {
            let c = s[j]
            if isDigit(c) || isASCIILetter(c) {
                chars.append(c)
                j += 1
            } else if c == " ", j + 1 < s.count, isDigit(s[j + 1]) || isASCIILetter(s[j + 1]), !chars.isEmpty {
                j += 1
            } else {
                break
            }
        }
        guard chars.count == length, j == s.count || !isAlnum(s[j]) else { return nil }
        // Mod 97 of the rearranged number (letters as 10...35) must be 1.
        var remainder = 0
        for c in chars[4...] + chars[..<4] {
            let v = Int(c.value)
            if isDigit(c) {
                remainder = (remainder * 10 + v - 48) % 97
            } else {
                let letter = (v >= 97 ? v - 97 : v - 65) + 10
                remainder = (remainder * 100 + letter) % 97
            }
        }
        return (j, remainder == 1)
    }

    // MARK: Cards

    /// Digit groups separated by single spaces or dashes; the longest prefix (at a group end)
    /// of 13–19 digits that starts with 2–6 and passes the Luhn check is a card.
    static func cardCandidate(_ s: [Unicode.Scalar], at i: Int) -> (match: Int?, candidateEnd: Int?) {
        guard isDigit(s[i]) else { return (nil, nil) }
        var groupEnds: [(end: Int, digits: Int)] = []
        var digits: [Int] = []
        var j = i
        while j < s.count, digits.count <= 19 {
            guard isDigit(s[j]) else { break }
            while j < s.count, isDigit(s[j]) {
                digits.append(Int(s[j].value) - 48)
                j += 1
            }
            groupEnds.append((j, digits.count))
            if j + 1 < s.count, s[j] == " " || s[j] == "-", isDigit(s[j + 1]) {
                j += 1
            } else {
                break
            }
        }
        guard let last = groupEnds.last, last.digits >= 13 else { return (nil, nil) }
        for group in groupEnds.reversed() where (13...19).contains(group.digits) {
            if group.end < s.count, isAlnum(s[group.end]) { continue }
            if (2...6).contains(digits[0]), luhn(digits[..<group.digits]) { return (group.end, group.end) }
        }
        // A long number that is not a card: kept whole, so that no part of it is taken for
        // one (a number starting with 0 may still be a phone number).
        return (nil, digits[0] != 0 ? last.end : nil)
    }

    static func luhn(_ digits: ArraySlice<Int>) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            if offset % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    // MARK: Phones

    /// The end of a phone number starting at `i`.
    static func phone(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        if let end = northAmerican(s, at: i) { return end }
        var j = i
        var international = false
        if s[j] == "+" {
            guard j + 1 < s.count, isDigit(s[j + 1]), s[j + 1] != "0" else { return nil }
            international = true
            j += 1
        } else if s[j] == "0", j + 2 < s.count, s[j + 1] == "0", isDigit(s[j + 2]), s[j + 2] != "0" {
            international = true
            j += 2
        } else if s[j] == "0", j + 1 < s.count, isDigit(s[j + 1]) || s[j + 1] == " " || s[j + 1] == "-" || s[j + 1] == "/" {
            // national: 0 and an area code
        } else if s[j] == "(", j + 1 < s.count, s[j + 1] == "0" {
            // national with the area code in brackets: (030) 1234567
        } else {
            return nil
        }
        let maximum = international ? 15 : 13
        var count = 0
        var end = j
        var first = true
        var afterBracket = false
        while j < s.count {
            // A group: digits, or "(0)" / "(030)".
            var k = j
            var groupDigits = 0
            if s[k] == "(" {
                k += 1
                while k < s.count, isDigit(s[k]) { k += 1; groupDigits += 1 }
                guard k < s.count, s[k] == ")", (1...5).contains(groupDigits) else { break }
                k += 1
            } else {
                while k < s.count, isDigit(s[k]) { k += 1; groupDigits += 1 }
            }
            if groupDigits == 0 || count + groupDigits > maximum { break }
            // After a space, a single digit ends the number ("030 1234567 2 Stück"); "(0)" does not.
            if !first, s[j - 1] == " ", groupDigits < 2, s[j] != "(" { break }
            count += groupDigits
            end = k
            first = false
            afterBracket = s[k - 1] == ")"
            j = k
            // One separator, then the next group.
            guard j < s.count else { break }
            var next = j
            if s[next] == " " || s[next] == "-" || s[next] == "/" || s[next] == "\u{00A0}" {
                next += 1
            }
            guard next < s.count, isDigit(s[next]) || s[next] == "(" else { break }
            if next == j, s[next] != "(", !afterBracket { break }
            j = next
        }
        guard end == s.count || !isAlnum(s[end]) else { return nil }
        if end < s.count, s[end] == "." || s[end] == ",", end + 1 < s.count, isDigit(s[end + 1]) { return nil }
        let valid = international ? (8...15).contains(count) : (7...13).contains(count)
        return valid ? end : nil
    }

    /// `(555) 123-4567`, `555-123-4567`, `555.123.4567`, `555 123 4567`: an area code starting
    /// with 2–9.
    static func northAmerican(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        var j = i
        func digits(_ n: Int) -> Bool {
            guard j + n <= s.count, s[j..<j + n].allSatisfy(isDigit) else { return false }
            j += n
            return true
        }
        let bracketed = s[j] == "("
        if bracketed { j += 1 }
        guard j < s.count, s[j].value >= 50, digits(3) else { return nil }
        var separator: Unicode.Scalar?
        if bracketed {
            guard j < s.count, s[j] == ")" else { return nil }
            j += 1
            if j < s.count, s[j] == " " { j += 1 }
        } else {
            guard j < s.count, s[j] == "-" || s[j] == "." || s[j] == " " else { return nil }
            separator = s[j]
            j += 1
        }
        guard digits(3), j < s.count else { return nil }
        if let separator {
            guard s[j] == separator else { return nil }
        } else {
            guard s[j] == "-" || s[j] == "." || s[j] == " " else { return nil }
        }
        j += 1
        guard digits(4) else { return nil }
        guard j == s.count || !(isAlnum(s[j]) || ((s[j] == "." || s[j] == "-") && j + 1 < s.count && isDigit(s[j + 1]))) else { return nil }
        return j
    }

    // MARK: IPv4

    static func ipv4(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        var j = i
        for part in 0..<4 {
            var value = 0, length = 0
            while j < s.count, isDigit(s[j]), length < 4 {
                value = value * 10 + Int(s[j].value) - 48
                length += 1
                j += 1
            }
            guard (1...3).contains(length), value <= 255 else { return nil }
            if part < 3 {
                guard j + 1 < s.count, s[j] == ".", isDigit(s[j + 1]) else { return nil }
                j += 1
            }
        }
        if j < s.count, isAlnum(s[j]) { return nil }
        if j + 1 < s.count, s[j] == ".", isDigit(s[j + 1]) { return nil }
        return j
    }
}
