import Foundation
import FrontdeskCore

// MARK: - Hits and lists

/// One flag on a message: its category, how bad it is, and the list entry that matched
/// (the entry as written in the list, e.g. `fuck*`, or the name of a link or flood rule;
/// never the customer's text).
public struct ModerationHit: Sendable, Equatable, CustomStringConvertible {
    public let category: ModerationCategory
    public let severity: ModerationSeverity
    public let term: String

    public init(category: ModerationCategory, severity: ModerationSeverity, term: String) {
        self.category = category
        self.severity = severity
        self.term = term
    }

    public var description: String { "\(category.rawValue) \(severity.rawValue) \(term)" }
}

/// A problem in a moderation list, as `en.txt:12: error: unknown category "insul"`.
public struct ModerationListError: Error, Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let line: Int
    public let message: String

    public init(source: String, line: Int, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String { "\(source):\(line): error: \(message)" }
}

/// A moderation list: one entry a line, `CATEGORY SEVERITY TERM...` (the format is described
/// at the top of `Resources/moderation/en.txt`).
public struct ModerationList: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let category: ModerationCategory
        public let severity: ModerationSeverity
        /// The term as written in the list (`fuck*`, `i will kill you`, `jews|muslims are vermin`).
        public let term: String
        public let line: Int
        /// Every word sequence the term stands for (alternatives expanded).
        let sequences: [[WordPattern]]
    }

    public let source: String
    public let entries: [Entry]

    /// The longest phrase, in words.
    static let maximumWords = 8
    /// The most word sequences one line's alternatives may expand to.
    static let maximumExpansions = 512

    public static func parse(_ text: String, source: String) throws(ModerationListError) -> ModerationList {
        var entries: [Entry] = []
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ message: String) -> ModerationListError {
                ModerationListError(source: source, line: lineNumber, message: message)
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let category = ModerationCategory(rawValue: fields[0]) else {
                throw fail("unknown category \"\(fields[0])\"")
            }
            guard fields.count > 1 else { throw fail("missing severity and term after \"\(fields[0])\"") }
            guard let severity = ModerationSeverity(rawValue: fields[1]) else {
                throw fail("unknown severity \"\(fields[1])\"")
            }
            guard fields.count > 2 else { throw fail("missing term after \"\(fields[0]) \(fields[1])\"") }
            let slots = Array(fields[2...])
            var sequences: [[WordPattern]] = [[]]
            for slot in slots {
                var alternatives: [[WordPattern]] = []
                let parts = slot.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                for part in parts {
                    let pattern = try parseWord(part, alone: parts.count == 1, fail: fail)
                    alternatives.append(pattern)
                }
                var next: [[WordPattern]] = []
                for prefix in sequences {
                    for alternative in alternatives { next.append(prefix + alternative) }
                }
                sequences = next
                if sequences.count > maximumExpansions {
                    throw fail("the alternatives expand to more than \(maximumExpansions) phrases")
                }
            }
            if let long = sequences.first(where: { $0.count > maximumWords }) {
                throw fail("a phrase may have at most \(maximumWords) words, this one has \(long.count)")
            }
            entries.append(Entry(category: category, severity: severity, term: slots.joined(separator: " "),
                                 line: lineNumber, sequences: sequences))
        }
        return ModerationList(source: source, entries: entries)
    }

    /// One word of a term: `idiot`, `fuck*` (suffixes allowed), `*arschloch` (prefixes allowed).
    /// A word without `*` may normalise to several ("e-mail" → "e mail"), a starred one may not.
    private static func parseWord(_ raw: String, alone: Bool,
                                  fail: (String) -> ModerationListError) throws(ModerationListError) -> [WordPattern] {
        var core = Substring(raw)
        let openStart = core.hasPrefix("*")
        if openStart { core = core.dropFirst() }
        let openEnd = core.hasSuffix("*")
        if openEnd { core = core.dropLast() }
        if core.isEmpty { throw fail("empty word in term (\"\(raw)\")") }
        if core.contains("*") { throw fail("\"*\" may only start or end a word: \"\(raw)\"") }
        let words = ModerationText.baseTokens(String(core))
        if words.isEmpty { throw fail("\"\(raw)\" has no letters or digits") }
        if openStart || openEnd {
            guard words.count == 1 else { throw fail("a word with \"*\" must be a single word: \"\(raw)\"") }
            guard words[0].unicodeScalars.count >= 3 else {
                throw fail("a word with \"*\" needs at least 3 letters: \"\(raw)\"")
            }
        } else if words.count > 1, !alone {
            throw fail("an alternative must be a single word: \"\(raw)\"")
        }
        return words.enumerated().map { index, word in
            WordPattern(text: word, openStart: openStart && index == 0, openEnd: openEnd && index == words.count - 1)
        }
    }
}

/// One word of a list entry: the folded word, and whether it may be part of a longer word.
struct WordPattern: Hashable, Sendable {
    var text: String
    /// `*word`: prefixes allowed ("riesenarschloch").
    var openStart: Bool
    /// `word*`: suffixes allowed ("fucking").
    var openEnd: Bool
}

// MARK: - Moderator

/// Flags messages by category and severity: word and phrase lists (whole words, robust to
/// case, diacritics, leetspeak, repeated letters and separators), unknown links, and, across
/// a conversation, repeated messages and flooding (`floodCheck`).
///
/// Speed: the text is folded and split once; each word is hashed (FNV-1a) and looked up in
/// flat hash tables, the `word*` and `*word` entries through the running hash of its prefixes
/// and suffixes at the lengths some entry has; phrases are checked from the words that start
/// one. No regular expressions.
public struct Moderator: Sendable {
    /// The built-in English and German lists, loaded once from the bundle.
    public static let builtin = Moderator(lists: builtinLists)

    /// The built-in lists (to combine with a bot's own: `Moderator(lists: Moderator.builtinLists + mine)`).
    public static let builtinLists: [ModerationList] = ["en", "de"].map { name in
        let file = "\(name).txt"
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources/moderation"),
              let text = try? String(contentsOf: url, encoding: .utf8)
        else { fatalError("FrontdeskSafety: the built-in moderation list moderation/\(file) is missing from the bundle") }
        do {
            return try ModerationList.parse(text, source: file)
        } catch {
            fatalError("FrontdeskSafety: broken built-in moderation list: \(error)")
        }
    }

    struct Rule: Sendable {
        let category: ModerationCategory
        let severity: ModerationSeverity
        let term: String
        let patterns: [Int32]
    }

    private let patterns: [WordPattern]
    private let patternBytes: [[UInt8]]
    private let rules: [Rule]
    /// Pattern id → the one-word rules it completes.
    private let singleRules: [[Int32]]
    /// Whether a pattern starts some phrase.
    private let startsPhrase: [Bool]
    /// The phrase rules by their first two pattern ids (`first << 32 | second`).
    private let phraseRules: FlatTable<[Int32]>
    private let exact: FlatTable<Int32>
    private let prefixes: FlatTable<Int32>
    private let suffixes: FlatTable<Int32>
    /// Bit n set: some `word*` has n bytes (n < 64).
    private let prefixLengths: UInt64
    private let suffixLengths: UInt64
    /// `*word*` patterns (rare): checked by a scan.
    private let infixes: [(bytes: [UInt8], id: Int32)]

    public init(lists: [ModerationList]) {
        var patterns: [WordPattern] = []
        var ids: [WordPattern: Int32] = [:]
        var rules: [Rule] = []
        for list in lists {
            for entry in list.entries {
                for sequence in entry.sequences {
                    let patternIDs = sequence.map { pattern -> Int32 in
                        if let id = ids[pattern] { return id }
                        let id = Int32(patterns.count)
                        patterns.append(pattern)
                        ids[pattern] = id
                        return id
                    }
                    rules.append(Rule(category: entry.category, severity: entry.severity, term: entry.term, patterns: patternIDs))
                }
            }
        }
        var singleRules = [[Int32]](repeating: [], count: patterns.count)
        var startsPhrase = [Bool](repeating: false, count: patterns.count)
        var phraseRules: [UInt64: [Int32]] = [:]
        for (index, rule) in rules.enumerated() {
            if rule.patterns.count == 1 {
                singleRules[Int(rule.patterns[0])].append(Int32(index))
            } else {
                startsPhrase[Int(rule.patterns[0])] = true
                phraseRules[Self.pairKey(rule.patterns[0], rule.patterns[1]), default: []].append(Int32(index))
            }
        }
        var exact: [(key: UInt64, value: Int32)] = [], prefixes: [(key: UInt64, value: Int32)] = []
        var suffixes: [(key: UInt64, value: Int32)] = []
        var prefixLengths: UInt64 = 0, suffixLengths: UInt64 = 0
        var infixes: [(bytes: [UInt8], id: Int32)] = []
        let patternBytes = patterns.map { Array($0.text.utf8) }
        for (index, pattern) in patterns.enumerated() {
            let bytes = patternBytes[index]
            let id = Int32(index)
            switch (pattern.openStart, pattern.openEnd) {
            case (false, false): exact.append((FNV.hash(bytes), id))
            case (false, true):
                prefixes.append((FNV.hash(bytes), id))
                if bytes.count < 64 { prefixLengths |= 1 << UInt64(bytes.count) }
            case (true, false):
                suffixes.append((FNV.hash(bytes.reversed()), id))
                if bytes.count < 64 { suffixLengths |= 1 << UInt64(bytes.count) }
            case (true, true): infixes.append((bytes, id))
            }
        }
        self.patterns = patterns
        self.patternBytes = patternBytes
        self.rules = rules
        self.singleRules = singleRules
        self.startsPhrase = startsPhrase
        self.phraseRules = FlatTable(phraseRules.map { ($0.key, $0.value) }, filler: [])
        self.exact = FlatTable(exact, filler: -1)
        self.prefixes = FlatTable(prefixes, filler: -1)
        self.suffixes = FlatTable(suffixes, filler: -1)
        self.prefixLengths = prefixLengths
        self.suffixLengths = suffixLengths
        self.infixes = infixes
    }

    /// The flags of one message: at most one per category (its most severe), sorted by
    /// severity (most severe first), then category. `allowedDomains` are link domains that are
    /// never spam, with their subdomains.
    ///
    /// A single `borderline` word never does anything by itself; three borderline words of one
    /// category in one message make it `clear`. An insult word after "I am" / "ich bin" (with
    /// no "you" in between: "I'm not an idiot", "I feel like an idiot") or after "called me" is
    /// about the customer, not aimed at anyone, and stays `borderline`.
    public func assess(_ text: String, allowedDomains: Set<String> = []) -> [ModerationHit] {
        let scan = ModerationText.tokenize(SafetyText.fold(text))
        var tally = Tally()

        // Which patterns each word matches: ids[offsets[p]..<offsets[p + 1]] for word p.
        var ids: [Int32] = []
        var offsets: [Int] = [0]
        offsets.reserveCapacity(scan.tokens.count + 1)
        for token in scan.tokens {
            match(token, in: scan.bytes, into: &ids)
            offsets.append(ids.count)
        }
        func matches(_ position: Int, _ id: Int32) -> Bool {
            for k in offsets[position]..<offsets[position + 1] where ids[k] == id { return true }
            return false
        }
        for position in scan.tokens.indices {
            for k in offsets[position]..<offsets[position + 1] {
                let id = Int(ids[k])
                for ruleIndex in singleRules[id] {
                    let rule = rules[Int(ruleIndex)]
                    var severity = rule.severity
                    if rule.category == .insult, severity == .clear, isAboutSelf(scan, at: position) {
                        severity = .borderline
                    }
                    tally.add(rule.category, severity, rule.term, at: position)
                }
                guard startsPhrase[id], position + 1 < scan.tokens.count else { continue }
                for n in offsets[position + 1]..<offsets[position + 2] {
                    guard let candidates = phraseRules.get(Self.pairKey(Int32(id), ids[n])) else { continue }
                    for ruleIndex in candidates {
                        let rule = rules[Int(ruleIndex)]
                        guard position + rule.patterns.count <= scan.tokens.count else { continue }
                        var ok = true
                        for j in 2..<max(rule.patterns.count, 2) where !matches(position + j, rule.patterns[j]) {
                            ok = false
                            break
                        }
                        if ok { tally.add(rule.category, rule.severity, rule.term, at: position) }
                    }
                }
            }
        }
        // Words spelled out with separators ("i.d.i.o.t", "f u c k"): one-word entries only.
        for (index, token) in scan.joined.enumerated() {
            var found: [Int32] = []
            match(token, in: scan.bytes, into: &found)
            for id in found {
                for ruleIndex in singleRules[Int(id)] {
                    let rule = rules[Int(ruleIndex)]
                    tally.add(rule.category, rule.severity, rule.term, at: -1 - index)
                }
            }
        }
        if let link = LinkScan.assess(text, allowedDomains: allowedDomains, spamPhrase: tally.has(.spam)) {
            tally.add(.spam, link.severity, link.term, at: nil)
        }
        return tally.hits()
    }

    @inline(__always)
    private static func pairKey(_ first: Int32, _ second: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: first)) << 32 | UInt64(UInt32(bitPattern: second)) | 1 << 63
    }

    // MARK: Matching one word

    /// Appends the ids of the patterns `token` matches (each once), through its spelling
    /// variants: as written; with digits and symbols read as letters (`1` as `i` and as `l`);
    /// with runs of 3+ letters collapsed to one and to two; and, for whole-word entries only,
    /// with every double letter collapsed ("idioot" is "idiot", but "shiitake" is not "shit…").
    private func match(_ token: ModerationText.Token, in bytes: [UInt8], into found: inout [Int32]) {
        let first = found.count
        let start = Int(token.start), end = Int(token.end)
        if token.isWildcard {
            matchWildcard(bytes[start..<end], into: &found, from: first)
            return
        }
        matchForm(bytes, start, end, into: &found, from: first)
        if token.hasLeet {
            var asI: [UInt8] = [], asL: [UInt8] = []
            var hasOne = false
            for b in bytes[start..<end] {
                let mapped = ModerationText.leet(b)
                asI.append(mapped)
                if b == UInt8(ascii: "1") {
                    hasOne = true
                    asL.append(UInt8(ascii: "l"))
                } else {
                    asL.append(mapped)
                }
            }
            matchForm(asI, 0, asI.count, into: &found, from: first)
            if hasOne { matchForm(asL, 0, asL.count, into: &found, from: first) }
        }
    }

    /// One spelling and its repeated-letter variants.
    private func matchForm(_ bytes: [UInt8], _ start: Int, _ end: Int, into found: inout [Int32], from first: Int) {
        lookup(bytes, start, end, into: &found, from: first)
        // Doubles collapsed: whole words only. Also notes the longest run of one letter.
        var h = FNV.offsetBasis
        var previous: UInt8 = 0
        var run = 1, longest = 1
        for i in start..<end {
            let b = bytes[i]
            if b == previous, ModerationText.isLetterByte(b) {
                run += 1
                longest = max(longest, run)
                continue
            }
            run = 1
            h = FNV.step(h, b)
            previous = b
        }
        guard longest >= 2 else { return }
        if let id = exact.get(h) { append(id, to: &found, from: first) }
        if longest >= 3 {
            for keep in [1, 2] {
                let collapsed = ModerationText.collapse(bytes[start..<end], runsOfAtLeast: 3, to: keep)
                lookup(collapsed, 0, collapsed.count, into: &found, from: first)
            }
        }
    }

    /// Whole word, `word*` (the running hash gives every prefix's), `*word` and `*word*`.
    @inline(__always)
    private func lookup(_ bytes: [UInt8], _ start: Int, _ end: Int, into found: inout [Int32], from first: Int) {
        var h = FNV.offsetBasis
        var i = start
        while i < end {
            h = FNV.step(h, bytes[i])
            i += 1
            let length = i - start
            if length < 64, prefixLengths & (1 << UInt64(length)) != 0, let id = prefixes.get(h) {
                append(id, to: &found, from: first)
            }
        }
        if let id = exact.get(h) { append(id, to: &found, from: first) }
        if suffixLengths != 0 {
            var r = FNV.offsetBasis
            var j = end
            while j > start {
                j -= 1
                r = FNV.step(r, bytes[j])
                let length = end - j
                if length < 64, suffixLengths & (1 << UInt64(length)) != 0, let id = suffixes.get(r) {
                    append(id, to: &found, from: first)
                }
            }
        }
        for infix in infixes where ModerationText.contains(bytes[start..<end], infix.bytes) {
            append(infix.id, to: &found, from: first)
        }
    }

    @inline(__always)
    private func append(_ id: Int32, to found: inout [Int32], from first: Int) {
        for k in first..<found.count where found[k] == id { return }
        found.append(id)
    }

    /// A word with `*` for hidden letters ("f*ck", "a**hole"): each `*` stands for one letter.
    private func matchWildcard(_ bytes: ArraySlice<UInt8>, into found: inout [Int32], from first: Int) {
        let star = UInt8(ascii: "*")
        func equal(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
            zip(a, b).allSatisfy { $0 == $1 || $0 == star }
        }
        for (index, pattern) in patterns.enumerated() {
            let text = patternBytes[index]
            let ok: Bool
            switch (pattern.openStart, pattern.openEnd) {
            case (false, false): ok = bytes.count == text.count && equal(bytes, text[...])
            case (false, true): ok = bytes.count >= text.count && equal(bytes.prefix(text.count), text[...])
            case (true, false): ok = bytes.count >= text.count && equal(bytes.suffix(text.count), text[...])
            case (true, true): ok = false
            }
            if ok { append(Int32(index), to: &found, from: first) }
        }
    }

    /// Whether the word at `position` is said about the customer themselves ("I am not an
    /// idiot", "ich bin doch kein Idiot", "I feel so stupid") or reported ("he called me an idiot").
    private func isAboutSelf(_ scan: ModerationText.Scan, at position: Int) -> Bool {
        let tokens = scan.tokens
        var i = position
        var steps = 0
        while i > 0, steps < 6 {
            if tokens[i].strongBoundaryBefore { return false }
            i -= 1
            steps += 1
            let word = scan.text(tokens[i])
            if ModerationText.secondPerson.contains(word) { return false }
            if ModerationText.firstPersonSingle.contains(word) { return true }
            if i > 0, let frames = ModerationText.firstPersonPairs[scan.text(tokens[i - 1])], frames.contains(word),
               !tokens[i].strongBoundaryBefore {
                return true
            }
        }
        return false
    }

    // MARK: Conversation-level spam

    /// The same message a 3rd time within 10 minutes (a 2nd time is fine: customers resend),
    /// or an 8th message within 60 seconds, is clear spam. Records the message in `history`.
    public static func floodCheck(text: String, at: Date, history: inout SpamHistory) -> ModerationHit? {
        let words = SafetyText.words(text)
        let digest = words.isEmpty ? SafetyText.digest([SafetyText.fold(text).trimmingCharacters(in: .whitespacesAndNewlines)])
                                   : SafetyText.digest(words)
        var repeats = 0, recent = 0
        for message in history.messages {
            let age = at.timeIntervalSince(message.at)
            if age <= SpamHistory.repeatWindow, message.digest == digest { repeats += 1 }
            if age <= SpamHistory.floodWindow { recent += 1 }
        }
        history.record(SpamHistory.Message(at: at, digest: digest))
        // A short message asked again ("where is my parcel?", "yes", "hello?") is a customer
        // waiting, not spam: frustration notices it. Copied promotion is longer.
        if repeats + 1 >= SpamHistory.repeatLimit, words.count >= SpamHistory.repeatMinimumWords {
            return ModerationHit(category: .spam, severity: .clear, term: "repeated message")
        }
        if recent + 1 >= SpamHistory.floodLimit {
            return ModerationHit(category: .spam, severity: .clear, term: "flooding")
        }
        return nil
    }
}

/// The per-category best flag of one message.
private struct Tally {
    struct Best {
        var severity: ModerationSeverity
        var term: String
        /// The word positions with a borderline match (several rules on one word count once).
        var borderlines: Set<Int> = []
        var firstBorderline: String?
    }
    var best: [ModerationCategory: Best] = [:]

    /// `position`: where the match starts, to count borderline words; `nil` never counts.
    mutating func add(_ category: ModerationCategory, _ severity: ModerationSeverity, _ term: String, at position: Int?) {
        var entry = best[category] ?? Best(severity: severity, term: term)
        if severity > entry.severity {
            entry.severity = severity
            entry.term = term
        }
        if severity == .borderline, let position {
            entry.borderlines.insert(position)
            if entry.firstBorderline == nil { entry.firstBorderline = term }
        }
        best[category] = entry
    }

    func has(_ category: ModerationCategory) -> Bool { best[category] != nil }

    func hits() -> [ModerationHit] {
        var hits: [ModerationHit] = []
        for (category, entry) in best {
            if entry.severity == .borderline, entry.borderlines.count >= 3 {
                hits.append(ModerationHit(category: category, severity: .clear, term: entry.firstBorderline ?? entry.term))
            } else {
                hits.append(ModerationHit(category: category, severity: entry.severity, term: entry.term))
            }
        }
        return hits.sorted { a, b in a.severity != b.severity ? a.severity > b.severity : a.category < b.category }
    }
}

// MARK: - Spam history

/// What a conversation keeps for the flood check: the time and a 64-bit digest of the
/// normalised words of its last 10 messages (no text). Stored in the conversation state as
/// `{"messages": [{"at": 1764400000.5, "digest": "9f0c…"}]}`: times in seconds since 1970,
/// digests as 16 hex digits (a JSON number cannot carry 64 bits everywhere).
public struct SpamHistory: Sendable, Equatable, Codable {
    public struct Message: Sendable, Equatable, Codable {
        public var at: Date
        public var digest: UInt64

        public init(at: Date, digest: UInt64) {
            self.at = at
            self.digest = digest
        }

        enum CodingKeys: String, CodingKey {
            case at
            case digest
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            at = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .at))
            let hex = try container.decode(String.self, forKey: .digest)
            guard let value = UInt64(hex, radix: 16) else {
                throw DecodingError.dataCorruptedError(forKey: .digest, in: container, debugDescription: "not 16 hex digits")
            }
            digest = value
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(at.timeIntervalSince1970, forKey: .at)
            try container.encode(SafetyText.hex(digest), forKey: .digest)
        }
    }

    public static let capacity = 12
    static let repeatWindow: TimeInterval = 600
    static let repeatLimit = 3
    /// Only messages of at least this many words count as repeated spam.
    static let repeatMinimumWords = 6
    static let floodWindow: TimeInterval = 60
    /// Twelve messages within a minute: no one types that fast.
    static let floodLimit = 12

    /// Oldest first, at most `capacity`.
    public private(set) var messages: [Message]

    public init(messages: [Message] = []) {
        self.messages = Array(messages.suffix(Self.capacity))
    }

    mutating func record(_ message: Message) {
        messages.append(message)
        if messages.count > Self.capacity { messages.removeFirst(messages.count - Self.capacity) }
    }

    /// The `Codable` form as JSON members, for hand-written state snapshots.
    public var snapshot: [String: JSONValue] {
        ["messages": .array(messages.map { message -> JSONValue in
            ["at": .double(message.at.timeIntervalSince1970), "digest": .string(SafetyText.hex(message.digest))]
        })]
    }
}

// MARK: - Tokens

/// How moderation reads a message: words of the folded text, with the symbols that stand
/// for letters (`$h1t`, `b!tch`, `f*ck`) kept inside words.
enum ModerationText {
    struct Token {
        /// The word's bytes in `Scan.bytes`: the folded word (UTF-8); `$` for an amount of
        /// money; it may contain `$ @ ! |` and digits standing for letters, or `*` for hidden
        /// ones (`isWildcard`).
        var start: Int32
        var end: Int32
        var isWildcard = false
        /// Some digit or symbol may stand for a letter.
        var hasLeet = false
        var strongBoundaryBefore = false
        var length: Int { Int(end - start) }
    }

    struct Scan {
        var bytes: [UInt8] = []
        var tokens: [Token] = []
        /// Words spelled out with separators, joined ("i d i o t" → "idiot").
        var joined: [Token] = []

        func text(_ token: Token) -> String {
            String(decoding: bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
        }
    }

    // ASCII bytes used below.
    static let star = UInt8(ascii: "*"), dollar = UInt8(ascii: "$"), at = UInt8(ascii: "@")
    static let bang = UInt8(ascii: "!"), bar = UInt8(ascii: "|")

    @inline(__always)
    static func isLetterByte(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || b >= 0x80 }

    @inline(__always)
    static func leet(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "0"): UInt8(ascii: "o")
        case UInt8(ascii: "1"), bang: UInt8(ascii: "i")
        case UInt8(ascii: "3"): UInt8(ascii: "e")
        case UInt8(ascii: "4"), at: UInt8(ascii: "a")
        case UInt8(ascii: "5"), dollar: UInt8(ascii: "s")
        case UInt8(ascii: "7"): UInt8(ascii: "t")
        case UInt8(ascii: "8"): UInt8(ascii: "b")
        case bar: UInt8(ascii: "l")
        default: b
        }
    }

    /// Splits folded text into words (see `Token`); runs of three or more one-character words
    /// are also joined into one.
    static func tokenize(_ folded: String) -> Scan {
        var scan = Scan()
        scan.bytes.reserveCapacity(folded.utf8.count)
        var run: [UInt8] = []
        var strong = false
        var pendingStrong = false
        var previousInRun = false
        let scalars = Array(folded.unicodeScalars)

        func flush() {
            if !run.isEmpty, finish(run, into: &scan, strong: strong) { strong = false }
            run.removeAll(keepingCapacity: true)
            previousInRun = false
        }

        for index in scalars.indices {
            let scalar = scalars[index]
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(truncatingIfNeeded: v)
                if (b >= 97 && b <= 122) || (b >= 48 && b <= 57) {
                    if pendingStrong {
                        flush()
                        strong = true
                        pendingStrong = false
                    }
                    run.append(b)
                    previousInRun = true
                    continue
                }
            } else if SafetyText.isWordScalar(scalar) {
                if pendingStrong {
                    flush()
                    strong = true
                    pendingStrong = false
                }
                UTF8.encode(scalar) { run.append($0) }
                previousInRun = true
                continue
            }
            let following: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            let followingIsWord = following.map(SafetyText.isWordScalar) ?? false
            switch scalar {
            case "$", "\u{20AC}", "\u{00A3}":  // $ € £
                run.append(dollar)
                previousInRun = true
            case "@" where followingIsWord || following == ("$" as Unicode.Scalar):
                run.append(at)
                previousInRun = true
            case "!" where previousInRun && followingIsWord, "|" where previousInRun && followingIsWord:
                run.append(scalar == "!" ? bang : bar)
            case "*" where previousInRun && (followingIsWord || following == ("*" as Unicode.Scalar)):
                run.append(star)
            case "'" where previousInRun && followingIsWord:
                break  // "don't" → "dont"
            case ".", "!", "?", ";", "\n", "\r", "\u{2026}":
                flush()
                pendingStrong = true
            default:
                flush()
            }
        }
        flush()

        // Runs of 3+ one-character words: "i d i o t", "i.d.i.o.t".
        var start = 0
        while start < scan.tokens.count {
            guard scan.tokens[start].length == 1 else {
                start += 1
                continue
            }
            var end = start
            while end < scan.tokens.count, scan.tokens[end].length == 1 { end += 1 }
            if end - start >= 3 {
                let from = Int32(scan.bytes.count)
                var leet = false
                for k in start..<end {
                    let b = scan.bytes[Int(scan.tokens[k].start)]
                    scan.bytes.append(b)
                    leet = leet || scan.tokens[k].hasLeet || !isLetterByte(b)
                }
                scan.joined.append(Token(start: from, end: Int32(scan.bytes.count), hasLeet: leet))
            }
            start = end
        }
        return scan
    }

    /// Turns a run of word characters and symbols into a word (appended to `scan`), or nothing.
    private static func finish(_ raw: [UInt8], into scan: inout Scan, strong: Bool) -> Bool {
        var lower = 0, upper = raw.count
        while lower < upper, raw[lower] == star || raw[lower] == bang || raw[lower] == bar { lower += 1 }
        while upper > lower, raw[upper - 1] == star || raw[upper - 1] == at || raw[upper - 1] == bang || raw[upper - 1] == bar {
            upper -= 1
        }
        if lower == upper { return false }
        var letters = 0, digits = 0, symbols = 0, stars = 0
        for i in lower..<upper {
            let b = raw[i]
            if b == star {
                stars += 1
            } else if isLetterByte(b) {
                letters += 1
            } else if b >= 48 && b <= 57 {
                digits += 1
            } else {
                symbols += 1
            }
        }
        let from = Int32(scan.bytes.count)
        var token = Token(start: from, end: from, strongBoundaryBefore: strong)
        if letters == 0 {
            // "$$$", "$500", "49€": an amount of money; plain numbers stay as they are.
            if raw[lower..<upper].contains(dollar) {
                scan.bytes.append(dollar)
            } else {
                for i in lower..<upper where raw[i] >= 48 && raw[i] <= 57 { scan.bytes.append(raw[i]) }
            }
        } else if stars > 0 {
            let segments = raw[lower..<upper].split(separator: star)
            let literal = letters + digits + symbols
            if segments.count >= 3, segments.allSatisfy({ $0.count == 1 }) {
                for segment in segments { scan.bytes.append(contentsOf: segment) }  // "f*u*c*k"
                token.hasLeet = digits + symbols > 0
            } else if literal >= 2, literal >= stars {
                scan.bytes.append(contentsOf: raw[lower..<upper])  // "f*ck"
                token.isWildcard = true
            } else {
                for i in lower..<upper where raw[i] != star { scan.bytes.append(raw[i]) }
                token.hasLeet = digits + symbols > 0
            }
        } else {
            scan.bytes.append(contentsOf: raw[lower..<upper])
            token.hasLeet = digits + symbols > 0
        }
        token.end = Int32(scan.bytes.count)
        if token.end == token.start { return false }
        scan.tokens.append(token)
        return true
    }

    /// The words of a list entry: folded, no spelling variants.
    static func baseTokens(_ text: String) -> [String] {
        let scan = tokenize(SafetyText.fold(text))
        return scan.tokens.map(scan.text)
    }

    static func collapse(_ bytes: ArraySlice<UInt8>, runsOfAtLeast minimum: Int, to keep: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            var j = i + 1
            while j < bytes.endIndex, bytes[j] == bytes[i], isLetterByte(bytes[i]) { j += 1 }
            let length = j - i
            out.append(contentsOf: repeatElement(bytes[i], count: length >= minimum ? keep : length))
            i = j
        }
        return out
    }

    static func contains(_ haystack: ArraySlice<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        var start = haystack.startIndex
        while start + needle.count <= haystack.endIndex {
            if haystack[start] == needle[0], haystack[start..<start + needle.count].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }

    /// Words that make an insult after them aimed at someone else ("you", "du", "talking to").
    static let secondPerson: Set<String> = [
        "you", "u", "youre", "ur", "your", "ya", "du", "dich", "dir", "sie", "ihr", "euch",
        "to", "with", "by", "than", "mit", "zu", "bei", "als", "wie",
    ]
    /// "I am" and friends, as one word.
    static let firstPersonSingle: Set<String> = ["im", "iam", "imma"]
    /// Second word → first words: "i am", "i feel", "ich bin", "called me", "nannte mich".
    static let firstPersonPairs: [String: Set<String>] = [
        "i": ["am", "feel", "felt", "was", "look", "sound", "must"],
        "ich": ["bin", "war", "fuehle", "fuehl", "komme", "komm"],
        "bin": ["ich"],
        "called": ["me"], "calling": ["me"], "call": ["me"],
        "nannte": ["mich"], "nennt": ["mich"], "nennen": ["mich"],
    ]
}

// MARK: - Links

/// Finds URLs and bare domains, and judges them against the allowed domains.
enum LinkScan {
    struct Result {
        var severity: ModerationSeverity
        var term: String
    }

    static let shorteners: Set<String> = [
        "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at",
        "tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "bl.ink", "tr.im", "shorte.st", "adf.ly", "bit.do", "soo.gd",
        "clck.ru", "qr.net", "1url.com", "tiny.one", "short.io", "lnkd.in", "t.me", "wa.me", "linktr.ee",
    ]

    /// Top-level domains that make a bare `name.tld` a link by themselves.
    static let linkTLDs: Set<String> = [
        "com", "net", "org", "info", "biz", "io", "co", "ru", "de", "uk", "cn", "xyz", "top", "ly", "tk", "ml", "ga",
        "cf", "gq", "eu", "fr", "nl", "pl", "ch", "es", "se", "app", "dev", "shop", "store", "online", "site", "club",
        "live", "link", "click", "vip", "win", "bid", "loan", "tv", "cc", "ws", "su", "ua", "br", "au", "ca", "jp",
        "kr", "gg", "pw", "icu", "buzz", "fun", "space", "website", "tech", "news", "gl", "gd", "cz", "dk", "fi",
        "gr", "hu", "pt", "ro", "sk", "tr", "ir", "vn", "mx", "ar", "za", "nz", "sg", "hk", "tw", "porn", "xxx",
        "sex", "casino", "bet", "cam", "rest", "cyou", "sbs", "cfd", "monster", "today", "ai", "gov", "edu", "mobi",
    ]

    /// Everything else that is a top-level domain but also a word ("it", "in", "to", "me"):
    /// a link only with a scheme, `www.` or a path.
    static let wordTLDs: Set<String> = ["it", "in", "is", "at", "to", "me", "be", "us", "so", "no", "am", "do", "go", "my", "as", "by", "id", "im", "la", "li", "lu", "ma", "mu", "ms", "nu", "pe", "ph", "tt", "fm", "ag"]

    static func assess(_ text: String, allowedDomains: Set<String>, spamPhrase: Bool) -> Result? {
        guard mayContainLink(text) else { return nil }
        let allowed = allowedDomains.map(normaliseDomain)
        var unknown = 0
        var shortener = false
        for host in hosts(in: text) {
            if allowed.contains(where: { host == $0 || host.hasSuffix("." + $0) }) { continue }
            unknown += 1
            if shorteners.contains(host) { shortener = true }
        }
        if unknown == 0 { return nil }
        if shortener { return Result(severity: .clear, term: "link shortener") }
        if unknown >= 2 { return Result(severity: .clear, term: "several unknown links") }
        if spamPhrase { return Result(severity: .clear, term: "unknown link with spam phrase") }
        return Result(severity: .borderline, term: "unknown link")
    }

    /// A cheap look for something like a link: a letter or digit, a dot and a letter
    /// ("x.com", "bit.ly"), or "://". Sentences ("Hi. It broke.") have none.
    static func mayContainLink(_ text: String) -> Bool {
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "."), isLetter(byte), isAlnum(beforePrevious) { return true }
            if previous == UInt8(ascii: ":"), byte == UInt8(ascii: "/") { return true }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    @inline(__always) private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 97 && (b | 0x20) <= 122 }
    @inline(__always) private static func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || (b >= 48 && b <= 57) || b == UInt8(ascii: "-") }

    /// "https://www.Example.com/x" → "example.com".
    static func normaliseDomain(_ domain: String) -> String {
        var d = Substring(domain.lowercased().trimmingCharacters(in: .whitespaces))
        if let scheme = d.range(of: "://") { d = d[scheme.upperBound...] }
        if let slash = d.firstIndex(where: { $0 == "/" || $0 == ":" || $0 == "?" || $0 == "#" }) { d = d[..<slash] }
        if d.hasPrefix("www.") { d = d.dropFirst(4) }
        while d.hasSuffix(".") { d = d.dropLast() }
        return String(d)
    }

    /// The hosts of the links in `text` (lower case, without `www.`).
    static func hosts(in text: String) -> [String] {
        var hosts: [String] = []
        let trimSet = CharacterSet(charactersIn: "()[]<>{}\"'.,!?;:*«»„“”‚‘’")
        for chunk in text.split(whereSeparator: { $0.isWhitespace }) where chunk.contains(".") {
            let word = chunk.trimmingCharacters(in: trimSet)
            if word.contains("@"), !word.contains("://") { continue }  // an e-mail address
            var rest = Substring(word)
            var strong = false
            let lower = word.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("hxxp://") || lower.hasPrefix("hxxps://") {
                rest = rest[rest.range(of: "://")!.upperBound...]
                strong = true
            }
            let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == ":" }) ?? rest.endIndex
            let rawHost = rest[..<hostEnd]
            let hasPath = hostEnd < rest.endIndex && rest[hostEnd] == "/" && rest.index(after: hostEnd) < rest.endIndex
            var host = rawHost.lowercased()
            if host.hasPrefix("www.") {
                host.removeFirst(4)
                strong = true
            }
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } })
            else { continue }
            guard let tld = labels.last, tld.count >= 2, tld.allSatisfy({ $0.isASCII && $0.isLetter }) else { continue }
            if !strong {
                // A bare domain: a known TLD written in lower case, and a name of 2+ characters.
                let originalTLD = rawHost.split(separator: ".").last ?? ""
                guard originalTLD == originalTLD.lowercased(), labels[labels.count - 2].count >= 2 || shorteners.contains(host)
                else { continue }
                let tldText = String(tld)
                guard linkTLDs.contains(tldText) || (wordTLDs.contains(tldText) && hasPath) || shorteners.contains(host)
                else { continue }
                guard labels.dropLast().contains(where: { $0.contains(where: \.isLetter) }) else { continue }
            }
            hosts.append(host)
        }
        return hosts
    }
}
