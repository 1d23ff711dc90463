import Foundation
import FrontdeskCore

/// Finds the bot's own entities (patterns and lists of values with synonyms, with typo
/// tolerance) and the built-in ones in a message. Built once per bot; immutable.
public struct EntityExtractor: Sendable {
    struct CompiledPattern: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
        let name: EntityName
        let regex: NSRegularExpression
    }

    struct Form: Sendable {
        let name: EntityName
        let value: String
        /// Folded words of the synonym.
        let words: [String]
        /// The same, as scalars (for typo tolerance).
        let scalarWords: [[Unicode.Scalar]]
        let fuzzy: Bool
    }

    let patterns: [CompiledPattern]
    /// Synonyms per language, longest first.
    let forms: [LanguageCode: [Form]]

    public init(definitions: [EntityDefinition], languages: [LanguageCode]) {
        var patterns: [CompiledPattern] = []
        var forms: [LanguageCode: [Form]] = [:]
        for definition in definitions {
            switch definition.kind {
            case .pattern(let pattern):
                if let regex = try? NSRegularExpression(pattern: pattern) {
                    patterns.append(CompiledPattern(name: definition.name, regex: regex))
                }
            case .list(let values):
                for language in languages {
                    for value in values {
                        for form in Set(value.forms(in: language)) {
                            let words = Normalizer.tokens(Normalizer.fold(form))
                            if !words.isEmpty {
                                forms[language, default: []].append(Form(name: definition.name, value: value.value, words: words,
                                                                             scalarWords: words.map { Array($0.unicodeScalars) }, fuzzy: definition.fuzzy))
                            }
                        }
                    }
                }
            }
        }
        self.patterns = patterns
        self.forms = forms.mapValues { list in
            list.sorted { ($0.words.count, $0.words.joined().count, $1.value) > ($1.words.count, $1.words.joined().count, $0.value) }
        }
    }

    /// The entities in `text`: the bot's own first, then the built-in ones that do not overlap
    /// them, in order of position.
    public func extract(_ text: String, language: LanguageCode, now: Date, timeZone: TimeZone) -> [Entity] {
        let scalars = Array(text.unicodeScalars)
        var found: [Entity] = []
        func overlaps(_ span: Range<Int>) -> Bool { found.contains { $0.span.overlaps(span) } }
        func substring(_ span: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[span])) }

        // Patterns.
        var utf16Offsets: [Int: Int]?  // built on the first match only
        for pattern in patterns {
            for match in pattern.regex.matches(in: text, range: NSRange(location: 0, length: text.utf16.count)) where match.range.length > 0 {
                if utf16Offsets == nil { utf16Offsets = Self.scalarOffsetsByUTF16(text) }
                guard let utf16Offsets, let start = utf16Offsets[match.range.location], let end = utf16Offsets[match.range.location + match.range.length] else { continue }
                let span = start..<end
                if overlaps(span) { continue }
                let raw = substring(span)
                found.append(Entity(name: pattern.name, value: .text(raw), text: raw, span: span, extractor: "pattern"))
            }
        }

        // Lists: exact words first (longest synonyms first), then with typos.
        let words = Self.words(in: scalars)
        for fuzzy in [false, true] {
            for form in forms[language] ?? [] where !fuzzy || form.fuzzy {
                let n = form.words.count
                guard n <= words.count else { continue }
                for start in 0...(words.count - n) {
                    let window = words[start..<(start + n)]
                    let matches = fuzzy
                        ? zip(window, form.scalarWords).allSatisfy { word, expected in Self.closeEnough(word.scalars, expected) }
                        : zip(window, form.words).allSatisfy { word, expected in word.folded == expected }
                    guard matches else { continue }
                    let span = window.first!.span.lowerBound..<window.last!.span.upperBound
                    if overlaps(span) { continue }
                    found.append(Entity(name: form.name, value: .text(form.value), text: substring(span), span: span, extractor: fuzzy ? "list.fuzzy" : "list"))
                }
            }
        }

        // Built-in entities where the bot's own did not match.
        for entity in BuiltinEntities.extract(text, language: language, now: now, timeZone: timeZone) where !overlaps(entity.span) {
            found.append(entity)
        }
        return found.sorted { ($0.span.lowerBound, $0.span.upperBound) < ($1.span.lowerBound, $1.span.upperBound) }
    }

    /// Typo tolerance: equal, or one edit for words of 4 to 7 letters, two for longer words.
    static func closeEnough(_ word: [Unicode.Scalar], _ expected: [Unicode.Scalar]) -> Bool {
        let length = expected.count
        let allowed = length >= 8 ? 2 : length >= 4 ? 1 : 0
        guard abs(word.count - length) <= allowed else { return false }
        if word == expected { return true }
        guard allowed > 0 else { return false }
        return Self.editDistance(word, expected, atMost: allowed)
    }

    /// Whether the Levenshtein distance of `a` and `b` is at most `limit` (stops as soon as a
    /// whole row exceeds it).
    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], atMost limit: Int) -> Bool {
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) <= limit }
        // Two rows on the stack: this runs for many word pairs of every message.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * (b.count + 1)) { buffer in
            var previous = UnsafeMutableBufferPointer(rebasing: buffer[0...b.count])
            var current = UnsafeMutableBufferPointer(rebasing: buffer[(b.count + 1)...])
            for j in 0...b.count { previous[j] = j }
            for i in 1...a.count {
                current[0] = i
                var best = i
                for j in 1...b.count {
                    current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    best = Swift.min(best, current[j])
                }
                if best > limit { return false }
                swap(&previous, &current)
            }
            return previous[b.count] <= limit
        }
    }

    struct Word {
        let folded: String
        let scalars: [Unicode.Scalar]
        let span: Range<Int>
    }

    /// The words of a message with their places (Unicode-scalar offsets), folded as in matching.
    static func words(in scalars: [Unicode.Scalar]) -> [Word] {
        var words: [Word] = []
        var start: Int?
        func close(_ end: Int) {
            if let s = start {
                let raw = String(String.UnicodeScalarView(scalars[s..<end]))
                let folded = Normalizer.tokens(Normalizer.fold(raw)).joined()
                if !folded.isEmpty { words.append(Word(folded: folded, scalars: Array(folded.unicodeScalars), span: s..<end)) }
            }
            start = nil
        }
        for (i, scalar) in scalars.enumerated() {
            let inWord = Normalizer.isWordScalar(scalar) || scalar.properties.generalCategory == .nonspacingMark
                || (scalar == "'" || scalar == "\u{2019}") && start != nil && i + 1 < scalars.count && Normalizer.isWordScalar(scalars[i + 1])
            if inWord {
                if start == nil { start = i }
            } else {
                close(i)
            }
        }
        close(scalars.count)
        return words
    }

    /// UTF-16 offset → Unicode-scalar offset, for every scalar boundary (and the end).
    static func scalarOffsetsByUTF16(_ text: String) -> [Int: Int] {
        var map: [Int: Int] = [:]
        var utf16 = 0
        for (i, scalar) in text.unicodeScalars.enumerated() {
            map[utf16] = i
            utf16 += scalar.utf16.count
        }
        map[utf16] = text.unicodeScalars.count
        return map
    }
}
