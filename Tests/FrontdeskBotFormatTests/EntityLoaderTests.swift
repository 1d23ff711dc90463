import Foundation
import FrontdeskCore
import Testing

@testable import FrontdeskBotFormat

@Suite struct AnnotationTests {
    @Test func parsesAnnotationsOutOfAnExample() throws {
        let parsed = try Annotation.parse("refund [KS-123456](order_number) for my [vpn app](product:Kestrel VPN) [[sic]")
        #expect(parsed.text == "refund KS-123456 for my vpn app [sic]")
        #expect(parsed.annotations == [
            Annotation(entity: "order_number", text: "KS-123456", value: nil, span: 7..<16),
            Annotation(entity: "product", text: "vpn app", value: "Kestrel VPN", span: 24..<31),
        ])
        let scalars = Array(parsed.text.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[24..<31])) == "vpn app")
    }

    @Test func leavesOrdinaryBracketsAlone() throws {
        #expect(try Annotation.parse("press [OK] twice").text == "press [OK] twice")
        #expect(throws: Annotation.SyntaxError.self) { try Annotation.parse("a [](product) b") }
        #expect(throws: Annotation.SyntaxError.self) { try Annotation.parse("a [x](bad name) b") }
    }
}

let entityFile = """
    version: 1
    entities:
      - name: order_number
        pattern: 'KS-\\d{6}'
      - name: product
        values:
          - Kestrel VPN
          - value: Kestrel Antivirus
            synonyms:
              en: [virus scanner]
              de: [Virenscanner]
          - value: Kestrel Total Security
            synonyms: [total security]
    intents:
      - name: broken_product
        examples:
          en:
            - my [vpn app](product:Kestrel VPN) is broken
            - the [password manager](product) crashes
        replies:
          en: [Sorry!]
    """

@Suite struct EntityLoaderTests {
    @Test func readsPatternsListsAndAnnotations() throws {
        let dir = try makeBot(["bot.yaml": settings + "\ntime_zone: Europe/Berlin\n", "greet.yaml": greetIntent, "entities.yaml": entityFile])
        let bot = try BotLoader.load(directory: dir).bot
        #expect(bot.timeZone.identifier == "Europe/Berlin")
        #expect(bot.entities.map(\.name) == ["order_number", "product"])
        guard case .pattern(let pattern) = bot.entities[0].kind else { Issue.record("expected a pattern"); return }
        #expect(pattern == "KS-\\d{6}")
        guard case .list(let values) = bot.entities[1].kind else { Issue.record("expected a list"); return }
        #expect(values.map(\.value) == ["Kestrel VPN", "Kestrel Antivirus", "Kestrel Total Security", "password manager"])
        // The annotated "vpn app" became an English synonym of Kestrel VPN.
        #expect(values[0].forms(in: "en") == ["Kestrel VPN", "vpn app"])
        #expect(values[0].forms(in: "de") == ["Kestrel VPN"])
        #expect(values[1].forms(in: "de") == ["Kestrel Antivirus", "Virenscanner"])
        #expect(values[2].forms(in: "de") == ["Kestrel Total Security", "total security"])
        let example = try #require(bot.intent(named: "broken_product")?.examples["en"]?.first)
        #expect(example.text == "my vpn app is broken")
        #expect(example.annotations == [Annotation(entity: "product", text: "vpn app", value: "Kestrel VPN", span: 3..<10)])
    }

    @Test func reportsBadEntities() throws {
        let bad = """
            version: 1
            entities:
              - name: number
                pattern: '\\d+'
              - name: code
                pattern: '([a-z'
              - name: both
                pattern: x
                values: [y]
              - name: neither
              - name: code
                values: [z]
            intents:
              - name: x
                examples:
                  en:
                    - see [this](nothing) here
                replies:
                  en: [ok]
            """
        let found = try problems(["bot.yaml": settings, "greet.yaml": greetIntent, "bad.yaml": bad]).map { $0.components(separatedBy: "\n")[0] }
        // The second 'code' is no duplicate: the first one was rejected for its pattern.
        #expect(found.count == 5)
        #expect(found[0] == "bot/bad.yaml:3:11: error: 'number' is a built-in entity (number, money, datetime, email, phone, url); choose another name")
        #expect(found[1].hasPrefix("bot/bad.yaml:6:14: error: invalid regular expression '([a-z' ("))
        #expect(found[2] == "bot/bad.yaml:7:11: error: entity 'both' has both 'pattern' and 'values'; give one")
        #expect(found[3] == "bot/bad.yaml:10:11: error: entity 'neither' needs a 'pattern' (a regular expression) or 'values' (a list)")
        #expect(found[4] == "bot/bad.yaml:17:15: error: unknown entity 'nothing' in annotation (known: code, number, money, datetime, email, phone, url)")
    }

    @Test func reportsAnUnknownTimeZone() throws {
        let found = try problems(["bot.yaml": settings + "\ntime_zone: Mars/Olympus\n", "greet.yaml": greetIntent])
        #expect(found.map { $0.components(separatedBy: "\n")[0] } == ["bot/bot.yaml:6:12: error: unknown time zone 'Mars/Olympus' (use an IANA name such as Europe/Berlin or UTC)"])
    }
}

@Suite struct EntityDuplicateTests {
    @Test func reportsADuplicateEntity() throws {
        let twice = "version: 1\nentities:\n  - name: code\n    pattern: 'A\\d+'\n  - name: code\n    values: [z]\n"
        let found = try problems(["bot.yaml": settings, "greet.yaml": greetIntent, "e.yaml": twice]).map { $0.components(separatedBy: "\n")[0] }
        #expect(found == ["bot/e.yaml:5:11: error: duplicate entity 'code' (first defined at bot/e.yaml:3:11)"])
    }
}

@Suite struct FormLoaderTests {
    let forms = """
        version: 1
        slots:
          - name: order_number
            type: text
            entity: order_numbr
          - name: count
            type: number
            min: 5
            max: 1
          - name: device
            type: choice
          - name: odd
            type: colour
        forms:
          - name: refund
            trigger: [greet, refundd]
            slots:
              - slot: order_number
                ask:
                  en: ["Order number for {ordr}?"]
              - slot: reason
                ask:
                  en: ["Why?"]
            done:
              en: ["Done: {order_number}."]
        """

    @Test func readsFormsAndSlots() throws {
        let good = forms.replacingOccurrences(of: "order_numbr", with: "number").replacingOccurrences(of: "[greet, refundd]", with: "[greet]")
            .replacingOccurrences(of: "{ordr}", with: "{order_number}").replacingOccurrences(of: "slot: reason", with: "slot: count")
            .replacingOccurrences(of: "    min: 5\n    max: 1\n", with: "    min: 1\n    max: 5\n")
            .replacingOccurrences(of: "  - name: device\n    type: choice\n", with: "").replacingOccurrences(of: "  - name: odd\n    type: colour\n", with: "")
        let dir = try makeBot(["bot.yaml": settings, "greet.yaml": greetIntent, "forms.yaml": good])
        let bot = try BotLoader.load(directory: dir).bot
        #expect(bot.slots.map(\.name) == ["order_number", "count"])
        #expect(bot.slots[1].minimum == 1)
        #expect(bot.slots[1].maximum == 5)
        #expect(bot.forms.map(\.name) == ["refund"])
        #expect(bot.forms[0].triggers == ["greet"])
        #expect(bot.forms[0].steps.map(\.slot) == ["order_number", "count"])
        #expect(bot.forms[0].maxAttempts == 3)
        #expect(bot.forms[0].event == nil)
    }

    @Test func reportsUnknownNamesAndBadSlots() throws {
        let found = try problems(["bot.yaml": settings, "greet.yaml": greetIntent, "forms.yaml": forms]).map { $0.components(separatedBy: "\n")[0] }
        #expect(found == [
            "bot/forms.yaml:5:13: error: unknown entity 'order_numbr'",
            "bot/forms.yaml:8:10: error: 'min' is larger than 'max'",
            "bot/forms.yaml:10:11: error: slot 'device' of type choice needs 'values' (the allowed answers) or an 'entity'",
            "bot/forms.yaml:13:11: error: unknown slot type 'colour' (expected text, number, datetime, boolean, choice, list)",
            "bot/forms.yaml:16:22: error: unknown intent 'refundd'",
            "bot/forms.yaml:20:34: error: unknown placeholder {ordr}: nothing fills it (known: bot_name, company, order_number, reason, user_name)",
            "bot/forms.yaml:21:15: error: unknown slot 'reason'",
        ])
    }
}

@Suite struct SupportSettingsLoaderTests {
    @Test func readsSupportHoursAndHolidays() throws {
        let support = """

            support:
              handoff_intent: greet
              after_fallbacks: 2
              conversation_timeout_minutes: 30
              hours:
                mon-fri: "08:00-12:00, 13:00-18:00"
                sat: "10:00-14:00"
                sun: closed
              holidays: [2026-12-25]
            """
        let dir = try makeBot(["bot.yaml": settings + "\ntime_zone: Europe/Berlin" + support, "greet.yaml": greetIntent])
        let bot = try BotLoader.load(directory: dir).bot
        #expect(bot.support.handoffIntent == "greet")
        #expect(bot.support.afterFallbacks == 2)
        #expect(bot.support.conversationTimeout == 1800)
        let hours = try #require(bot.support.hours)
        #expect(hours.ranges[2] == [480..<720, 780..<1080])  // Monday
        #expect(hours.ranges[7] == [600..<840])  // Saturday
        #expect(hours.ranges[1] == nil)  // Sunday
        #expect(hours.holidays == [SupportHours.Day(year: 2026, month: 12, day: 25)])
        #expect(hours.timeZone.identifier == "Europe/Berlin")
    }

    @Test func reportsHoursThatDoNotParse() throws {
        let support = """

            support:
              handoff_intent: nobody
              callback_form: nothing
              hours:
                weekdays: "08:00-18:00"
                mon: "8 to 6"
              holidays: [christmas]
            """
        let found = try problems(["bot.yaml": settings + support, "greet.yaml": greetIntent]).map { $0.components(separatedBy: "\n")[0] }
        #expect(found == [
            "bot/bot.yaml:7:19: error: unknown intent 'nobody'",
            "bot/bot.yaml:8:18: error: unknown form 'nothing'",
            "bot/bot.yaml:10:5: error: 'weekdays' is not a day or a range of days (use mon, tue, wed, thu, fri, sat, sun or mon-fri)",
            "bot/bot.yaml:11:10: error: '8 to 6' are not opening hours (write for example \"08:00-18:00\", \"08:00-12:00, 13:00-17:00\" or closed)",
            "bot/bot.yaml:12:14: error: 'christmas' is not a date (write YYYY-MM-DD)",
        ])
    }
}

@Suite struct ContextLoaderTests {
    @Test func readsContextsAndRequires() throws {
        let intents = greetIntent.replacingOccurrences(of: "  - name: greet\n", with: "  - name: greet\n    context: {name: after_greet, turns: 3, minutes: 2}\n")
            + "\n  - name: yes_after_greet\n    requires: after_greet\n    examples:\n      en: [yes]\n    replies:\n      en: [Good.]\n"
        let dir = try makeBot(["bot.yaml": settings, "greet.yaml": intents])
        let bot = try BotLoader.load(directory: dir).bot
        #expect(bot.intent(named: "greet")?.setsContext == ContextSpec(name: "after_greet", turns: 3, minutes: 2))
        #expect(bot.intent(named: "yes_after_greet")?.requiresContext == "after_greet")
    }

    @Test func reportsAContextNobodyOpens() throws {
        let intents = greetIntent + "\n  - name: orphan\n    requires: nowhere\n    examples:\n      en: [yes]\n    replies:\n      en: [Good.]\n"
        let found = try problems(["bot.yaml": settings, "greet.yaml": intents]).map { $0.components(separatedBy: "\n")[0] }
        #expect(found == ["bot/greet.yaml:11:11: error: intent 'orphan' requires context 'nowhere', which no intent opens (add 'context: nowhere' to the intent it follows)"])
    }
}

@Suite struct SlotPatternTests {
    @Test func reportsASlotPatternThatDoesNotCompile() throws {
        let forms = "version: 1\nslots:\n  - name: code\n    type: text\n    pattern: '([a-'\n"
        let found = try problems(["bot.yaml": settings, "greet.yaml": greetIntent, "forms.yaml": forms]).map { $0.components(separatedBy: "\n")[0] }
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("bot/forms.yaml:5:14: error: invalid regular expression '([a-' (") == true)
    }
}
