import Foundation
import FrontdeskCore
import Yams

/// A bot read from its folder, with the warnings found on the way.
public struct LoadedBot: Sendable {
    public let bot: Bot
    public let warnings: [Diagnostic]
}

/// Reads a bot folder (format v1): `bot.yaml` with the settings and `*.yaml` intent files.
///
/// Every problem in every file is collected; loading fails with one `FrontdeskError`
/// (code `invalid_bot`) whose diagnostics list them all, in file and line order.
public enum BotLoader {
    public static let formatVersion = 1
    public static let settingsFileName = "bot.yaml"

    public static func load(directory: String) throws(FrontdeskError) -> LoadedBot {
        let dir = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw FrontdeskError(.invalidBot, "\(dir): error: no bot folder here (expected a folder with \(settingsFileName) and intent files)",
                                 diagnostics: [Diagnostic(.error, at: SourceLocation(file: dir, line: 1, column: 1), "no bot folder here (expected a folder with \(settingsFileName) and intent files)")])
        }
        let intentFiles = yamlFiles(in: dir).filter { $0 != settingsFileName }

        var diagnostics: [Diagnostic] = []
        let settingsPath = "\(dir)/\(settingsFileName)"
        var settings: Settings?
        if let file = readFile(settingsPath, into: &diagnostics) {
            settings = SettingsReader(file: file).read()
            diagnostics += file.diagnostics
        } else if !FileManager.default.fileExists(atPath: settingsPath) {
            diagnostics.removeAll { $0.location.file == settingsPath }
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: settingsPath, line: 1, column: 1),
                                          "missing bot settings file (name, languages, thresholds, replies)"))
        }

        var intents: [Intent] = []
        var entities: [EntityDefinition] = []
        var annotations: [PlacedAnnotation] = []
        var firstDefinition: [IntentName: SourceLocation] = [:]
        var firstEntity: [EntityName: SourceLocation] = [:]
        var slots: [SlotDefinition] = []
        var forms: [FormDefinition] = []
        var references: [PlacedReference] = []
        for relative in intentFiles {
            guard let file = readFile("\(dir)/\(relative)", into: &diagnostics) else { continue }
            let content = IntentReader(file: file, settings: settings).read()
            for intent in content.intents {
                if let first = firstDefinition[intent.name] {
                    file.error("duplicate intent '\(intent.name)' (first defined at \(first))", at: intent.location ?? file.location(nil))
                    continue
                }
                firstDefinition[intent.name] = intent.location
                intents.append(intent)
            }
            for entity in content.entities {
                if let first = firstEntity[entity.name] {
                    file.error("duplicate entity '\(entity.name)' (first defined at \(first))", at: entity.location ?? file.location(nil))
                    continue
                }
                firstEntity[entity.name] = entity.location ?? file.location(nil)
                entities.append(entity)
            }
            annotations += content.annotations
            for slot in content.slots {
                if let first = slots.first(where: { $0.name == slot.name }) {
                    file.error("duplicate slot '\(slot.name)'" + (first.location.map { " (first defined at \($0))" } ?? ""), at: slot.location ?? file.location(nil))
                } else {
                    slots.append(slot)
                }
            }
            for form in content.forms {
                if let first = forms.first(where: { $0.name == form.name }) {
                    file.error("duplicate form '\(form.name)'" + (first.location.map { " (first defined at \($0))" } ?? ""), at: form.location ?? file.location(nil))
                } else {
                    forms.append(form)
                }
            }
            references += content.references
            diagnostics += file.diagnostics
        }
        diagnostics += applyAnnotations(annotations, to: &entities)
        let openedContexts = Set(intents.compactMap { $0.setsContext?.name })
        for intent in intents {
            if let required = intent.requiresContext, !openedContexts.contains(required), let location = intent.location {
                diagnostics.append(Diagnostic(.error, at: location, "intent '\(intent.name)' requires context '\(required)', which no intent opens (add 'context: \(required)' to the intent it follows)"))
            }
        }
        diagnostics += checkReferences(references + (settings?.references ?? []), intents: intents, entities: entities, slots: slots, forms: forms)
        for form in forms {
            for trigger in form.triggers {
                if let other = forms.first(where: { $0.name != form.name && $0.triggers.contains(trigger) }), other.name < form.name,
                   let location = form.location {
                    diagnostics.append(Diagnostic(.error, at: location, "intent '\(trigger)' already starts form '\(other.name)'"))
                }
            }
        }
        let fileOrder = Dictionary(diagnostics.map(\.location.file).enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        diagnostics = diagnostics.enumerated().sorted {
            (fileOrder[$0.element.location.file]!, $0.element.location.line, $0.element.location.column, $0.offset)
                < (fileOrder[$1.element.location.file]!, $1.element.location.line, $1.element.location.column, $1.offset)
        }.map(\.element)
        if intents.isEmpty, settings != nil, !diagnostics.contains(where: { $0.severity == .error }) {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: settingsPath, line: 1, column: 1),
                                          "the bot has no intents: add an intent file (*.yaml) next to \(settingsFileName)"))
        }

        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty, let settings else {
            let count = errors.count
            throw FrontdeskError(.invalidBot, "the bot in \(dir) has \(count) error\(count == 1 ? "" : "s")", diagnostics: diagnostics)
        }
        var bot = Bot(
            name: settings.name, languages: settings.languages, thresholds: settings.thresholds,
            variables: settings.variables, builtinReplies: settings.replies, intents: intents,
            entities: entities, timeZone: settings.timeZone, slots: slots, forms: forms, support: settings.support)
        bot.knowledge = settings.knowledge
        bot.moderation = settings.moderation
        bot.frustration = settings.frustration
        bot.privacy = settings.privacy
        bot.intentModel = settings.intentModel
        return LoadedBot(bot: bot, warnings: diagnostics)
    }

    /// Checks the slots, intents and entities that forms and slots name.
    static func checkReferences(_ references: [PlacedReference], intents: [Intent], entities: [EntityDefinition], slots: [SlotDefinition],
                                forms: [FormDefinition]) -> [Diagnostic] {
        references.compactMap { reference in
            let known: [String]
            let what: String
            switch reference.kind {
            case .slot: known = slots.map(\.name.rawValue); what = "slot"
            case .intent: known = intents.map(\.name.rawValue); what = "intent"
            case .entity: known = (entities.map(\.name) + EntityName.builtin).map(\.rawValue); what = "entity"
            case .form: known = forms.map(\.name); what = "form"
            }
            guard !known.contains(reference.name) else { return nil }
            let suggestion = known.min { levenshteinDistance($0, reference.name) < levenshteinDistance($1, reference.name) }
                .flatMap { levenshteinDistance($0, reference.name) <= 3 ? "; did you mean '\($0)'?" : nil } ?? ""
            return Diagnostic(.error, at: reference.location, "unknown \(what) '\(reference.name)'\(suggestion)", sourceLine: reference.file.line(reference.location.line))
        }
    }

    /// Checks that annotations name known entities, and adds annotated texts of list entities
    /// to their synonyms (`[the vpn app](product:Kestrel VPN)` teaches "the vpn app").
    static func applyAnnotations(_ annotations: [PlacedAnnotation], to entities: inout [EntityDefinition]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for placed in annotations {
            let annotation = placed.annotation
            if EntityName.builtin.contains(annotation.entity) { continue }
            guard let index = entities.firstIndex(where: { $0.name == annotation.entity }) else {
                let known = (entities.map(\.name) + EntityName.builtin).map(\.rawValue)
                diagnostics.append(Diagnostic(.error, at: placed.location,
                                              "unknown entity '\(annotation.entity)' in annotation (known: \(known.joined(separator: ", ")))",
                                              sourceLine: placed.file.line(placed.location.line)))
                continue
            }
            guard case .list(var values) = entities[index].kind else { continue }
            let canonical = annotation.value ?? annotation.text
            if let valueIndex = values.firstIndex(where: { $0.value == canonical }) {
                if !values[valueIndex].forms(in: placed.language).contains(annotation.text) {
                    values[valueIndex].synonyms[placed.language, default: []].append(annotation.text)
                }
            } else {
                values.append(EntityDefinition.ListValue(value: canonical, synonyms: canonical == annotation.text ? [:] : [placed.language: [annotation.text]]))
            }
            entities[index].kind = .list(values)
        }
        return diagnostics
    }

    /// `*.yaml` and `*.yml` files below `dir`, as sorted relative paths.
    static func yamlFiles(in dir: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: dir) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            // Hidden files and folders (editor back-ups, .git) are not part of the bot.
            if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if path.hasSuffix(".yaml") || path.hasSuffix(".yml") {
                files.append(path)
            }
        }
        return files.sorted()
    }

    static func readFile(_ path: String, into diagnostics: inout [Diagnostic]) -> SourceFile? {
        readText(path, into: &diagnostics).map { SourceFile(path: path, text: $0) }
    }

    /// A text file's contents; a file that cannot be read or is not UTF-8 is reported (with
    /// the place of the first bad byte).
    package static func readText(_ path: String, into diagnostics: inout [Diagnostic]) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "cannot read the file"))
            return nil
        }
        if let invalid = firstInvalidUTF8(in: data) {
            let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let line = invalid.line <= lines.count ? String(decoding: lines[invalid.line - 1], as: UTF8.self) : nil
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: invalid.line, column: invalid.column),
                                          "the file is not valid UTF-8 (save it as UTF-8)", sourceLine: line))
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// The line and column of the first byte that is not valid UTF-8, if any.
public func firstInvalidUTF8(in data: Data) -> (line: Int, column: Int)? {
    var iterator = data.makeIterator()
    var decoder = UTF8()
    var line = 1, column = 1
    while true {
        switch decoder.decode(&iterator) {
        case .scalarValue(let scalar):
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        case .emptyInput:
            return nil
        case .error:
            return (line, column)
        }
    }
}

/// Bot settings as read from `bot.yaml`.
struct Settings {
    var name: String
    var languages: [LanguageCode]
    var thresholds: Thresholds
    var variables: [String: String]
    var replies: BuiltinReplies
    var timeZone: TimeZone
    var support: SupportSettings
    var knowledge: KnowledgeSettings = KnowledgeSettings()
    var moderation = ModerationSettings()
    var frustration = FrustrationSettings()
    var privacy = PrivacySettings()
    var intentModel = IntentModelSettings()
    /// The intent and form that `support` names, checked once every file is read.
    var references: [PlacedReference]

    var placeholders: Set<String> { Set(variables.keys).union(Bot.builtinPlaceholders) }
}
