/// A CSV record (RFC 4180: quoted fields may hold commas, quotes written twice and line breaks)
/// with the line it starts on, as `frontdesk import` and `frontdesk kb import` read them.
package struct CSVRecord {
    package let fields: [String]
    package let line: Int

    package struct SyntaxError: Error {
        package let message: String
        package let line: Int
        package let column: Int
    }

    package static func parse(_ text: String) throws(SyntaxError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1, column = 0
        var recordLine = 1
        var inQuotes = false
        var quoteStart = (line: 1, column: 1)
        var afterQuote = false
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return scalars.next()
        }
        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            records.append(CSVRecord(fields: fields, line: recordLine))
            fields = []
        }
        var sawAny = false
        while let scalar = next() {
            sawAny = true
            column += 1
            if inQuotes {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\""); column += 1; continue }
                        pending = following
                    }
                    inQuotes = false
                    afterQuote = true
                    continue
                }
                if scalar == "\n" { line += 1; column = 0 }
                field.append(scalar)
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !afterQuote:
                inQuotes = true
                quoteStart = (line, column)
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                afterQuote = false
            case "\r":
                continue
            case "\n":
                endRecord()
                afterQuote = false
                line += 1
                column = 0
                recordLine = line
            default:
                if afterQuote {
                    throw SyntaxError(message: "unexpected text after a closing quote (write a quote inside a quoted field as \"\")",
                                      line: line, column: column)
                }
                field.append(scalar)
            }
        }
        if inQuotes {
            throw SyntaxError(message: "unclosed quote: a field that starts with \" must end with \" (write \"\" for a quote inside it)",
                              line: quoteStart.line, column: quoteStart.column)
        }
        if sawAny && (!field.isEmpty || !fields.isEmpty || afterQuote) { endRecord() }
        return records
    }
}
