import Foundation
import FrontdeskBotFormat
import FrontdeskCore
import Yams

/// Reads help articles from Markdown files with a front-matter header, from CSV and from JSON
/// Lines (help-centre exports). Every problem is reported as `file:line:column: error: ...`;
/// one bad article fails the whole read, so that an import changes nothing.
public enum ArticleReader {
    public static let formatVersion = 1
    /// The keys an article has (in JSON Lines and CSV; Markdown adds `version`).
    public static let fields = ["id", "title", "body", "url", "language", "tags", "questions", "updated"]
    static let markdownExtensions: Set<String> = ["md", "markdown"]

    public struct Options: Sendable {
        /// The language of articles that do not name one (`nil`: any language).
        public var language: LanguageCode?
        /// Keys of the input by article field, for exports that call them differently
        /// (`["title": "question", "body": "answer", "id": "thread_id"]`).
        public var fieldNames: [String: String]
        /// Lines with the same id are one article: their bodies are joined (an export with one
        /// line per answer). Otherwise a repeated id is an error.
        public var mergeRepeatedIDs: Bool

        public init(language: LanguageCode? = nil, fieldNames: [String: String] = [:], mergeRepeatedIDs: Bool = false) {
            self.language = language
            self.fieldNames = fieldNames
            self.mergeRepeatedIDs = mergeRepeatedIDs
        }
    }

    /// The articles of a Markdown file, a folder of them (recursively), a `.csv` or a `.jsonl` file.
    public static func read(path: String, options: Options = Options()) throws(FrontdeskError) -> [Article] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FrontdeskError(.io, "\(path): no such file or folder")
        }
        var diagnostics: [Diagnostic] = []
        var articles: [Article] = []
        if isDirectory.boolValue {
            let root = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            for relative in markdownFiles(in: root) {
                guard let text = readText("\(root)/\(relative)", into: &diagnostics) else { continue }
                if let article = markdown(text, path: "\(root)/\(relative)", defaultID: idFromPath(relative),
                                          defaultLanguage: languageFromPath(relative) ?? options.language, diagnostics: &diagnostics) {
                    articles.append(article)
                }
            }
        } else {
            guard let text = readText(path, into: &diagnostics) else {
                throw FrontdeskError(.invalidData, "\(path): cannot read the articles", diagnostics: diagnostics)
            }
            switch (path as NSString).pathExtension.lowercased() {
            case let ext where markdownExtensions.contains(ext):
                let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                if let article = markdown(text, path: path, defaultID: name, defaultLanguage: options.language, diagnostics: &diagnostics) {
                    articles.append(article)
                }
            case "csv":
                articles = csv(text, path: path, options: options, diagnostics: &diagnostics)
            case "jsonl", "ndjson":
                articles = jsonLines(text, path: path, options: options, diagnostics: &diagnostics)
            default:
                throw FrontdeskError(.invalidData, "\(path): unknown kind of file (expected a folder, .md, .csv or .jsonl)")
            }
        }
        checkDuplicates(articles, into: &diagnostics)
        if diagnostics.contains(where: { $0.severity == .error }) {
            let errors = diagnostics.filter { $0.severity == .error }.count
            throw FrontdeskError(.invalidData, "\(path): \(errors) error\(errors == 1 ? "" : "s") in the articles",
                                 diagnostics: diagnostics.sorted { ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column) })
        }
        return articles
    }

    /// Markdown files under `root`, relative, sorted; hidden files and `README.md` are not articles.
    static func markdownFiles(in root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = enumerator.nextObject() as? String {
            if path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let name = (path as NSString).lastPathComponent
            guard markdownExtensions.contains((name as NSString).pathExtension.lowercased()),
                  (name as NSString).deletingPathExtension.lowercased() != "readme" else { continue }
            files.append(path)
        }
        return files.sorted()
    }

    /// The digest of every article file under `root` (names and contents): unchanged files
    /// need not be read again.
    public static func fingerprint(of path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let files = isDirectory.boolValue ? markdownFiles(in: path).map { "\(path)/\($0)" } : [path]
        var parts = ["articles v\(formatVersion)"]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            parts.append(file)
            parts.append(String(decoding: data, as: UTF8.self))
        }
        return StableHasher.hexDigest(parts)
    }

    /// `en/install-second-device.md` → `en/install-second-device`.
    static func idFromPath(_ relative: String) -> String {
        (relative as NSString).deletingPathExtension
    }

    /// The language of a file in a folder named after one (`de/...`).
    static func languageFromPath(_ relative: String) -> LanguageCode? {
        let parts = relative.split(separator: "/")
        guard parts.count > 1 else { return nil }
        return parts.dropLast().reversed().lazy.map(String.init).first(where: LanguageCode.isKnown).map { LanguageCode($0) }
    }

    static func readText(_ path: String, into diagnostics: inout [Diagnostic]) -> String? {
        guard let text = BotLoader.readText(path, into: &diagnostics) else { return nil }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    static func checkDuplicates(_ articles: [Article], into diagnostics: inout [Diagnostic]) {
        var first: [String: SourceLocation] = [:]
        for article in articles {
            let location = article.location ?? SourceLocation(file: "?", line: 1, column: 1)
            if let previous = first[article.id] {
                diagnostics.append(Diagnostic(.error, at: location, "duplicate article id '\(article.id)' (first at \(previous))"))
            } else {
                first[article.id] = location
            }
        }
    }

    // MARK: - Checks shared by the formats

    /// Checks the fields of one article, reporting problems at `location`; `nil` when it is unusable.
    static func validated(_ article: Article, at location: SourceLocation, sourceLine: String?, report: (Diagnostic) -> Void) -> Article? {
        var ok = true
        func error(_ message: String) {
            report(Diagnostic(.error, at: location, message, sourceLine: sourceLine))
            ok = false
        }
        if article.id.isEmpty { error("the article has no id") }
        else if article.id.contains(where: { $0.isWhitespace || $0.isNewline }) { error("the article id '\(article.id)' contains spaces") }
        else if article.id.count > 200 { error("the article id is longer than 200 characters") }
        if article.title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { error("the article '\(article.id)' has no title") }
        if article.body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { error("the article '\(article.id)' has no body") }
        if let url = article.url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            error("the url of '\(article.id)' must start with https:// or http://, not '\(url)'")
        }
        if let language = article.language, !LanguageCode.isKnown(language.rawValue) {
            error("'\(language)' is not a language code (expected for example 'en' or 'de')")
        }
        if let updated = article.updated, !isDate(updated) {
            error("updated must be a date written YYYY-MM-DD, not '\(updated)'")
        }
        var cleaned = article
        cleaned.title = article.title.trimmingCharacters(in: .whitespacesAndNewlines)
        cleaned.questions = article.questions.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        cleaned.tags = article.tags.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        cleaned.location = location
        return ok ? cleaned : nil
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }

    // MARK: - Markdown with front matter

    static let frontMatterKeys = ["version", "id", "title", "language", "url", "updated", "tags", "questions"]

    /// One Markdown article: an optional YAML header between `---` lines, then the body. Without
    /// a `title`, the body's first `# ` heading is the title.
    static func markdown(_ text: String, path: String, defaultID: String, defaultLanguage: LanguageCode?,
                         diagnostics: inout [Diagnostic]) -> Article? {
        let lines = text.sourceLines
        var article = Article(id: defaultID, title: "", body: "", language: defaultLanguage)
        var bodyStart = 0
        var location = SourceLocation(file: path, line: 1, column: 1)
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---" {
            guard let end = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
                diagnostics.append(Diagnostic(.error, at: location, "the front-matter header is not closed (expected a line with `---` after it)",
                                              sourceLine: lines.first))
                return nil
            }
            // The header parsed on its own keeps the file's line numbers (`---` starts a YAML document).
            let file = SourceFile(path: path, text: lines[0..<end].joined(separator: "\n"))
            if let mapping = file.parseFrontMatter() {
                readFrontMatter(mapping, file: file, into: &article)
                if let idNode = file.keyNode(mapping, "id") ?? file.keyNode(mapping, "title") { location = file.location(of: idNode) }
            }
            diagnostics += file.diagnostics
            if file.diagnostics.contains(where: { $0.severity == .error }) { return nil }
            bodyStart = end + 1
        }
        var bodyLines = Array(lines[bodyStart...])
        if article.title.isEmpty, let index = bodyLines.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
           bodyLines[index].hasPrefix("# ") {
            article.title = String(bodyLines[index].dropFirst(2))
            bodyLines.remove(at: index)
        }
        article.body = bodyLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if article.title.isEmpty {
            diagnostics.append(Diagnostic(.error, at: location, "the article has no title (add `title:` to the front-matter header or start the text with a `# ` heading)",
                                          sourceLine: lines.first))
            return nil
        }
        return validated(article, at: location, sourceLine: lines.indices.contains(location.line - 1) ? lines[location.line - 1] : nil) {
            diagnostics.append($0)
        }
    }

    static func readFrontMatter(_ mapping: Node.Mapping, file: SourceFile, into article: inout Article) {
        file.checkKeys(mapping, allowed: frontMatterKeys, in: "the front-matter header")
        for (key, value) in mapping {
            switch key.string {
            case "version":
                if value.int != formatVersion {
                    file.error("unsupported article format version \(value.string ?? "?") (this Frontdesk reads version \(formatVersion))", at: value)
                }
            case "id":
                if let id = file.string(value, "id") { article.id = id }
            case "title":
                if let title = file.string(value, "title") { article.title = title }
            case "language":
                if let code = file.string(value, "language") {
                    if LanguageCode.isKnown(code) { article.language = LanguageCode(code) }
                    else { file.error("'\(code)' is not a language code (expected for example 'en' or 'de')", at: value) }
                }
            case "url":
                if let url = file.string(value, "url") {
                    if url.hasPrefix("https://") || url.hasPrefix("http://") { article.url = url }
                    else { file.error("the url must start with https:// or http://, not '\(url)'", at: value) }
                }
            case "updated":
                if let updated = file.string(value, "updated") {
                    if isDate(updated) { article.updated = updated }
                    else { file.error("updated must be a date written YYYY-MM-DD, not '\(updated)'", at: value) }
                }
            case "tags":
                article.tags = file.sequence(value, "tags")?.compactMap { file.string($0, "a tag") } ?? []
            case "questions":
                article.questions = file.sequence(value, "questions")?.compactMap { file.string($0, "a question") } ?? []
            default:
                break
            }
        }
    }

    // MARK: - CSV

    /// A header row naming the columns (`id,title,body,url,language,tags,questions,updated`),
    /// then one article per record; `tags` and `questions` are separated by `|`. Unknown
    /// columns are ignored.
    static func csv(_ text: String, path: String, options: Options, diagnostics: inout [Diagnostic]) -> [Article] {
        let records: [CSVRecord]
        do {
            records = try CSVRecord.parse(text)
        } catch {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: error.line, column: error.column), error.message,
                                          sourceLine: text.sourceLines.dropFirst(error.line - 1).first))
            return []
        }
        guard let header = records.first else {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: 1, column: 1), "the file is empty (expected a header row: id,title,body,...)"))
            return []
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        func column(_ field: String) -> Int? { columns.firstIndex(of: (options.fieldNames[field] ?? field).lowercased()) }
        for required in ["title", "body"] where column(required) == nil {
            diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: header.line, column: 1),
                                          "the header has no '\(options.fieldNames[required] ?? required)' column", sourceLine: text.sourceLines.first))
        }
        if diagnostics.contains(where: { $0.severity == .error }) { return [] }
        var articles: [Article] = []
        for record in records.dropFirst() {
            if record.fields.allSatisfy({ $0.isEmpty }) { continue }
            func value(_ field: String) -> String? {
                guard let index = column(field), index < record.fields.count else { return nil }
                let text = record.fields[index]
                return text.isEmpty ? nil : text
            }
            let fields = RawArticle(id: value("id"), title: value("title"), body: value("body"), url: value("url"), language: value("language"),
                                    tags: value("tags").map(splitList) ?? [], questions: value("questions").map(splitList) ?? [],
                                    updated: value("updated"))
            let location = SourceLocation(file: path, line: record.line, column: 1)
            if let article = fields.article(at: location, sourceLine: text.sourceLines.dropFirst(record.line - 1).first,
                                            defaultID: "\(((path as NSString).lastPathComponent as NSString).deletingPathExtension)-\(record.line)",
                                            options: options, diagnostics: &diagnostics) {
                append(article, to: &articles, merging: options.mergeRepeatedIDs)
            }
        }
        return articles
    }

    static func splitList(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "|" || $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Adds an article, or with `merging`, joins it to the earlier one with the same id.
    static func append(_ article: Article, to articles: inout [Article], merging: Bool) {
        if merging, let index = articles.lastIndex(where: { $0.id == article.id }) {
            articles[index].body += "\n\n" + article.body
            for question in article.questions where !articles[index].questions.contains(question) { articles[index].questions.append(question) }
            for tag in article.tags where !articles[index].tags.contains(tag) { articles[index].tags.append(tag) }
            return
        }
        articles.append(article)
    }

    // MARK: - JSON Lines

    /// One JSON object per line with the keys `id`, `title`, `body`, `url`, `language`,
    /// `tags` and `questions` (lists of texts, or one text) and `updated`. Unknown keys are
    /// ignored; blank lines are skipped.
    static func jsonLines(_ text: String, path: String, options: Options, diagnostics: inout [Diagnostic]) -> [Article] {
        var articles: [Article] = []
        for (offset, line) in text.sourceLines.enumerated() {
            let number = offset + 1
            if line.allSatisfy(\.isWhitespace) { continue }
            func error(_ message: String, column: Int = 1) {
                diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: number, column: column), message,
                                              sourceLine: line.count <= 300 ? line : nil))
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(Array(line.utf8))
            } catch {
                let message = error.message
                diagnostics.append(Diagnostic(.error, at: SourceLocation(file: path, line: number, column: error.column), "invalid JSON: \(message)",
                                              sourceLine: line.count <= 300 ? line : nil))
                continue
            }
            guard case .object(let object) = value else {
                error("expected a JSON object, not \(value.kindDescription)")
                continue
            }
            func text(_ field: String) -> String? {
                let key = options.fieldNames[field] ?? field
                switch object[key] {
                case .string(let s)?: return s.isEmpty ? nil : s
                case .number(let n)?: return n
                case nil, .null?: return nil
                case let other?:
                    error("'\(key)' must be a text, not \(other.kindDescription)")
                    return nil
                }
            }
            func list(_ field: String) -> [String] {
                let key = options.fieldNames[field] ?? field
                switch object[key] {
                case .string(let s)?: return splitList(s)
                case .array(let items)?:
                    return items.compactMap { item in
                        if case .string(let s) = item { return s }
                        error("'\(key)' must be a list of texts")
                        return nil
                    }
                case nil, .null?: return []
                case let other?:
                    error("'\(key)' must be a list of texts, not \(other.kindDescription)")
                    return []
                }
            }
            let before = diagnostics.count
            let fields = RawArticle(id: text("id"), title: text("title"), body: text("body"), url: text("url"), language: text("language"),
                                    tags: list("tags"), questions: list("questions"), updated: text("updated"))
            // A field of the wrong type was reported; "missing" would only repeat it.
            if diagnostics.count > before { continue }
            if let article = fields.article(at: SourceLocation(file: path, line: number, column: 1), sourceLine: line.count <= 300 ? line : nil,
                                            defaultID: nil, options: options, diagnostics: &diagnostics) {
                append(article, to: &articles, merging: options.mergeRepeatedIDs)
            }
        }
        return articles
    }

    /// The fields of a CSV record or JSON line, before checking.
    struct RawArticle {
        var id, title, body, url, language: String?
        var tags, questions: [String]
        var updated: String?

        func article(at location: SourceLocation, sourceLine: String?, defaultID: String?, options: Options,
                     diagnostics: inout [Diagnostic]) -> Article? {
            var missing: [String] = []
            if id == nil && defaultID == nil { missing.append(options.fieldNames["id"] ?? "id") }
            if title == nil { missing.append(options.fieldNames["title"] ?? "title") }
            if body == nil { missing.append(options.fieldNames["body"] ?? "body") }
            if !missing.isEmpty {
                diagnostics.append(Diagnostic(.error, at: location, "the article has no \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                                              sourceLine: sourceLine))
                return nil
            }
            var language = options.language
            if let code = self.language {
                guard LanguageCode.isKnown(code) else {
                    diagnostics.append(Diagnostic(.error, at: location, "'\(code)' is not a language code (expected for example 'en' or 'de')",
                                                  sourceLine: sourceLine))
                    return nil
                }
                language = LanguageCode(code)
            }
            let article = Article(id: id ?? defaultID ?? "", title: title ?? "", body: body ?? "", language: language, tags: tags,
                                  url: url, updated: updated, questions: questions)
            return ArticleReader.validated(article, at: location, sourceLine: sourceLine) { diagnostics.append($0) }
        }
    }
}

extension SourceFile {
    /// The front-matter header's mapping (an empty header is allowed).
    func parseFrontMatter() -> Node.Mapping? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            // Report it the way bot files are reported.
            return parseRoot()
        }
        guard let root else { return Node.Mapping([]) }
        guard let mapping = root.mapping else {
            self.error("the front-matter header must be a mapping of keys (title:, language:, ...)", at: root)
            return nil
        }
        return mapping
    }
}
