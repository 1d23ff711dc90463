import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

@Suite struct NormalizerTests {
    @Test func foldsCaseUmlautsAndSharpS() {
        #expect(Normalizer.fold("Rückerstattung") == "rueckerstattung")
        #expect(Normalizer.fold("RÜCKERSTATTUNG") == "rueckerstattung")
        #expect(Normalizer.fold("Straße") == "strasse")
        #expect(Normalizer.fold("GRÖSSE") == "groesse")
        #expect(Normalizer.fold("Ärger über Öl") == "aerger ueber oel")
    }

    @Test func removesOtherDiacritics() {
        #expect(Normalizer.fold("Café crème, naïve") == "cafe creme, naive")
        #expect(Normalizer.fold("Ångström") == "angstroem")
    }

    @Test func appliesCompatibilityNormalisation() {
        #expect(Normalizer.fold("ﬁle") == "file")  // ligature
        #expect(Normalizer.fold("ＶＰＮ") == "vpn")  // full-width letters
        #expect(Normalizer.fold("e\u{301}") == "e")  // combining accent
        #expect(Normalizer.fold("don’t") == "don't")  // typographic apostrophe
    }

    @Test func tokenisesOnNonWordCharacters() {
        #expect(Normalizer.tokens("hello, world! vpn-app") == ["hello", "world", "vpn", "app"])
        #expect(Normalizer.tokens("don't can't") == ["dont", "cant"])
        #expect(Normalizer.tokens("order #12345 costs 9.99") == ["order", "12345", "costs", "9", "99"])
        #expect(Normalizer.tokens("  'quoted'  ") == ["quoted"])
        #expect(Normalizer.tokens("") == [])
        // ASCII text takes a path of its own, on bytes: the same tokens as the scalar path.
        let ascii = Normalizer.tokens("it's x' 'y Ab9 a''b tail'")
        #expect(ascii == ["its", "x", "y", "Ab9", "a", "b", "tail"])
        let unicode = Normalizer.tokens("it's x' 'y Ab9 a''b tail' é")
        #expect(unicode == ascii + ["é"])
    }
}

@Suite struct StemmerTests {
    @Test func stemsEnglish() {
        let stemmer = Stemmer(language: .english)
        #expect(stemmer.algorithm == "english")
        #expect(stemmer.stem("running") == "run")
        #expect(stemmer.stem("refunds") == "refund")
        #expect(stemmer.stem("refunded") == "refund")
        #expect(stemmer.stem("subscriptions") == stemmer.stem("subscription"))
        #expect(stemmer.stem("cancellation") == "cancel")
    }

    @Test func stemsGermanAfterFolding() {
        let analyzer = Analyzer(language: .german)
        #expect(analyzer.stemmer.algorithm == "german")
        // Inflected forms share a stem, with and without umlauts typed.
        #expect(analyzer.analyze("Kündigung").stems == analyzer.analyze("Kuendigungen").stems)
        #expect(analyzer.analyze("Rückerstattungen").stems == analyzer.analyze("rueckerstattung").stems)
        #expect(analyzer.analyze("Rechnungen").stems == ["rechnung"])
        #expect(analyzer.analyze("kündigen").stems == analyzer.analyze("Kündige").stems)
        #expect(analyzer.analyze("Verlängerungen").stems == analyzer.analyze("verlaengerung").stems)
    }

    @Test func languagesWithoutAStemmerKeepWords() {
        let stemmer = Stemmer(language: "xx")
        #expect(stemmer.algorithm == nil)
        #expect(stemmer.stem("running") == "running")
    }
}
