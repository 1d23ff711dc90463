import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskSafety

/// The categories flagged at least `minimum` (clear: what leads to an action).
func flagged(_ text: String, _ minimum: ModerationSeverity = .clear, allowedDomains: Set<String> = []) -> Set<ModerationCategory> {
    Set(Moderator.builtin.assess(text, allowedDomains: allowedDomains).filter { $0.severity >= minimum }.map(\.category))
}

/// The severity of `category` in `text`, if flagged at all.
func severity(_ text: String, _ category: ModerationCategory, allowedDomains: Set<String> = []) -> ModerationSeverity? {
    Moderator.builtin.assess(text, allowedDomains: allowedDomains).first { $0.category == category }?.severity
}

@Suite struct ModerationListTests {
    @Test func builtInListsLoad() {
        let lists = Moderator.builtinLists
        #expect(lists.map(\.source) == ["en.txt", "de.txt"])
        for list in lists {
            #expect(list.entries.count >= 100, "\(list.source) has \(list.entries.count) entries")
            let categories = Set(list.entries.map(\.category))
            #expect(categories == Set(ModerationCategory.allCases), "\(list.source) covers \(categories)")
        }
    }

    @Test func parsesEntriesWithStarsAndAlternatives() throws {
        let list = try ModerationList.parse("""
            # a comment

            insult clear banana*
            spam borderline buy cheap|cheapest bananas
            """, source: "test.txt")
        #expect(list.entries.count == 2)
        #expect(list.entries[0].term == "banana*")
        #expect(list.entries[0].line == 3)
        #expect(list.entries[1].category == .spam)
        #expect(list.entries[1].severity == .borderline)
        #expect(list.entries[1].sequences.count == 2)
        let moderator = Moderator(lists: [list])
        #expect(moderator.assess("Bananas!") == [ModerationHit(category: .insult, severity: .clear, term: "banana*")])
        #expect(moderator.assess("buy cheapest bananas now").contains(ModerationHit(category: .spam, severity: .borderline, term: "buy cheap|cheapest bananas")))
        #expect(moderator.assess("a plantain").isEmpty)
    }

    @Test func reportsABadCategoryWithFileAndLine() {
        let text = "insult clear idiot\n# fine\ninsul clear moron\n"
        do {
            _ = try ModerationList.parse(text, source: "en.txt")
            Issue.record("expected an error")
        } catch {
            #expect(error == ModerationListError(source: "en.txt", line: 3, message: "unknown category \"insul\""))
            #expect(error.description == "en.txt:3: error: unknown category \"insul\"")
        }
    }

    @Test func reportsOtherBadLines() {
        func message(_ line: String) -> String? {
            do {
                _ = try ModerationList.parse(line, source: "de.txt")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message("insult sever idiot") == "de.txt:1: error: unknown severity \"sever\"")
        #expect(message("insult clear") == "de.txt:1: error: missing term after \"insult clear\"")
        #expect(message("insult") == "de.txt:1: error: missing severity and term after \"insult\"")
        #expect(message("profanity clear f*ck") == "de.txt:1: error: \"*\" may only start or end a word: \"f*ck\"")
        #expect(message("profanity clear ab*") == "de.txt:1: error: a word with \"*\" needs at least 3 letters: \"ab*\"")
        #expect(message("spam clear !!!") == "de.txt:1: error: \"!!!\" has no letters or digits")
        #expect(message("spam clear a|e-mail b") == "de.txt:1: error: an alternative must be a single word: \"e-mail\"")
    }
}

@Suite struct ModerationCategoryTests {
    @Test func insults() {
        #expect(flagged("You are an idiot") == [.insult])
        #expect(flagged("you stupid bot") == [.insult])
        #expect(flagged("Du bist so ein Vollidiot") == [.insult])
        #expect(flagged("Du Arschloch!") == [.insult])
        #expect(flagged("Sie sind bescheuert") == [.insult])
        // Complaints and self-talk are not insults.
        #expect(flagged("This is stupid, I was charged twice").isEmpty)
        #expect(flagged("Das ist doch dumm gelaufen").isEmpty)
        #expect(flagged("I'm not an idiot, I restarted the router already").isEmpty)
        #expect(severity("I feel like an idiot, I forgot my password", .insult) == .borderline)
        #expect(flagged("Ich bin doch kein Idiot").isEmpty)
        #expect(flagged("I am talking to an idiot") == [.insult])
    }

    @Test func profanity() {
        #expect(flagged("this fucking app crashed again") == [.profanity])
        #expect(flagged("Scheiße, mein Paket ist weg") == [.profanity])
        #expect(flagged("Das ist mir scheißegal") == [.profanity])
        #expect(severity("damn, where is my parcel", .profanity) == .borderline)
        #expect(severity("Verdammt, wo ist mein Paket?", .profanity) == .borderline)
        // Three borderline words of one category make it clear.
        #expect(severity("damn this crap, what the hell", .profanity) == .clear)
    }

    @Test func hate() {
        #expect(flagged("all immigrants are vermin") == [.hate])
        #expect(severity("heil hitler", .hate) == .severe)
        #expect(flagged("Ausländer raus!") == [.hate])
        #expect(flagged("scheiß Kanaken") == [.hate, .profanity])
        #expect(flagged("I'm an immigrant and need help with my visa").isEmpty)
        #expect(Moderator.builtin.assess("Ich bin Ausländer und brauche ein Formular").isEmpty)
    }

    @Test func threats() {
        #expect(severity("I will kill you", .threat) == .severe)
        #expect(severity("i'm gonna kill u", .threat) == .severe)
        #expect(severity("I know where you live", .threat) == .clear)
        #expect(severity("I'm going to bomb your office", .threat) == .severe)
        #expect(severity("Ich bring dich um", .threat) == .severe)
        #expect(severity("Ich weiß, wo du wohnst", .threat) == .clear)
        #expect(severity("ich jage euren Laden in die Luft", .threat) == .severe)
        #expect(flagged("I'll shoot you an email tomorrow").isEmpty)
        #expect(flagged("These fees are killing me").isEmpty)
        #expect(flagged("Ich finde dich nett").isEmpty)
        #expect(flagged("Das bringt mich noch um den Verstand").isEmpty)
    }

    @Test func sexualHarassment() {
        #expect(flagged("send nudes") == [.sexualHarassment])
        #expect(flagged("show me your tits") == [.sexualHarassment])
        #expect(flagged("geile Schlampe") == [.sexualHarassment, .insult])
        #expect(flagged("zeig mir deine Titten") == [.sexualHarassment])
        #expect(flagged("Can I send pictures of the damaged item?").isEmpty)
        #expect(flagged("Kann ich Fotos vom Schaden schicken?").isEmpty)
        #expect(flagged("Ist das Kleid sexy genug?").isEmpty)
        #expect(flagged("geil, danke!").isEmpty)
    }

    @Test func selfHarm() {
        #expect(flagged("I want to kill myself") == [.selfHarm])
        #expect(flagged("honestly I'm suicidal") == [.selfHarm])
        #expect(severity("I'm going to kill myself", .selfHarm) == .severe)
        #expect(flagged("Ich will nicht mehr leben") == [.selfHarm])
        #expect(flagged("Ich werde mich umbringen") == [.selfHarm])
        #expect(flagged("This bug is killing me").isEmpty)
        #expect(flagged("Mein Akku ist tot").isEmpty)
        #expect(flagged("Das macht keinen Sinn mehr").isEmpty)
    }

    @Test func spamPhrases() {
        #expect(flagged("Earn $$$ from home!") == [.spam])
        #expect(flagged("earn $500 a day") == [.spam])
        #expect(flagged("Huge crypto giveaway today") == [.spam])
        #expect(flagged("DM me for details") == [.spam])
        #expect(flagged("follow for follow") == [.spam])
        #expect(flagged("Verdiene 500€ am Tag von zuhause") == [.spam])
        #expect(flagged("Krypto Gewinnspiel!!") == [.spam])
        #expect(severity("Where do I click here to cancel?", .spam) == .borderline)
    }

    @Test func oneHitPerCategorySortedBySeverity() {
        let hits = Moderator.builtin.assess("fuck you, I will kill you, idiot")
        #expect(hits.map(\.category) == [.threat, .insult, .profanity])
        #expect(hits.map(\.severity) == [.severe, .clear, .clear])
        #expect(Set(hits.map(\.category)).count == hits.count)
    }

    @Test func termIsTheListEntryNotTheCustomersText() {
        let hits = Moderator.builtin.assess("y0u 1d10t")
        #expect(hits == [ModerationHit(category: .insult, severity: .clear, term: "idiot|idiots|*idiot|*idiots")])
        let suffix = Moderator.builtin.assess("Riesenarschloch")
        #expect(suffix.first?.term.contains("*arschloch") == true)
    }
}

@Suite struct ObfuscationTests {
    @Test(arguments: [
        "i.d.i.o.t", "1d10t", "idiooot", "idioot", "I D I O T", "i-d-i-o-t", "IDIOT", "ídíót", "ＩＤＩＯＴ",
        "id\u{200B}iot", "you are an i.d.i.o.t.", "Voll-Idiot",
    ])
    func insultsSurviveObfuscation(_ text: String) {
        #expect(flagged(text) == [.insult], "\(text)")
    }

    @Test(arguments: ["F*U*C*K", "f*ck", "f**k this", "fuuuuck", "fuuck", "sh1t", "$hit", "5h!t", "f u c k", "FUCKING", "ṡhit"])
    func profanitySurvivesObfuscation(_ text: String) {
        #expect(flagged(text) == [.profanity], "\(text)")
    }

    @Test func insultsWithSymbols() {
        #expect(flagged("a$$hole") == [.insult])
        #expect(flagged("b!tch") == [.insult])
        #expect(flagged("Sch31ße") == [.profanity])
    }

    @Test func normalisationDoesNotGlueWordsTogether() {
        // Two one-letter words are not joined; neither are words across spaces.
        #expect(flagged("as s").isEmpty)
        #expect(flagged("I D card").isEmpty)
        #expect(flagged("the ass essment").isEmpty)
        #expect(flagged("sh it happens in the it department").isEmpty)
    }
}

@Suite struct ScunthorpeTests {
    @Test(arguments: [
        "I live in Scunthorpe", "The assessment is due on Friday", "We met at a cocktail bar", "My therapist said so",
        "I love Charles Dickens", "Die Analyse ist fertig", "Die Schwanzflosse des Wals ist blau", "Ich war bei der Sparkasse",
        "Shiitake pizza, please", "Passport and classic glasses", "Bitte prüfen Sie die Rechnung", "Ich habe einen Termin in Essen",
        "Mein Galaxy A55 ist kaputt", "Der Brief ist sehr dick", "Cockpit and hancock", "The grape harvest", "Title: Sussex",
        "Das Arsenal hat gewonnen", "Ich habe eine Frage zur Spastik-Therapie meines Sohnes", "Matsushita", "Penistone Road",
    ])
    func ordinaryWordsAreNotFlagged(_ text: String) {
        #expect(flagged(text).isEmpty, "\(text): \(Moderator.builtin.assess(text))")
    }

    @Test(arguments: [
        "this is ridiculous, I was charged twice", "Das ist eine Frechheit, ich will mein Geld zurück",
        "my password is damn hard to remember", "What the hell happened to my order?", "I'm so pissed off right now",
        "Verdammt, schon wieder keine Antwort", "Das ist doch Mist", "the app is crap",
    ])
    func ordinaryComplaintsAreAtMostBorderline(_ text: String) {
        #expect(flagged(text).isEmpty, "\(text): \(Moderator.builtin.assess(text))")
    }
}

@Suite struct LinkSpamTests {
    @Test func oneUnknownLinkIsBorderline() {
        let hits = Moderator.builtin.assess("see www.cheap-stuff.ru/offer")
        #expect(hits == [ModerationHit(category: .spam, severity: .borderline, term: "unknown link")])
        #expect(severity("check deals.xyz/abc", .spam) == .borderline)
        #expect(severity("https://example.org", .spam) == .borderline)
    }

    @Test func allowedDomainsAndTheirSubdomainsAreFine() {
        #expect(Moderator.builtin.assess("see www.cheap-stuff.ru/offer", allowedDomains: ["cheap-stuff.ru"]).isEmpty)
        #expect(Moderator.builtin.assess("see https://help.example.com/faq", allowedDomains: ["example.com"]).isEmpty)
        #expect(Moderator.builtin.assess("see example.com/help", allowedDomains: ["https://www.example.com/"]).isEmpty)
        #expect(severity("see badexample.com", .spam, allowedDomains: ["example.com"]) == .borderline)
    }

    @Test func shortenersSeveralLinksAndSpamPhrasesAreClear() {
        #expect(Moderator.builtin.assess("https://bit.ly/3xYz") == [ModerationHit(category: .spam, severity: .clear, term: "link shortener")])
        #expect(Moderator.builtin.assess("shop1.ru/x and deals.xyz/y") == [ModerationHit(category: .spam, severity: .clear, term: "several unknown links")])
        #expect(Moderator.builtin.assess("click here: www.deals.com") == [ModerationHit(category: .spam, severity: .clear, term: "unknown link with spam phrase")])
        #expect(Moderator.builtin.assess("https://bit.ly/3xYz", allowedDomains: ["bit.ly"]).isEmpty)
    }

    @Test(arguments: [
        "e.g. this one", "z.B. das hier", "I logged in.It failed", "version 2.0.1", "the file invoice.pdf", "it costs 9.99",
        "ASP.NET error", "Mail me at max@example.com", "Node.js is slow", "usw. und bzw. etc.", "Nr.12345",
    ])
    func notLinks(_ text: String) {
        #expect(severity(text, .spam) == nil, "\(text)")
    }
}

@Suite struct FloodTests {
    let start = Date(timeIntervalSince1970: 1_764_400_000)

    @Test func theSameLongMessageAThirdTimeIsSpam() {
        var history = SpamHistory()
        let promotion = "Buy cheap followers now, write me a message"
        #expect(Moderator.floodCheck(text: promotion, at: start, history: &history) == nil)
        #expect(Moderator.floodCheck(text: promotion.lowercased(), at: start + 60, history: &history) == nil)
        #expect(Moderator.floodCheck(text: promotion.uppercased() + "!!!", at: start + 120, history: &history)
            == ModerationHit(category: .spam, severity: .clear, term: "repeated message"))
    }

    @Test func aShortQuestionAskedAgainIsNotSpam() {
        var history = SpamHistory()
        for (i, text) in ["Where is my parcel?", "where is my parcel", "WHERE IS MY PARCEL???", "where is my parcel"].enumerated() {
            #expect(Moderator.floodCheck(text: text, at: start + Double(i) * 30, history: &history) == nil)
        }
    }

    @Test func repeatsFarApartAreFine() {
        var history = SpamHistory()
        let promotion = "Buy cheap followers now, write me a message"
        #expect(Moderator.floodCheck(text: promotion, at: start, history: &history) == nil)
        #expect(Moderator.floodCheck(text: promotion, at: start + 300, history: &history) == nil)
        #expect(Moderator.floodCheck(text: promotion, at: start + 1000, history: &history) == nil)  // both earlier ones are over 10 min old
    }

    @Test func twelveMessagesInAMinuteIsFlooding() {
        var history = SpamHistory()
        for i in 0..<11 {
            #expect(Moderator.floodCheck(text: "message \(i)", at: start + Double(i) * 4, history: &history) == nil)
        }
        #expect(Moderator.floodCheck(text: "message 11", at: start + 50, history: &history)
            == ModerationHit(category: .spam, severity: .clear, term: "flooding"))
        // A calm pace never floods.
        var calm = SpamHistory()
        for i in 0..<20 {
            #expect(Moderator.floodCheck(text: "question \(i)", at: start + Double(i) * 20, history: &calm) == nil)
        }
        #expect(calm.messages.count == SpamHistory.capacity)
    }

    @Test func historyIsCodableWithoutText() throws {
        var history = SpamHistory()
        _ = Moderator.floodCheck(text: "my secret order 4711", at: Date(timeIntervalSince1970: 1_764_400_000.25), history: &history)
        _ = Moderator.floodCheck(text: "hi", at: Date(timeIntervalSince1970: 1_764_400_010.5), history: &history)
        let data = try JSONEncoder().encode(history)
        let json = String(decoding: data, as: UTF8.self)
        #expect(!json.contains("secret") && !json.contains("4711"))
        #expect(json.contains("\"messages\"") && json.contains("\"digest\""))
        let decoded = try JSONDecoder().decode(SpamHistory.self, from: data)
        #expect(decoded == history)
        // The hand-written snapshot reads back the same.
        let snapshot = JSONValue.object(JSONObject(sorted: history.snapshot)).serialized
        let fromSnapshot = try JSONDecoder().decode(SpamHistory.self, from: Data(snapshot.utf8))
        #expect(fromSnapshot == history)
    }
}
