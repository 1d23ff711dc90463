import Foundation
import FrontdeskCore

// MARK: - Sentiment

/// How positive or negative a message sounds, from -1 to 1 (0 neutral), in English and German
/// at once. VADER-like: word valences from the lexicons (`Resources/sentiment`), negation
/// ("not good", "kein Problem", "funktioniert nicht"), intensifiers and diminishers ("very",
/// "sehr", "a bit", "etwas"), "but"/"aber" (the clause after counts 1.5×, the one before
/// 0.5×), ALL-CAPS words in a mixed-case message, exclamation marks and emoji. The sum `x` is
/// normalised as x / √(x² + 15).
///
/// Where the two languages disagree ("die", "hell", "kind", "gift"), the language with more
/// function words in the message ("the", "is" or "der", "ist") is asked first.
public struct SentimentAnalyzer: Sendable {
    /// The built-in English, German and emoji lexicons, loaded once from the bundle.
    public static let builtin: SentimentAnalyzer = {
        func load(_ name: String) -> [String: Double] {
            let file = "sentiment/\(name).txt"
            guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources/sentiment"),
                  let text = try? String(contentsOf: url, encoding: .utf8)
            else { fatalError("FrontdeskSafety: the built-in lexicon \(file) is missing from the bundle") }
            do {
                return try parseLexicon(text, source: "\(name).txt")
            } catch {
                fatalError("FrontdeskSafety: broken built-in lexicon: \(error)")
            }
        }
        return SentimentAnalyzer(english: load("en"), german: load("de"), symbols: load("emoji"))
    }()

    let english: [String: Double]
    let german: [String: Double]
    /// Emoji (by their first scalar) and emoticons (as typed).
    let symbols: [String: Double]

    /// Everything known about a word, by the FNV-1a hash of its folded form.
    struct WordInfo: Sendable {
        var english = Double.nan
        var german = Double.nan
        var booster = 0.0
        var flags: UInt16 = 0
    }

    enum Flag {
        static let negator: UInt16 = 1 << 0
        static let postNegator: UInt16 = 1 << 1
        static let notOnly: UInt16 = 1 << 2
        static let contrast: UInt16 = 1 << 3
        static let sentenceAdverb: UInt16 = 1 << 4
        static let englishFunction: UInt16 = 1 << 5
        static let germanFunction: UInt16 = 1 << 6
        static let kindOrSort: UInt16 = 1 << 7
        static let of: UInt16 = 1 << 8
    }

    private let words: FlatTable<WordInfo>
    private let emoji: [UInt32: Double]
    /// The emoticons (ASCII), longest first.
    private let emoticons: [(bytes: [UInt8], value: Double)]

    init(english: [String: Double], german: [String: Double], symbols: [String: Double]) {
        self.english = english
        self.german = german
        self.symbols = symbols
        var infos: [String: WordInfo] = [:]
        for (word, value) in english { infos[word, default: WordInfo()].english = value }
        for (word, value) in german { infos[word, default: WordInfo()].german = value }
        for (word, value) in Self.boosters { infos[word, default: WordInfo()].booster = value }
        func flag(_ words: Set<String>, _ flag: UInt16) {
            for word in words { infos[word, default: WordInfo()].flags |= flag }
        }
        flag(Self.negators, Flag.negator)
        flag(Self.postNegators, Flag.postNegator)
        flag(Self.notOnly, Flag.notOnly)
        flag(Self.contrasts, Flag.contrast)
        flag(Self.sentenceAdverbs, Flag.sentenceAdverb)
        flag(Self.englishFunctionWords, Flag.englishFunction)
        flag(Self.germanFunctionWords, Flag.germanFunction)
        flag(["kind", "sort"], Flag.kindOrSort)
        flag(["of"], Flag.of)
        words = FlatTable(infos.map { (FNV.hash($0.key), $0.value) }, filler: WordInfo())
        var emoji: [UInt32: Double] = [:]
        var emoticons: [(bytes: [UInt8], value: Double)] = []
        for (key, value) in symbols {
            if key.unicodeScalars.allSatisfy(\.isASCII) {
                emoticons.append((Array(key.utf8), value))
            } else if let first = key.unicodeScalars.first {
                emoji[first.value] = value
            }
        }
        self.emoji = emoji
        self.emoticons = emoticons.sorted { $0.bytes.count > $1.bytes.count }
    }

    /// `WORD SCORE` a line (the format is described at the top of `Resources/sentiment/en.txt`).
    static func parseLexicon(_ text: String, source: String) throws(ModerationListError) -> [String: Double] {
        var lexicon: [String: Double] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            func fail(_ message: String) -> ModerationListError {
                ModerationListError(source: source, line: lineNumber, message: message)
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 2 else { throw fail("expected \"WORD SCORE\"") }
            guard let score = Double(fields[1]), (-4...4).contains(score) else {
                throw fail("the score of \"\(fields[0])\" must be a number from -4 to 4, not \"\(fields[1])\"")
            }
            let key: String
            if let first = fields[0].unicodeScalars.first, isEmoji(first) {
                key = String(first)
            } else if fields[0].unicodeScalars.contains(where: { SafetyText.isWordScalar($0) }),
                      !fields[0].unicodeScalars.contains(where: { !SafetyText.isWordScalar($0) && $0 != "'" }) {
                let words = SafetyText.words(String(fields[0]))
                guard words.count == 1 else { throw fail("\"\(fields[0])\" is not one word") }
                key = words[0]
            } else {
                key = String(fields[0])  // an emoticon
            }
            if lexicon[key] != nil { throw fail("\"\(fields[0])\" is listed twice") }
            lexicon[key] = score
        }
        return lexicon
    }

    @inline(__always)
    static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x203C && scalar.properties.isEmoji && !(0x1F3FB...0x1F3FF).contains(scalar.value)
    }

    // MARK: Scoring

    private struct Item {
        enum Kind { case word, symbol, boundary }
        var kind: Kind
        var caps = false
        var info: WordInfo?
        /// Hashes of the word without its last byte and last two bytes, for endings.
        var stem1: UInt64 = 0
        var stem2: UInt64 = 0
        var length = 0
        var last: UInt8 = 0
        var secondLast: UInt8 = 0
        /// The word's valence (after the language is known), or the symbol's.
        var valence: Double?

        var flags: UInt16 { info?.flags ?? 0 }
        func has(_ flag: UInt16) -> Bool { flags & flag != 0 }
    }

    public func score(_ text: String) -> Double {
        let tokens = tokenize(text)
        var items = tokens.items
        let exclamations = tokens.exclamations, questions = tokens.questions
        var capsWords = 0, plainWords = 0, de = 0, en = 0
        for item in items where item.kind == .word {
            if item.caps { capsWords += 1 } else if item.length > 1 { plainWords += 1 }
            if item.has(Flag.germanFunction) { de += 1 }
            if item.has(Flag.englishFunction) { en += 1 }
        }
        let mixedCase = capsWords > 0 && plainWords > 0
        let germanFirst = de > en
        for index in items.indices where items[index].kind == .word {
            items[index].valence = valence(items[index], germanFirst: germanFirst)
        }
        func isValenceWord(_ index: Int) -> Bool {
            guard index < items.count, items[index].kind == .word, let v = items[index].valence else { return false }
            return v != 0 && !items[index].has(Flag.negator)
        }

        // "but"/"aber": the clause after weighs more.
        var butIndex: Int?
        for index in items.indices where items[index].kind == .word && items[index].has(Flag.contrast) { butIndex = index }

        var sum = 0.0
        for (index, item) in items.enumerated() {
            var v: Double
            switch item.kind {
            case .boundary: continue
            case .symbol: v = item.valence ?? 0
            case .word:
                let nextIsOf = index + 1 < items.count && items[index + 1].kind == .word && items[index + 1].has(Flag.of)
                // "kind of", "sort of": a diminisher, not the word "kind".
                if item.has(Flag.kindOrSort), nextIsOf { continue }
                // A booster with a valence of its own ("super schnell", "furchtbar langsam")
                // is a booster when a valence word follows.
                if let booster = item.info?.booster, booster != 0, isValenceWord(index + 1) { continue }
                guard let base = item.valence, base != 0 else { continue }
                v = base
                let sign: Double = v > 0 ? 1 : -1
                if item.caps, mixedCase { v += sign * 0.733 }
                // Boosters and negations in the 3 words before, within the clause.
                var negated = false
                var distance = 0
                var j = index - 1
                while j >= 0, distance < 3, items[j].kind == .word {
                    let previous = items[j]
                    distance += 1
                    var boost = previous.info?.booster ?? 0
                    if previous.has(Flag.of), j > 0, items[j - 1].kind == .word, items[j - 1].has(Flag.kindOrSort) { boost = -0.293 }
                    if boost != 0 {
                        let damp = [1.0, 0.95, 0.9][distance - 1]
                        v += sign * boost * damp
                        if previous.caps, mixedCase { v += sign * (boost > 0 ? 0.733 : -0.733) * 0.5 }
                    }
                    if previous.has(Flag.negator) {
                        let following = items[j + 1]
                        if !(following.kind == .word && following.has(Flag.notOnly)) { negated = true }
                    }
                    j -= 1
                }
                // German negation after the verb: "funktioniert nicht", "hilft mir nicht mehr",
                // "funktioniert leider nicht" (a sentence adverb is passed over, and not negated).
                if !negated, !item.has(Flag.sentenceAdverb) {
                    var k = index + 1
                    var ahead = 0
                    while k < items.count, ahead < 3, items[k].kind == .word {
                        ahead += 1
                        if items[k].has(Flag.postNegator) {
                            if !isValenceWord(k + 1) { negated = true }
                            break
                        }
                        if isValenceWord(k), !items[k].has(Flag.sentenceAdverb) { break }
                        k += 1
                    }
                }
                if negated { v *= -0.74 }
            }
            if let butIndex {
                if index < butIndex { v *= 0.5 } else if index > butIndex { v *= 1.5 }
            }
            sum += v
        }
        if sum != 0 {
            let sign: Double = sum > 0 ? 1 : -1
            sum += sign * Double(min(exclamations, 4)) * 0.292
            if questions > 1 { sum += sign * Double(min(questions, 3)) * 0.18 }
        }
        let compound = sum / (sum * sum + 15).squareRoot()
        return min(1, max(-1, compound))
    }

    /// The word's valence: in the message's likelier language first, then the other; else
    /// with a German adjective or plural ending off ("schlechten" → "schlecht"), or an English "s".
    private func valence(_ item: Item, germanFirst: Bool) -> Double? {
        if let info = item.info {
            let (first, second) = germanFirst ? (info.german, info.english) : (info.english, info.german)
            if !first.isNaN { return first }
            if !second.isNaN { return second }
        }
        let a = item.secondLast, b = item.last
        if item.length >= 5, a == UInt8(ascii: "e"), b == UInt8(ascii: "n") || b == UInt8(ascii: "m") || b == UInt8(ascii: "r") || b == UInt8(ascii: "s"),
           let v = words.get(item.stem2)?.german, !v.isNaN {
            return v
        }
        if item.length >= 4, b == UInt8(ascii: "e") || b == UInt8(ascii: "n") || b == UInt8(ascii: "s"),
           let info = words.get(item.stem1) {
            if !info.german.isNaN { return info.german }
            if b == UInt8(ascii: "s"), !info.english.isNaN { return info.english }
        }
        return nil
    }

    /// Words (hashed, with their ALL-CAPS flag), emoji and emoticons, and clause boundaries.
    private func tokenize(_ text: String) -> (items: [Item], exclamations: Int, questions: Int) {
        var items: [Item] = []
        var exclamations = 0, questions = 0
        let scalars = Array(text.unicodeScalars)
        var h = FNV.offsetBasis, h1 = FNV.offsetBasis, h2 = FNV.offsetBasis
        var length = 0, letters = 0, upper = 0
        var last: UInt8 = 0, secondLast: UInt8 = 0
        var wordStart = -1
        var slow = false

        func add(_ byte: UInt8) {
            h2 = h1
            h1 = h
            h = FNV.step(h, byte)
            secondLast = last
            last = byte
            length += 1
        }
        func endWord(at end: Int) {
            guard wordStart >= 0 else { return }
            if slow {
                // Non-ASCII letters: fold the word (umlauts, diacritics), then hash it.
                var raw = String.UnicodeScalarView()
                for scalar in scalars[wordStart..<end] where scalar != "'" && scalar != "\u{2019}" { raw.append(scalar) }
                h = FNV.offsetBasis
                h1 = h
                h2 = h
                length = 0
                last = 0
                secondLast = 0
                for byte in SafetyText.fold(String(raw)).utf8 { add(byte) }
            }
            items.append(Item(kind: .word, caps: letters >= 2 && upper == letters, info: words.get(h), stem1: h1, stem2: h2,
                              length: length, last: last, secondLast: secondLast))
            h = FNV.offsetBasis
            h1 = h
            h2 = h
            length = 0
            letters = 0
            upper = 0
            last = 0
            secondLast = 0
            wordStart = -1
            slow = false
        }

        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            let v = scalar.value
            if v < 0x80 {
                let byte = UInt8(truncatingIfNeeded: v)
                let isUpper = byte >= 65 && byte <= 90
                if isUpper || (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) {
                    if wordStart < 0 {
                        // An emoticon ending in a letter (":D", "xD") right after a space.
                        if let (value, count) = emoticon(at: i, in: scalars) {
                            items.append(Item(kind: .symbol, valence: value))
                            i += count
                            continue
                        }
                        wordStart = i
                    }
                    if isUpper {
                        letters += 1
                        upper += 1
                        add(byte | 0x20)
                    } else {
                        if byte >= 97 { letters += 1 }
                        add(byte)
                    }
                    i += 1
                    continue
                }
            } else if SafetyText.isWordScalar(scalar) {
                if wordStart < 0 { wordStart = i }
                slow = true
                if scalar.properties.isAlphabetic {
                    letters += 1
                    if scalar.properties.isUppercase { upper += 1 }
                }
                i += 1
                continue
            }
            if scalar == "'" || scalar == "\u{2019}", wordStart >= 0, i + 1 < scalars.count, SafetyText.isWordScalar(scalars[i + 1]) {
                i += 1
                continue
            }
            endWord(at: i)
            if let (value, count) = emoticon(at: i, in: scalars) {
                items.append(Item(kind: .symbol, valence: value))
                i += count
                continue
            }
            if v >= 0x203C, Self.isEmoji(scalar) {
                if let value = emoji[v] { items.append(Item(kind: .symbol, valence: value)) }
                i += 1
                continue
            }
            switch scalar {
            case "!":
                exclamations += 1
                items.append(Item(kind: .boundary))
            case "?":
                questions += 1
                items.append(Item(kind: .boundary))
            case ".", ",", ";", ":", "\n", "\r", "(", ")", "\u{2026}":
                items.append(Item(kind: .boundary))
            case "-" where i + 1 < scalars.count && scalars[i + 1] == " ":
                items.append(Item(kind: .boundary))
            default:
                break
            }
            i += 1
        }
        endWord(at: scalars.count)
        return (items, exclamations, questions)
    }

    /// An emoticon starting at `i` after a space (or at the start), and not followed by a letter.
    private func emoticon(at i: Int, in scalars: [Unicode.Scalar]) -> (Double, Int)? {
        let first = scalars[i]
        guard first == ":" || first == ";" || first == "=" || first == "<" || first == ">" || first == "^" || first == "x" || first == "X"
        else { return nil }
        if i > 0, !scalars[i - 1].properties.isWhitespace { return nil }
        for (bytes, value) in emoticons where i + bytes.count <= scalars.count {
            var equal = true
            for k in 0..<bytes.count where scalars[i + k].value != UInt32(bytes[k]) {
                equal = false
                break
            }
            guard equal else { continue }
            let end = i + bytes.count
            if end < scalars.count, SafetyText.isWordScalar(scalars[end]) { continue }
            return (value, bytes.count)
        }
        return nil
    }

    // MARK: Word lists

    /// Intensifiers (+) and diminishers (−), VADER's ±0.293.
    static let boosters: [String: Double] = {
        let up = 0.293, down = -0.293
        var table: [String: Double] = [:]
        for w in ["absolutely", "amazingly", "awfully", "completely", "considerably", "decidedly", "deeply", "enormously",
                  "entirely", "especially", "exceptionally", "extremely", "fabulously", "fully", "greatly", "hella",
                  "highly", "hugely", "incredibly", "intensely", "majorly", "particularly", "purely", "quite", "really",
                  "remarkably", "so", "substantially", "thoroughly", "totally", "tremendously", "truly", "unbelievably",
                  "unusually", "utterly", "very", "super", "such", "too", "fucking", "freaking", "damn", "terribly",
                  "horribly", "insanely", "seriously", "sooo", "soo", "sehr", "total", "echt", "extrem", "wirklich", "voll",
                  "absolut", "richtig", "besonders", "aeusserst", "enorm", "komplett", "voellig", "ueberaus",
                  "unglaublich", "mega", "ultra", "derart", "dermassen", "zutiefst", "hoechst", "verdammt", "furchtbar",
                  "schrecklich", "zu", "ziemlich", "sowas", "tierisch", "krass", "uebel"] {
            table[w] = up
        }
        for w in ["almost", "barely", "hardly", "kinda", "kindof", "less", "little", "marginally", "occasionally",
                  "partly", "scarcely", "slightly", "somewhat", "sorta", "bit", "etwas", "bisschen", "bissl", "wenig",
                  "leicht", "kaum", "einigermassen", "halbwegs", "eher", "teilweise", "fast", "relativ"] {
            table[w] = down
        }
        return table
    }()

    static let negators: Set<String> = [
        "not", "no", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "cannot",
        "couldnt", "wont", "wouldnt", "shouldnt", "havent", "hasnt", "hadnt", "aint", "nothing", "nobody", "none",
        "neither", "nor", "without", "nowhere", "nope", "neednt", "mustnt", "nicht", "kein", "keine", "keinen",
        "keinem", "keiner", "keines", "nie", "niemals", "nichts", "ohne", "weder", "nirgends", "niemand", "nimmer",
    ]
    /// Negations that follow the verb in German.
    static let postNegators: Set<String> = ["nicht", "nie", "niemals", "nimmer", "keineswegs"]
    /// "not only", "nicht nur": no negation.
    static let notOnly: Set<String> = ["only", "just", "nur", "bloss", "einfach"]
    /// Words about the whole sentence: a negation after them belongs to the verb.
    static let sentenceAdverbs: Set<String> = [
        "leider", "unfortunately", "sadly", "hoffentlich", "hopefully", "gluecklicherweise", "luckily", "schade",
        "immer", "noch", "schon", "mehr",
    ]
    static let contrasts: Set<String> = ["but", "however", "although", "though", "aber", "jedoch", "allerdings", "trotzdem"]

    static let englishFunctionWords: Set<String> = [
        "the", "a", "an", "is", "are", "was", "i", "you", "it", "this", "that", "and", "to", "of", "my", "not", "have",
        "with", "for", "do", "does", "please", "can", "me", "your", "be", "on", "at", "what", "how", "why", "dont",
        "its", "im", "very", "but", "thanks", "thank", "no", "yes", "so", "just", "get", "got",
    ]
    static let germanFunctionWords: Set<String> = [
        "der", "die", "das", "ist", "ich", "du", "sie", "es", "und", "nicht", "mit", "ein", "eine", "mein", "meine",
        "bitte", "kann", "habe", "hab", "auf", "zu", "wie", "was", "wir", "den", "dem", "sind", "war", "auch", "noch",
        "schon", "aber", "mir", "mich", "dich", "sehr", "danke", "kein", "keine", "nur", "doch", "warum", "wieso",
        "haben", "ja", "nein", "immer", "mehr", "bei", "fuer", "hier", "jetzt",
    ]
}

// MARK: - Frustration

/// How frustrated a customer is getting, over a conversation, without keeping their text:
/// `signals` reads one message against the state, `update` moves the level.
///
/// The level (0...1) after a message:
///
///     rise = 0.35 · max(0, −sentiment)
///          + 0.15 · max(0, −trend)      trend: the mean of this message's and the previous two
///                                       sentiments, counted when two of them are negative
///          + 0.20  if the bot fell back (did not understand)
///          + 0.20  if the message repeats one of the last five (token-set Jaccard ≥ 0.7)
///          + 0.15  if it shouts (≥ 70 % capitals among ≥ 6 letters, or "!!!", "???")
///          + 0.25  if it complains ("this is useless", "hab ich doch schon gesagt")
///     rise = min(rise, 0.45)            one message alone never reaches 0.6 from calm
///
///     a calm answered turn (no signal, no fallback, sentiment ≥ −0.05):
///         level × 0.4 when the sentiment is ≥ 0.3, else level × 0.6
///     otherwise: min(1, level + rise)
///
/// So a single mildly negative message (sentiment −0.4: 0.14) stays well below the default
/// 0.6 at which a human is offered, while two or three frustrated turns (a complaint with a
/// fallback, then a repeated question) cross it.
public enum Frustration {
    /// The messages remembered for the trend and for repetition.
    public static let window = 5

    /// Kept in the conversation state: `{"level": 0.45, "sentiments": [-0.4],
    /// "recent_digests": ["00400a0000010000"], "offered_human": false}` (digests as 16 hex
    /// digits: 64-bit token-set signatures, one per message, no text).
    public struct State: Sendable, Equatable, Codable {
        public var level: Double
        /// The sentiments of the last 5 messages, oldest first.
        public var sentiments: [Double]
        /// The last 5 messages' token-set signatures (each normalised content word sets one
        /// of 64 bits), oldest first; empty messages are not kept.
        public var recentDigests: [UInt64]
        public var offeredHuman: Bool

        public init(level: Double = 0, sentiments: [Double] = [], recentDigests: [UInt64] = [], offeredHuman: Bool = false) {
            self.level = level
            self.sentiments = sentiments
            self.recentDigests = recentDigests
            self.offeredHuman = offeredHuman
        }

        enum CodingKeys: String, CodingKey {
            case level
            case sentiments
            case recentDigests = "recent_digests"
            case offeredHuman = "offered_human"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            level = try container.decode(Double.self, forKey: .level)
            sentiments = try container.decode([Double].self, forKey: .sentiments)
            var digests: [UInt64] = []
            for hex in try container.decode([String].self, forKey: .recentDigests) {
                guard let value = UInt64(hex, radix: 16) else {
                    throw DecodingError.dataCorruptedError(forKey: .recentDigests, in: container, debugDescription: "not 16 hex digits")
                }
                digests.append(value)
            }
            recentDigests = digests
            offeredHuman = try container.decode(Bool.self, forKey: .offeredHuman)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(level, forKey: .level)
            try container.encode(sentiments, forKey: .sentiments)
            try container.encode(recentDigests.map(SafetyText.hex), forKey: .recentDigests)
            try container.encode(offeredHuman, forKey: .offeredHuman)
        }

        /// The `Codable` form as JSON members, for hand-written state snapshots.
        public var snapshot: [String: JSONValue] {
            ["level": .double(level), "sentiments": .array(sentiments.map(JSONValue.double)),
             "recent_digests": .array(recentDigests.map { .string(SafetyText.hex($0)) }), "offered_human": .bool(offeredHuman)]
        }
    }

    public struct Signals: Sendable, Equatable {
        public var sentiment: Double
        public var fallback: Bool
        public var repeated: Bool
        public var shouting: Bool
        public var complaint: Bool

        public init(sentiment: Double, fallback: Bool = false, repeated: Bool = false, shouting: Bool = false, complaint: Bool = false) {
            self.sentiment = sentiment
            self.fallback = fallback
            self.repeated = repeated
            self.shouting = shouting
            self.complaint = complaint
        }
    }

    public static func signals(text: String, sentiment: Double, fallback: Bool, state: State) -> Signals {
        let words = SafetyText.words(text)
        let signature = signature(words)
        let repeated = signature != 0 && state.recentDigests.contains { jaccard($0, signature) >= 0.7 }
        return Signals(sentiment: sentiment, fallback: fallback, repeated: repeated, shouting: isShouting(text),
                       complaint: complaints.contains(in: words))
    }

    public static func update(_ state: State, with signals: Signals, text: String) -> State {
        var next = state
        next.sentiments.append(signals.sentiment)
        if next.sentiments.count > window { next.sentiments.removeFirst(next.sentiments.count - window) }
        let signature = signature(SafetyText.words(text))
        if signature != 0 {
            next.recentDigests.append(signature)
            if next.recentDigests.count > window { next.recentDigests.removeFirst(next.recentDigests.count - window) }
        }

        let calm = !signals.fallback && !signals.repeated && !signals.shouting && !signals.complaint && signals.sentiment >= -0.05
        if calm {
            next.level = state.level * (signals.sentiment >= 0.3 ? 0.4 : 0.6)
            return next
        }
        var rise = 0.35 * max(0, -signals.sentiment)
        let recent = next.sentiments.suffix(3)
        if recent.filter({ $0 < 0 }).count >= 2 {
            let trend = recent.reduce(0, +) / Double(recent.count)
            rise += 0.15 * max(0, -trend)
        }
        if signals.fallback { rise += 0.20 }
        if signals.repeated { rise += 0.20 }
        if signals.shouting { rise += 0.15 }
        if signals.complaint { rise += 0.25 }
        next.level = min(1, state.level + min(rise, 0.45))
        return next
    }

    // MARK: Signals

    /// ≥ 70 % capitals among ≥ 6 letters, or three or more "!"/"?" in a row.
    static func isShouting(_ text: String) -> Bool {
        var letters = 0, upper = 0, marks = 0, longestMarks = 0
        for scalar in text.unicodeScalars {
            if scalar == "!" || scalar == "?" {
                marks += 1
                longestMarks = max(longestMarks, marks)
                continue
            }
            marks = 0
            let properties = scalar.properties
            if properties.isAlphabetic {
                letters += 1
                if properties.isUppercase { upper += 1 }
            }
        }
        return longestMarks >= 3 || (letters >= 6 && Double(upper) >= 0.7 * Double(letters))
    }

    /// One bit (of 64) per content word: the token set of a message, without its text.
    static func signature(_ words: [String]) -> UInt64 {
        var bits: UInt64 = 0
        for word in words where !stopwords.contains(word) {
            var hasher = StableHasher()
            hasher.combine(word)
            bits |= 1 << (hasher.value % 64)
        }
        return bits
    }

    static func jaccard(_ a: UInt64, _ b: UInt64) -> Double {
        let union = (a | b).nonzeroBitCount
        return union == 0 ? 0 : Double((a & b).nonzeroBitCount) / Double(union)
    }

    static let complaints = PhraseSet([
        // English
        "this|that|it is [so|totally|completely|absolutely] useless|pointless|ridiculous|unhelpful|absurd|unacceptable",
        "thats|its [so|totally|completely|absolutely] useless|pointless|ridiculous|unhelpful|absurd|unacceptable",
        "this|that|it is a joke", "thats|its a joke",
        "you are|re [so|totally|completely] useless|unhelpful", "youre [so|totally|completely] useless|unhelpful",
        "useless bot|chatbot|robot|machine|service|support",
        "not [very|really] helpful", "unhelpful", "no help [at all]",
        "doesnt|didnt|isnt help|helping", "does|did|is not help|helping", "not helping",
        "waste of time", "wasting my time", "waste my time",
        "i [have] already said|told|explained|wrote|asked", "already told you", "i told you", "i just said|told|asked",
        "as i [already] said|explained", "as i told you", "like i said", "how many times", "for the third|last|hundredth time",
        "you dont understand", "you do not understand", "you dont get it",
        "you are not listening", "you arent listening", "youre not listening",
        "not what i asked", "answer my question", "you keep saying|repeating", "same answer", "again and again",
        "makes no sense", "stop repeating [yourself]",
        // German
        "nutzlos", "sinnlos", "unbrauchbar", "zeitverschwendung", "laecherlich",
        "bringt [mir|doch|ja] nichts|nix", "hilft [mir|uns] [doch|ja|leider|gar] nicht|nichts|nix", "nicht hilfreich",
        "hab|habe ich [doch|ihnen|dir] [doch] [schon|bereits] gesagt|geschrieben|erklaert",
        "wie [schon] gesagt", "sagte ich doch", "schrieb ich doch",
        "du verstehst|kapierst mich nicht", "sie verstehen mich nicht", "verstehst du mich nicht", "verstehen sie mich nicht",
        "du verstehst es nicht", "das war nicht meine frage", "beantworte|beantworten [sie] meine frage",
        "immer dasselbe", "immer das gleiche", "immer die gleiche antwort", "dieselbe antwort", "schon wieder",
        "zum dritten|x-ten|hundertsten|letzten mal",
        "das ist eine frechheit|zumutung|unverschaemtheit", "das ist ein witz",
    ])

    static let stopwords: Set<String> = [
        // English
        "a", "an", "the", "i", "you", "he", "she", "it", "we", "they", "me", "my", "your", "our", "is", "are", "was",
        "were", "be", "been", "am", "do", "does", "did", "to", "of", "in", "on", "at", "for", "with", "and", "or",
        "but", "so", "this", "that", "there", "here", "what", "how", "why", "when", "where", "who", "can", "could",
        "would", "should", "will", "please", "pls", "plz", "hi", "hello", "hey", "ok", "okay", "just", "still", "again",
        "now", "yes", "no", "u", "im", "its", "i'm", "want", "need", "like", "get", "have", "has", "any", "some", "then",
        "thanks", "thank",
        // German
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "ich", "du", "er", "sie",
        "es", "wir", "ihr", "mich", "mir", "dich", "dir", "mein", "meine", "meinen", "ist", "sind", "war", "bin",
        "bist", "hat", "habe", "hab", "haben", "und", "oder", "aber", "so", "wie", "was", "warum", "wann", "wo",
        "wer", "kann", "koennen", "bitte", "hallo", "noch", "schon", "wieder", "jetzt", "ja", "nein", "zu", "mit",
        "von", "auf", "fuer", "an", "in", "im", "am", "um", "will", "moechte", "brauche", "danke", "doch", "mal",
    ]
}
