import FrontdeskCore
import Yams

/// One YAML file being read, collecting diagnostics that point into it.
package final class SourceFile {
    package let path: String
    package let text: String
    private let lines: [String]
    private var unsorted: [Diagnostic] = []
    /// The problems found, in line and column order.
    package var diagnostics: [Diagnostic] {
        unsorted.enumerated().sorted {
            ($0.element.location.line, $0.element.location.column, $0.offset) < ($1.element.location.line, $1.element.location.column, $1.offset)
        }.map(\.element)
    }

    package init(path: String, text: String) {
        self.path = path
        // A byte-order mark (Windows editors write one) is not part of the YAML.
        self.text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        // Split on any line break: "\r\n" is a single Character in Swift.
        self.lines = self.text.sourceLines
    }

    package func location(_ mark: Mark?, offset: Int = 0) -> SourceLocation {
        SourceLocation(file: path, line: mark?.line ?? 1, column: (mark?.column ?? 1) + offset)
    }

    /// Where a node starts, or with `offset`, that many characters into its text (after the
    /// opening quote of a quoted text).
    package func location(of node: Node, offset: Int? = nil) -> SourceLocation {
        guard let offset else { return location(node.mark) }
        var extra = offset
        if let scalar = node.scalar, scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
            extra += 1  // the opening quote
        }
        return location(node.mark, offset: extra)
    }

    /// The text of a line, or `nil` when there is none or it is blank (nothing to point at).
    package func line(_ number: Int) -> String? {
        guard number >= 1, number <= lines.count else { return nil }
        let line = lines[number - 1]
        return line.allSatisfy(\.isWhitespace) ? nil : line
    }

    package func error(_ message: String, at location: SourceLocation) {
        unsorted.append(Diagnostic(.error, at: location, message, sourceLine: line(location.line)))
    }

    package func warning(_ message: String, at location: SourceLocation) {
        unsorted.append(Diagnostic(.warning, at: location, message, sourceLine: line(location.line)))
    }

    package func error(_ message: String, at node: Node, offset: Int? = nil) {
        error(message, at: location(of: node, offset: offset))
    }

    /// Parses the YAML, reporting a syntax error with its position. Returns the root mapping.
    package func parseRoot() -> Node.Mapping? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            report(error)
            return nil
        } catch {
            self.error("cannot read YAML: \(error)", at: location(nil))
            return nil
        }
        guard let root else {
            self.error("the file is empty (expected `version: \(BotLoader.formatVersion)` and content)", at: location(nil))
            return nil
        }
        guard let mapping = root.mapping else {
            self.error("expected a mapping with `version: \(BotLoader.formatVersion)` at the top of the file", at: root)
            return nil
        }
        return mapping
    }

    private func report(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            self.error(message, at: location(mark))
        case .reader(let problem, let offset, _, _):
            var loc = location(nil)
            if let offset {
                let prefix = text.utf8.prefix(offset)
                let lineNumber = prefix.reduce(1) { $1 == 10 ? $0 + 1 : $0 }
                let lastLine = prefix.split(separator: 10, omittingEmptySubsequences: false).last ?? []
                loc = SourceLocation(file: path, line: lineNumber, column: (String(decoding: lastLine, as: UTF8.self).unicodeScalars.count) + 1)
            }
            self.error("cannot read YAML: \(problem)", at: loc)
        case .duplicatedKeysInMapping(let duplicates, let context):
            self.error("duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in mapping", at: location(context.mark))
        default:
            self.error("invalid YAML: \(error)", at: location(nil))
        }
    }

    // MARK: typed accessors

    /// Checks that `mapping` has only `allowed` keys; reports the others.
    package func checkKeys(_ mapping: Node.Mapping, allowed: [String], in what: String) {
        for (key, _) in mapping {
            guard let name = key.string else {
                error("keys in \(what) must be plain words", at: key)
                continue
            }
            if !allowed.contains(name) {
                let suggestion = allowed.min { levenshteinDistance($0, name) < levenshteinDistance($1, name) }
                var message = "unknown key '\(name)' in \(what)"
                if let suggestion, levenshteinDistance(suggestion, name) <= 2 {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += " (expected \(allowed.map { "'\($0)'" }.joined(separator: ", ")))"
                }
                error(message, at: key)
            }
        }
    }

    package func keyNode(_ mapping: Node.Mapping, _ key: String) -> Node? {
        mapping.first { $0.key.string == key }?.key
    }

    package func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar else {
            error("\(what) must be a text, not a \(node.kindName)", at: node)
            return nil
        }
        return scalar.string
    }

    package func mapping(_ node: Node, _ what: String) -> Node.Mapping? {
        guard let mapping = node.mapping else {
            error("\(what) must be a mapping, not a \(node.kindName)", at: node)
            return nil
        }
        return mapping
    }

    package func sequence(_ node: Node, _ what: String) -> [Node]? {
        if node.scalar != nil, node.string?.isEmpty == false {
            // A single text where a list was expected: accept it as a list of one.
            return [node]
        }
        guard let sequence = node.sequence else {
            error("\(what) must be a list, not a \(node.kindName)", at: node)
            return nil
        }
        return Array(sequence)
    }

    package func number(_ node: Node, _ what: String, range: ClosedRange<Double>) -> Double? {
        guard let scalar = node.scalar, let value = Double(scalar.string) else {
            error("\(what) must be a number", at: node)
            return nil
        }
        guard range.contains(value) else {
            error("\(what) must be between \(range.lowerBound.formatted) and \(range.upperBound.formatted), not \(scalar.string)", at: node)
            return nil
        }
        return value
    }
}

extension Node {
    package var kindName: String {
        switch self {
        case .scalar: return "text"
        case .mapping: return "mapping"
        case .sequence: return "list"
        case .alias: return "alias"
        }
    }
}

extension Double {
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}

