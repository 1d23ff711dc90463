import Foundation
import FrontdeskCore
import Yams

/// An annotation with where it was written, checked once every file is read.
struct PlacedAnnotation {
    let annotation: Annotation
    let language: LanguageCode
    let location: SourceLocation
    let file: SourceFile
}

/// Reads one intent file: `version`, a list of `intents` and/or a list of `entities`.
struct IntentReader {
    let file: SourceFile
    /// `nil` when bot.yaml could not be read; languages and placeholders are then not checked.
    let settings: Settings?

    static let intentKeys = ["name", "title", "examples", "replies", "context", "requires", "knowledge"]

    struct Content {
        var intents: [Intent] = []
        var entities: [EntityDefinition] = []
        var annotations: [PlacedAnnotation] = []
        var slots: [SlotDefinition] = []
        var forms: [FormDefinition] = []
        var references: [PlacedReference] = []
    }

    func read() -> Content {
        var content = Content()
        guard let root = file.parseRoot(), checkVersion(root, in: file) else { return content }
        file.checkKeys(root, allowed: ["version", "intents", "entities", "slots", "forms"], in: "an intent file")
        if let entities = root["entities"] {
            content.entities = EntityReader(file: file, languages: settings?.languages ?? []).read(entities)
        }
        let forms = FormReader(file: file, settings: settings)
        if let slots = root["slots"] { content.slots = forms.readSlots(slots, references: &content.references) }
        if let list = root["forms"] { content.forms = forms.readForms(list, references: &content.references) }
        guard let list = root["intents"] else {
            if root["entities"] == nil, root["slots"] == nil, root["forms"] == nil {
                file.error("missing 'intents' (a list of intents with name, examples and replies)", at: file.location(root.mark))
            }
            return content
        }
        for node in file.sequence(list, "'intents'") ?? [] {
            guard let (intent, annotations) = readIntent(node) else { continue }
            content.intents.append(intent)
            content.annotations += annotations
        }
        return content
    }

    private var variations: VariationsReader {
        VariationsReader(file: file, languages: settings?.languages ?? [], placeholders: settings?.placeholders)
    }

    private func readIntent(_ node: Node) -> (Intent, [PlacedAnnotation])? {
        guard let mapping = file.mapping(node, "an intent") else { return nil }
        file.checkKeys(mapping, allowed: Self.intentKeys, in: "an intent")
        guard let nameNode = mapping["name"] else {
            file.error("intent without a 'name'", at: node)
            return nil
        }
        guard let rawName = file.string(nameNode, "'name'") else { return nil }
        guard rawName.isIdentifier(allowing: ["-", "."]) else {
            file.error("invalid intent name '\(rawName)' (use letters, digits, '_', '-' and '.')", at: nameNode)
            return nil
        }
        let name = IntentName(rawName)
        let location = file.location(of: nameNode)

        var titles: [LanguageCode: String] = [:]
        if let titleNode = mapping["title"] {
            if let text = titleNode.scalar?.string {
                titles[settings?.languages.first ?? .english] = text
            } else if let titleMapping = file.mapping(titleNode, "'title'") {
                for (key, value) in titleMapping {
                    guard let language = variations.language(key), let text = file.string(value, "a title") else { continue }
                    titles[language] = text
                }
            }
        }

        var examples: [LanguageCode: [Intent.Example]] = [:]
        var placed: [PlacedAnnotation] = []
        if let examplesNode = mapping["examples"], let examplesMapping = file.mapping(examplesNode, "'examples'") {
            for (key, value) in examplesMapping {
                guard let language = variations.language(key) else { continue }
                var seen: [String: SourceLocation] = [:]
                var list: [Intent.Example] = []
                for item in file.sequence(value, "examples in '\(language)'") ?? [] {
                    guard let written = file.string(item, "an example") else { continue }
                    let parsed: (text: String, annotations: [Annotation])
                    do {
                        parsed = try Annotation.parse(written)
                    } catch {
                        file.error(error.message, at: item, offset: error.offset)
                        continue
                    }
                    let trimmed = parsed.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    let at = file.location(of: item)
                    if trimmed.isEmpty {
                        file.error("empty example", at: at)
                        continue
                    }
                    if let first = seen[trimmed.lowercased()] {
                        file.warning("duplicate example '\(trimmed)' in intent '\(name)' (first at line \(first.line))", at: at)
                        continue
                    }
                    seen[trimmed.lowercased()] = at
                    // Offsets in the written example, to point at each annotation.
                    let leading = parsed.text.unicodeScalars.prefix { $0.properties.isWhitespace }.count
                    var shift = 0
                    var annotations: [Annotation] = []
                    for annotation in parsed.annotations {
                        let moved = Annotation(entity: annotation.entity, text: annotation.text, value: annotation.value,
                                               span: (annotation.span.lowerBound - leading)..<(annotation.span.upperBound - leading))
                        annotations.append(moved)
                        placed.append(PlacedAnnotation(annotation: moved, language: language,
                                                       location: file.location(of: item, offset: annotation.span.lowerBound + shift), file: file))
                        shift += 1 + 3 + annotation.entity.rawValue.unicodeScalars.count + (annotation.value.map { 1 + $0.unicodeScalars.count } ?? 0)
                    }
                    list.append(Intent.Example(trimmed, location: at, annotations: annotations))
                }
                examples[language] = list
            }
        }
        if examples.values.allSatisfy(\.isEmpty) {
            file.error("intent '\(name)' has no examples", at: location)
        }

        var replies: Variations = [:]
        if let repliesNode = mapping["replies"] {
            replies = variations.read(repliesNode, what: "'replies'")
        }
        var knowledge: KnowledgeScope?
        if let node = mapping["knowledge"] {
            knowledge = readKnowledge(node)
        }
        if replies.values.allSatisfy(\.isEmpty), knowledge == nil, "\(name)" != IntentName.outOfScope.rawValue {
            file.error("intent '\(name)' has no replies (nor `knowledge:` to answer from articles)", at: location)
        }
        var intent = Intent(name: name, titles: titles, examples: examples, replies: replies, location: location)
        intent.knowledge = knowledge
        if let node = mapping["context"] {
            if let text = node.scalar?.string {
                intent.setsContext = ContextSpec(name: text)
            } else if let contextMapping = file.mapping(node, "'context'") {
                file.checkKeys(contextMapping, allowed: ["name", "turns", "minutes"], in: "'context'")
                if let nameNode = contextMapping["name"], let text = file.string(nameNode, "the context's name") {
                    let turns = contextMapping["turns"].flatMap { file.number($0, "'turns'", range: 1...100) }.map(Int.init) ?? 2
                    let minutes = contextMapping["minutes"].flatMap { file.number($0, "'minutes'", range: 0.1...10_000) } ?? 10
                    intent.setsContext = ContextSpec(name: text, turns: turns, minutes: minutes)
                } else if contextMapping["name"] == nil {
                    file.error("'context' needs a 'name'", at: node)
                }
            }
        }
        if let node = mapping["requires"], let text = file.string(node, "'requires'") {
            intent.requiresContext = text
        }
        return (intent, placed)
    }

    /// `knowledge: true` (any article), `knowledge: {tags: [...]}` or `knowledge: {articles: [...]}`.
    func readKnowledge(_ node: Node) -> KnowledgeScope? {
        if let flag = node.bool, node.scalar != nil {
            return flag ? .all : nil
        }
        guard let mapping = node.mapping else {
            file.error("'knowledge' must be true, or a mapping with 'tags' or 'articles'", at: node)
            return nil
        }
        file.checkKeys(mapping, allowed: ["tags", "articles"], in: "'knowledge'")
        if mapping["tags"] != nil, mapping["articles"] != nil {
            file.error("'knowledge' takes either 'tags' or 'articles', not both", at: node)
            return nil
        }
        if let n = mapping["tags"] {
            let tags = file.sequence(n, "'tags'")?.compactMap { file.string($0, "a tag") } ?? []
            if tags.isEmpty { file.error("'tags' must list at least one tag", at: n) }
            return .tags(tags)
        }
        if let n = mapping["articles"] {
            let ids = file.sequence(n, "'articles'")?.compactMap { file.string($0, "an article id") } ?? []
            if ids.isEmpty { file.error("'articles' must list at least one article id", at: n) }
            return .articles(ids)
        }
        file.error("'knowledge' needs 'tags' or 'articles' (or write `knowledge: true`)", at: node)
        return nil
    }
}
