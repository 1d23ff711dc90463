import FrontdeskAdapter
import FrontdeskCore
import Testing

/// Parses `text` (its UTF-8 bytes).
func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
}

/// The syntax error for `bytes` as "column N: message", or "parsed" when they parse.
func syntaxError(_ bytes: [UInt8]) -> String {
    do {
        _ = try JSONParser.parse(bytes)
        return "parsed"
    } catch {
        return "column \(error.column): \(error.message)"
    }
}

func syntaxError(_ text: String) -> String {
    syntaxError(Array(text.utf8))
}

@Suite struct JSONParserTests {
    @Test func nestedValuesKeepTheirStructure() throws {
        let value = try parse(#" { "a" : [1, {"b": null}, []], "c": true, "d": "x", "e": {}, "f": false } "#)
        let expected = JSONValue.object(JSONObject([
            (key: "a", value: .array([.number("1"), .object(JSONObject([(key: "b", value: .null)])), .array([])])),
            (key: "c", value: .bool(true)),
            (key: "d", value: .string("x")),
            (key: "e", value: .object(JSONObject())),
            (key: "f", value: .bool(false)),
        ]))
        #expect(value == expected)
        let nested = value["a"]
        #expect(nested == .array([.number("1"), .object(JSONObject([(key: "b", value: .null)])), .array([])]))
    }

    @Test func scalarsAtTheTopLevel() throws {
        let values = try ["null", "true", "false", "\"\"", "0", " 7 "].map { text throws(JSONSyntaxError) in try parse(text) }
        #expect(values == [.null, .bool(true), .bool(false), .string(""), .number("0"), .number("7")])
    }

    @Test func escapesAreDecoded() throws {
        let value = try parse(#""q\" b\\ s\/ \b\f\n\r\t \u00e9\u20AC \u0041""#)
        #expect(value == .string("q\" b\\ s/ \u{8}\u{C}\n\r\t é€ A"))
    }

    @Test func surrogatePairsBecomeOneCharacter() throws {
        let escaped = try parse(#""\ud83d\ude00 and \uD834\uDD1E""#)
        #expect(escaped == .string("😀 and 𝄞"))
        // Characters written as UTF-8 come through as they are.
        let raw = try parse("\"Grüße 😀\"")
        #expect(raw == .string("Grüße 😀"))
    }

    @Test func numbersKeepTheirText() throws {
        let value = try parse("[0, -0, 12345678901234567890, 1.50, 1e10, -2.5E-3, 0.0, 3E+2]")
        #expect(value == .array(["0", "-0", "12345678901234567890", "1.50", "1e10", "-2.5E-3", "0.0", "3E+2"].map(JSONValue.number)))
        #expect(value.serialized == "[0,-0,12345678901234567890,1.50,1e10,-2.5E-3,0.0,3E+2]")
        // A 20-digit number is not an Int, but its text is kept.
        let big = JSONValue.number("12345678901234567890")
        #expect(big.intValue == nil)
        #expect(JSONValue.number("-42").intValue == -42)
        #expect(JSONValue.number("1.50").doubleValue == 1.5)
    }

    @Test func objectsKeepTheirKeyOrder() throws {
        let value = try parse(#"{"z": 1, "a": 2, "m": 3}"#)
        guard case .object(let object) = value else {
            Issue.record("not an object: \(value)")
            return
        }
        let keys = object.members.map(\.key)
        #expect(keys == ["z", "a", "m"])
        #expect(value.serialized == #"{"z":1,"a":2,"m":3}"#)
    }

    @Test func aDuplicateKeyMeansItsLastValue() throws {
        let value = try parse(#"{"a": 1, "b": 2, "a": 3}"#)
        let a = value["a"]
        #expect(a == .number("3"))
        #expect(value["b"] == .number("2"))
        #expect(value["c"] == nil)
    }

    @Test func sixtyFourLevelsAreAllowed() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let value = try parse(deep)
        #expect(value.serialized == deep)
    }

    @Test func errorsSayWhatAndWhere() {
        // (input, message, column)
        let cases: [(String, String, Int)] = [
            ("", "the line is empty", 1),
            ("   ", "the line is empty", 4),
            (#"{"type":"message""#, "the line ends inside an object (incomplete JSON)", 18),
            (#"{"type":"message","text":"#, "the line ends where a value was expected (incomplete JSON)", 26),
            (#"{"a":[1,2"#, "the line ends inside an array (incomplete JSON)", 10),
            (#"{"a":1} x"#, "unexpected 'x' after the end of the JSON value", 9),
            ("[1,2]]", "unexpected ']' after the end of the JSON value", 6),
            (#"{"a":1} {"b":2}"#, "unexpected '{' after the end of the JSON value", 9),
            (#""\ude00""#, "a lone low surrogate \\uDE00 is not a character", 8),
            (#""\ud83d x""#, "a \\uD83D high surrogate must be followed by a low surrogate", 8),
            (#""\ud83d\u0041""#, "a high surrogate must be followed by a low surrogate", 14),
            (#"{"n": 012}"#, "a number cannot start with 0", 7),
            ("-01", "a number cannot start with 0", 2),
            (#"{"a" 1}"#, "expected ':' after the key \"a\", found '1'", 6),
            ("{a:1}", "expected a key in double quotes, found 'a'", 2),
            ("[1 2]", "expected ',' or ']' in an array, found '2'", 4),
            (#"{"a":1 "b":2}"#, "expected ',' or '}' in an object, found '\"'", 8),
            ("nul", "expected a value, found 'n'", 1),
            ("[1,]", "expected a value, found ']'", 4),
            ("1.", "expected a digit after the decimal point, found end of line", 3),
            ("-", "expected a digit after '-', found end of line", 2),
            ("1e", "expected a digit in the exponent, found end of line", 3),
            (#""abc"#, "the line ends inside a string (missing closing quote)", 5),
            (#""\x""#, "unknown escape '\\x' in a string", 3),
            (#""\u12""#, "expected four hex digits after \\u", 4),
            (#""\u12zz""#, "expected four hex digits after \\u, found 'z'", 6),
            ("'single'", "expected a value, found '''", 1),
            ("{\"a\":\u{7F}}", "expected a value, found character (byte 0x7F)", 6),
        ]
        for (input, message, column) in cases {
            let error = syntaxError(input)
            #expect(error == "column \(column): \(message)", "input: \(input)")
        }
    }

    @Test func aControlCharacterInAStringMustBeEscaped() {
        let error = syntaxError([0x22, 0x61, 0x09, 0x62, 0x22])  // "a<TAB>b"
        #expect(error == "column 3: a control character (byte 0x09) must be escaped in a string")
        let newline = syntaxError(Array(#"{"text":"a"#.utf8) + [0x0A] + Array(#"b"}"#.utf8))
        #expect(newline == "column 11: a control character (byte 0x0A) must be escaped in a string")
    }

    @Test func columnsCountCharactersNotBytes() {
        let error = syntaxError(#"{"Grüße 😀": x}"#)
        #expect(error == "column 13: expected a value, found 'x'")
    }

    @Test func deeperNestingThanTheLimitIsRefused() {
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = syntaxError(tooDeep)
        #expect(error == "column 65: nested deeper than 64 levels")
        let objects = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        let objectError = syntaxError(objects)
        #expect(objectError == "column 321: nested deeper than 64 levels")
    }
}

@Suite struct JSONWritingTests {
    @Test func stringsAreEscapedOnlyWhereNeeded() throws {
        let text = "quote\" backslash\\ slash/ newline\n cr\r tab\t bs\u{8} ff\u{C} bell\u{7} del\u{7F} nul\u{0} ls\u{2028} ps\u{2029} é 😀"
        let serialized = JSONValue.string(text).serialized
        #expect(serialized == #""quote\" backslash\\ slash/ newline\n cr\r tab\t bs\u0008 ff\u000c bell\u0007 del\u007f nul\u0000 ls\u2028 ps\u2029 é 😀""#)
        // One line, whatever the text.
        #expect(!serialized.contains("\n") && !serialized.contains("\r"))
        let back = try parse(serialized)
        #expect(back == .string(text))
    }

    @Test func aParsedLineIsWrittenBackAsItWas() throws {
        let line = #"{"z":[1.50,-0,1e10,12345678901234567890],"a":{"k":"v","e":"","n":null},"t":true,"s":"\"ü\"","l":[]}"#
        let value = try parse(line)
        #expect(value.serialized == line)
        let again = try parse(value.serialized)
        #expect(again == value)
    }

    @Test func everyScalarSurvivesARoundTrip() throws {
        var scalars = String.UnicodeScalarView()
        for value in Array(0..<0x300) + [0x2028, 0x2029, 0xD7FF, 0xE000, 0xFEFF, 0xFFFF, 0x1F600, 0x10FFFF] {
            scalars.append(Unicode.Scalar(UInt32(value))!)
        }
        let text = String(scalars)
        let back = try parse(JSONValue.string(text).serialized)
        #expect(back == .string(text))
    }

    @Test func literalsAndNumbersAreWrittenCompactly() {
        let object: JSONValue = ["b": [1, "two", nil, true], "a": .double(0.5)]
        #expect(object.serialized == #"{"a":0.5,"b":[1,"two",null,true]}"#)
        #expect(JSONValue.double(3).serialized == "3")
        #expect(JSONValue.double(-2.25).serialized == "-2.25")
        #expect(JSONValue.double(.nan) == .null)
        #expect(JSONValue.double(.infinity) == .null)
        #expect(JSONValue.rounded(0.123456).serialized == "0.1235")
        #expect(JSONValue.rounded(0.99996).serialized == "1")
    }
}

@Suite struct LineSplitterTests {
    /// Feeds `chunks` and returns what was emitted, then what `finish()` gives.
    func split(_ chunks: [[UInt8]], limit: Int = 64) -> [LineSplitter.Item] {
        var splitter = LineSplitter(limit: limit)
        var items: [LineSplitter.Item] = []
        for chunk in chunks { splitter.feed(chunk) { items.append($0) } }
        if let last = splitter.finish() { items.append(last) }
        return items
    }

    func line(_ text: String, _ number: Int) -> LineSplitter.Item {
        .line(bytes: Array(text.utf8), number: number)
    }

    @Test func linesAcrossChunkBoundaries() {
        let items = split([Array("ab".utf8), Array("c\nde".utf8), Array("f\n\ng".utf8), Array("hi\n".utf8)])
        #expect(items == [line("abc", 1), line("def", 2), line("", 3), line("ghi", 4)])
    }

    @Test func oneByteAtATimeGivesTheSameLines() {
        let text = "first line\r\nsecond\n\nfourth ü\n"
        let items = split(Array(text.utf8).map { [$0] })
        #expect(items == [line("first line", 1), line("second", 2), line("", 3), line("fourth ü", 4)])
    }

    @Test func crlfLosesItsCarriageReturnEvenAcrossChunks() {
        let items = split([Array("a\r\nb\r".utf8), Array("\nc\rd\n".utf8)])
        // Only a CR right before the LF is part of the line break.
        #expect(items == [line("a", 1), line("b", 2), line("c\rd", 3)])
    }

    @Test func theLastLineWithoutANewlineComesFromFinish() {
        var splitter = LineSplitter(limit: 64)
        var items: [LineSplitter.Item] = []
        splitter.feed(Array("one\ntwo\r".utf8)) { items.append($0) }
        #expect(items == [line("one", 1)])
        #expect(splitter.lineNumber == 2)
        let last = splitter.finish()
        #expect(last == line("two", 2))
        // Nothing more after that, and a stream that ends with its newline has no extra line.
        let again = splitter.finish()
        #expect(again == nil)
        let complete = split([Array("one\n".utf8)])
        #expect(complete == [line("one", 1)])
        let empty = split([])
        #expect(empty == [])
    }

    @Test func aLineOfExactlyTheLimitIsKept() {
        let ten = "0123456789"
        let items = split([Array("\(ten)\n\(ten)\r\n\(ten)x\n".utf8)], limit: 10)
        #expect(items == [line(ten, 1), line(ten, 2), .tooLong(number: 3, bytes: 11)])
    }

    @Test func aLineFarOverTheLimitIsCountedAndSkipped() {
        // 100,000 bytes in chunks of 7, with the limit at 100: reported with its length, and
        // the lines around it are intact.
        let long = Array(repeating: UInt8(ascii: "x"), count: 100_000)
        let stream = Array("before\n".utf8) + long + Array("\nafter\n".utf8) + long + Array("\nlast".utf8)
        let chunks = stride(from: 0, to: stream.count, by: 7).map { Array(stream[$0..<min($0 + 7, stream.count)]) }
        let items = split(chunks, limit: 100)
        #expect(items == [
            line("before", 1), .tooLong(number: 2, bytes: 100_000), line("after", 3), .tooLong(number: 4, bytes: 100_000), line("last", 5),
        ])
    }

    @Test func aLongLineInOneChunkIsSkippedToo() {
        let stream = Array(repeating: UInt8(ascii: "y"), count: 5000) + Array("\nok\n".utf8)
        let items = split([stream], limit: 100)
        #expect(items == [.tooLong(number: 1, bytes: 5000), line("ok", 2)])
    }

    @Test func aLongLastLineWithoutNewlineIsReportedByFinish() {
        let items = split([Array("ok\n".utf8), Array(repeating: UInt8(ascii: "z"), count: 300)], limit: 100)
        #expect(items == [line("ok", 1), .tooLong(number: 2, bytes: 300)])
    }

    /// The reported length is that of the line without its line break, as for a kept line.
    @Test func aLongCRLFLineIsReportedWithoutItsLineBreak() {
        let long = Array(repeating: UInt8(ascii: "x"), count: 1000)
        let items = split([long + [0x0D, 0x0A], Array("next\r\n".utf8)], limit: 100)
        #expect(items == [.tooLong(number: 1, bytes: 1000), line("next", 2)])
    }
}

@Suite struct UTF8ValidationTests {
    @Test func validTextHasNoInvalidByte() {
        let valid: [[UInt8]] = [
            [],
            Array("plain ASCII {\"a\":1}".utf8),
            Array("é € 😀 ü".utf8),
            [0xEF, 0xBF, 0xBF],  // U+FFFF
            [0xF4, 0x8F, 0xBF, 0xBF],  // U+10FFFF, the last scalar
            [0xED, 0x9F, 0xBF],  // U+D7FF, just below the surrogates
            [0xEE, 0x80, 0x80],  // U+E000, just above them
            [0xC2, 0x80],  // U+0080, the first two-byte scalar
            [0xE0, 0xA0, 0x80],  // U+0800, the first three-byte scalar
            [0xF0, 0x90, 0x80, 0x80],  // U+10000, the first four-byte scalar
        ]
        for bytes in valid {
            let offset = WireProtocol.firstInvalidUTF8(bytes)
            #expect(offset == nil, "\(bytes)")
        }
    }

    @Test func overlongEncodingsAreInvalid() {
        let cases: [([UInt8], Int)] = [
            ([0xC0, 0x80], 0),  // NUL in two bytes
            (Array("ab".utf8) + [0xC1, 0xBF], 2),  // U+007F in two bytes
            ([0x61, 0xE0, 0x80, 0x80], 1),  // NUL in three bytes
            ([0xE0, 0x9F, 0xBF], 0),  // U+07FF in three bytes
            ([0xF0, 0x8F, 0xBF, 0xBF], 0),  // U+FFFF in four bytes
            ([0xF0, 0x80, 0x80, 0xAF], 0),  // '/' in four bytes
        ]
        for (bytes, expected) in cases {
            let offset = WireProtocol.firstInvalidUTF8(bytes)
            #expect(offset == expected, "\(bytes)")
        }
    }

    @Test func surrogatesAndValuesAboveTheLastScalarAreInvalid() {
        let cases: [([UInt8], Int)] = [
            ([0xED, 0xA0, 0x80], 0),  // U+D800
            (Array("x".utf8) + [0xED, 0xBF, 0xBF], 1),  // U+DFFF
            ([0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80], 0),  // a surrogate pair in CESU-8
            ([0xF4, 0x90, 0x80, 0x80], 0),  // U+110000
            ([0xF5, 0x80, 0x80, 0x80], 0),
            ([0xFE], 0),
            ([0xFF], 0),
        ]
        for (bytes, expected) in cases {
            let offset = WireProtocol.firstInvalidUTF8(bytes)
            #expect(offset == expected, "\(bytes)")
        }
    }

    @Test func truncatedAndBrokenSequencesAreInvalid() {
        let cases: [([UInt8], Int)] = [
            (Array("ab".utf8) + [0xE2, 0x82], 2),  // € without its last byte, at the end
            (Array("ab".utf8) + [0xF0, 0x9F, 0x98], 2),  // 😀 without its last byte
            ([0xC3], 0),  // a lead byte alone
            ([0xC3, 0x41], 0),  // a lead byte followed by ASCII
            ([0xE2, 0x28, 0xA1], 0),
            ([0xE2, 0x82, 0x41, 0x41], 0),
            ([0x80], 0),  // a continuation byte alone
            (Array("abc".utf8) + [0xBF] + Array("def".utf8), 3),
            (Array("é".utf8) + [0x80], 2),  // one continuation byte too many
        ]
        for (bytes, expected) in cases {
            let offset = WireProtocol.firstInvalidUTF8(bytes)
            #expect(offset == expected, "\(bytes)")
        }
    }

    @Test func theFirstOfSeveralInvalidBytesIsReported() {
        let bytes = Array("ok ".utf8) + [0xFF] + Array(" then ".utf8) + [0xC0, 0x80]
        let offset = WireProtocol.firstInvalidUTF8(bytes)
        #expect(offset == 3)
    }
}
