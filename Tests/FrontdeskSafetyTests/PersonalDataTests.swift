import Foundation
import Testing

@testable import FrontdeskSafety

func masked(_ text: String) -> String { PersonalData.mask(text).text }

@Suite struct PersonalDataTests {
    @Test func emails() {
        let result = PersonalData.mask("Write to max.mustermann@example.com, please")
        #expect(result.text == "Write to [email], please")
        #expect(result.found == [.email])
        #expect(masked("(jürgen+news@mail.beispiel.de)") == "([email])")
        #expect(masked("at the end: a_b@x-y.io.") == "at the end: [email].")
        #expect(masked("twitter @frontdesk and me@home") == "twitter @frontdesk and me@home")
    }

    @Test(arguments: [
        ("+49 30 1234567", "[phone]"),
        ("Call 0049 30 1234567.", "Call [phone]."),
        ("Tel.: 030 1234567", "Tel.: [phone]"),
        ("030/1234567", "[phone]"),
        ("mobil 0151-12345678 bitte", "mobil [phone] bitte"),
        ("(555) 123-4567", "[phone]"),
        ("555-123-4567", "[phone]"),
        ("+1 (555) 123-4567", "[phone]"),
        ("+49 (0)30 1234567", "[phone]"),
        ("(030) 1234567", "[phone]"),
        ("0176 1234 5678", "[phone]"),
        ("ruf an: 030 1234567 2 mal", "ruf an: [phone] 2 mal"),
    ])
    func phones(_ input: String, _ expected: String) {
        let result = PersonalData.mask(input)
        #expect(result.text == expected)
        #expect(result.found == [.phone])
    }

    @Test func ibans() {
        #expect(PersonalData.mask("IBAN: DE89 3704 0044 0532 0130 00").text == "IBAN: [iban]")
        #expect(PersonalData.mask("DE89370400440532013000").found == [.iban])
        #expect(masked("gb82 west 1234 5698 7654 32 is mine") == "[iban] is mine")
        #expect(masked("AT61 1904 3002 3457 3201") == "[iban]")
        // A wrong check digit: not an IBAN, and no part of it is taken for a card or phone.
        #expect(PersonalData.mask("IBAN: DE89 3704 0044 0532 0130 01").found == [])
        #expect(masked("IBAN: DE89 3704 0044 0532 0130 01") == "IBAN: DE89 3704 0044 0532 0130 01")
        #expect(masked("DE12 is not an IBAN") == "DE12 is not an IBAN")
    }

    @Test func cardsAreLuhnChecked() {
        #expect(PersonalData.mask("card 4111 1111 1111 1111 exp 12/27").text == "card [card] exp 12/27")
        #expect(masked("4111-1111-1111-1111") == "[card]")
        #expect(masked("4111111111111111") == "[card]")
        #expect(masked("5500 0000 0000 0004") == "[card]")
        #expect(masked("Amex 3782 822463 10005") == "Amex [card]")
        // Fails the Luhn check: left alone, whole (not a phone either: no 0 or + in front).
        #expect(PersonalData.mask("4111 1111 1111 1112").found == [])
        #expect(masked("tracking 4111111111111112") == "tracking 4111111111111112")
        // A valid card followed by a quantity keeps the quantity.
        #expect(masked("4111 1111 1111 1111 2 Stück") == "[card] 2 Stück")
    }

    @Test func ipAddresses() {
        #expect(PersonalData.mask("my IP is 192.168.0.1, is that ok?").text == "my IP is [ip_address], is that ok?")
        #expect(PersonalData.mask("10.0.0.254").found == [.ipAddress])
        #expect(masked("999.1.1.1") == "999.1.1.1")
        #expect(masked("1.2.3.4.5") == "1.2.3.4.5")
    }

    @Test(arguments: [
        "am 29.11.2026 um 14:30", "Lieferung am 01.02.2026", "Bestellung #12345", "kostet €49.99", "costs $1,299.00",
        "Bestellnummer 12345678", "Version 1.2.3", "PLZ 01067 Dresden", "I have 2 cats", "um 08:30 Uhr", "Zimmer 0815",
        "ISBN 978-3-16-148410-0", "year 2026", "30%", "3 x 4 = 12", "",
    ])
    func ordinaryNumbersStay(_ text: String) {
        let result = PersonalData.mask(text)
        #expect(result.text == text)
        #expect(result.found.isEmpty)
    }

    @Test func severalKindsInOrderOfFirstOccurrence() {
        let result = PersonalData.mask("Mail a@b.de or call 030 1234567, or c@d.de; card 4111 1111 1111 1111")
        #expect(result.text == "Mail [email] or call [phone], or [email]; card [card]")
        #expect(result.found == [.email, .phone, .card])
    }

    @Test func neverCrashesOnAnyText() {
        let pieces: [String] = [
            "@", "+", "(", ")", "0", "1", "4", "9", " ", "-", ".", "/", "a", "Z", "é", "ß", "😀", "👨‍👩‍👧", "\u{301}", "\u{0}",
            "\u{200B}", "\u{202E}", "中", "ع", "\u{00A0}", "de", "DE89", "@b.c", "x@", "12", "\n",
        ]
        var seed: UInt64 = 42
        func next() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33)
        }
        for _ in 0..<3000 {
            var text = ""
            for _ in 0...(next() % 40) { text += pieces[next() % pieces.count] }
            let result = PersonalData.mask(text)
            if result.found.isEmpty { #expect(result.text == text) }
        }
    }
}
