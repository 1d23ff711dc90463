import CStemmer
import Foundation
import FrontdeskCore

/// A Snowball stemmer from the system's libstemmer, for one language.
///
/// libstemmer's stemmer objects are not thread-safe; calls are serialised by a lock and
/// results are cached (the vocabulary of a bot is small).
public final class Stemmer: @unchecked Sendable {
    public let language: LanguageCode
    /// The Snowball algorithm name, or `nil` when libstemmer has none for the language
    /// (words are then used unstemmed).
    public let algorithm: String?
    private let handle: OpaquePointer?
    private let lock = NSLock()
    private var cache: [String: String] = [:]

    public init(language: LanguageCode) {
        self.language = language
        let name = Self.algorithms[language.rawValue]
        let handle = name.flatMap { sb_stemmer_new($0, "UTF_8") }
        self.handle = handle
        self.algorithm = handle == nil ? nil : name
    }

    deinit {
        if let handle { sb_stemmer_delete(handle) }
    }

    public func stem(_ word: String) -> String {
        guard let handle else { return word }
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[word] { return cached }
        let utf8 = Array(word.utf8)
        let result: String = utf8.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress,
                  let out = sb_stemmer_stem(handle, base, Int32(buffer.count))
            else { return word }
            let length = Int(sb_stemmer_length(handle))
            return String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
        }
        if cache.count < 200_000 { cache[word] = result }
        return result
    }

    /// ISO 639-1 codes to Snowball algorithm names.
    static let algorithms: [String: String] = [
        "ar": "arabic", "da": "danish", "de": "german", "el": "greek", "en": "english",
        "es": "spanish", "fi": "finnish", "fr": "french", "hu": "hungarian", "id": "indonesian",
        "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
        "pt": "portuguese", "ro": "romanian", "ru": "russian", "sv": "swedish", "ta": "tamil",
        "tr": "turkish",
    ]
}
