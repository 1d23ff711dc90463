import Foundation

/// A part of an article that can be quoted on its own: a section under its heading, or a
/// part of a long one.
public struct Passage: Sendable, Equatable {
    /// The heading of the section it belongs to, if any (plain text).
    public let heading: String?
    /// Plain text: Markdown marks removed, links written as `text (url)`, list items kept on
    /// their own lines.
    public let text: String
    /// The text as indexed: link texts without their URLs.
    public let words: String
}

/// Markdown as the knowledge base reads it: headings, paragraphs, lists, emphasis and links.
public enum MarkdownText {
    /// The article's passages, in order: each `#` section is one, or when its text is longer
    /// than `maxCharacters`, its paragraphs and lists are grouped into passages up to that length.
    public static func passages(_ markdown: String, maxCharacters: Int = passageLength) -> [Passage] {
        var passages: [Passage] = []
        for section in sections(markdown) {
            let blocks = section.blocks.map { (text: plainBlock($0, urls: true), words: plainBlock($0, urls: false)) }.filter { !$0.text.isEmpty }
            guard !blocks.isEmpty else { continue }
            func passage(_ part: ArraySlice<(text: String, words: String)>) -> Passage {
                Passage(heading: section.heading, text: part.map(\.text).joined(separator: "\n"), words: part.map(\.words).joined(separator: "\n"))
            }
            var start = 0
            var length = 0
            for (index, block) in blocks.enumerated() {
                if index > start, length + block.text.count > maxCharacters {
                    passages.append(passage(blocks[start..<index]))
                    start = index
                    length = 0
                }
                length += block.text.count + 1
            }
            passages.append(passage(blocks[start...]))
        }
        return passages
    }

    /// How long a passage may grow before a long section is split (at paragraphs and lists).
    public static let passageLength = 700

    struct Section {
        var heading: String?
        var blocks: [[String]] = []
    }

    /// Sections at headings; blocks separated by blank lines, a list (even with blank lines
    /// between its items) being one block.
    static func sections(_ markdown: String) -> [Section] {
        var sections: [Section] = [Section(heading: nil)]
        var block: [String] = []
        func endBlock() {
            if !block.isEmpty { sections[sections.count - 1].blocks.append(block) }
            block = []
        }
        for raw in markdown.sourceLinesForMarkdown {
            let line = raw.trimmingWhitespace
            if line.isEmpty {
                endBlock()
                continue
            }
            if let heading = headingText(line) {
                endBlock()
                sections.append(Section(heading: plainInline(heading)))
                continue
            }
            // A list item right after a list block continues that list.
            if block.isEmpty, isListItem(line), let last = sections[sections.count - 1].blocks.last, last.first.map(isListItem) == true {
                block = sections[sections.count - 1].blocks.removeLast()
            }
            block.append(raw)
        }
        endBlock()
        return sections.filter { !$0.blocks.isEmpty || $0.heading != nil }
    }

    static func headingText(_ line: String) -> String? {
        guard line.hasPrefix("#") else { return nil }
        let hashes = line.prefix { $0 == "#" }.count
        guard hashes <= 6, line.dropFirst(hashes).first == " " else { return nil }
        var text = String(line.dropFirst(hashes)).trimmingWhitespace
        while text.hasSuffix("#") { text = String(text.dropLast()).trimmingWhitespace }
        return text
    }

    static func isListItem(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        if let first = trimmed.first, "-*+".contains(first), trimmed.dropFirst().first == " " { return true }
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && digits.count <= 3 && trimmed.dropFirst(digits.count).hasPrefix(". ")
    }

    /// A block as plain text: lines of a paragraph joined with spaces, list items on their own
    /// lines (bullets as `•`, numbers kept).
    static func plainBlock(_ lines: [String], urls: Bool = true) -> String {
        var out: [String] = []
        for raw in lines {
            let line = raw.trimmingWhitespace
            if line.allSatisfy({ $0 == "-" || $0 == "*" || $0 == "_" }) { continue }  // a rule
            var text = line
            if text.hasPrefix(">") { text = String(text.drop { $0 == ">" || $0 == " " }) }
            if isListItem(text) {
                if let first = text.first, "-*+".contains(first) { text = "• " + text.dropFirst(2) }
                out.append(plainInline(text, urls: urls))
            } else if let last = out.last, !isListLine(last) || raw.hasPrefix("  ") {
                out[out.count - 1] = last + " " + plainInline(text, urls: urls)
            } else {
                out.append(plainInline(text, urls: urls))
            }
        }
        return out.joined(separator: "\n")
    }

    private static func isListLine(_ line: String) -> Bool { line.hasPrefix("• ") || isListItem(line) }

    /// Inline Markdown as plain text: `**bold**`, `_em_`, `` `code` `` lose their marks,
    /// `[text](url)` becomes `text (url)`, `![alt](url)` becomes `alt`, `<url>` becomes `url`.
    public static func plainInline(_ text: String, urls: Bool = true) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_{}[]()#+-.!<>".contains(chars[i + 1]) {
                out.append(chars[i + 1])
                i += 2
                continue
            }
            if c == "!" || c == "[", let link = parseLink(chars, at: c == "!" ? i + 1 : i) {
                let bare = link.url.replacingOccurrences(of: "https://", with: "").replacingOccurrences(of: "http://", with: "")
                if c == "!" || !urls || link.url.isEmpty { out += link.text }
                else if link.text == link.url || link.text == bare || link.text + "/" == bare { out += link.url }
                else { out += "\(link.text) (\(link.url))" }
                i = link.end
                continue
            }
            if c == "<", let close = chars[i...].firstIndex(of: ">"), close > i + 1 {
                let inner = String(chars[(i + 1)..<close])
                if inner.hasPrefix("http://") || inner.hasPrefix("https://") || inner.contains("@") && !inner.contains(" ") {
                    out += inner
                    i = close + 1
                    continue
                }
            }
            if c == "*" || c == "`" || (c == "_" && (i + 1 < chars.count && chars[i + 1] == "_" || isBoundary(chars, i))) {
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return out
    }

    /// `_` is emphasis only at a word boundary (`snake_case` keeps it).
    private static func isBoundary(_ chars: [Character], _ i: Int) -> Bool {
        let before = i > 0 ? chars[i - 1] : " "
        let after = i + 1 < chars.count ? chars[i + 1] : " "
        return !(before.isLetter || before.isNumber) || !(after.isLetter || after.isNumber)
    }

    private static func parseLink(_ chars: [Character], at start: Int) -> (text: String, url: String, end: Int)? {
        guard start < chars.count, chars[start] == "[" else { return nil }
        var depth = 0
        var close: Int?
        for j in start..<chars.count {
            if chars[j] == "[" { depth += 1 }
            if chars[j] == "]" {
                depth -= 1
                if depth == 0 { close = j; break }
            }
        }
        guard let close, close + 1 < chars.count, chars[close + 1] == "(",
              let end = chars[(close + 1)...].firstIndex(of: ")") else { return nil }
        let text = plainInline(String(chars[(start + 1)..<close]), urls: false)
        var url = String(chars[(close + 2)..<end]).trimmingWhitespace
        if let space = url.firstIndex(of: " ") { url = String(url[..<space]) }  // a title after the URL
        return (text, url, end + 1)
    }

    /// The text cut to at most `limit` characters, at the end of a sentence or line when
    /// there is one in the second half, with `…` when something was cut.
    public static func shortened(_ text: String, limit: Int) -> String {
        guard text.count > limit, limit > 1 else { return text }
        let head = String(text.prefix(limit - 1))
        let ends = head.indices.filter { i in
            let c = head[i]
            guard c == "." || c == "!" || c == "?" || c == "\n" else { return false }
            let next = head.index(after: i)
            return next == head.endIndex || head[next] == " " || head[next] == "\n"
        }
        if let last = ends.last, head.distance(from: head.startIndex, to: last) >= limit / 2 {
            let cut = String(head[...last]).trimmingWhitespace
            return cut + " …"
        }
        let words = head.split(separator: " ", omittingEmptySubsequences: false).dropLast().joined(separator: " ")
        return (words.isEmpty ? head : words) + " …"
    }
}

extension String {
    /// Lines at any line break.
    var sourceLinesForMarkdown: [String] {
        split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    }
}
