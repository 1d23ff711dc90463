import Foundation
import FrontdeskCore
import Yams

/// Reads the `entities:` list of a bot file.
struct EntityReader {
    let file: SourceFile
    /// Declared languages; empty when bot.yaml could not be read (then not checked).
    let languages: [LanguageCode]

    static let keys = ["name", "pattern", "values", "fuzzy"]

    func read(_ node: Node) -> [EntityDefinition] {
        (file.sequence(node, "'entities'") ?? []).compactMap(readEntity)
    }

    private func readEntity(_ node: Node) -> EntityDefinition? {
        guard let mapping = file.mapping(node, "an entity") else { return nil }
        file.checkKeys(mapping, allowed: Self.keys, in: "an entity")
        guard let nameNode = mapping["name"], let rawName = file.string(nameNode, "'name'") else {
            if mapping["name"] == nil { file.error("entity without a 'name'", at: node) }
            return nil
        }
        guard rawName.isIdentifier() else {
            file.error("invalid entity name '\(rawName)' (use letters, digits and '_')", at: nameNode)
            return nil
        }
        let name = EntityName(rawName)
        if EntityName.builtin.contains(name) {
            file.error("'\(name)' is a built-in entity (\(EntityName.builtin.map(\.rawValue).joined(separator: ", "))); choose another name", at: nameNode)
            return nil
        }
        var fuzzy = true
        if let fuzzyNode = mapping["fuzzy"] {
            if let value = fuzzyNode.bool { fuzzy = value } else { file.error("'fuzzy' must be true or false", at: fuzzyNode) }
        }
        let location = file.location(of: nameNode)
        switch (mapping["pattern"], mapping["values"]) {
        case (let patternNode?, nil):
            guard let pattern = file.string(patternNode, "'pattern'") else { return nil }
            do {
                _ = try NSRegularExpression(pattern: pattern)
            } catch {
                file.error("invalid regular expression '\(pattern)' (\((error as NSError).localizedDescription))", at: patternNode)
                return nil
            }
            return EntityDefinition(name: name, kind: .pattern(pattern), fuzzy: fuzzy, location: location)
        case (nil, let valuesNode?):
            var values: [EntityDefinition.ListValue] = []
            for item in file.sequence(valuesNode, "'values'") ?? [] {
                if let text = item.scalar?.string {
                    values.append(EntityDefinition.ListValue(value: text))
                    continue
                }
                guard let valueMapping = file.mapping(item, "a value") else { continue }
                file.checkKeys(valueMapping, allowed: ["value", "synonyms"], in: "an entity value")
                guard let valueNode = valueMapping["value"], let value = file.string(valueNode, "'value'"), !value.isEmpty else {
                    file.error("an entity value needs 'value: ...'", at: item)
                    continue
                }
                var synonyms: [LanguageCode?: [String]] = [:]
                if let synonymsNode = valueMapping["synonyms"] {
                    if synonymsNode.mapping != nil, let byLanguage = file.mapping(synonymsNode, "'synonyms'") {
                        for (key, list) in byLanguage {
                            guard let code = key.string, LanguageCode.isKnown(code) else {
                                file.error("'\(key.string ?? "")' is not a language code (use ISO 639-1 codes such as en, de)", at: key)
                                continue
                            }
                            let language = LanguageCode(code)
                            if !languages.isEmpty, !languages.contains(language) {
                                file.error("language '\(language)' is not declared in \(BotLoader.settingsFileName) (languages: \(languages.map(\.rawValue).joined(separator: ", ")))", at: key)
                                continue
                            }
                            synonyms[language] = (file.sequence(list, "synonyms") ?? []).compactMap { file.string($0, "a synonym") }
                        }
                    } else {
                        synonyms[nil] = (file.sequence(synonymsNode, "'synonyms'") ?? []).compactMap { file.string($0, "a synonym") }
                    }
                }
                values.append(EntityDefinition.ListValue(value: value, synonyms: synonyms))
            }
            if values.isEmpty { file.error("entity '\(name)' has no values", at: valuesNode) }
            return EntityDefinition(name: name, kind: .list(values), fuzzy: fuzzy, location: location)
        case (nil, nil):
            file.error("entity '\(name)' needs a 'pattern' (a regular expression) or 'values' (a list)", at: nameNode)
            return nil
        case (_?, _?):
            file.error("entity '\(name)' has both 'pattern' and 'values'; give one", at: nameNode)
            return nil
        }
    }
}
