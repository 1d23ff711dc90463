import Foundation
import FrontdeskCore
import Yams

/// A name used by a form or slot, checked once every file is read.
struct PlacedReference {
    enum Kind { case slot, intent, entity, form }
    let kind: Kind
    let name: String
    let location: SourceLocation
    let file: SourceFile
}

/// Reads `slots:` and `forms:` lists.
struct FormReader {
    let file: SourceFile
    let settings: Settings?

    func readSlots(_ node: Node, references: inout [PlacedReference]) -> [SlotDefinition] {
        var slots: [SlotDefinition] = []
        for item in file.sequence(node, "'slots'") ?? [] {
            guard let mapping = file.mapping(item, "a slot") else { continue }
            file.checkKeys(mapping, allowed: ["name", "type", "entity", "pattern", "values", "min", "max"], in: "a slot")
            guard let nameNode = mapping["name"], let name = identifier(nameNode, "slot") else {
                if mapping["name"] == nil { file.error("slot without a 'name'", at: item) }
                continue
            }
            var kind = SlotDefinition.Kind.text
            if let typeNode = mapping["type"], let text = file.string(typeNode, "'type'") {
                if let parsed = SlotDefinition.Kind(rawValue: text) {
                    kind = parsed
                } else {
                    file.error("unknown slot type '\(text)' (expected \(SlotDefinition.Kind.allCases.map(\.rawValue).joined(separator: ", ")))", at: typeNode)
                }
            }
            var entities: [EntityName] = []
            if let entityNode = mapping["entity"] {
                for item in file.sequence(entityNode, "'entity'") ?? [] {
                    guard let text = file.string(item, "an entity") else { continue }
                    entities.append(EntityName(text))
                    references.append(PlacedReference(kind: .entity, name: text, location: file.location(of: item), file: file))
                }
            }
            var pattern: String?
            if let patternNode = mapping["pattern"], let text = file.string(patternNode, "'pattern'") {
                do {
                    _ = try NSRegularExpression(pattern: text)
                    pattern = text
                } catch {
                    file.error("invalid regular expression '\(text)' (\((error as NSError).localizedDescription))", at: patternNode)
                }
            }
            var values: [String] = []
            if let valuesNode = mapping["values"] {
                values = (file.sequence(valuesNode, "'values'") ?? []).compactMap { file.string($0, "a value") }
            }
            if kind == .choice, values.isEmpty, entities.isEmpty {
                file.error("slot '\(name)' of type choice needs 'values' (the allowed answers) or an 'entity'", at: nameNode)
            }
            let minimum = mapping["min"].flatMap { file.number($0, "'min'", range: -1e15...1e15) }
            let maximum = mapping["max"].flatMap { file.number($0, "'max'", range: -1e15...1e15) }
            if let minimum, let maximum, minimum > maximum {
                file.error("'min' is larger than 'max'", at: mapping["min"]!)
            }
            slots.append(SlotDefinition(name: SlotName(name), kind: kind, entities: entities, pattern: pattern, values: values,
                                        minimum: minimum, maximum: maximum, location: file.location(of: nameNode)))
        }
        return slots
    }

    func readForms(_ node: Node, references: inout [PlacedReference]) -> [FormDefinition] {
        var forms: [FormDefinition] = []
        for item in file.sequence(node, "'forms'") ?? [] {
            guard let mapping = file.mapping(item, "a form") else { continue }
            file.checkKeys(mapping, allowed: ["name", "trigger", "slots", "max_attempts", "confirm", "done", "event"], in: "a form")
            guard let nameNode = mapping["name"], let name = identifier(nameNode, "form") else {
                if mapping["name"] == nil { file.error("form without a 'name'", at: item) }
                continue
            }
            var triggers: [IntentName] = []
            if let triggerNode = mapping["trigger"] {
                for trigger in file.sequence(triggerNode, "'trigger'") ?? [] {
                    guard let text = file.string(trigger, "an intent") else { continue }
                    triggers.append(IntentName(text))
                    references.append(PlacedReference(kind: .intent, name: text, location: file.location(of: trigger), file: file))
                }
            }
            // The form's slots are known before its texts are read: they may use them as placeholders.
            let stepNodes = mapping["slots"].flatMap { file.sequence($0, "'slots'") } ?? []
            let slotNames = stepNodes.compactMap { $0.mapping?["slot"]?.string }
            let languages = settings?.languages ?? []
            let placeholders = settings.map { $0.placeholders.union(slotNames) }
            let texts = VariationsReader(file: file, languages: languages, placeholders: placeholders)
            var steps: [FormDefinition.Step] = []
            for stepNode in stepNodes {
                guard let stepMapping = file.mapping(stepNode, "a form step") else { continue }
                file.checkKeys(stepMapping, allowed: ["slot", "ask", "reprompt"], in: "a form step")
                guard let slotNode = stepMapping["slot"], let slot = file.string(slotNode, "'slot'") else {
                    file.error("a form step needs 'slot: NAME'", at: stepNode)
                    continue
                }
                references.append(PlacedReference(kind: .slot, name: slot, location: file.location(of: slotNode), file: file))
                guard let askNode = stepMapping["ask"] else {
                    file.error("the step for slot '\(slot)' needs 'ask' (the question, per language)", at: slotNode)
                    continue
                }
                let ask = texts.read(askNode, what: "'ask'")
                let reprompt = stepMapping["reprompt"].map { texts.read($0, what: "'reprompt'") } ?? [:]
                steps.append(FormDefinition.Step(slot: SlotName(slot), ask: ask, reprompt: reprompt))
            }
            if stepNodes.isEmpty { file.error("form '\(name)' has no 'slots' to ask for", at: nameNode) }
            var maxAttempts = 3
            if let node = mapping["max_attempts"], let value = file.number(node, "'max_attempts'", range: 1...20) {
                maxAttempts = Int(value)
            }
            let confirm = mapping["confirm"].map { texts.read($0, what: "'confirm'") } ?? [:]
            guard let doneNode = mapping["done"] else {
                file.error("form '\(name)' needs 'done' (the reply when it is complete)", at: nameNode)
                continue
            }
            let done = texts.read(doneNode, what: "'done'")
            let event = mapping["event"].flatMap { file.string($0, "'event'") }
            forms.append(FormDefinition(name: name, triggers: triggers, steps: steps, maxAttempts: maxAttempts, confirm: confirm,
                                        done: done, event: event, location: file.location(of: nameNode)))
        }
        return forms
    }

    private func identifier(_ node: Node, _ what: String) -> String? {
        guard let text = file.string(node, "'name'") else { return nil }
        guard text.isIdentifier() else {
            file.error("invalid \(what) name '\(text)' (use letters, digits and '_')", at: node)
            return nil
        }
        return text
    }
}
