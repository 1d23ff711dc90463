import Foundation
import FrontdeskCore
import Yams

/// The formats `frontdesk import` reads.
public enum TrainingDataFormat: String, Sendable, CaseIterable {
    /// `{"text": ..., "intent": ...}` per line.
    case jsonLines = "jsonl"
    /// `text,intent` with a header row, RFC 4180 quoting.
    case csv
    /// Rasa's NLU training data (YAML, version "3.1" style).
    case rasa

    /// The format a file's extension stands for: `.jsonl`/`.ndjson`, `.csv`, `.yml`/`.yaml`.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "jsonl", "ndjson": self = .jsonLines
        case "csv": self = .csv
        case "yml", "yaml": self = .rasa
        default: return nil
        }
    }
}

/// An entity marked in an imported example, in Unicode-scalar offsets of the plain text.
public struct ImportedAnnotation: Sendable, Hashable {
    public let entity: String
    public let value: String?
    public let span: Range<Int>
    public init(entity: String, value: String?, span: Range<Int>) {
        self.entity = entity
        self.value = value
        self.span = span
    }
}

/// One labelled example as read from a data file (names not yet checked).
public struct ImportedExample: Sendable, Hashable {
    /// The text without annotation markup.
    public let text: String
    public let intent: String
    public let annotations: [ImportedAnnotation]
    public let location: SourceLocation
    public init(text: String, intent: String, annotations: [ImportedAnnotation] = [], location: SourceLocation) {
        self.text = text
        self.intent = intent
        self.annotations = annotations
        self.location = location
    }
}

/// A Rasa `synonym:`, `regex:` or `lookup:` entry.
public struct ImportedEntityData: Sendable, Hashable {
    public enum Kind: String, Sendable { case synonym, regex, lookup }
    public let kind: Kind
    public let name: String
    public let items: [String]
    public let location: SourceLocation
}

/// What one data file holds, and what could not be read from it.
public struct TrainingDataFile: Sendable {
    public var examples: [ImportedExample] = []
    public var entityData: [ImportedEntityData] = []
    public var diagnostics: [Diagnostic] = []
    public init(examples: [ImportedExample] = [], entityData: [ImportedEntityData] = [], diagnostics: [Diagnostic] = []) {
        self.examples = examples
        self.entityData = entityData
        self.diagnostics = diagnostics
    }
}

/// A bot made from imported training data, ready to be written as bot format v1 files.
public struct ImportedBot: Sendable {
    public struct IntentData: Sendable, Hashable {
        public let name: IntentName
        /// The label in the data, when it had to be renamed.
        public let originalName: String
        /// The examples as written in the intent file (annotations in `[text](entity)` syntax).
        public var written: [String]
        /// The examples' plain texts (what the loader trains on).
        public var texts: [String]
    }

    public struct EntityData: Sendable, Hashable {
        public let name: String
        public var pattern: String?
        /// Canonical values with their synonyms, in order.
        public var values: [(value: String, synonyms: [String])]

        public static func == (a: EntityData, b: EntityData) -> Bool {
            a.name == b.name && a.pattern == b.pattern && a.values.map(\.value) == b.values.map(\.value)
                && a.values.map(\.synonyms) == b.values.map(\.synonyms)
        }
        public func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    public var intents: [IntentData] = []
    public var entities: [EntityData] = []
    public var diagnostics: [Diagnostic] = []
    /// Examples labelled out-of-scope and left out.
    public var skippedOutOfScope = 0
    /// Examples labelled out-of-scope and imported into the intent `out_of_scope`.
    public var outOfScopeExamples: Int { intents.first { $0.name == .outOfScope }?.written.count ?? 0 }
    public var exampleCount: Int { intents.reduce(0) { $0 + $1.written.count } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    /// The `intent_model` settings the imported bot gets (`IntentModelSettings.imported`).
    public func intentModelSettings(language: LanguageCode) -> IntentModelSettings {
        .imported(language: language, examples: exampleCount)
    }

    public static let intentsFileName = "intents.yaml"
    public static let entitiesFileName = "entities.yaml"

    /// The placeholder reply of an imported intent.
    public static func placeholderReply(for intent: IntentName) -> String { "TODO: reply for \(intent)" }

    /// The bot's files (name → YAML text): `bot.yaml`, `intents.yaml` and, with entities,
    /// `entities.yaml`.
    public func files(name: String, language: LanguageCode) throws -> [(name: String, content: String)] {
        func text(_ string: String) -> Node { .scalar(string.represented()) }
        func list(_ nodes: [Node], flow: Bool = false) -> Node { .sequence(.init(nodes, .implicit, flow ? .flow : .block)) }
        func map(_ pairs: [(String, Node)]) -> Node { .mapping(.init(pairs.map { (text($0.0), $0.1) })) }
        let version = ("version", Node("1"))
        var settings: [(String, Node)] = [version, ("name", text(name)), ("languages", list([text(language.rawValue)], flow: true))]
        // Only what differs from the defaults (both off).
        let intentModel = intentModelSettings(language: language)
        let model = [("embeddings", intentModel.embeddings), ("names_as_examples", intentModel.namesAsExamples)].filter(\.1)
        if !model.isEmpty { settings.append(("intent_model", map(model.map { ($0.0, Node("true")) }))) }
        if DefaultReplies.fallback[language] == nil {
            // Languages without built-in replies need their own: the English ones, to translate.
            var replies: [(String, Node)] = []
            for reply in BuiltinReplies.names where reply != "knowledge_answer" {
                let sources = DefaultReplies.named[reply]?[.english]?.map(\.source) ?? []
                replies.append((reply, map([(language.rawValue, list(sources.map(text)))])))
            }
            settings.append(("replies", map(replies)))
        }
        var result = [(name: BotLoader.settingsFileName, content: try serialize(map(settings)))]
        let intentNodes = intents.map { intent in
            map([
                ("name", text(intent.name.rawValue)),
                ("examples", map([(language.rawValue, list(intent.written.map(text)))])),
            ] + (intent.name == .outOfScope ? [] : [
                ("replies", map([(language.rawValue, list([text(Self.placeholderReply(for: intent.name))]))])),
            ]))
        }
        result.append((Self.intentsFileName, try serialize(map([version, ("intents", list(intentNodes))]))))
        if !entities.isEmpty {
            let entityNodes = entities.map { entity -> Node in
                if let pattern = entity.pattern {
                    return map([("name", text(entity.name)), ("pattern", text(pattern))])
                }
                let values = entity.values.map { value -> Node in
                    value.synonyms.isEmpty ? text(value.value)
                        : map([("value", text(value.value)), ("synonyms", list(value.synonyms.map(text), flow: true))])
                }
                return map([("name", text(entity.name)), ("values", list(values))])
            }
            result.append((Self.entitiesFileName, try serialize(map([version, ("entities", list(entityNodes))]))))
        }
        return result
    }

    private func serialize(_ node: Node) throws -> String {
        try Yams.serialize(node: node, indent: 2, width: -1, allowUnicode: true)
    }
}

/// Reads training data in other formats and turns it into a bot. Pure: text in, values and
/// diagnostics out; `frontdesk import` does the file work.
public enum TrainingDataImport {
    public struct Options: Sendable {
        /// The label of out-of-scope examples, which become the intent `out_of_scope` (never an
        /// answer: when it wins, the bot gives its fallback); `nil`: no such label.
        public var outOfScopeLabel: String?
        /// Import the out-of-scope examples (else they are left out).
        public var keepOutOfScope: Bool
        public init(outOfScopeLabel: String? = "oos", keepOutOfScope: Bool = true) {
            self.outOfScopeLabel = outOfScopeLabel
            self.keepOutOfScope = keepOutOfScope
        }
    }

    /// Reads one file's text in `format`; `path` is used in the diagnostics.
    public static func read(_ text: String, path: String, format: TrainingDataFormat) -> TrainingDataFile {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        switch format {
        case .jsonLines: return readJSONLines(text, path: path)
        case .csv: return readCSV(text, path: path)
        case .rasa: return readRasa(text, path: path)
        }
    }

    // MARK: JSON Lines

    static func readJSONLines(_ text: String, path: String) -> TrainingDataFile {
        var file = TrainingDataFile()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let location = SourceLocation(file: path, line: index + 1, column: 1)
            func skip(_ message: String) {
                file.diagnostics.append(Diagnostic(.warning, at: location, message + "; line skipped", sourceLine: String(line)))
            }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            switch LabeledLine.parse(Data(line.utf8)) {
            case .success(let example): file.examples.append(ImportedExample(text: example.text, intent: example.intent, location: location))
            case .failure(let problem): skip(problem.message)
            }
        }
        return file
    }

    // MARK: CSV

    static func readCSV(_ text: String, path: String) -> TrainingDataFile {
        var file = TrainingDataFile()
        let sourceLines = text.sourceLines
        func sourceLine(_ n: Int) -> String? { n >= 1 && n <= sourceLines.count ? sourceLines[n - 1] : nil }
        let records: [CSVRecord]
        do {
            records = try CSVRecord.parse(text)
        } catch {
            file.diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: error.line, column: error.column), error.message,
                                               sourceLine: sourceLine(error.line)))
            return file
        }
        let rows = records.filter { !($0.fields.count == 1 && $0.fields[0].allSatisfy(\.isWhitespace)) }
        guard let header = rows.first else {
            file.diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1),
                                               "the file is empty (expected a header row 'text,intent' and rows)"))
            return file
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var missing: [String] = []
        let textColumn = columns.firstIndex(of: "text")
        let intentColumn = columns.firstIndex(of: "intent")
        if textColumn == nil { missing.append("'text'") }
        if intentColumn == nil { missing.append("'intent'") }
        guard let textColumn, let intentColumn else {
            file.diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: header.line, column: 1),
                                               "the header row has no \(missing.joined(separator: " or ")) column (columns: \(header.fields.joined(separator: ", ")); expected text,intent)",
                                               sourceLine: sourceLine(header.line)))
            return file
        }
        for row in rows.dropFirst() {
            let location = SourceLocation(file: path, line: row.line, column: 1)
            func skip(_ message: String) {
                file.diagnostics.append(Diagnostic(.warning, at: location, message + "; row skipped", sourceLine: sourceLine(row.line)))
            }
            guard row.fields.count > max(textColumn, intentColumn) else {
                skip("expected \(columns.count) fields as in the header, found \(row.fields.count)")
                continue
            }
            file.examples.append(ImportedExample(text: row.fields[textColumn], intent: row.fields[intentColumn].trimmingCharacters(in: .whitespaces),
                                                 location: location))
        }
        return file
    }

    // MARK: Rasa NLU YAML

    static let rasaOtherKeys = ["stories", "rules", "responses", "intents", "entities", "slots", "forms", "actions", "session_config",
                                "e2e_actions", "retrieval_intents", "config", "policies", "pipeline", "language", "assistant_id"]

    static func readRasa(_ text: String, path: String) -> TrainingDataFile {
        var file = TrainingDataFile()
        let sourceLines = text.sourceLines
        func sourceLine(_ n: Int) -> String? { n >= 1 && n <= sourceLines.count ? sourceLines[n - 1] : nil }
        func at(_ node: Node) -> SourceLocation {
            SourceLocation(file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        }
        func warn(_ message: String, _ location: SourceLocation) {
            file.diagnostics.append(Diagnostic(.warning, at: location, message, sourceLine: sourceLine(location.line)))
        }
        func fail(_ message: String, _ location: SourceLocation) {
            file.diagnostics.append(Diagnostic(.error, at: location, message, sourceLine: sourceLine(location.line)))
        }
        func unknownKey(_ name: String, allowed: [String], in what: String) -> String {
            let suggestion = allowed.min { levenshteinDistance($0, name) < levenshteinDistance($1, name) }
            if let suggestion, levenshteinDistance(suggestion, name) <= 2 {
                return "unknown key '\(name)' in \(what); did you mean '\(suggestion)'?"
            }
            return "unknown key '\(name)' in \(what) (expected \(allowed.map { "'\($0)'" }.joined(separator: ", ")))"
        }

        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                fail("invalid YAML: \(problem)", SourceLocation(file: path, line: mark.line, column: mark.column))
            default:
                fail("invalid YAML: \(error)", SourceLocation(file: path, line: 1, column: 1))
            }
            return file
        } catch {
            fail("invalid YAML: \(error)", SourceLocation(file: path, line: 1, column: 1))
            return file
        }
        guard let root, let mapping = root.mapping else {
            fail("expected Rasa NLU training data: a mapping with 'version' and 'nlu'", SourceLocation(file: path, line: 1, column: 1))
            return file
        }
        var nluNode: Node?
        for (key, value) in mapping {
            let name = key.string ?? ""
            switch name {
            case "version":
                if let version = value.string, !version.hasPrefix("2"), !version.hasPrefix("3") {
                    warn("Rasa format version '\(version)' is not known; read as version 3.1", at(value))
                }
            case "nlu":
                nluNode = value
            case _ where rasaOtherKeys.contains(name):
                warn("'\(name)' is not imported (only 'nlu' training data is)", at(key))
            default:
                warn(unknownKey(name, allowed: ["version", "nlu"], in: "a Rasa NLU file") + "; ignored", at(key))
            }
        }
        guard let nluNode else {
            fail("no 'nlu' list in the file (expected nlu: with '- intent: NAME' entries)", SourceLocation(file: path, line: 1, column: 1))
            return file
        }
        guard let entries = nluNode.sequence else {
            fail("'nlu' must be a list of entries such as '- intent: NAME', not a \(nluNode.kindName)", at(nluNode))
            return file
        }
        let kinds = ["intent", "synonym", "regex", "lookup"]
        for entry in entries {
            guard let entryMapping = entry.mapping else {
                warn("an nlu entry must be a mapping such as 'intent: NAME' with 'examples', not a \(entry.kindName); skipped", at(entry))
                continue
            }
            let present = kinds.filter { entryMapping[$0] != nil }
            guard present.count == 1, let kind = present.first, let nameNode = entryMapping[kind] else {
                warn(present.isEmpty ? "an nlu entry needs 'intent', 'synonym', 'regex' or 'lookup'; skipped"
                                     : "an nlu entry has \(present.map { "'\($0)'" }.joined(separator: " and ")); give one; skipped", at(entry))
                continue
            }
            let allowed = kind == "intent" ? ["intent", "examples", "metadata"] : [kind, "examples"]
            for (key, _) in entryMapping where !allowed.contains(key.string ?? "") {
                warn(unknownKey(key.string ?? "", allowed: allowed, in: "an nlu entry") + "; ignored", at(key))
            }
            guard let name = nameNode.scalar?.string, !name.isEmpty else {
                warn("'\(kind)' must be a name, not a \(nameNode.kindName); entry skipped", at(nameNode))
                continue
            }
            guard let examplesNode = entryMapping["examples"] else {
                warn("\(kind) '\(name)' has no 'examples'; skipped", at(nameNode))
                continue
            }
            func addExample(_ item: String, at itemLocation: SourceLocation) {
                switch parseRasaExample(item) {
                case .failure(let error):
                    warn(error.message + "; example skipped",
                         SourceLocation(file: path, line: itemLocation.line, column: itemLocation.column + error.offset))
                case .success(let parsed):
                    for note in parsed.notes {
                        warn(note.message, SourceLocation(file: path, line: itemLocation.line, column: itemLocation.column + note.offset))
                    }
                    file.examples.append(ImportedExample(text: parsed.text, intent: name, annotations: parsed.annotations, location: itemLocation))
                }
            }
            if kind == "intent", let list = examplesNode.sequence {
                // Rasa's long form: `- text: ...` with optional `metadata:` per example.
                for element in list {
                    guard let textNode = element.mapping?["text"], let text = textNode.scalar?.string else {
                        warn("an example in an 'examples' list must be a mapping with 'text' (or write examples: | with '- ' lines); skipped", at(element))
                        continue
                    }
                    for (key, _) in element.mapping ?? [:] where key.string != "text" && key.string != "metadata" {
                        warn(unknownKey(key.string ?? "", allowed: ["text", "metadata"], in: "an example") + "; ignored", at(key))
                    }
                    var location = at(textNode)
                    if textNode.scalar?.style == .literal || textNode.scalar?.style == .folded, let line = sourceLine(location.line + 1) {
                        location = SourceLocation(file: path, line: location.line + 1, column: line.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count + 1)
                    }
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                    if trimmed.isEmpty {
                        warn("empty example; skipped", location)
                        continue
                    }
                    addExample(trimmed, at: location)
                }
                continue
            }
            guard let scalar = examplesNode.scalar else {
                warn("'examples' must be a block of '- ' lines (examples: |), not a \(examplesNode.kindName); \(kind) '\(name)' skipped", at(examplesNode))
                continue
            }
            // Where each line of the block is in the file: a literal block starts on the line after `|`.
            let isBlock = scalar.style == .literal
            let firstLine = (examplesNode.mark?.line ?? 1) + (isBlock ? 1 : 0)
            var items: [String] = []
            for (offset, content) in scalar.string.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = content.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                var location = at(examplesNode)
                var column = location.column
                if isBlock, let fileLine = sourceLine(firstLine + offset), fileLine.trimmingCharacters(in: .whitespaces) == trimmed {
                    column = fileLine.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count + 1
                    location = SourceLocation(file: path, line: firstLine + offset, column: column)
                }
                guard trimmed.hasPrefix("-") else {
                    warn("expected an example as '- text', not '\(trimmed)'; line skipped", location)
                    continue
                }
                let afterDash = trimmed.dropFirst()
                let item = afterDash.trimmingCharacters(in: .whitespaces)
                if item.isEmpty {
                    warn("empty example; line skipped", location)
                    continue
                }
                let textColumn = column + 1 + afterDash.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count
                let itemLocation = SourceLocation(file: path, line: location.line, column: textColumn)
                guard kind == "intent" else {
                    items.append(item)
                    continue
                }
                addExample(item, at: itemLocation)
            }
            if kind != "intent", let dataKind = ImportedEntityData.Kind(rawValue: kind) {
                file.entityData.append(ImportedEntityData(kind: dataKind, name: name, items: items, location: at(nameNode)))
            }
        }
        return file
    }

    struct RasaSyntaxError: Error {
        let offset: Int
        let message: String
    }

    struct ParsedExample {
        var text: String
        var annotations: [ImportedAnnotation]
        /// Things dropped from valid annotations (roles, groups), with their offsets.
        var notes: [(offset: Int, message: String)]
    }

    /// Parses Rasa's annotations, `[text](entity)`, `[text](entity:value)` and
    /// `[text]{"entity": "x", "value": "y"}`, out of an example. A `[` not followed by
    /// `](...)` or `]{...}` is text.
    static func parseRasaExample(_ example: String) -> Result<ParsedExample, RasaSyntaxError> {
        let scalars = Array(example.unicodeScalars)
        var plain = String.UnicodeScalarView()
        var count = 0
        var annotations: [ImportedAnnotation] = []
        var notes: [(offset: Int, message: String)] = []
        var i = 0
        while i < scalars.count {
            guard scalars[i] == "[", let close = scalars[(i + 1)...].firstIndex(of: "]"), close + 1 < scalars.count,
                  scalars[close + 1] == "(" || scalars[close + 1] == "{"
            else {
                plain.append(scalars[i])
                count += 1
                i += 1
                continue
            }
            let inner = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
            let entity: String
            var value: String?
            let end: Int
            if scalars[close + 1] == "(" {
                guard let paren = scalars[(close + 2)...].firstIndex(of: ")") else {
                    return .failure(RasaSyntaxError(offset: close + 1, message: "malformed entity annotation: '(' without ')' (write [text](entity))"))
                }
                let label = String(String.UnicodeScalarView(scalars[(close + 2)..<paren]))
                let parts = label.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                entity = parts[0].trimmingCharacters(in: .whitespaces)
                value = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : nil
                end = paren
            } else {
                // A JSON object: find its closing brace, skipping braces inside strings.
                var depth = 0, j = close + 1, inString = false, closing: Int?
                while j < scalars.count {
                    let s = scalars[j]
                    if inString {
                        if s == "\\" { j += 1 } else if s == "\"" { inString = false }
                    } else if s == "\"" {
                        inString = true
                    } else if s == "{" {
                        depth += 1
                    } else if s == "}" {
                        depth -= 1
                        if depth == 0 { closing = j; break }
                    }
                    j += 1
                }
                guard let closing else {
                    return .failure(RasaSyntaxError(offset: close + 1, message: "malformed entity annotation: '{' without '}'"))
                }
                let json = String(String.UnicodeScalarView(scalars[(close + 1)...closing]))
                guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
                    return .failure(RasaSyntaxError(offset: close + 1, message: "malformed entity annotation: \(json) is not a JSON object"))
                }
                guard let name = object["entity"] as? String else {
                    return .failure(RasaSyntaxError(offset: close + 1, message: "malformed entity annotation: \(json) has no \"entity\" name"))
                }
                entity = name
                if let v = object["value"] as? String {
                    value = v
                } else if let v = object["value"] as? NSNumber {
                    value = v.stringValue
                }
                for key in object.keys.sorted() where key != "entity" && key != "value" {
                    let what = key == "role" || key == "group" ? "entity \(key)s are not supported" : "unknown key \"\(key)\""
                    notes.append((close + 1, "\(what); the annotation is imported without its \"\(key)\""))
                }
                end = closing
            }
            guard !inner.isEmpty else {
                return .failure(RasaSyntaxError(offset: i, message: "malformed entity annotation: no text between '[' and ']'"))
            }
            guard !entity.isEmpty else {
                return .failure(RasaSyntaxError(offset: close + 1, message: "malformed entity annotation: no entity name"))
            }
            let length = inner.unicodeScalars.count
            annotations.append(ImportedAnnotation(entity: entity, value: value?.isEmpty == true ? nil : value, span: count..<(count + length)))
            plain.append(contentsOf: inner.unicodeScalars)
            count += length
            i = end + 1
        }
        return .success(ParsedExample(text: String(plain), annotations: annotations, notes: notes))
    }

    // MARK: Converting

    /// `raw` with characters a name may not have replaced by `_`, accents removed.
    static func sanitize(_ raw: String, allowing extra: Set<Unicode.Scalar>, fallback: String) -> String {
        let folded = raw.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
        var result = ""
        for scalar in folded.unicodeScalars {
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || extra.contains(scalar))
            if ok {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("_") {
                result.append("_")
            }
        }
        result = String(result.drop { $0 == "_" })
        while result.hasSuffix("_") { result.removeLast() }
        return result.isEmpty ? fallback : result
    }

    /// Turns the examples and entity data of every file into a bot: names made valid, empty
    /// and duplicate examples left out, out-of-scope examples set aside, entities declared.
    public static func convert(_ files: [TrainingDataFile], options: Options = Options()) -> ImportedBot {
        var bot = ImportedBot()
        bot.diagnostics = files.flatMap(\.diagnostics)
        func warn(_ message: String, _ location: SourceLocation) {
            bot.diagnostics.append(Diagnostic(.warning, at: location, message))
        }

        // Entity names: valid identifiers; a Rasa regex or lookup with a built-in entity's name gets another.
        let entityData = files.flatMap(\.entityData)
        var entityNames: [String: String] = [:]
        var usedEntityNames: Set<String> = []
        func entityName(_ raw: String, at location: SourceLocation) -> String {
            if let known = entityNames[raw] { return known }
            var name = sanitize(raw, allowing: [], fallback: "entity")
            let hasData = entityData.contains { $0.name == raw && $0.kind != .synonym }
            if hasData, EntityName.builtin.contains(EntityName(name)) { name += "_custom" }
            var unique = name, n = 2
            while usedEntityNames.contains(unique) {
                unique = "\(name)_\(n)"
                n += 1
            }
            if unique != raw {
                warn("entity '\(raw)' renamed to '\(unique)' (entity names use letters, digits and '_'\(EntityName.builtin.contains(EntityName(raw)) ? " and are not built-in names" : ""))", location)
            }
            entityNames[raw] = unique
            usedEntityNames.insert(unique)
            return unique
        }

        var intentIndex: [String: Int] = [:]
        var usedIntentNames: Set<String> = []
        var seen: [Int: [String: SourceLocation]] = [:]
        var entityValues: [String: [String]] = [:]
        var entityOrder: [String] = []
        for example in files.flatMap(\.examples) {
            let label = example.intent
            if label.trimmingCharacters(in: .whitespaces).isEmpty {
                warn("example without an intent; skipped", example.location)
                continue
            }
            if let oos = options.outOfScopeLabel, label == oos, !options.keepOutOfScope {
                bot.skippedOutOfScope += 1
                continue
            }
            // Trim, moving the annotations with the text.
            let scalars = Array(example.text.unicodeScalars)
            let leading = scalars.prefix { $0.properties.isWhitespace }.count
            let trailing = scalars.count == leading ? 0 : scalars.reversed().prefix { $0.properties.isWhitespace }.count
            let plainScalars = Array(scalars[leading..<(scalars.count - trailing)])
            let plain = String(String.UnicodeScalarView(plainScalars))
            if plain.isEmpty {
                warn("empty example of intent '\(label)'; skipped", example.location)
                continue
            }
            let index: Int
            if let known = intentIndex[label] {
                index = known
            } else {
                let name = label == options.outOfScopeLabel
                    ? IntentName.outOfScope.rawValue : sanitize(label, allowing: ["-", "."], fallback: "intent")
                var unique = name, n = 2
                while usedIntentNames.contains(unique) {
                    unique = "\(name)_\(n)"
                    n += 1
                }
                if unique != label, label != options.outOfScopeLabel {
                    warn("intent '\(label)' renamed to '\(unique)' (intent names use letters, digits, '_', '-' and '.')", example.location)
                }
                usedIntentNames.insert(unique)
                index = bot.intents.count
                intentIndex[label] = index
                bot.intents.append(ImportedBot.IntentData(name: IntentName(unique), originalName: label, written: [], texts: []))
            }
            let key = plain.lowercased()
            if let first = seen[index]?[key] {
                warn("duplicate example '\(plain)' of intent '\(label)' (first at \(first)); skipped", example.location)
                continue
            }
            seen[index, default: [:]][key] = example.location

            // Written form: `[` doubled in the text, annotations as [text](entity:value).
            var written = ""
            var position = 0
            var lastEnd = 0
            for annotation in example.annotations.sorted(by: { $0.span.lowerBound < $1.span.lowerBound }) {
                let span = (annotation.span.lowerBound - leading)..<(annotation.span.upperBound - leading)
                let inner = span.lowerBound >= 0 && span.upperBound <= plainScalars.count
                    ? String(String.UnicodeScalarView(plainScalars[span])) : ""
                var problem: String?
                if inner.isEmpty || span.lowerBound < lastEnd { problem = "it overlaps another or lies outside the text" }
                else if inner.hasPrefix("[") || inner.contains("]") { problem = "its text contains brackets" }
                else if annotation.value?.contains(")") == true { problem = "its value contains ')'" }
                if let problem {
                    warn("annotation of '\(inner)' as '\(annotation.entity)' cannot be written in the bot format (\(problem)); the example is imported without it", example.location)
                    continue
                }
                let name = entityName(annotation.entity, at: example.location)
                for s in plainScalars[position..<span.lowerBound] { written += s == "[" ? "[[" : String(s) }
                let value = annotation.value.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty || $0 == inner ? nil : $0 }
                written += "[\(inner)](\(name)\(value.map { ":" + $0 } ?? ""))"
                position = span.upperBound
                lastEnd = span.upperBound
                if !EntityName.builtin.contains(EntityName(name)) {
                    if entityValues[name] == nil { entityOrder.append(name) }
                    let canonical = value ?? inner
                    if !(entityValues[name] ?? []).contains(canonical) { entityValues[name, default: []].append(canonical) }
                }
            }
            for s in plainScalars[position...] { written += s == "[" ? "[[" : String(s) }
            bot.intents[index].written.append(written)
            bot.intents[index].texts.append(plain)
        }

        // Rasa regexes, lookup tables and synonyms.
        var patterns: [String: [String]] = [:]
        var lookups: [String: [String]] = [:]
        for data in entityData where data.kind != .synonym {
            if data.items.isEmpty {
                warn("\(data.kind.rawValue) '\(data.name)' has no examples; skipped", data.location)
                continue
            }
            let name = entityName(data.name, at: data.location)
            if entityValues[name] == nil, patterns[name] == nil, lookups[name] == nil { entityOrder.append(name) }
            if data.kind == .regex {
                var valid: [String] = []
                for pattern in data.items {
                    if (try? NSRegularExpression(pattern: pattern)) == nil {
                        warn("regex '\(pattern)' of '\(data.name)' is not a valid ICU regular expression; skipped", data.location)
                    } else {
                        valid.append(pattern)
                    }
                }
                if !valid.isEmpty { patterns[name, default: []] += valid }
            } else {
                lookups[name, default: []] += data.items
            }
        }
        for name in entityOrder {
            var entity = ImportedBot.EntityData(name: name, pattern: nil, values: [])
            if let list = patterns[name] {
                entity.pattern = list.count == 1 ? list[0] : list.map { "(?:\($0))" }.joined(separator: "|")
                if lookups[name] != nil, let data = entityData.first(where: { $0.kind == .lookup && entityNames[$0.name] == name }) {
                    warn("lookup '\(data.name)' is not imported: entity '\(name)' has a regex, and a bot entity has a pattern or values, not both", data.location)
                }
            } else {
                for value in (lookups[name] ?? []) + (entityValues[name] ?? []) where !entity.values.contains(where: { $0.value == value }) {
                    entity.values.append((value, []))
                }
                if entity.values.isEmpty {
                    continue
                }
            }
            bot.entities.append(entity)
        }
        for data in entityData where data.kind == .synonym {
            var used = false
            for e in bot.entities.indices where bot.entities[e].pattern == nil {
                guard let v = bot.entities[e].values.firstIndex(where: { $0.value == data.name }) else { continue }
                for item in data.items where item != data.name && !bot.entities[e].values[v].synonyms.contains(item) {
                    bot.entities[e].values[v].synonyms.append(item)
                }
                used = true
            }
            if !used {
                warn("synonym '\(data.name)' is not the value of any annotated entity or lookup table; skipped", data.location)
            }
        }
        let order = Dictionary(bot.diagnostics.map(\.location.file).enumerated().map { ($1, $0) }, uniquingKeysWith: min)
        bot.diagnostics = bot.diagnostics.enumerated().sorted {
            (order[$0.element.location.file]!, $0.element.location.line, $0.element.location.column, $0.offset)
                < (order[$1.element.location.file]!, $1.element.location.line, $1.element.location.column, $1.offset)
        }.map(\.element)
        return bot
    }
}

/// One line of labelled data, `{"text": ..., "intent": ...}`, as `frontdesk import` and
/// `frontdesk eval` read it.
package enum LabeledLine {
    package struct Problem: Error {
        package let message: String
    }

    package static func parse(_ bytes: Data) -> Result<(text: String, intent: String), Problem> {
        guard let object = try? JSONSerialization.jsonObject(with: bytes) else {
            return .failure(Problem(message: "not valid JSON (expected {\"text\": \"...\", \"intent\": \"...\"})"))
        }
        guard let dictionary = object as? [String: Any] else {
            return .failure(Problem(message: "expected a JSON object like {\"text\": \"...\", \"intent\": \"...\"}"))
        }
        guard let text = dictionary["text"] as? String else {
            return .failure(Problem(message: dictionary["text"] == nil ? "missing \"text\"" : "\"text\" must be a string"))
        }
        guard let intent = dictionary["intent"] as? String else {
            return .failure(Problem(message: dictionary["intent"] == nil ? "missing \"intent\"" : "\"intent\" must be a string"))
        }
        return .success((text, intent))
    }
}
