/// A reply text with `{placeholders}`, parsed once when the bot loads.
///
/// Syntax: `{name}` is replaced by a value; `{name|default}` falls back to `default` when
/// the value is unknown; `{{` and `}}` are literal braces.
public struct ReplyTemplate: Hashable, Sendable {
    public enum Part: Hashable, Sendable {
        case text(String)
        case placeholder(name: String, defaultValue: String?, offset: Int)
    }

    public let source: String
    public let parts: [Part]
    /// Where the template was written, for diagnostics.
    public let location: SourceLocation?

    public struct SyntaxError: Error, Hashable, Sendable {
        /// Offset in Unicode scalars from the start of the template.
        public let offset: Int
        public let message: String
    }

    public init(parsing source: String, location: SourceLocation? = nil) throws(SyntaxError) {
        self.source = source
        self.location = location
        var parts: [Part] = []
        var text = ""
        let scalars = Array(source.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "{" {
                if i + 1 < scalars.count, scalars[i + 1] == "{" {
                    text.unicodeScalars.append("{")
                    i += 2
                    continue
                }
                guard let close = scalars[(i + 1)...].firstIndex(of: "}") else {
                    throw SyntaxError(offset: i, message: "unclosed '{' in reply (write '{{' for a literal brace)")
                }
                let inner = String(String.UnicodeScalarView(scalars[(i + 1)..<close]))
                let pieces = inner.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
                let name = pieces[0].trimmingSpaces()
                guard name.isIdentifier(allowing: ["."]) else {
                    throw SyntaxError(offset: i, message: "invalid placeholder '{\(inner)}' (names use letters, digits and '_')")
                }
                if !text.isEmpty {
                    parts.append(.text(text))
                    text = ""
                }
                parts.append(.placeholder(name: name, defaultValue: pieces.count > 1 ? String(pieces[1]) : nil, offset: i))
                i = close + 1
            } else if c == "}" {
                if i + 1 < scalars.count, scalars[i + 1] == "}" {
                    text.unicodeScalars.append("}")
                    i += 2
                    continue
                }
                throw SyntaxError(offset: i, message: "unmatched '}' in reply (write '}}' for a literal brace)")
            } else {
                text.unicodeScalars.append(c)
                i += 1
            }
        }
        if !text.isEmpty { parts.append(.text(text)) }
        self.parts = parts
    }

    /// The placeholders used, with their offsets.
    public var placeholders: [(name: String, hasDefault: Bool, offset: Int)] {
        parts.compactMap {
            if case .placeholder(let name, let defaultValue, let offset) = $0 {
                return (name, defaultValue != nil, offset)
            }
            return nil
        }
    }

    /// Fills the placeholders. A placeholder without a value and without a default is left
    /// visible as `{name}` (the loader rejects bots where that can happen).
    public func render(_ value: (String) -> String?) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .text(let t): out += t
            case .placeholder(let name, let defaultValue, _):
                out += value(name) ?? defaultValue ?? "{\(name)}"
            }
        }
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
