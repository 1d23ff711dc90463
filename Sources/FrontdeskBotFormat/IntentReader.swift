import Foundation
import FrontdeskCore
import Yams

/// Reads one intent file: `version` and a list of `intents`.
struct IntentReader {
    let file: SourceFile
    /// `nil` when bot.yaml could not be read; languages and placeholders are then not checked.
    let settings: Settings?

    static let intentKeys = ["name", "title", "examples", "replies"]

    func read() -> [Intent] {
        guard let root = file.parseRoot(), checkVersion(root, in: file) else { return [] }
        file.checkKeys(root, allowed: ["version", "intents"], in: "an intent file")
        guard let list = root["intents"] else {
            file.error("missing 'intents' (a list of intents with name, examples and replies)", at: file.location(root.mark))
            return []
        }
        return (file.sequence(list, "'intents'") ?? []).compactMap(readIntent)
    }

    private var variations: VariationsReader {
        VariationsReader(file: file, languages: settings?.languages ?? [], placeholders: settings?.placeholders)
    }

    private func readIntent(_ node: Node) -> Intent? {
        guard let mapping = file.mapping(node, "an intent") else { return nil }
        file.checkKeys(mapping, allowed: Self.intentKeys, in: "an intent")
        guard let nameNode = mapping["name"] else {
            file.error("intent without a 'name'", at: node)
            return nil
        }
        guard let rawName = file.string(nameNode, "'name'") else { return nil }
        guard !rawName.isEmpty, rawName.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" || $0 == ".") }) else {
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
        if let examplesNode = mapping["examples"], let examplesMapping = file.mapping(examplesNode, "'examples'") {
            for (key, value) in examplesMapping {
                guard let language = variations.language(key) else { continue }
                var seen: [String: SourceLocation] = [:]
                var list: [Intent.Example] = []
                for item in file.sequence(value, "examples in '\(language)'") ?? [] {
                    guard let text = file.string(item, "an example") else { continue }
                    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
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
                    list.append(Intent.Example(trimmed, location: at))
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
        if replies.values.allSatisfy(\.isEmpty) {
            file.error("intent '\(name)' has no replies", at: location)
        }
        return Intent(name: name, titles: titles, examples: examples, replies: replies, location: location)
    }
}
