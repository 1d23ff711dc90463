import FrontdeskCore
import Yams

/// Reads `bot.yaml`.
struct SettingsReader {
    let file: SourceFile

    func read() -> Settings? {
        guard let root = file.parseRoot(), checkVersion(root, in: file) else { return nil }
        file.checkKeys(root, allowed: ["version", "name", "languages", "time_zone", "thresholds", "variables", "replies", "support", "knowledge",
                                         "moderation", "frustration", "privacy", "disclosure", "intent_model"], in: "bot settings")
        if let node = root["disclosure"] {
            // Customers must always know they talk to a bot; there is no switch to hide it.
            if node.bool == false || node.scalar?.string == "off" || node.scalar?.string == "none" {
                file.error("the disclosure cannot be switched off: the first reply of every conversation says that the customer talks to a bot (change its wording under replies: disclosure)", at: node)
            } else {
                file.error("'disclosure' is not a setting; the disclosure's wording is set under replies: disclosure", at: node)
            }
        }

        var name: String?
        if let node = root["name"] {
            name = file.string(node, "'name'")
            if name?.isEmpty == true { file.error("'name' must not be empty", at: node) }
        } else {
            file.error("missing 'name' (the bot's name, shown to customers)", at: file.location(root.mark))
        }

        var languages: [LanguageCode] = []
        if let node = root["languages"] {
            for item in file.sequence(node, "'languages'") ?? [] {
                guard let text = file.string(item, "a language") else { continue }
                guard LanguageCode.isKnown(text) else {
                    file.error("'\(text)' is not a language code (use ISO 639-1 codes such as en, de)", at: item)
                    continue
                }
                let code = LanguageCode(text)
                if languages.contains(code) {
                    file.error("language '\(code)' is listed twice", at: item)
                } else {
                    languages.append(code)
                }
            }
            if languages.isEmpty, node.sequence?.isEmpty == true {
                file.error("'languages' must list at least one language", at: node)
            }
        } else {
            file.error("missing 'languages' (for example `languages: [en, de]`; the first is the default)", at: file.location(root.mark))
        }

        var timeZone = TimeZone(identifier: "UTC")!
        if let node = root["time_zone"], let identifier = file.string(node, "'time_zone'") {
            if let zone = TimeZone(identifier: identifier) {
                timeZone = zone
            } else {
                file.error("unknown time zone '\(identifier)' (use an IANA name such as Europe/Berlin or UTC)", at: node)
            }
        }

        // Without a confidence threshold, the one chosen by cross-validation applies.
        var thresholds = Thresholds(automatic: true)
        if let node = root["thresholds"], let mapping = file.mapping(node, "'thresholds'") {
            file.checkKeys(mapping, allowed: ["confidence", "ambiguity"], in: "'thresholds'")
            if let n = mapping["confidence"] {
                if n.scalar?.string == "auto" {
                    thresholds.automatic = true
                } else if let v = file.number(n, "'confidence'", range: 0...1) {
                    thresholds.confidence = v
                    thresholds.automatic = false
                }
            }
            if let n = mapping["ambiguity"], let v = file.number(n, "'ambiguity'", range: 0...1) {
                thresholds.ambiguity = v
            }
        }

        var variables: [String: String] = [:]
        if let node = root["variables"], let mapping = file.mapping(node, "'variables'") {
            for (key, value) in mapping {
                guard let k = key.string, let v = file.string(value, "variable '\(key.string ?? "")'") else { continue }
                if Bot.builtinPlaceholders.contains(k) {
                    file.error("'\(k)' is a built-in placeholder and cannot be a variable", at: key)
                }
                variables[k] = v
            }
        }

        var support = SupportSettings()
        var references: [PlacedReference] = []
        if let node = root["support"], let mapping = file.mapping(node, "'support'") {
            file.checkKeys(mapping, allowed: ["handoff_intent", "after_fallbacks", "callback_form", "conversation_timeout_minutes", "hours", "holidays", "time_zone"], in: "'support'")
            if let n = mapping["handoff_intent"], let text = file.string(n, "'handoff_intent'") {
                support.handoffIntent = IntentName(text)
                references.append(PlacedReference(kind: .intent, name: text, location: file.location(of: n), file: file))
            }
            if let n = mapping["callback_form"], let text = file.string(n, "'callback_form'") {
                support.callbackForm = text
                references.append(PlacedReference(kind: .form, name: text, location: file.location(of: n), file: file))
            }
            if let n = mapping["after_fallbacks"], let value = file.number(n, "'after_fallbacks'", range: 0...100) {
                support.afterFallbacks = Int(value)
            }
            if let n = mapping["conversation_timeout_minutes"], let value = file.number(n, "'conversation_timeout_minutes'", range: 0...525_600) {
                support.conversationTimeout = value * 60
            }
            var zone = timeZone
            if let n = mapping["time_zone"], let identifier = file.string(n, "'time_zone'") {
                if let parsed = TimeZone(identifier: identifier) { zone = parsed } else {
                    file.error("unknown time zone '\(identifier)' (use an IANA name such as Europe/Berlin or UTC)", at: n)
                }
            }
            if let n = mapping["hours"] {
                support.hours = HoursReader(file: file).read(n, holidays: mapping["holidays"], timeZone: zone)
            } else if mapping["holidays"] != nil {
                file.error("'holidays' need 'hours'", at: mapping["holidays"]!)
            }
        }

        let placeholders = Set(variables.keys).union(Bot.builtinPlaceholders)
        var replies = BuiltinReplies(disclosure: [:], fallback: [:], didYouMean: [:], rephrase: [:])
        let repliesMapping = root["replies"].flatMap { file.mapping($0, "'replies'") }
        if let repliesMapping {
            file.checkKeys(repliesMapping, allowed: BuiltinReplies.names, in: "'replies'")
        }
        func builtin(_ key: String, extra: Set<String> = [], required: Set<String> = [], defaults: Variations) -> Variations {
            var variations: Variations = [:]
            if let node = repliesMapping?[key] {
                variations = VariationsReader(file: file, languages: languages, placeholders: placeholders.union(extra))
                    .read(node, what: "'\(key)'")
                for (_, templates) in variations {
                    for template in templates {
                        let used = Set(template.placeholders.map(\.name))
                        for missing in required.subtracting(used).sorted() {
                            file.error("'\(key)' replies must contain {\(missing)}", at: template.location ?? file.location(node.mark))
                        }
                    }
                }
            }
            for language in languages where variations[language] == nil {
                // Trust and safety replies must never be missing: a language without built-in
                // ones gets the English reply until the bot translates it.
                let english = DefaultReplies.englishIfMissing.contains(key) ? defaults[.english] : nil
                if let fallback = defaults[language] ?? DefaultReplies.anyLanguage[key] ?? english {
                    variations[language] = fallback
                } else {
                    let at = file.keyNode(repliesMapping ?? root, key).map { file.location(of: $0) } ?? file.location(root.mark)
                    file.error("missing '\(key)' reply for language '\(language)' (there is no built-in one for it)", at: at)
                }
            }
            return variations
        }
        for name in BuiltinReplies.names {
            let required: Set<String> = name == "did_you_mean" ? ["option_1", "option_2"] : name == "knowledge_answer" ? ["answer"] : []
            replies[name] = builtin(name, extra: DefaultReplies.extraPlaceholders[name] ?? [], required: required,
                                    defaults: DefaultReplies.named[name] ?? [:])
        }

        var knowledge = KnowledgeSettings()
        if let node = root["knowledge"], let mapping = file.mapping(node, "'knowledge'") {
            file.checkKeys(mapping, allowed: ["articles", "threshold", "answer_unmatched", "max_passage_characters", "prefer_below", "prefer_score"],
                           in: "'knowledge'")
            if let n = mapping["articles"], let text = file.string(n, "'articles'") {
                if text.isEmpty || text.hasPrefix("/") || text.split(separator: "/").contains("..") {
                    file.error("'articles' must be a folder inside the bot folder, such as articles", at: n)
                } else {
                    knowledge.articles = text
                }
            }
            if let n = mapping["threshold"], let v = file.number(n, "'threshold'", range: 0...1) { knowledge.threshold = v }
            if let n = mapping["prefer_below"], let v = file.number(n, "'prefer_below'", range: 0...1) { knowledge.preferBelow = v }
            if let n = mapping["prefer_score"], let v = file.number(n, "'prefer_score'", range: 0...1) { knowledge.preferScore = v }
            if let n = mapping["answer_unmatched"] {
                if let v = n.bool { knowledge.answerUnmatched = v } else { file.error("'answer_unmatched' must be true or false", at: n) }
            }
            if let n = mapping["max_passage_characters"], let v = file.number(n, "'max_passage_characters'", range: 80...10_000) {
                knowledge.maxPassageCharacters = Int(v)
            }
        }

        var moderation = ModerationSettings()
        if let node = root["moderation"], let mapping = file.mapping(node, "'moderation'") {
            let categories = ModerationCategory.allCases.map(\.rawValue)
            file.checkKeys(mapping, allowed: ["enabled", "hide", "allowed_domains", "warnings_before_end"] + categories, in: "'moderation'")
            if let n = mapping["enabled"] {
                if let v = n.bool { moderation.enabled = v } else { file.error("'enabled' must be true or false", at: n) }
            }
            for category in ModerationCategory.allCases {
                guard let n = mapping[category.rawValue], let text = file.string(n, "'\(category.rawValue)'") else { continue }
                let allowed = ModerationAction.allCases.filter { $0 != .none }.map(\.rawValue)
                if let action = ModerationAction(rawValue: text), action != .none {
                    moderation.policies[category] = action
                } else {
                    file.error("'\(text)' is not a moderation action (use one of: \(allowed.joined(separator: ", ")))", at: n)
                }
            }
            if let n = mapping["hide"] {
                var hidden: Set<ModerationCategory> = []
                for item in file.sequence(n, "'hide'") ?? [] {
                    guard let text = file.string(item, "a category") else { continue }
                    if let category = ModerationCategory(rawValue: text) { hidden.insert(category) } else {
                        file.error("'\(text)' is not a moderation category (use any of: \(categories.joined(separator: ", ")))", at: item)
                    }
                }
                moderation.hide = hidden
            }
            if let n = mapping["allowed_domains"] {
                for item in file.sequence(n, "'allowed_domains'") ?? [] {
                    guard let text = file.string(item, "a domain") else { continue }
                    let domain = text.lowercased()
                    if domain.isEmpty || domain.contains("/") || domain.contains(" ") || !domain.contains(".") {
                        file.error("'\(text)' is not a domain (write for example example.com)", at: item)
                    } else {
                        moderation.allowedDomains.insert(domain)
                    }
                }
            }
            if let n = mapping["warnings_before_end"], let v = file.number(n, "'warnings_before_end'", range: 0...100) {
                moderation.warningsBeforeEnd = Int(v)
            }
        }

        var frustration = FrustrationSettings()
        if let node = root["frustration"], let mapping = file.mapping(node, "'frustration'") {
            file.checkKeys(mapping, allowed: ["offer_human_at"], in: "'frustration'")
            if let n = mapping["offer_human_at"], let v = file.number(n, "'offer_human_at'", range: 0...1) {
                frustration.offerHumanAt = v
            }
        }

        var privacy = PrivacySettings()
        if let node = root["privacy"], let mapping = file.mapping(node, "'privacy'") {
            file.checkKeys(mapping, allowed: ["mask_personal_data", "retention_days"], in: "'privacy'")
            if let n = mapping["mask_personal_data"] {
                if let v = n.bool { privacy.maskPersonalData = v } else { file.error("'mask_personal_data' must be true or false", at: n) }
            }
            if let n = mapping["retention_days"], let v = file.number(n, "'retention_days'", range: 1...36_500) {
                if v != v.rounded() { file.error("'retention_days' must be a whole number of days", at: n) } else { privacy.retentionDays = Int(v) }
            }
        }

        var intentModel = IntentModelSettings()
        if let node = root["intent_model"], let mapping = file.mapping(node, "'intent_model'") {
            file.checkKeys(mapping, allowed: ["embeddings", "names_as_examples"], in: "'intent_model'")
            if let n = mapping["names_as_examples"] {
                if let v = n.bool { intentModel.namesAsExamples = v } else { file.error("'names_as_examples' must be true or false", at: n) }
            }
            if let n = mapping["embeddings"] {
                if let v = n.bool { intentModel.embeddings = v } else { file.error("'embeddings' must be true or false", at: n) }
                // The embedding table is English: other languages' models are trained without it.
                if intentModel.embeddings, !languages.isEmpty, !languages.contains(.english) {
                    file.warning("the embeddings are English: only an English model uses them, and this bot has none", at: file.location(of: n))
                }
            }
        }

        guard let name, !languages.isEmpty else { return nil }
        return Settings(name: name, languages: languages, thresholds: thresholds, variables: variables, replies: replies, timeZone: timeZone,
                        support: support, knowledge: knowledge, moderation: moderation, frustration: frustration, privacy: privacy,
                        intentModel: intentModel, references: references)
    }
}

func checkVersion(_ root: Node.Mapping, in file: SourceFile) -> Bool {
    let expected = BotLoader.formatVersion
    guard let node = root["version"] else {
        file.error("missing format version: add `version: \(expected)` at the top of the file", at: file.location(root.mark))
        return false
    }
    guard (node.int ?? node.string.flatMap { Int($0) }) == expected else {
        file.error("unsupported format version '\(node.string ?? node.kindName)' (this Frontdesk reads version \(expected))", at: node)
        return false
    }
    return true
}

/// Reads `{language: [reply, ...]}` mappings and checks languages and placeholders.
struct VariationsReader {
    let file: SourceFile
    /// Declared languages; empty when the settings could not be read (then not checked).
    let languages: [LanguageCode]
    /// Known placeholders; `nil` when not checked.
    let placeholders: Set<String>?

    func read(_ node: Node, what: String) -> Variations {
        guard let mapping = file.mapping(node, what) else { return [:] }
        var result: Variations = [:]
        for (key, value) in mapping {
            guard let language = self.language(key) else { continue }
            var templates: [ReplyTemplate] = []
            for item in file.sequence(value, "\(what) in '\(language)'") ?? [] {
                guard let text = file.string(item, "a reply") else { continue }
                if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    file.error("empty reply", at: item)
                    continue
                }
                let location = file.location(of: item)
                do {
                    let template = try ReplyTemplate(parsing: text, location: location)
                    if let placeholders {
                        for used in template.placeholders where !placeholders.contains(used.name) {
                            file.error("unknown placeholder {\(used.name)}: nothing fills it (known: \(placeholders.sorted().joined(separator: ", ")))",
                                       at: item, offset: used.offset)
                        }
                    }
                    for used in template.placeholders where Bot.optionalPlaceholders.contains(used.name) && !used.hasDefault {
                        file.error("{\(used.name)} is not always known (not every channel gives the customer's name): write {\(used.name)|...} with a default, for example {\(used.name)|there}",
                                   at: item, offset: used.offset)
                    }
                    templates.append(template)
                } catch {
                    file.error(error.message, at: item, offset: error.offset)
                }
            }
            result[language] = templates
        }
        return result
    }

    /// Reads a language key, reporting one the bot does not declare.
    func language(_ key: Node) -> LanguageCode? {
        guard let text = key.string, LanguageCode.isKnown(text) else {
            file.error("'\(key.string ?? "")' is not a language code (use ISO 639-1 codes such as en, de)", at: key)
            return nil
        }
        let code = LanguageCode(text)
        if !languages.isEmpty, !languages.contains(code) {
            file.error("language '\(code)' is not declared in \(BotLoader.settingsFileName) (languages: \(languages.map(\.rawValue).joined(separator: ", ")))", at: key)
            return nil
        }
        return code
    }
}

import Foundation

/// Reads support hours: `mon-fri: "08:00-18:00"`, `sat: "10:00-14:00"`, `sun: closed`, and
/// holidays as `YYYY-MM-DD`.
struct HoursReader {
    let file: SourceFile
    static let days = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    func read(_ node: Node, holidays holidaysNode: Node?, timeZone: TimeZone) -> SupportHours? {
        guard let mapping = file.mapping(node, "'hours'") else { return nil }
        var ranges: [Int: [Range<Int>]] = [:]
        var ok = true
        for (key, value) in mapping {
            guard let daysText = key.string?.lowercased(), let days = weekdays(daysText) else {
                file.error("'\(key.string ?? "")' is not a day or a range of days (use mon, tue, wed, thu, fri, sat, sun or mon-fri)", at: key)
                ok = false
                continue
            }
            guard let text = file.string(value, "opening hours") else { ok = false; continue }
            if text.lowercased() == "closed" { continue }
            var dayRanges: [Range<Int>] = []
            for part in text.split(separator: ",") {
                guard let range = Self.timeRange(part.trimmingCharacters(in: .whitespaces)) else {
                    file.error("'\(text)' are not opening hours (write for example \"08:00-18:00\", \"08:00-12:00, 13:00-17:00\" or closed)", at: value)
                    ok = false
                    break
                }
                dayRanges.append(range)
            }
            for day in days { ranges[day, default: []] += dayRanges }
        }
        var holidays: Set<SupportHours.Day> = []
        if let holidaysNode {
            for item in file.sequence(holidaysNode, "'holidays'") ?? [] {
                let text = item.string ?? ""
                let parts = text.split(separator: "-").compactMap { Int($0) }
                guard parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else {
                    file.error("'\(text)' is not a date (write YYYY-MM-DD)", at: item)
                    ok = false
                    continue
                }
                holidays.insert(SupportHours.Day(year: parts[0], month: parts[1], day: parts[2]))
            }
        }
        return ok ? SupportHours(ranges: ranges, holidays: holidays, timeZone: timeZone) : nil
    }

    func weekdays(_ text: String) -> [Int]? {
        let parts = text.split(separator: "-").map { String($0.prefix(3)) }
        guard (1...2).contains(parts.count), let first = Self.days[parts[0]] else { return nil }
        guard parts.count == 2 else { return [first] }
        guard let last = Self.days[parts[1]] else { return nil }
        // Monday-based order so that "mon-sun" and "fri-mon" work.
        let order = [2, 3, 4, 5, 6, 7, 1]
        let start = order.firstIndex(of: first)!, end = order.firstIndex(of: last)!
        return start <= end ? Array(order[start...end]) : Array(order[start...] + order[...end])
    }

    /// "08:00-18:00" as minutes after midnight.
    static func timeRange(_ text: String) -> Range<Int>? {
        let bounds = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard bounds.count == 2, let start = minutes(bounds[0]), let end = minutes(bounds[1]), start < end else { return nil }
        return start..<end
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0...24).contains(parts[0]), (0...59).contains(parts[1]), parts[0] * 60 + parts[1] <= 24 * 60 else { return nil }
        return parts[0] * 60 + parts[1]
    }
}
