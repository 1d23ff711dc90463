import Foundation

/// Whether a customer asks if they are talking to a bot ("are you a bot?", "am I talking to a
/// human?", "bist du ein Mensch?", "spreche ich mit einer echten Person?"), so that the bot can
/// say what it is. Asking *for* a human ("I want to talk to a human", "ich möchte mit einem
/// Menschen sprechen") is a hand-off request, not this; nor is "how do I protect against bots?".
public enum BotQuestion {
    public static func isAsking(_ text: String) -> Bool {
        let clauses = Disclosure.clauses(text)
        for (index, clause) in clauses.enumerated() {
            let words = clause.words
            let next = index + 1 < clauses.count ? clauses[index + 1] : nil
            if Disclosure.wholeClauseQuestions.contains(words.joined(separator: " ")) { return true }
            guard Disclosure.mayMentionEntity(words) else { continue }
            for frame in Disclosure.askingFrames {
                if Disclosure.match(frame.slots, in: words, anywhere: !frame.anchored, needsQuestion: frame.needsQuestion,
                                    isQuestion: clause.isQuestion || Disclosure.isTag(next)) != nil {
                    return true
                }
            }
        }
        return false
    }
}

/// Whether a reply of the bot claims to be human ("I'm a real person", "I'm not a bot",
/// "ich bin ein Mensch", "hier schreibt ein echter Mensch"), which a bot must never do. "I'm not
/// a human, I'm a bot" and "I'll connect you with a human" are fine.
public enum HumanClaim {
    public static func claims(_ reply: String) -> Bool {
        for clause in Disclosure.clauses(reply) {
            let words = clause.words
            for start in words.indices where Disclosure.claimFirstWords.contains(words[start]) {
                for frame in Disclosure.claimFrames {
                    guard let result = Disclosure.match(frame, in: words, from: start) else { continue }
                    if result.negated ? result.kind == .machine : result.kind == .human { return true }
                }
            }
        }
        return false
    }
}

/// Whether the customer says a moderation action was a mistake: "you misunderstood me",
/// "that's not what I meant", "that was a quote", "why did you block me", "that's unfair",
/// "Sie haben mich falsch verstanden", "so war das nicht gemeint", "warum wurde ich blockiert".
public enum Appeal {
    public static func isAppeal(_ text: String) -> Bool {
        let words = SafetyText.words(text)
        return phrases.contains(in: words)
    }

    static let phrases = PhraseSet([
        // English
        "you misunderstood|misunderstand|misread|misinterpreted|misjudged", "misunderstood me", "misunderstanding",
        "thats|thatsnot not what i meant|said|wrote|mean", "that|this|it is not what i meant|said|wrote", "not what i meant",
        "i didnt mean it|that", "i did not mean it|that", "i didnt mean to offend|insult|be", "i did not mean to offend|insult|be",
        "i wasnt insulting|threatening|swearing|attacking|cursing|rude|being", "i was not insulting|threatening|swearing|attacking|cursing|rude|being",
        "it|that|this wasnt [an|a|meant] [as] [an|a] insult|threat|attack", "it|that|this was not [an|a|meant] [as] [an|a] insult|threat|attack",
        "not an insult", "not a threat", "no insult|offense|offence intended|meant",
        "it|that|this was [just|only] a|an quote|joke|typo|song|lyric|name|place|town|city|title|example|citation",
        "its|thats [just|only] a|an quote|joke|typo|song|lyric|name|place|town|city|title|example",
        "i was [just|only] quoting|joking|kidding|asking", "just kidding|joking",
        "why did|do|would you block|ban|end|stop|flag|warn|hide|remove|delete|censor|mute me|my|this|that|the|our",
        "why was|am i blocked|banned|flagged|warned|muted|censored|removed|stopped",
        "why is|was|were my message|messages|comment|question|post blocked|flagged|removed|hidden|deleted|censored",
        "why wont|dont|cant you answer|reply|respond|talk",
        "thats|its [so|totally|really|very] unfair", "that|this|it is [so|totally|really|very] unfair",
        "thats|its not fair", "that|this|it is not fair", "so unfair", "how is that fair",
        "i didnt|i did not say anything wrong|bad|offensive|rude", "i did not say anything wrong|bad|offensive|rude",
        "i didnt insult|threaten|swear|curse", "i did not insult|threaten|swear|curse",
        "false positive", "wrongly|unfairly|mistakenly blocked|flagged|banned|warned|censored",
        "you got it|me|that wrong", "you took it|that|me the wrong way", "out of context", "i didnt say that",
        "the town|city|village of", "is a town|city|place|village|name",
        // German
        "sie haben|du hast mich falsch verstanden", "falsch verstanden", "missverstanden", "missverstaendnis",
        "so war|wars das nicht gemeint", "so wars nicht gemeint", "war [doch] nicht so gemeint", "nicht so gemeint",
        "so meinte ich das nicht", "so hab|habe ich das nicht gemeint", "war nicht boese gemeint", "nicht boese gemeint",
        "das war [doch] kein|keine angriff|beleidigung|drohung", "kein angriff", "keine beleidigung", "keine drohung",
        "ich habe|hab sie|dich|euch|niemanden nicht beleidigt|bedroht|angegriffen|beschimpft",
        "ich habe|hab niemanden beleidigt|bedroht|angegriffen|beschimpft",
        "das war [doch] [nur] ein zitat|witz|scherz|tippfehler|name|ortsname|songtext|beispiel",
        "war [doch] nur ein witz|scherz|spass|zitat", "war nur spass", "ich habe|hab [nur] zitiert",
        "warum|wieso|weshalb wurde|werde|bin ich blockiert|gesperrt|verwarnt|ausgeschlossen|gebannt|zensiert|stummgeschaltet",
        "warum|wieso|weshalb blockierst|sperrst|zensierst|ignorierst du mich",
        "warum|wieso|weshalb blockieren|sperren|zensieren|ignorieren sie mich",
        "warum|wieso|weshalb wurde meine nachricht|frage|nachrichten geloescht|entfernt|versteckt|ausgeblendet|blockiert|zensiert",
        "das ist [doch|total|voll|echt] unfair|ungerecht", "nicht fair", "voll unfair",
        "ich habe|hab [doch] nichts falsches|schlimmes|boeses|beleidigendes gesagt|geschrieben",
        "ich habe|hab [doch] nicht geflucht|beleidigt|gedroht",
        "aus dem zusammenhang [gerissen]", "zensur",
    ])
}

// MARK: - The frames

/// Small word patterns for the bot questions and human claims, matched on folded words per
/// clause (so "Are you a bot? I want a refund" is read clause by clause).
enum Disclosure {
    enum Kind { case machine, human }

    indirect enum Slot {
        /// Exactly one of these words.
        case one(Set<String>)
        /// One of these words, or nothing.
        case optional(Set<String>)
        /// Up to three of these words.
        case many(Set<String>)
        /// A negation ("not", "kein"): recorded for claims.
        case negation
        /// What the customer asks about (or the bot claims to be): "a bot", "a real person",
        /// "human", "eine KI", "einem echten Menschen"; then the end of the clause (or "or ...").
        case entity
        /// As `entity`, but it must be a person ("is there a real person?").
        case person
        /// As `entity`, but "real" alone does not count: "is this real?" is asked about
        /// e-mails and offers; "is this automated?" is about the bot.
        case thing
    }

    struct Frame {
        var slots: [Slot]
        /// Only when the clause is a question ("you're a bot?", "bot?").
        var needsQuestion = false
        /// Only from the start of the clause ("bot?", but not "I want to talk to a human?").
        var anchored = false
    }

    struct Result {
        var kind: Kind
        var negated: Bool
    }

    static func clauses(_ text: String) -> [SafetyText.Clause] {
        SafetyText.clauses(text).map { clause in
            var clause = clause
            clause.words = mergeLetters(clause.words)
            return clause
        }
    }

    /// "a.i." and "k.i." as one word after an article or "you"/"du" ("are you an a.i.?").
    static func mergeLetters(_ words: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < words.count {
            if i + 1 < words.count, words[i] == "a" || words[i] == "k", words[i + 1] == "i",
               let previous = out.last, ["an", "you", "u", "this", "it", "eine", "ne", "du", "sie", "das", "ist", "bist"].contains(previous) {
                out.append(words[i] + "i")
                i += 2
                continue
            }
            out.append(words[i])
            i += 1
        }
        return out
    }

    /// "..., aren't you?", "..., right?", "..., oder?".
    static func isTag(_ clause: SafetyText.Clause?) -> Bool {
        guard let words = clause?.words else { return false }
        return tags.contains(words.joined(separator: " "))
    }

    static let tags: Set<String> = ["arent you", "right", "or not", "innit", "arent u", "oder", "oder nicht", "nicht wahr", "gell", "ne", "oder was"]

    /// Matches `slots` starting anywhere in `words` (or at the start only).
    static func match(_ slots: [Slot], in words: [String], anywhere: Bool, needsQuestion: Bool, isQuestion: Bool) -> Result? {
        if needsQuestion, !isQuestion { return nil }
        var firstWords: Set<String>?
        if case .one(let set)? = slots.first { firstWords = set }
        for start in words.indices {
            if start > 0, !anywhere { break }
            if let firstWords, !firstWords.contains(words[start]) { continue }
            if let result = match(slots, in: words, from: start) { return result }
        }
        return nil
    }

    static func match(_ slots: [Slot], in words: [String], from start: Int) -> Result? {
        step(slots, words, 0, start, false)
    }

    /// Matches `slots[slot...]` at word `i`, backtracking over optional and repeated words.
    private static func step(_ slots: [Slot], _ words: [String], _ slot: Int, _ i: Int, _ negated: Bool) -> Result? {
        // All slots matched (the entity, matched before, fills in the kind).
        guard slot < slots.count else { return Result(kind: .machine, negated: negated) }
        switch slots[slot] {
        case .one(let set):
            guard i < words.count, set.contains(words[i]) else { return nil }
            return step(slots, words, slot + 1, i + 1, negated)
        case .optional(let set):
            if i < words.count, set.contains(words[i]), let r = step(slots, words, slot + 1, i + 1, negated) { return r }
            return step(slots, words, slot + 1, i, negated)
        case .many(let set):
            var end = i
            while end < words.count, end - i < 3, set.contains(words[end]) { end += 1 }
            while end >= i {
                if let r = step(slots, words, slot + 1, end, negated) { return r }
                end -= 1
            }
            return nil
        case .negation:
            if i < words.count, negators.contains(words[i]), let r = step(slots, words, slot + 1, i + 1, true) { return r }
            return step(slots, words, slot + 1, i, negated)
        case .entity, .person, .thing:
            let thing: Bool
            if case .thing = slots[slot] { thing = true } else { thing = false }
            guard let (end, kind) = entity(words, at: i, negated: negated, realAlone: !thing) else { return nil }
            if case .person = slots[slot], kind != .human { return nil }
            if slot + 1 < slots.count { return step(slots, words, slot + 1, end, negated).map { Result(kind: kind, negated: $0.negated) } }
            guard end == words.count || tails.contains(words[end]) else { return nil }
            return Result(kind: kind, negated: negated)
        }
    }

    /// What an entity phrase at `i` is about, and where it ends.
    static func entity(_ words: [String], at i: Int, negated: Bool, realAlone: Bool = true) -> (Int, Kind)? {
        var j = i
        // "kein"/"keine" work as an article: "ich bin kein Bot".
        if j < words.count, determiners.contains(words[j]) || (negated && negators.contains(words[j])) { j += 1 }
        var adjectives: [String] = []
        while j < words.count, let adjective = canonical(words[j], in: entityAdjectives) {
            adjectives.append(adjective)
            j += 1
        }
        let humanAdjective = adjectives.contains(where: humanAdjectives.contains)
        let machineAdjective = adjectives.contains(where: machineAdjectives.contains)
        if j < words.count {
            let word = words[j]
            if canonical(word, in: machineNouns) != nil { return (j + 1, .machine) }
            if canonical(word, in: humanNouns) != nil { return (j + 1, .human) }
            if personNouns.contains(word), humanAdjective { return (j + 1, .human) }
            if responseNouns.contains(word), machineAdjective { return (j + 1, .machine) }
            if someone.contains(word), j + 1 < words.count, ["real", "human", "alive", "echtes", "menschliches"].contains(words[j + 1]) {
                return (j + 2, .human)
            }
        }
        // Adjectives alone: "are you real?", "is this automated?", "bist du echt?".
        if let last = adjectives.last, adjectiveAlone.contains(last), realAlone || machineAdjectives.contains(last) {
            return (j, humanAdjectives.contains(last) ? .human : .machine)
        }
        return nil
    }

    /// `word` if it is in `set`, or within one typo of one of the few words where typos are
    /// tolerated ("humna", "rboot", "mensh"; same first letter, 5+ letters).
    static func canonical(_ word: String, in set: Set<String>) -> String? {
        if set.contains(word) { return word }
        let length = word.utf8.count
        guard length >= 4, let first = word.utf8.first else { return nil }
        for target in fuzzyTargets where set.contains(target) && target.utf8.first == first && abs(target.utf8.count - length) <= 1 {
            if SafetyText.withinOneEdit(word, target) { return target }
        }
        return nil
    }

    /// Whether a clause mentions anything a bot question is about (cheap; checked first).
    static func mayMentionEntity(_ words: [String]) -> Bool {
        for word in words {
            if entityWords.contains(word) { return true }
            let length = word.utf8.count
            guard length >= 4, let first = word.utf8.first else { continue }
            for target in fuzzyTargets where target.utf8.first == first && abs(target.utf8.count - length) <= 1 {
                if SafetyText.withinOneEdit(word, target) { return true }
            }
        }
        return false
    }

    static let entityWords: Set<String> = entityAdjectives.union(machineNouns).union(humanNouns).union(personNouns)
        .union(responseNouns).union(someone)

    static let fuzzyTargets = [
        "human", "humans", "person", "people", "robot", "machine", "computer", "chatbot", "mensch", "menschen", "roboter",
        "maschine", "automated", "artificial", "automatisiert", "personen",
    ]

    // MARK: Words

    static let negators: Set<String> = ["not", "no", "never", "nicht", "kein", "keine", "keiner", "nie"]
    static let determiners: Set<String> = [
        "a", "an", "the", "some", "one", "ein", "eine", "einen", "einem", "einer", "eines", "der", "die", "das", "den", "dem",
        "ne", "nen", "n", "son", "sone", "so",
    ]
    static let entityAdjectives: Set<String> = [
        "real", "actual", "live", "living", "true", "genuine", "human", "physical", "automated", "automatic",
        "artificial", "virtual", "ai", "computer", "chat", "robotic", "alive", "computerised", "computerized",
        "echt", "echter", "echte", "echten", "echtes", "realer", "reale", "realen", "richtiger", "richtige", "richtigen",
        "richtiges", "lebendiger", "lebendige", "lebendigen", "lebendig", "lebender", "lebende", "menschlicher",
        "menschliche", "menschlichen", "menschliches", "menschlich", "kuenstliche", "kuenstlichen", "kuenstlicher",
        "kuenstlich", "virtueller", "virtuelle", "virtuellen", "automatischer", "automatische", "automatischen",
        "automatisch", "automatisierter", "automatisierte", "automatisierten", "automatisiert", "digitaler",
        "digitale", "digitalen", "wirklicher", "wirkliche", "wirklichen", "leibhaftiger", "ki",
    ]
    static let humanAdjectives: Set<String> = [
        "real", "actual", "live", "living", "true", "genuine", "human", "physical", "alive",
        "echt", "echter", "echte", "echten", "echtes", "realer", "reale", "realen", "richtiger", "richtige", "richtigen",
        "richtiges", "lebendiger", "lebendige", "lebendigen", "lebendig", "lebender", "lebende", "menschlicher",
        "menschliche", "menschlichen", "menschliches", "menschlich", "wirklicher", "wirkliche", "wirklichen", "leibhaftiger",
    ]
    static let machineAdjectives: Set<String> = [
        "automated", "automatic", "artificial", "virtual", "ai", "computer", "chat", "robotic", "computerised", "computerized",
        "kuenstliche", "kuenstlichen", "kuenstlicher", "kuenstlich", "virtueller", "virtuelle", "virtuellen",
        "automatischer", "automatische", "automatischen", "automatisch", "automatisierter", "automatisierte",
        "automatisierten", "automatisiert", "digitaler", "digitale", "digitalen", "ki",
    ]
    /// Adjectives that answer the question alone: "are you real?", "ist das automatisiert?".
    static let adjectiveAlone: Set<String> = [
        "real", "human", "automated", "automatic", "ai", "robotic", "alive", "artificial", "computerised", "computerized",
        "echt", "real", "automatisch", "automatisiert", "menschlich", "lebendig", "kuenstlich", "ki",
    ]
    static let machineNouns: Set<String> = [
        "bot", "bots", "bott", "b0t", "robot", "robots", "robo", "chatbot", "chatbots", "machine", "computer", "program",
        "programme", "software", "algorithm", "chatgpt", "gpt", "llm", "ai", "intelligence", "android", "automaton",
        "roboter", "maschine", "programm", "automat", "algorithmus", "sprachmodell", "computerprogramm", "ki", "intelligenz",
        "textroboter", "sprachassistent",
    ]
    static let humanNouns: Set<String> = ["human", "humans", "person", "people", "mensch", "menschen", "personen", "humanbeing"]
    /// People words that need "real"/"human" to mean a human rather than a role: "a real agent".
    static let personNouns: Set<String> = [
        "being", "agent", "operator", "employee", "guy", "woman", "man", "lady", "assistant", "rep", "representative",
        "mitarbeiter", "mitarbeiterin", "berater", "beraterin", "frau", "mann", "agentin", "kundenberater",
        "kundenberaterin", "wesen", "ansprechpartner", "ansprechpartnerin",
    ]
    static let responseNouns: Set<String> = [
        "response", "reply", "answer", "message", "system", "chat", "service", "assistant", "responses", "replies",
        "answers", "messages", "antwort", "antworten", "nachricht", "nachrichten", "system", "dienst", "assistent", "assistentin",
    ]
    static let someone: Set<String> = ["someone", "somebody", "anyone", "anybody", "jemand"]
    /// What may follow the entity: the end of the clause, "or ...", and a few tails.
    static let tails: Set<String> = [
        "or", "lol", "right", "really", "though", "tho", "too", "honestly", "then", "here", "there", "at", "yourself",
        "actually", "now", "btw", "being", "typing", "answering", "replying", "writing", "behind", "on",
        "oder", "ne", "gell", "nicht", "wirklich", "eigentlich", "ueberhaupt", "hier", "da", "jetzt", "gerade", "grad",
        "auch", "etwa", "verbunden", "am", "dran", "dahinter", "lol", "ehrlich",
        // A clause that goes on: "I'm a human and happy to help", "ich bin ein Mensch und helfe gern".
        "and", "who", "from", "with", "und", "der", "die", "aus", "von", "mit", "bei",
    ]

    static let adverbs: Set<String> = [
        "even", "actually", "really", "just", "only", "still", "truly", "seriously", "honestly", "also", "then", "like",
        "literally", "by", "chance", "maybe", "perhaps", "secretly", "basically", "all",
    ]
    static let germanAdverbs: Set<String> = [
        "eigentlich", "wirklich", "ueberhaupt", "nur", "auch", "etwa", "denn", "echt", "tatsaechlich", "vielleicht",
        "doch", "ehrlich", "hier", "gerade", "grad", "jetzt", "momentan", "da", "dort", "mir", "uns", "so",
    ]
    static let talkVerbs: Set<String> = [
        "talking", "talkin", "speaking", "chatting", "writing", "texting", "messaging", "communicating", "dealing",
        "interacting", "typing", "talk", "speak", "chat", "write", "text",
    ]

    static let wholeClauseQuestions: Set<String> = [
        "who are you", "who are u", "what are you", "who is this", "who am i talking to", "who am i speaking to",
        "who am i speaking with", "who am i talking with", "who am i chatting with", "who am i chatting to",
        "wer bist du", "wer sind sie", "was bist du", "was sind sie", "wer ist da", "mit wem spreche ich",
        "mit wem rede ich", "mit wem schreibe ich", "mit wem chatte ich", "wer schreibt hier", "wer antwortet hier",
        "wer antwortet mir", "is anyone real", "is anybody real",
    ]

    static let askingFrames: [Frame] = {
        let interjections: Set<String> = ["so", "and", "wait", "hey", "hi", "hello", "lol", "ok", "okay", "oh", "hmm", "um", "btw", "but", "also", "und", "aber", "sag", "mal", "hallo", "na", "ach", "moment"]
        return [
            // English
            Frame(slots: [.one(["are", "r", "ar", "arent", "aren"]), .one(["you", "u", "ya", "yu"]), .many(adverbs), .entity]),
            Frame(slots: [.one(["ru", "areyou", "areu"]), .many(adverbs), .entity]),
            Frame(slots: [.one(["is", "isnt"]), .one(["this", "that", "it"]), .optional(["chat", "conversation", "service", "support", "thing", "reply", "response", "answer", "message", "bot", "here"]),
                          .optional(["here"]), .many(adverbs), .thing]),
            Frame(slots: [.one(["am", "m"]), .one(["i"]), .many(adverbs.union(["currently", "now", "here"])), .one(talkVerbs),
                          .one(["to", "with", "w"]), .many(adverbs), .entity]),
            Frame(slots: [.one(["do", "did"]), .one(["i"]), .one(talkVerbs), .one(["to", "with"]), .many(adverbs), .entity]),
            Frame(slots: [.one(["is", "are"]), .one(["there"]), .many(["a", "an", "any", "actually", "really", "even", "also", "still"]), .person],
                  needsQuestion: true),
            Frame(slots: [.one(["is", "are"]), .person, .one(["reading", "answering", "typing", "replying", "responding", "writing", "there", "here", "behind", "on"])]),
            Frame(slots: [.many(interjections), .one(["you", "u", "youre", "ur", "yo"]), .optional(["are", "r"]), .many(adverbs), .entity],
                  needsQuestion: true, anchored: true),
            Frame(slots: [.many(interjections), .entity], needsQuestion: true, anchored: true),
            // "you sound like a bot", "this feels like a machine": said to the bot, answered the same way.
            Frame(slots: [.one(["you", "u", "youre", "it", "this", "that"]), .many(["sound", "sounds", "seem", "seems", "talk", "talks", "write",
                                                                                  "writes", "act", "acts", "feel", "feels", "really", "totally", "just", "so", "are", "re", "sounding"]),
                          .one(["like"]), .optional(["talking", "chatting", "speaking", "texting"]), .optional(["to", "with"]), .entity]),
            // German
            Frame(slots: [.one(["bist", "biste", "bisd"]), .optional(["du", "de"]), .many(germanAdverbs), .entity]),
            Frame(slots: [.one(["sind"]), .one(["sie", "ihr"]), .many(germanAdverbs), .entity]),
            Frame(slots: [.one(["ist"]), .one(["das", "dies", "es", "hier", "da", "dort"]), .many(germanAdverbs.union(["ein", "chat"])), .thing]),
            Frame(slots: [.one(["rede", "spreche", "schreibe", "chatte", "kommuniziere", "red", "sprech", "schreib", "chat"]), .one(["ich"]),
                          .many(germanAdverbs), .one(["mit", "zu"]), .many(germanAdverbs), .entity]),
            Frame(slots: [.one(["bin"]), .one(["ich"]), .many(germanAdverbs), .one(["mit", "bei"]), .many(germanAdverbs), .entity]),
            Frame(slots: [.one(["gibt", "gibts"]), .optional(["es"]), .many(germanAdverbs.union(["bei", "euch", "ihnen"])), .person],
                  needsQuestion: true),
            Frame(slots: [.one(["antwortet", "schreibt", "tippt", "sitzt", "spricht", "chattet", "antworten"]), .many(germanAdverbs), .entity]),
            // "das klingt nach einem Bot", "du klingst wie ein Roboter", "das hört sich an wie eine KI".
            Frame(slots: [.one(["das", "du", "sie", "es", "ihr"]), .one(["klingt", "klingst", "klingen", "hoert", "hoerst", "hoeren", "wirkt", "wirkst",
                                                                        "wirken", "schreibst", "schreibt", "antwortest", "antwortet", "redest", "klingts"]),
                          .many(germanAdverbs.union(["sich", "an", "total", "voll", "sehr", "eher", "ganz"])), .one(["nach", "wie"]), .entity]),
            Frame(slots: [.many(interjections), .one(["du", "sie"]), .optional(["bist", "sind"]), .many(germanAdverbs), .entity],
                  needsQuestion: true, anchored: true),
        ]
    }()

    /// The words a claim can start with.
    static let claimFirstWords: Set<String> = claimFrames.reduce(into: []) { words, frame in
        if case .one(let set)? = frame.first { words.formUnion(set) }
    }

    static let claimFrames: [[Slot]] = {
        let claimAdverbs: Set<String> = [
            "actually", "really", "definitely", "indeed", "certainly", "totally", "genuinely", "just", "only", "very",
            "much", "100", "also", "still", "absolutely", "of", "course", "obviously", "100percent", "truly", "a",
        ]
        let claimAdverbsDE: Set<String> = [
            "wirklich", "echt", "tatsaechlich", "natuerlich", "selbstverstaendlich", "doch", "auch", "nur", "ja",
            "ganz", "sicher", "definitiv", "bestimmt", "hier", "eigentlich",
        ]
        return [
            // English
            [.one(["i"]), .one(["am", "m"]), .many(claimAdverbs), .negation, .many(claimAdverbs), .entity],
            [.one(["im", "iam"]), .many(claimAdverbs), .negation, .many(claimAdverbs), .entity],
            [.one(["you", "youre"]), .optional(["are", "re"]), .many(["now", "currently", "actually", "really", "all"]),
             .one(["talking", "chatting", "speaking", "writing", "texting"]), .one(["to", "with"]), .many(claimAdverbs), .person],
            [.one(["this", "it"]), .one(["is"]), .many(claimAdverbs), .negation, .entity],
            [.one(["thats", "its"]), .many(claimAdverbs), .negation, .entity],
            [.one(["a", "an"]), .person, .one(["is"]), .one(["typing", "writing", "answering", "responding", "replying", "here", "speaking", "chatting"])],
            // German
            [.one(["ich"]), .one(["bin"]), .many(claimAdverbsDE), .negation, .many(claimAdverbsDE), .entity],
            [.one(["hier"]), .one(["schreibt", "antwortet", "spricht", "ist", "sitzt", "chattet", "tippt"]), .many(claimAdverbsDE), .person],
            [.one(["sie", "du"]), .one(["sprechen", "sprichst", "schreiben", "schreibst", "chatten", "chattest", "reden", "redest"]),
             .many(claimAdverbsDE.union(["gerade", "grad", "jetzt"])), .one(["mit"]), .person],
        ]
    }()
}
