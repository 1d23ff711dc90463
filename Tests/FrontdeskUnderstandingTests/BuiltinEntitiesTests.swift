import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskUnderstanding

/// Fixed clocks and helpers shared by the built-in entity tests.
private enum Clock {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = berlin
        return calendar
    }()

    static func date(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Date {
        calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    /// Wednesday 2026-12-30 10:00 in Berlin: one day before the end of the year.
    static let december30 = date(2026, 12, 30, 10)
    /// Friday 2026-02-27 10:00 in Berlin: the end of a short, non-leap February.
    static let february27 = date(2026, 2, 27, 10)
    /// Saturday 2026-03-28 12:00 in Berlin: summer time starts the next night.
    static let beforeSummerTime = date(2026, 3, 28, 12)
}

private func extract(_ text: String, _ language: LanguageCode = .english, now: Date = Clock.december30) -> [Entity] {
    BuiltinEntities.extract(text, language: language, now: now, timeZone: Clock.berlin)
}

private func values(_ text: String, _ language: LanguageCode = .english, now: Date = Clock.december30) -> [EntityValue] {
    extract(text, language, now: now).map(\.value)
}

private func day(_ year: Int, _ month: Int, _ day: Int) -> EntityValue {
    .datetime(Clock.date(year, month, day), granularity: .day)
}

private func minute(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> EntityValue {
    .datetime(Clock.date(year, month, day, hour, minute), granularity: .minute)
}

@Suite struct BuiltinEntitiesNumberTests {
    @Test func digitsInEnglish() {
        #expect(values("I need 42 items") == [.number(42)])
        #expect(values("about 3.5 hours of work") == [.number(3.5)])
        #expect(values("1,000 or 1,000,000.25") == [.number(1000), .number(1_000_000.25)])
        #expect(values("it is -5 outside, 10-20 people") == [.number(-5), .number(10), .number(20)])
        #expect(values("in 2 million years") == [.number(2_000_000)])
    }

    @Test func digitsInGerman() {
        #expect(values("1.000 Stück", .german) == [.number(1000)])
        #expect(values("3,5 Kilo", .german) == [.number(3.5)])
        #expect(values("1.234,56 und 7", .german) == [.number(1234.56), .number(7)])
        // A single separator that cannot be a thousands separator is a decimal point either way.
        #expect(values("3.5", .german) == [.number(3.5)])
        #expect(values("3,5") == [.number(3.5)])
    }

    @Test func wordsInEnglish() {
        #expect(values("twenty-one") == [.number(21)])
        #expect(values("one hundred and five") == [.number(105)])
        #expect(values("two thousand") == [.number(2000)])
        #expect(values("three million four hundred thousand and twelve") == [.number(3_400_012)])
        #expect(values("a dozen eggs") == [.number(12)])
        #expect(values("one two") == [.number(1), .number(2)])
    }

    @Test func wordsInGerman() {
        #expect(values("einundzwanzig", .german) == [.number(21)])
        #expect(values("Zweiundvierzig", .german) == [.number(42)])
        #expect(values("hundertfünf", .german) == [.number(105)])
        #expect(values("zweitausend", .german) == [.number(2000)])
        #expect(values("dreihundertachtzig", .german) == [.number(380)])
        #expect(values("eins", .german) == [.number(1)])
        #expect(values("fuenfundfuenfzig", .german) == [.number(55)])
        #expect(values("zwei Millionen", .german) == [.number(2_000_000)])
        #expect(values("fünfzehnhundert", .german) == [.number(1500)])
        #expect(values("dreiundzwanzigtausendvierhundertsechsundfünfzig", .german) == [.number(23456)])
    }

    @Test func articlesAndOrdinarySentencesAreNoNumbers() {
        #expect(extract("I have a question").isEmpty)
        #expect(extract("an apple a day").isEmpty)
        #expect(extract("ich habe ein Problem", .german).isEmpty)
        #expect(extract("Eine Frage zu einer Rechnung, bitte", .german).isEmpty)
        #expect(extract("Achtung: das Elfenbein", .german).isEmpty)
    }

    @Test func odditiesDoNotCrash() {
        #expect(extract("").isEmpty)
        #expect(values("99999999999999999999") == [.number(1e20)])
        #expect(values(String(repeating: "9", count: 5000)).count <= 1)
        #expect(values("version 1.2.3 of A123") == [])
        #expect(values("👍🏽 🇩🇪 e\u{301}") == [])
        #expect(values("3rd") == [])
        #expect(values("-0 and .5 and -.25") == [.number(0), .number(0.5), .number(-0.25)])
        #expect(values("tracking 1Z999AA10123456784") == [])  // a code, not the number 1
    }
}

@Suite struct BuiltinEntitiesMoneyTests {
    @Test func symbolsCodesAndWordsBeforeOrAfter() {
        #expect(values("€12.50") == [.money(amount: 12.5, currency: "EUR")])
        #expect(values("12,50 €", .german) == [.money(amount: 12.5, currency: "EUR")])
        #expect(values("12.50 EUR") == [.money(amount: 12.5, currency: "EUR")])
        #expect(values("$5") == [.money(amount: 5, currency: "USD")])
        #expect(values("5 dollars") == [.money(amount: 5, currency: "USD")])
        #expect(values("£3") == [.money(amount: 3, currency: "GBP")])
        #expect(values("CHF 20") == [.money(amount: 20, currency: "CHF")])
        #expect(values("20 Franken", .german) == [.money(amount: 20, currency: "CHF")])
        #expect(values("zwölf Euro", .german) == [.money(amount: 12, currency: "EUR")])
        #expect(values("ten euros") == [.money(amount: 10, currency: "EUR")])
        #expect(values("49,99€", .german) == [.money(amount: 49.99, currency: "EUR")])
        #expect(values("49,99€") == [.money(amount: 49.99, currency: "EUR")])
        #expect(values("1.299,00 €", .german) == [.money(amount: 1299, currency: "EUR")])
        #expect(values("$1,299.99") == [.money(amount: 1299.99, currency: "USD")])
        #expect(values("12,- €", .german) == [.money(amount: 12, currency: "EUR")])
        #expect(values("5 US-Dollar", .german) == [.money(amount: 5, currency: "USD")])
        #expect(values("eine Million Euro", .german) == [.money(amount: 1_000_000, currency: "EUR")])
    }

    @Test func threeDecimalsInPrices() {
        // Three zero decimals are thousands in any convention; others follow the language.
        #expect(values("I paid 1.000 €") == [.money(amount: 1000, currency: "EUR")])
        #expect(values("Diesel kostet 1,759 €", .german) == [.money(amount: 1.759, currency: "EUR")])
        #expect(values("1.000 Stück", .german) == [.number(1000)])
    }

    @Test func moneyWinsOverTheNumberInsideIt() {
        let entities = extract("It costs €12.50 for 3 items")
        #expect(entities.map(\.name) == [.money, .number])
        #expect(entities[0].text == "€12.50")
        #expect(entities[0].span == 9..<15)
        #expect(entities[0].extractor == "builtin.money")
        #expect(entities[1].value == .number(3))
    }

    @Test func aCurrencyBetweenTwoAmountsBelongsToTheFirst() {
        #expect(values("5 EUR 10 USD") == [.money(amount: 5, currency: "EUR"), .money(amount: 10, currency: "USD")])
    }
}

@Suite struct BuiltinEntitiesDateTests {
    @Test func relativeDaysInEnglishAcrossTheYearEnd() {
        #expect(values("today") == [day(2026, 12, 30)])
        #expect(values("tomorrow") == [day(2026, 12, 31)])
        #expect(values("yesterday") == [day(2026, 12, 29)])
        let entities = extract("maybe the day after tomorrow?")
        #expect(entities.map(\.value) == [day(2027, 1, 1)])
        #expect(entities.first?.text == "the day after tomorrow")
        #expect(entities.first?.span == 6..<28)
        #expect(values("in 3 days") == [day(2027, 1, 2)])
        #expect(values("in two weeks") == [day(2027, 1, 13)])
        #expect(values("in a month") == [day(2027, 1, 30)])
        #expect(values("3 days ago") == [day(2026, 12, 27)])
        #expect(values("two weeks ago") == [day(2026, 12, 16)])
        #expect(values("vor zwei Wochen", .german) == [day(2026, 12, 16)])
        #expect(values("next month") == [day(2027, 1, 1)])
    }

    @Test func relativeDaysAcrossTheMonthEnd() {
        let now = Clock.february27
        #expect(values("in 3 days", now: now) == [day(2026, 3, 2)])
        #expect(values("tomorrow", now: now) == [day(2026, 2, 28)])
        #expect(values("übermorgen", .german, now: now) == [day(2026, 3, 1)])
        #expect(values("next week", now: now) == [day(2026, 3, 2)])
        #expect(values("February 29", now: now) == [day(2028, 2, 29)])
        #expect(values("February 30", now: now) == [.number(30)])
    }

    @Test func weekdays() {
        // Wednesday, December 30th.
        #expect(values("next Friday") == [day(2027, 1, 1)])
        #expect(values("on Monday") == [day(2027, 1, 4)])
        #expect(values("Wednesday") == [day(2027, 1, 6)])  // strictly after today
        #expect(values("this Wednesday") == [day(2026, 12, 30)])
        #expect(values("last Friday") == [day(2026, 12, 25)])
        #expect(values("next week") == [day(2027, 1, 4)])
        #expect(values("Friday, March 6") == [day(2027, 3, 6)])
    }

    @Test func calendarDatesInEnglish() {
        #expect(values("March 3") == [day(2027, 3, 3)])  // asked in December: next year
        #expect(values("3 March") == [day(2027, 3, 3)])
        #expect(values("December 30") == [day(2026, 12, 30)])  // today counts
        let entities = extract("on the 3rd of March 2027, please")
        #expect(entities.map(\.value) == [day(2027, 3, 3)])
        #expect(entities.first?.text == "on the 3rd of March 2027")
        #expect(values("March 3rd, 2027") == [day(2027, 3, 3)])
        #expect(values("2026-03-03") == [day(2026, 3, 3)])
        #expect(values("03/04/2026") == [day(2026, 3, 4)])  // month first in English
        #expect(values("03/04/2026", .german) == [day(2026, 4, 3)])
        #expect(values("by May 3rd") == [day(2027, 5, 3)])
        #expect(values("I may 3 times ask") == [.number(3)])  // the verb, not the month
        #expect(values("on the 31st of February") == [])
    }

    @Test func timesInEnglish() {
        #expect(values("at 3pm") == [minute(2026, 12, 30, 15, 0)])
        #expect(values("3:30 pm") == [minute(2026, 12, 30, 15, 30)])
        #expect(values("15:00") == [minute(2026, 12, 30, 15, 0)])
        #expect(values("12 a.m.") == [minute(2026, 12, 30, 0, 0)])
        let entities = extract("next Friday at 3pm works")
        #expect(entities.map(\.value) == [minute(2027, 1, 1, 15, 0)])
        #expect(entities.first?.text == "next Friday at 3pm")
        #expect(values("tomorrow at 9") == [minute(2026, 12, 31, 9, 0)])
        #expect(values("at 3pm on Friday") == [minute(2027, 1, 1, 15, 0)])
        #expect(values("in 2 hours") == [.datetime(Clock.december30.addingTimeInterval(7200), granularity: .minute)])
        #expect(values("at 5 dollars") == [.money(amount: 5, currency: "USD")])
        #expect(values("at 5 people") == [.number(5)])
        #expect(values("10:30-11:30") == [minute(2026, 12, 30, 10, 30), minute(2026, 12, 30, 11, 30)])
        #expect(values("in 30 minutes") == [.datetime(Clock.december30.addingTimeInterval(1800), granularity: .minute)])
    }

    @Test func germanDates() {
        #expect(values("heute", .german) == [day(2026, 12, 30)])
        #expect(values("morgen", .german) == [day(2026, 12, 31)])
        #expect(values("uebermorgen", .german) == [day(2027, 1, 1)])
        #expect(values("gestern", .german) == [day(2026, 12, 29)])
        #expect(values("in zwei Tagen", .german) == [day(2027, 1, 1)])
        #expect(values("in 3 Wochen", .german) == [day(2027, 1, 20)])
        #expect(values("in einer Woche", .german) == [day(2027, 1, 6)])
        #expect(values("nächsten Freitag", .german) == [day(2027, 1, 1)])
        #expect(values("naechsten Freitag", .german) == [day(2027, 1, 1)])
        #expect(values("am Montag", .german) == [day(2027, 1, 4)])
        #expect(values("nächste Woche", .german) == [day(2027, 1, 4)])
        let entities = extract("Geht es am 3. März?", .german)
        #expect(entities.map(\.value) == [day(2027, 3, 3)])
        #expect(entities.first?.text == "am 3. März")
        #expect(values("3. März 2027", .german) == [day(2027, 3, 3)])
        #expect(values("03.03.2026", .german) == [day(2026, 3, 3)])
        #expect(values("bis zum 6.1.", .german) == [day(2027, 1, 6)])
        #expect(values("Freitag, den 6. März", .german) == [day(2027, 3, 6)])
        #expect(values("Mein Geburtstag ist der 29.02.", .german) == [day(2028, 2, 29)])
    }

    @Test func germanTimes() {
        #expect(values("um 15 Uhr", .german) == [minute(2026, 12, 30, 15, 0)])
        #expect(values("um 15:30", .german) == [minute(2026, 12, 30, 15, 30)])
        #expect(values("morgen um 9 Uhr", .german) == [minute(2026, 12, 31, 9, 0)])
        #expect(values("um 15 Uhr am Freitag", .german) == [minute(2027, 1, 1, 15, 0)])
        #expect(values("um 10 Prozent", .german) == [.number(10)])
        // "Morgen" as the morning, not tomorrow.
        #expect(extract("Guten Morgen!", .german).isEmpty)
        #expect(values("am 3. März am Morgen", .german) == [day(2027, 3, 3)])
    }

    @Test func daylightSavingChange() {
        // Summer time starts in Berlin on 2026-03-29 at 02:00: the day has 23 hours.
        let now = Clock.beforeSummerTime
        #expect(values("tomorrow", now: now) == [day(2026, 3, 29)])
        #expect(values("in 2 days", now: now) == [day(2026, 3, 30)])
        #expect(values("tomorrow at 15:00", now: now) == [minute(2026, 3, 29, 15, 0)])
    }

    @Test func datesWinOverTheirNumbers() {
        let entities = extract("Please deliver on March 3 2027 or 5 days later")
        #expect(entities.map(\.name) == [.datetime, .number])
        #expect(entities.map(\.text) == ["on March 3 2027", "5"])
    }
}

@Suite struct BuiltinEntitiesContactTests {
    @Test func emails() {
        let entities = extract("Write to John.Doe@Example.com.")
        #expect(entities.map(\.value) == [.text("john.doe@example.com")])
        #expect(entities.first?.text == "John.Doe@Example.com")
        #expect(entities.first?.extractor == "builtin.email")
        #expect(values("schreib an info+test@firma-x.de bitte", .german) == [.text("info+test@firma-x.de")])
        #expect(values("foo@bar and @handle") == [])
    }

    @Test func urls() {
        #expect(values("see https://example.com/help?x=1.") == [.text("https://example.com/help?x=1")])
        #expect(values("(www.example.com/path)") == [.text("www.example.com/path")])
        #expect(values("go to example.com/x, then") == [.text("example.com/x")])
        #expect(values("https://en.wikipedia.org/wiki/Foo_(bar)") == [.text("https://en.wikipedia.org/wiki/Foo_(bar)")])
        #expect(values("example.com alone") == [])
    }

    @Test func urlWinsOverTheEmailInsideIt() {
        let entities = extract("https://example.com/contact?mail=info@example.com")
        #expect(entities.map(\.name) == [.url])
        #expect(extract("info@example.com").map(\.name) == [.email])
        #expect(extract("info@www.example.com").map(\.name) == [.email])
    }

    @Test func phones() {
        #expect(values("+49 30 1234567") == [.phone("+49301234567")])
        #expect(values("+1 (555) 123-4567") == [.phone("+15551234567")])
        #expect(values("Ruf an: 030 1234567", .german) == [.phone("0301234567")])
        #expect(values("0170/1234567") == [.phone("01701234567")])
        #expect(values("(555) 123-4567") == [.phone("5551234567")])
        #expect(values("+49 (0)30 1234567") == [.phone("+49301234567")])
        #expect(values("555-123-4567") == [.phone("5551234567")])
        #expect(values("555.123.4567 or 555 123 4567") == [.phone("5551234567"), .phone("5551234567")])
        #expect(values("Tel: 030 1234567, Fax: 030 1234568") == [.phone("0301234567"), .phone("0301234568")])
    }

    @Test func plainNumbersAreNoPhones() {
        #expect(values("order 12345") == [.number(12345)])
        #expect(values("order 1234567890") == [.number(1_234_567_890)])
        #expect(values("since 2026") == [.number(2026)])
        #expect(values("scores 0 5 10") == [.number(0), .number(5), .number(10)])
        #expect(values("my IP is 192.168.0.1") == [])
    }

    @Test func spansAreUnicodeScalarOffsets() {
        let text = "👨‍👩‍👧 Café: call +49 30 1234567 or mail a@b.de"
        let entities = extract(text)
        #expect(entities.map(\.name) == [.phone, .email])
        let scalars = Array(text.unicodeScalars)
        for entity in entities {
            #expect(String(String.UnicodeScalarView(scalars[entity.span])) == entity.text)
        }
        #expect(entities.first?.span == 17..<31)
    }
}

@Suite struct BuiltinEntitiesMixedTests {
    @Test func aGermanSentenceWithEverything() {
        let text = "Hallo, Bestellung 12345 kostete 49,99 € am 03.03.2026; ruf +49 30 1234567 an oder siehe www.shop.de/faq, morgen um 9."
        let entities = extract(text, .german)
        #expect(entities.map(\.text) == ["12345", "49,99 €", "am 03.03.2026", "+49 30 1234567", "www.shop.de/faq", "morgen um 9"])
        #expect(entities.map(\.value) == [
            .number(12345), .money(amount: 49.99, currency: "EUR"), day(2026, 3, 3), .phone("+49301234567"),
            .text("www.shop.de/faq"), minute(2026, 12, 31, 9, 0),
        ])
        #expect(entities.map(\.extractor) == [
            "builtin.number", "builtin.money", "builtin.datetime", "builtin.phone", "builtin.url", "builtin.datetime",
        ])
    }

    @Test func anEnglishSentenceWithEverything() {
        let text = "I paid $20 twice, see https://shop.example/orders/77 or write to help@shop.example by Friday 10:30."
        #expect(extract(text).map(\.text) == ["$20", "https://shop.example/orders/77", "help@shop.example", "Friday 10:30"])
        #expect(extract(text).last?.value == minute(2027, 1, 1, 10, 30))
    }

    // Speed is measured by `frontdesk bench`, not here; this checks that long messages are read whole.
    @Test func longMessagesAreReadWhole() {
        let sentence = "Hello, I ordered 3 items for €49.99 on March 3 and want a refund by next Friday at 3pm; mail me at jane@example.com or call +49 30 1234567. "
        let text = String(repeating: sentence, count: 15)
        #expect(text.count >= 2000)
        let entities = extract(text)
        #expect(entities.count == 15 * 6)
        #expect(entities.last?.text == "+49 30 1234567")
    }
}
