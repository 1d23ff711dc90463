import Foundation

/// Text normalisation shared by intent matching and (later) retrieval:
/// NFKC, case folding, German ß/umlaut folding (`ß`→`ss`, `ä`→`ae`, `ö`→`oe`, `ü`→`ue`),
/// then other diacritics removed (`é`→`e`). So "Rückerstattung", "RUECKERSTATTUNG" and
/// "rückerstattung" all become "rueckerstattung".
public enum Normalizer {
    public static func fold(_ text: String) -> String {
        // ASCII is its own NFKC form and has no marks to strip: lower-casing is all there is.
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        let compatible = text.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        var needsDiacriticPass = false
        for scalar in compatible.unicodeScalars {
            switch scalar {
            case "ß", "ẞ": out.append(contentsOf: "ss".unicodeScalars)
            case "ä": out.append(contentsOf: "ae".unicodeScalars)
            case "ö": out.append(contentsOf: "oe".unicodeScalars)
            case "ü": out.append(contentsOf: "ue".unicodeScalars)
            case "\u{2019}", "\u{2018}", "\u{02BC}": out.append("'")  // typographic apostrophes
            default:
                if !scalar.isASCII { needsDiacriticPass = true }
                out.append(scalar)
            }
        }
        let folded = String(out)
        guard needsDiacriticPass else { return folded }
        // Remove the remaining combining marks (é → e), keep everything else.
        var stripped = String.UnicodeScalarView()
        for scalar in folded.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            stripped.append(scalar)
        }
        return String(stripped).precomposedStringWithCanonicalMapping
    }

    /// Splits folded text into word tokens: runs of letters and digits. An apostrophe
    /// between letters is dropped ("don't" → "dont"), everything else separates words.
    public static func tokens(_ folded: String) -> [String] {
        if folded.utf8.allSatisfy({ $0 < 0x80 }) { return asciiTokens(folded) }
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(folded.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if isWordScalar(scalar) {
                current.append(scalar)
            } else if scalar == "'", !current.isEmpty, i + 1 < scalars.count, isWordScalar(scalars[i + 1]) {
                continue
            } else if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    /// `tokens` of ASCII text, on its bytes (the same rules; no scalar views).
    static func asciiTokens(_ text: String) -> [String] {
        var tokens: [String] = []
        let bytes = Array(text.utf8)
        @inline(__always) func isWordByte(_ b: UInt8) -> Bool {
            (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || (b >= 65 && b <= 90)
        }
        var current: [UInt8] = []
        for (i, byte) in bytes.enumerated() {
            if isWordByte(byte) {
                current.append(byte)
            } else if byte == 39, !current.isEmpty, i + 1 < bytes.count, isWordByte(bytes[i + 1]) {
                continue
            } else if !current.isEmpty {
                tokens.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { tokens.append(String(decoding: current, as: UTF8.self)) }
        return tokens
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (v >= 97 && v <= 122) || (v >= 48 && v <= 57) || (v >= 65 && v <= 90)
        }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil
    }
}
