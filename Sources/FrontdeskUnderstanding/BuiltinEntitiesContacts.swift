import Foundation
import FrontdeskCore

// E-mail addresses, phone numbers and URLs: language-independent, scanned on Unicode scalars.

extension BuiltinEntities.Scanner {
    // MARK: E-mail

    @inline(__always) static func isEmailLocal(_ c: Unicode.Scalar) -> Bool {
        isASCIIAlphanumeric(c) || c == "." || c == "_" || c == "%" || c == "+" || c == "-"
    }

    /// "name@example.com" → `.text("name@example.com")` (lower case). ASCII addresses only.
    func emails() -> [Candidate] {
        var found: [Candidate] = []
        let n = scalars.count
        for at in 0..<n where scalars[at] == "@" {
            var start = at
            while start > 0, Self.isEmailLocal(scalars[start - 1]) { start -= 1 }
            while start < at, scalars[start] == "." { start += 1 }
            guard start < at, let end = domainEnd(from: at + 1, minimumLabels: 2) else { continue }
            found.append(Candidate(.email, .value(.text(text(start..<end).lowercased())), start: start, end: end))
        }
        return found
    }

    /// The end of a domain name starting at `start`: labels of ASCII letters, digits and "-"
    /// joined by single dots, the last one (the top-level domain) 2 to 24 letters.
    func domainEnd(from start: Int, minimumLabels: Int) -> Int? {
        let n = scalars.count
        var p = start
        var labels = 0
        var end = start
        var lastLabelStart = start
        while p < n {
            let labelStart = p
            while p < n, Self.isASCIIAlphanumeric(scalars[p]) || scalars[p] == "-" { p += 1 }
            guard p > labelStart else { break }
            labels += 1
            lastLabelStart = labelStart
            end = p
            if p + 1 < n, scalars[p] == ".", Self.isASCIIAlphanumeric(scalars[p + 1]) {
                p += 1
            } else {
                break
            }
        }
        guard labels >= minimumLabels, (2...24).contains(end - lastLabelStart) else { return nil }
        for k in lastLabelStart..<end where !Self.isASCIILetter(scalars[k]) { return nil }
        return end
    }

    // MARK: URLs

    /// "https://…", "http://…", "www.example.com/…", "example.com/path" (a bare domain needs a
    /// path) → `.text(url as written)`, without trailing punctuation or an unbalanced ")".
    func urls() -> [Candidate] {
        var found: [Candidate] = []
        var covered = 0
        for (i, token) in tokens.enumerated() where token.kind != .symbol && token.start >= covered {
            let p = token.start
            guard Self.isASCIIAlphanumeric(scalars[p]), p == 0 || !Self.blocksURLStart(scalars[p - 1]) else { continue }
            // Only words that go on with "." or "-" can start a domain; "http…"/"www…" always may.
            let first = scalars[p].value | 0x20
            guard first == 0x68 || first == 0x77 || isSymbol(i + 1, ".") || isSymbol(i + 1, "-"), let end = urlEnd(from: p) else {
                continue
            }
            found.append(Candidate(.url, .value(.text(text(p..<end))), start: p, end: end))
            covered = end
        }
        return found
    }

    static func blocksURLStart(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "@", ".", "-", "_", "/", "+", "%", "#", "&", "=", "?", "~": true
        default: isWordLike(c)
        }
    }

    /// Whether the text at `p` starts with `prefix` (ASCII, lower case), ignoring case.
    func hasPrefix(_ prefix: StaticString, at p: Int) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard p + count <= scalars.count else { return false }
        return prefix.withUTF8Buffer { bytes in
            for k in 0..<count {
                let v = scalars[p + k].value
                let lowered = v >= 65 && v <= 90 ? v + 32 : v
                if lowered != UInt32(bytes[k]) { return false }
            }
            return true
        }
    }

    func urlEnd(from p: Int) -> Int? {
        let hostStart: Int
        let first = scalars[p].value | 0x20
        if first == 0x68, hasPrefix("https://", at: p) {  // h
            hostStart = p + 8
        } else if first == 0x68, hasPrefix("http://", at: p) {
            hostStart = p + 7
        } else if first == 0x77, hasPrefix("www.", at: p) {  // w
            guard domainEnd(from: p, minimumLabels: 3) != nil else { return nil }
            hostStart = p
        } else {
            guard let domain = domainEnd(from: p, minimumLabels: 2), domain < scalars.count, scalars[domain] == "/" else {
                return nil
            }
            hostStart = p
        }
        guard hostStart < scalars.count, Self.isWordLike(scalars[hostStart]) else { return nil }
        var end = hostStart
        while end < scalars.count, Self.isURLScalar(scalars[end]) { end += 1 }
        // Trailing punctuation belongs to the sentence; ")" or "]" only if unbalanced.
        var parentheses = 0  // "(" minus ")" in the URL so far
        var brackets = 0
        for c in scalars[p..<end] {
            switch c {
            case "(": parentheses += 1
            case ")": parentheses -= 1
            case "[": brackets += 1
            case "]": brackets -= 1
            default: break
            }
        }
        while end > hostStart {
            switch scalars[end - 1] {
            case ".", ",", ";", ":", "!", "?", "'", "\"", "*":
                end -= 1
            case ")" where parentheses < 0:
                parentheses += 1
                end -= 1
            case "]" where brackets < 0:
                brackets += 1
                end -= 1
            default:
                return end
            }
        }
        return nil
    }

    static func isURLScalar(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            switch c {
            case "<", ">", "\"", "`", "{", "}", "|", "\\", "^": return false
            default: return c.value > 32 && c.value < 127
            }
        }
        return isWordLike(c)
    }

    // MARK: Phone numbers

    /// International ("+49 30 1234567", "+1 (555) 123-4567", "+49 (0)30 1234567") and national
    /// ("030 1234567", "0170/1234567", "(555) 123-4567", "555-123-4567") numbers of 7 to 15
    /// digits → `.phone` with the digits and the leading "+". Plain digit runs ("12345",
    /// "2026") are not phone numbers.
    func phones() -> [Candidate] {
        var found: [Candidate] = []
        var covered = 0
        for token in tokens where token.start >= covered && (token.kind == .digits || token.symbol == "+" || token.symbol == "(") {
            let p = token.start
            guard p == 0 || !Self.blocksPhoneStart(scalars[p - 1]), let phone = phone(at: p) else { continue }
            found.append(Candidate(.phone, .value(.phone(phone.value)), start: p, end: phone.end))
            covered = phone.end
        }
        return found
    }

    static func blocksPhoneStart(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "+", "-", ".", "/", ",", "_", "@", "#", "(": true
        default: isWordLike(c)
        }
    }

    func phone(at start: Int) -> (value: String, end: Int)? {
        let n = scalars.count
        let plus = scalars[start] == "+"
        if plus, !(start + 1 < n && Self.isDigit(scalars[start + 1])) { return nil }
        var q = plus ? start + 1 : start
        var digitCount = 0
        var groupCount = 0
        var groups = (0, 0, 0, 0)  // digits of the first four groups
        var firstSeparator: Unicode.Scalar?
        var uniformSeparators = true
        var hasParentheses = false
        var trunk: Int?  // offset of the "0" in "+49 (0)30"
        var end = start
        while q < n {
            // One item: a digit run or "(digits)".
            var r = q
            var itemDigits = 0
            let isParenthesis = scalars[r] == "("
            if isParenthesis {
                r += 1
                while r < n, Self.isDigit(scalars[r]), itemDigits < 6 {
                    itemDigits += 1
                    r += 1
                }
                guard itemDigits > 0, r < n, scalars[r] == ")" else { break }
                r += 1
            } else if Self.isDigit(scalars[r]) {
                while r < n, Self.isDigit(scalars[r]) {
                    itemDigits += 1
                    r += 1
                }
            } else {
                break
            }
            let isTrunk = plus && isParenthesis && groupCount == 1 && itemDigits == 1 && scalars[q + 1] == "0"
            if digitCount + (isTrunk ? 0 : itemDigits) > 15 { break }
            if isTrunk { trunk = q + 1 } else { digitCount += itemDigits }
            switch groupCount {
            case 0: groups.0 = itemDigits
            case 1: groups.1 = itemDigits
            case 2: groups.2 = itemDigits
            case 3: groups.3 = itemDigits
            default: break
            }
            groupCount += 1
            hasParentheses = hasParentheses || isParenthesis
            q = r
            end = r
            // A separator: " ", "-", "/", ".", " - ", " / ", or none before/after "(…)".
            var s = q
            var separator: Unicode.Scalar = " "
            if s < n, scalars[s] == "." {
                separator = "."
                s += 1
            } else {
                if s < n, scalars[s] == " " || scalars[s] == "\u{00A0}" { s += 1 }
                if s < n, scalars[s] == "-" || scalars[s] == "/" {
                    separator = scalars[s]
                    s += 1
                    if s < n, scalars[s] == " " { s += 1 }
                }
            }
            guard s < n, Self.isDigit(scalars[s]) || scalars[s] == "(" else { break }
            if s == q && !(isParenthesis || scalars[s] == "(") { break }
            if s > q {
                if let firstSeparator, firstSeparator != separator { uniformSeparators = false }
                if firstSeparator == nil { firstSeparator = separator }
            }
            q = s
        }
        guard (7...15).contains(digitCount) else { return nil }
        // Not glued to more of a word or number ("0301234567.5", "030 1234567abc").
        if end < n {
            let next = scalars[end]
            if Self.isWordLike(next) { return nil }
            if next == "." || next == "," || next == "-" || next == "/", end + 1 < n, Self.isDigit(scalars[end + 1]) { return nil }
        }
        let accepted: Bool
        if plus || hasParentheses {
            accepted = true
        } else if scalars[start] == "0" {
            // A national number with an area code ("030 …"), not a date ("03/03/2026", "0001-02-29").
            let dateLike = groupCount == 3 && groups.1 <= 2 && (groups.0 <= 2 || (groups.0 == 4 && groups.2 <= 2))
            accepted = groups.0 >= 2 && !dateLike
        } else {
            // North American "555-123-4567", "555.123.4567", "555 123 4567", "555-1234",
            // "1-555-123-4567", with one kind of separator.
            let shape = (groupCount, groups.0, groups.1, groups.2, groups.3)
            let separator = firstSeparator ?? "/"
            let northAmerican = shape == (3, 3, 3, 4, 0) || shape == (4, 1, 3, 3, 4) || (shape == (2, 3, 4, 0, 0) && separator == "-")
            accepted = uniformSeparators && (separator == "-" || separator == "." || separator == " ") && northAmerican
        }
        guard accepted else { return nil }
        var value = plus ? "+" : ""
        value.reserveCapacity(digitCount + 1)
        for k in start..<end where Self.isDigit(scalars[k]) && k != trunk { value.unicodeScalars.append(scalars[k]) }
        return (value, end)
    }
}
