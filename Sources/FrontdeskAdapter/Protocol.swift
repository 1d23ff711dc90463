import Foundation
import FrontdeskCore

/// The JSON-lines protocol, version 1 (`docs/protocol.md`).
public enum WireProtocol {
    public static let version = 1

    /// The stable codes of `error` lines.
    public enum ErrorCode: String, Sendable, CaseIterable {
        /// The line is not valid UTF-8.
        case invalidUTF8 = "invalid_utf8"
        /// The line is longer than the limit; it was skipped unread.
        case lineTooLong = "line_too_long"
        /// The line is not JSON.
        case invalidJSON = "invalid_json"
        /// The line is JSON but not an object.
        case notAnObject = "not_an_object"
        /// A required field is missing.
        case missingField = "missing_field"
        /// A field has the wrong type or an impossible value.
        case invalidField = "invalid_field"
        /// `type` names no request of this protocol.
        case unknownType = "unknown_type"
        /// `version` is not one this Frontdesk speaks.
        case unsupportedVersion = "unsupported_version"
        /// `handback` for a conversation that is not with a human.
        case notHandedOff = "not_handed_off"
        /// `feedback` on a message this conversation never answered.
        case unknownMessage = "unknown_message"
        /// The database could not be read or written; nothing was changed.
        case storage = "storage"
    }

    /// A request that cannot be served, with what could be read of it.
    public struct Failure: Error, Sendable {
        public let code: ErrorCode
        public let message: String
        public var inReplyTo: JSONValue?
        public var conversation: String?

        public init(_ code: ErrorCode, _ message: String, inReplyTo: JSONValue? = nil, conversation: String? = nil) {
            self.code = code
            self.message = message
            self.inReplyTo = inReplyTo
            self.conversation = conversation
        }
    }

    /// The request types, as written in `type`.
    public static let requestTypes = ["message", "reset", "end", "feedback", "handback", "ping", "shutdown"]

    /// A request, read and checked.
    public enum Request: Sendable, Equatable {
        case message(Message)
        case reset(Control)
        case end(Control)
        case handback(Control)
        case feedback(Feedback)
        case ping(id: JSONValue?)
        case shutdown(id: JSONValue?)

        public struct Message: Sendable, Equatable {
            public var id: JSONValue?
            public var conversation: String
            public var user: String
            public var text: String
            public var payload: String?
            public var locale: LanguageCode?
            public var timestamp: Date?
            public var userName: String?
            public var metadata: JSONValue?
        }

        public struct Control: Sendable, Equatable {
            public var id: JSONValue?
            public var conversation: String
            public var timestamp: Date?
            public var metadata: JSONValue?
        }

        public struct Feedback: Sendable, Equatable {
            public var id: JSONValue?
            public var conversation: String
            /// The id of the message request whose reply is rated.
            public var message: String
            public var rating: String
            public var comment: String?
            public var timestamp: Date?
            public var metadata: JSONValue?
        }
    }

    /// The longest conversation or user id, in characters.
    public static let maximumIDLength = 256
    public static let ratings = ["good", "bad"]

    /// Reads a request from a parsed line.
    public static func request(from value: JSONValue) throws(Failure) -> Request {
        guard case .object(let object) = value else {
            throw Failure(.notAnObject, "expected a JSON object with a \"type\", got \(value.kindDescription)")
        }
        var fields = Fields(object: object)
        // What the error line can echo, read before anything can fail.
        if let id = object["id"], case .string = id { fields.id = id } else if let id = object["id"], id.intValue != nil { fields.id = id }
        fields.conversation = object["conversation"]?.stringValue

        if let version = object["version"] {
            guard let number = version.intValue else {
                throw fields.failure(.invalidField, "field \"version\" must be an integer, got \(version.kindDescription)")
            }
            guard number == Self.version else {
                throw fields.failure(.unsupportedVersion, "protocol version \(number) is not supported; this Frontdesk speaks version \(Self.version)")
            }
        }
        if let id = object["id"], id != .null, fields.id == nil {
            var found = id.kindDescription
            if case .number(let text) = id {
                found = text.contains(where: { ".eE".contains($0) }) ? "a number with a fraction or an exponent" : "an integer that does not fit in 64 bits"
            }
            throw fields.failure(.invalidField, "field \"id\" must be a string or an integer of at most 64 bits, got \(found)")
        }
        let type = try fields.requiredString("type")
        switch type {
        case "message":
            let payload = try fields.optionalString("payload")
            let text = payload == nil ? try fields.requiredString("text") : try fields.optionalString("text") ?? ""
            var locale: LanguageCode?
            if let tag = try fields.optionalString("locale") {
                let language = String(tag.prefix { $0 != "-" && $0 != "_" })
                guard LanguageCode.isWellFormed(language) else {
                    throw fields.failure(.invalidField, "field \"locale\" must be a language tag such as \"en\" or \"de-DE\", got \"\(tag)\"")
                }
                locale = LanguageCode(language)
            }
            return .message(Request.Message(
                id: fields.id, conversation: try fields.identifier("conversation"), user: try fields.identifier("user"), text: text,
                payload: payload, locale: locale, timestamp: try fields.timestamp(), userName: try fields.optionalString("user_name"),
                metadata: object["metadata"]))
        case "reset", "end", "handback":
            let control = Request.Control(id: fields.id, conversation: try fields.identifier("conversation"),
                                          timestamp: try fields.timestamp(), metadata: object["metadata"])
            return type == "reset" ? .reset(control) : type == "end" ? .end(control) : .handback(control)
        case "feedback":
            let conversation = try fields.identifier("conversation")
            let message: String
            switch object["message"] {
            case .string(let text)?: message = text
            case let number? where number.intValue != nil: message = number.serialized
            case nil: throw fields.failure(.missingField, "field \"message\" (the id of the message whose reply is rated) is missing")
            case let other?: throw fields.failure(.invalidField, "field \"message\" must be a string or an integer, got \(other.kindDescription)")
            }
            let rating = try fields.requiredString("rating")
            guard ratings.contains(rating) else {
                throw fields.failure(.invalidField, "field \"rating\" must be \"good\" or \"bad\", got \"\(rating)\"")
            }
            return .feedback(Request.Feedback(id: fields.id, conversation: conversation, message: message, rating: rating,
                                              comment: try fields.optionalString("comment"), timestamp: try fields.timestamp(),
                                              metadata: object["metadata"]))
        case "ping":
            return .ping(id: fields.id)
        case "shutdown":
            return .shutdown(id: fields.id)
        default:
            throw fields.failure(.unknownType, "unknown request type \"\(type)\"; expected one of \(requestTypes.joined(separator: ", "))")
        }
    }

    /// The id as stored with events (`"m1"`, or `"42"` for the number 42).
    public static func storedID(_ id: JSONValue?) -> String? {
        switch id {
        case .string(let text)?: text
        case let number?: number.intValue.map(String.init)
        case nil: nil
        }
    }

    private struct Fields {
        let object: JSONObject
        var id: JSONValue?
        var conversation: String?

        func failure(_ code: ErrorCode, _ message: String) -> Failure {
            Failure(code, message, inReplyTo: id, conversation: conversation)
        }

        func requiredString(_ name: String) throws(Failure) -> String {
            guard let value = object[name] else { throw failure(.missingField, "field \"\(name)\" is missing") }
            guard case .string(let text) = value else {
                throw failure(.invalidField, "field \"\(name)\" must be a string, got \(value.kindDescription)")
            }
            return text
        }

        func optionalString(_ name: String) throws(Failure) -> String? {
            guard let value = object[name], value != .null else { return nil }
            guard case .string(let text) = value else {
                throw failure(.invalidField, "field \"\(name)\" must be a string, got \(value.kindDescription)")
            }
            return text
        }

        /// A conversation or user id: a non-empty string of at most 256 characters.
        func identifier(_ name: String) throws(Failure) -> String {
            let text = try requiredString(name)
            guard !text.isEmpty, text.count <= maximumIDLength else {
                throw failure(.invalidField, "field \"\(name)\" must be 1 to \(maximumIDLength) characters long")
            }
            return text
        }

        func timestamp() throws(Failure) -> Date? {
            guard let value = object["timestamp"], value != .null else { return nil }
            guard let date = Rendering.parseTimestamp(value) else {
                throw failure(.invalidField, "field \"timestamp\" must be an ISO 8601 time such as \"2026-03-02T10:00:00Z\" or seconds since 1970")
            }
            return date
        }
    }

    /// The offset of the first byte that is not valid UTF-8, or `nil` if all are.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let extra: Int
            var value: UInt32
            switch lead {
            case 0xC2...0xDF: extra = 1; value = UInt32(lead & 0x1F)
            case 0xE0...0xEF: extra = 2; value = UInt32(lead & 0x0F)
            case 0xF0...0xF4: extra = 3; value = UInt32(lead & 0x07)
            default: return i
            }
            guard i + extra < bytes.count else { return i }
            for k in 1...extra {
                let next = bytes[i + k]
                guard next & 0xC0 == 0x80 else { return i }
                value = value << 6 | UInt32(next & 0x3F)
            }
            if (extra == 2 && value < 0x800) || (extra == 3 && value < 0x10000) || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) {
                return i
            }
            i += extra + 1
        }
        return nil
    }
}
