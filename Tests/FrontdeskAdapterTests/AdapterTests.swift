import Foundation
import FrontdeskAdapter
import FrontdeskCore
import FrontdeskDialogue
import FrontdeskEngine
import FrontdeskStore
import Testing

/// An error line with the database's own reason (after "events: ") replaced by "…".
func withoutReason(_ line: String) -> String {
    guard let range = line.range(of: "events: "), let end = line.range(of: #"","type":"#, range: range.upperBound..<line.endIndex) else {
        return line
    }
    return line.replacingCharacters(in: range.upperBound..<end.lowerBound, with: "…")
}

@Suite struct AdapterTests {
    @Test func aMessageGetsOneReplyLineWithEverythingTheIntegratorNeeds() throws {
        let h = try Harness()
        let reply = try h.say("c1", "hi", id: "m1")
        #expect(reply.withoutScores == #"""
            {"conversation":"c1","decision":"answer","entities":[],"events":[],"in_reply_to":"m1","knowledge":null,"language":"en","messages":[{"text":"I'm Shopbot, the automated assistant of Pebble Shop."},{"text":"Hello there! How can I help?"}],"moderation":null,"sentiment":{"frustration":0,"offered_human":false,"score":0},"slots":{},"state":{"status":"idle"},"type":"reply","user":"u1","version":1}
            """#)
        #expect(reply.intent == "greet")
        let confidence = try #require(reply.value["intent"]?["confidence"]?.doubleValue)
        #expect(confidence > 0.3 && confidence <= 1)
        // The ranking: the best three intents, the answered one first.
        guard case .array(let ranking)? = reply.value["ranking"] else {
            Issue.record("no ranking in \(reply)")
            return
        }
        let names = ranking.compactMap { $0["name"]?.stringValue }
        #expect(names.count == 3 && names.first == "greet")
    }

    @Test func aFormAnswerShowsItsEntitySlotsAndPendingQuestion() throws {
        let h = try Harness()
        let start = try h.say("c1", "i want to return an item", id: "m1")
        #expect(start.texts == [Fixture.disclosure, Fixture.returnIntro, Fixture.askOrder])
        #expect(start.decision == "form")
        #expect(start.intent == "return_request")
        #expect(start.state == #"{"form":"return","pending":"order_number","status":"form"}"#)

        let order = try h.say("c1", "PB-12345", id: "m2", minute: 1)
        #expect(order.withoutScores == #"""
            {"conversation":"c1","decision":"form","entities":[{"end":8,"entity":"order_number","extractor":"pattern","start":0,"text":"PB-12345","value":"PB-12345"}],"events":[],"in_reply_to":"m2","knowledge":null,"language":"en","messages":[{"text":"Why are you sending it back?"}],"moderation":null,"sentiment":{"frustration":0,"offered_human":false,"score":0},"slots":{"order_number":"PB-12345"},"state":{"form":"return","pending":"return_reason","status":"form"},"type":"reply","user":"u1","version":1}
            """#)

        let done = try h.say("c1", "they are too small", id: "m3", minute: 2)
        #expect(done.texts == [Fixture.done("PB-12345")])
        #expect(done.slots == #"{"order_number":"PB-12345","return_reason":"they are too small"}"#)
        #expect(done.events == #"[{"form":"return","name":"create_ticket","values":{"order_number":"PB-12345","return_reason":"they are too small"}}]"#)
        #expect(done.state == #"{"status":"idle"}"#)
    }

    /// One error line per error code, each whole; the last one needs a closed database.
    @Test func everyErrorCodeHasItsWholeErrorLine() throws {
        let h = try Harness()
        var seen: [WireProtocol.ErrorCode: String] = [:]
        func check(_ code: WireProtocol.ErrorCode, _ line: String?, _ expected: String) {
            #expect(line == expected, "\(code)")
            seen[code] = line
        }
        check(.invalidUTF8, h.send(bytes: Array(#"{"text":""#.utf8) + [0xFF] + Array(#""}"#.utf8)), #"""
            {"code":"invalid_utf8","in_reply_to":null,"line":1,"message":"the line is not valid UTF-8 (byte 10 is 0xFF)","type":"error","version":1}
            """#)
        check(.lineTooLong, h.adapter.handle(.tooLong(number: 2, bytes: 70_000))?.line, #"""
            {"code":"line_too_long","in_reply_to":null,"line":2,"message":"the line is 70000 bytes long; the limit is 65536 bytes (--max-line-bytes); it was skipped","type":"error","version":1}
            """#)
        _ = h.send("")  // line 2 was the long one
        check(.invalidJSON, h.send(#"{"type":"message","id":"m1""#), #"""
            {"code":"invalid_json","in_reply_to":null,"line":3,"message":"invalid JSON at column 28: the line ends inside an object (incomplete JSON)","type":"error","version":1}
            """#)
        check(.notAnObject, h.send(#"["message"]"#), #"""
            {"code":"not_an_object","in_reply_to":null,"line":4,"message":"expected a JSON object with a \"type\", got an array","type":"error","version":1}
            """#)
        check(.missingField, h.send(#"{"type":"message","id":"m5","conversation":"c1","user":"u1"}"#), #"""
            {"code":"missing_field","conversation":"c1","in_reply_to":"m5","line":5,"message":"field \"text\" is missing","type":"error","version":1}
            """#)
        check(.invalidField, h.send(#"{"type":"message","id":6,"conversation":"c1","user":"u1","text":42}"#), #"""
            {"code":"invalid_field","conversation":"c1","in_reply_to":6,"line":6,"message":"field \"text\" must be a string, got a number","type":"error","version":1}
            """#)
        check(.unknownType, h.send(#"{"type":"hello","id":"m7"}"#), #"""
            {"code":"unknown_type","in_reply_to":"m7","line":7,"message":"unknown request type \"hello\"; expected one of message, reset, end, feedback, handback, ping, shutdown","type":"error","version":1}
            """#)
        check(.unsupportedVersion, h.send(#"{"type":"ping","id":"p8","version":2}"#), #"""
            {"code":"unsupported_version","in_reply_to":"p8","line":8,"message":"protocol version 2 is not supported; this Frontdesk speaks version 1","type":"error","version":1}
            """#)
        check(.notHandedOff, h.send(#"{"type":"handback","id":"h9","conversation":"c1"}"#), #"""
            {"code":"not_handed_off","conversation":"c1","in_reply_to":"h9","line":9,"message":"conversation \"c1\" is not with a human agent","type":"error","version":1}
            """#)
        check(.unknownMessage, h.send(#"{"type":"feedback","id":"f10","conversation":"c1","message":"m404","rating":"bad"}"#), #"""
            {"code":"unknown_message","conversation":"c1","in_reply_to":"f10","line":10,"message":"conversation \"c1\" has no reply to a message with id \"m404\"","type":"error","version":1}
            """#)
        // A message to a conversation in memory, whose turn cannot be stored.
        let hi = try h.say("c1", "hi")
        #expect(hi.texts == [Fixture.disclosure, Fixture.greeting])
        try h.store.close()
        // (With an id, the adapter first looks for a stored reply to it: the read fails.)
        let storage = h.send(#"{"type":"message","id":12,"conversation":"c1","user":"u1","text":"bye"}"#)
        // (The end of the message is SQLite's reason.)
        #expect(storage.map(withoutReason) == #"""
            {"code":"storage","conversation":"c1","in_reply_to":12,"line":12,"message":"the conversation could not be stored, nothing was changed: cannot read conversation events: …","type":"error","version":1}
            """#)
        seen[.storage] = storage
        let missing = WireProtocol.ErrorCode.allCases.filter { seen[$0] == nil }
        #expect(missing == [])
    }

    @Test func wrongFieldsAreNamedWithWhatWasFound() throws {
        let h = try Harness()
        let cases: [(String, String)] = [
            (#"{"id":9}"#,
             #"{"code":"missing_field","in_reply_to":9,"line":1,"message":"field \"type\" is missing","type":"error","version":1}"#),
            (#"{"type":42}"#,
             #"{"code":"invalid_field","in_reply_to":null,"line":2,"message":"field \"type\" must be a string, got a number","type":"error","version":1}"#),
            (#"{"type":"message","id":true,"conversation":"c1","user":"u1","text":"hi"}"#,
             #"{"code":"invalid_field","conversation":"c1","in_reply_to":null,"line":3,"message":"field \"id\" must be a string or an integer of at most 64 bits, got a boolean","type":"error","version":1}"#),
            (#"{"type":"message","id":"m4","conversation":"","user":"u1","text":"hi"}"#,
             #"{"code":"invalid_field","conversation":"","in_reply_to":"m4","line":4,"message":"field \"conversation\" must be 1 to 256 characters long","type":"error","version":1}"#),
            (#"{"type":"message","id":"m5","conversation":"c1","text":"hi"}"#,
             #"{"code":"missing_field","conversation":"c1","in_reply_to":"m5","line":5,"message":"field \"user\" is missing","type":"error","version":1}"#),
            (#"{"type":"message","id":"m6","conversation":"c1","user":"u1","text":"hi","locale":"english!"}"#,
             #"{"code":"invalid_field","conversation":"c1","in_reply_to":"m6","line":6,"message":"field \"locale\" must be a language tag such as \"en\" or \"de-DE\", got \"english!\"","type":"error","version":1}"#),
            (#"{"type":"message","id":"m7","conversation":"c1","user":"u1","text":"hi","timestamp":"yesterday"}"#,
             #"{"code":"invalid_field","conversation":"c1","in_reply_to":"m7","line":7,"message":"field \"timestamp\" must be an ISO 8601 time such as \"2026-03-02T10:00:00Z\" or seconds since 1970","type":"error","version":1}"#),
            (#"{"type":"ping","id":"p8","version":"1"}"#,
             #"{"code":"invalid_field","in_reply_to":"p8","line":8,"message":"field \"version\" must be an integer, got a string","type":"error","version":1}"#),
            (#"{"type":"feedback","id":"f9","conversation":"c1","rating":"good"}"#,
             #"{"code":"missing_field","conversation":"c1","in_reply_to":"f9","line":9,"message":"field \"message\" (the id of the message whose reply is rated) is missing","type":"error","version":1}"#),
            (#"{"type":"feedback","id":"f10","conversation":"c1","message":"m1","rating":"meh"}"#,
             #"{"code":"invalid_field","conversation":"c1","in_reply_to":"f10","line":10,"message":"field \"rating\" must be \"good\" or \"bad\", got \"meh\"","type":"error","version":1}"#),
            (#"{"type":"reset","id":"r11"}"#,
             #"{"code":"missing_field","in_reply_to":"r11","line":11,"message":"field \"conversation\" is missing","type":"error","version":1}"#),
            ("42",
             #"{"code":"not_an_object","in_reply_to":null,"line":12,"message":"expected a JSON object with a \"type\", got a number","type":"error","version":1}"#),
        ]
        for (input, expected) in cases {
            let line = h.send(input)
            #expect(line == expected, "input: \(input)")
        }
    }

    @Test func metadataComesBackUntouched() throws {
        let h = try Harness()
        let metadata = #"{"z":1,"platform":{"psid":12345678901234567890,"score":1.50,"ok":true},"a":["ü","\u2028",null,-0.0]}"#
        let line = try #require(h.send(Harness.message("c1", "hi", id: "m1", metadata: metadata)))
        #expect(line.contains(#","metadata":\#(metadata),"#))
        let reply = try Reply(line)
        let echoed = reply.value["metadata"]
        let sent = try JSONParser.parse(Array(metadata.utf8))
        #expect(echoed == sent)
        // Control requests echo it too.
        let ack = h.send(#"{"type":"reset","id":"r1","conversation":"c1","metadata":\#(metadata)}"#)
        #expect(ack == #"{"conversation":"c1","in_reply_to":"r1","metadata":\#(metadata),"request":"reset","type":"ack","version":1}"#)
        // An id that is an integer is echoed as an integer.
        let numbered = try #require(h.send(#"{"type":"message","id":12345,"conversation":"c2","user":"u1","text":"hi","timestamp":"2026-03-02T10:00:00Z"}"#))
        #expect(numbered.contains(#""in_reply_to":12345,"#))
    }

    @Test func interleavedConversationsKeepTheirOwnState() throws {
        let h = try Harness()
        let a1 = try h.say("A", "i want to return an item", minute: 0)
        let b1 = try h.say("B", "hi", minute: 0)
        let c1 = try h.say("C", "i want to return my shoes", minute: 1)
        let a2 = try h.say("A", "PB-11111", minute: 2)
        let b2 = try h.say("B", "how long does shipping take", minute: 3)
        let c2 = try h.say("C", "my order is PB-33333", minute: 3)
        let a3 = try h.say("A", "wrong colour", minute: 4)
        let c3 = try h.say("C", "it arrived broken", minute: 5)
        let b3 = try h.say("B", "i want to send something back", minute: 5)

        #expect(a1.texts == [Fixture.disclosure, Fixture.returnIntro, Fixture.askOrder])
        #expect(b1.texts == [Fixture.disclosure, Fixture.greeting])
        #expect(c1.texts == [Fixture.disclosure, Fixture.returnIntro, Fixture.askOrder])
        #expect(a2.texts == [Fixture.askReason])
        #expect(a2.slots == #"{"order_number":"PB-11111"}"#)
        #expect(b2.texts == [Fixture.shipping])
        #expect(b2.state == #"{"status":"idle"}"#)
        #expect(c2.texts == [Fixture.askReason])
        #expect(c2.slots == #"{"order_number":"PB-33333"}"#)
        #expect(a3.events == #"[{"form":"return","name":"create_ticket","values":{"order_number":"PB-11111","return_reason":"wrong colour"}}]"#)
        #expect(c3.events == #"[{"form":"return","name":"create_ticket","values":{"order_number":"PB-33333","return_reason":"it arrived broken"}}]"#)
        #expect(b3.texts == [Fixture.returnIntro, Fixture.askOrder])
        #expect(b3.state == #"{"form":"return","pending":"order_number","status":"form"}"#)
        // Each line answers its own conversation.
        let conversations = [a1, b1, c1, a2, b2, c2, a3, c3, b3].map { $0.value["conversation"]?.stringValue ?? "?" }
        #expect(conversations == ["A", "B", "C", "A", "B", "C", "A", "C", "B"])
        let rows = try ["A", "B", "C"].map { try h.store.conversation($0)?.messages }
        #expect(rows == [3, 3, 3])
    }

    @Test func aRestartContinuesFormsSlotsAndHandoffs() throws {
        let first = try Harness()
        #expect(first.loaded.trained == ["en"])
        _ = try first.say("form", "i want to return an item", minute: 0)
        let asked = try first.say("form", "PB-12345", minute: 1)
        #expect(asked.texts == [Fixture.askReason])
        _ = try first.say("human", "i want to return an item", minute: 0)
        _ = try first.say("human", "PB-22222", minute: 1)
        // A question is not taken as the free-text reason: the hand-off intent is answered.
        let handoff = try first.say("human", "can i speak to a real person?", minute: 2)
        #expect(handoff.texts == [Fixture.handoff])
        #expect(handoff.events == #"[{"name":"handoff","reason":"requested","summary":{"intents":["return_request","human_handoff"],"last_messages":["i want to return an item","PB-22222","can i speak to a real person?"],"reason":"requested","slots":{"order_number":"PB-22222"}}}]"#)
        _ = try first.say("idle", "hi", minute: 3)

        // A second process on the same file (the first one was never closed, as after kill -9).
        let second = try Harness(path: first.path)
        #expect(second.loaded.trained == [] && second.loaded.cached == ["en"])
        #expect(second.conversations.cachedCount == 0)
        let pending = try second.conversations.conversation("form")
        #expect(Rendering.state(pending.state).serialized == #"{"form":"return","pending":"return_reason","status":"form"}"#)
        let inFirst = try first.conversations.conversation("form")
        #expect(pending == inFirst)

        let done = try second.say("form", "the zipper broke", minute: 5)
        #expect(done.texts == [Fixture.done("PB-12345")])
        #expect(done.events == #"[{"form":"return","name":"create_ticket","values":{"order_number":"PB-12345","return_reason":"the zipper broke"}}]"#)

        let silent = try second.say("human", "hello? anyone?", minute: 6)
        #expect(silent.withoutScores.contains(#""messages":[],"#))
        #expect(silent.decision == "silent")
        #expect(silent.state == #"{"status":"handed_off"}"#)
        let back = second.send(#"{"type":"handback","id":"h1","conversation":"human","timestamp":"2026-03-02T10:07:00Z"}"#)
        #expect(back == #"{"conversation":"human","in_reply_to":"h1","messages":[{"text":"\#(Fixture.handedBack)"}],"request":"handback","state":{"status":"idle"},"type":"ack","version":1}"#)

        // No second disclosure for a conversation that was already going.
        let idle = try second.say("idle", "how long does shipping take", minute: 8)
        #expect(idle.texts == [Fixture.shipping])
    }

    @Test func aReplyIsReturnedOnlyAfterItsTurnIsCommitted() throws {
        let h = try Harness()
        _ = try h.say("c1", "i want to return an item", minute: 0)
        let before = try h.conversations.conversation("c1")
        let logged = try h.store.events(conversation: "c1")
        try h.store.close()

        // Without an id, the turn is computed from memory and fails when it is stored.
        let failed = h.send(Harness.message("c1", "PB-12345", minute: 1))
        #expect(failed.map(withoutReason) == #"""
            {"code":"storage","conversation":"c1","in_reply_to":null,"line":2,"message":"the conversation could not be stored, nothing was changed: cannot write conversation events: …","type":"error","version":1}
            """#)
        let after = try h.conversations.conversation("c1")
        #expect(after == before)
        #expect(Rendering.state(after.state).serialized == #"{"form":"return","pending":"order_number","status":"form"}"#)
        // Control requests fail the same way, and change nothing either.
        let reset = h.send(#"{"type":"reset","id":"r1","conversation":"c1"}"#)
        #expect(reset.map(withoutReason) == #"""
            {"code":"storage","conversation":"c1","in_reply_to":"r1","line":3,"message":"the conversation could not be stored, nothing was changed: cannot write conversation events: …","type":"error","version":1}
            """#)
        let unchanged = try h.conversations.conversation("c1")
        #expect(unchanged == before)

        // The file has exactly what the last reply reflected; the next process goes on from there.
        let next = try Harness(path: h.path)
        let stored = try next.store.events(conversation: "c1")
        #expect(stored == logged)
        let reply = try next.say("c1", "PB-12345", minute: 2)
        #expect(reply.texts == [Fixture.askReason])
    }

    @Test func aMessageSentTwiceGetsItsStoredReplyMarkedDuplicate() throws {
        let h = try Harness()
        let request = Harness.message("c1", "i want to return an item", id: "m1", metadata: #"{"try":1}"#)
        let first = try #require(h.send(request))
        let events = try h.store.events(conversation: "c1").count
        let second = h.send(request)
        #expect(second == first.replacingOccurrences(of: #","entities":"#, with: #","duplicate":true,"entities":"#))
        let eventsAfter = try h.store.events(conversation: "c1").count
        #expect(eventsAfter == events)
        let turn = try h.conversations.conversation("c1").turn
        #expect(turn == 1)
        let counted = try h.store.conversation("c1")?.messages
        #expect(counted == 1)

        // A retry's own metadata is echoed (or none).
        let retried = try #require(h.send(Harness.message("c1", "i want to return an item", id: "m1", metadata: #"{"try":2}"#)))
        #expect(retried == second?.replacingOccurrences(of: #""metadata":{"try":1}"#, with: #""metadata":{"try":2}"#))
        let bare = try #require(h.send(Harness.message("c1", "i want to return an item", id: "m1")))
        #expect(bare == second?.replacingOccurrences(of: #""metadata":{"try":1},"#, with: ""))

        // The same id with another text is a new message.
        let other = try h.say("c1", "PB-12345", id: "m1", minute: 1)
        #expect(other.value["duplicate"] == nil)
        #expect(other.texts == [Fixture.askReason])
        let turns = try h.conversations.conversation("c1").turn
        #expect(turns == 2)
        // The same id in another conversation is another message.
        let elsewhere = try h.say("c2", "i want to return an item", id: "m1")
        #expect(elsewhere.value["duplicate"] == nil)
        #expect(elsewhere.texts == [Fixture.disclosure, Fixture.returnIntro, Fixture.askOrder])
    }

    @Test func aDuplicateIsRecognisedAfterARestart() throws {
        let first = try Harness()
        let line = try #require(first.send(Harness.message("c1", "hi", id: "m1")))
        let second = try Harness(path: first.path)
        let again = second.send(Harness.message("c1", "hi", id: "m1"))
        #expect(again == line.replacingOccurrences(of: #","entities":"#, with: #","duplicate":true,"entities":"#))
        let turn = try second.conversations.conversation("c1").turn
        #expect(turn == 1)
    }

    @Test func feedbackIsAcknowledgedAndStored() throws {
        let h = try Harness()
        _ = try h.say("c1", "hi", id: "m1")
        let numbered = h.send(#"{"type":"message","id":42,"conversation":"c1","user":"u1","text":"how long does shipping take","timestamp":"2026-03-02T10:01:00Z"}"#)
        #expect(numbered != nil)

        let good = h.send(#"{"type":"feedback","id":"f1","conversation":"c1","message":"m1","rating":"good","comment":"quick \"help\""}"#)
        #expect(good == #"{"conversation":"c1","in_reply_to":"f1","request":"feedback","type":"ack","version":1}"#)
        let bad = h.send(#"{"type":"feedback","conversation":"c1","message":42,"rating":"bad"}"#)
        #expect(bad == #"{"conversation":"c1","in_reply_to":null,"request":"feedback","type":"ack","version":1}"#)
        let ratings = try h.store.feedback(conversation: "c1", requestID: "m1").map { "\($0.rating) \($0.comment ?? "-")" }
        #expect(ratings == [#"good quick "help""#])
        let numberedRatings = try h.store.feedback(conversation: "c1", requestID: "42").map(\.rating)
        #expect(numberedRatings == ["bad"])

        // A message of another conversation, or one never answered, is unknown.
        let elsewhere = h.send(#"{"type":"feedback","id":"f3","conversation":"c2","message":"m1","rating":"good"}"#)
        #expect(elsewhere == #"{"code":"unknown_message","conversation":"c2","in_reply_to":"f3","line":5,"message":"conversation \"c2\" has no reply to a message with id \"m1\"","type":"error","version":1}"#)
        let never = h.send(#"{"type":"feedback","id":"f4","conversation":"c1","message":"m2","rating":"good"}"#)
        #expect(never == #"{"code":"unknown_message","conversation":"c1","in_reply_to":"f4","line":6,"message":"conversation \"c1\" has no reply to a message with id \"m2\"","type":"error","version":1}"#)
        let none = try h.store.feedback(conversation: "c1", requestID: "m2").count
        #expect(none == 0)
    }

    @Test func handbackAfterAHandoff() throws {
        let h = try Harness()
        _ = try h.say("c1", "hi", minute: 0)
        let handoff = try h.say("c1", "i want to talk to a human", minute: 1)
        #expect(handoff.decision == "handoff")
        #expect(handoff.intent == "human_handoff")
        #expect(handoff.texts == [Fixture.handoff])
        #expect(handoff.state == #"{"status":"handed_off"}"#)
        #expect(handoff.events == #"[{"name":"handoff","reason":"requested","summary":{"intents":["greet","human_handoff"],"last_messages":["hi","i want to talk to a human"],"reason":"requested","slots":{}}}]"#)
        let status = try h.store.conversation("c1")?.status
        #expect(status == "handed_off")

        // The agent has it: the bot is silent, whatever is said.
        for (minute, text) in [(2, "hello?"), (3, "i want to return an item")] {
            let silent = try h.say("c1", text, minute: minute)
            #expect(silent.decision == "silent")
            #expect(silent.texts == [])
            #expect(silent.state == #"{"status":"handed_off"}"#)
        }

        let back = h.send(#"{"type":"handback","id":"h1","conversation":"c1","timestamp":"2026-03-02T10:04:00Z","metadata":{"agent":7}}"#)
        #expect(back == #"{"conversation":"c1","in_reply_to":"h1","messages":[{"text":"\#(Fixture.handedBack)"}],"metadata":{"agent":7},"request":"handback","state":{"status":"idle"},"type":"ack","version":1}"#)
        let statusAfter = try h.store.conversation("c1")?.status
        #expect(statusAfter == "open")
        let kinds = try h.store.events(conversation: "c1").suffix(3).map(\.kind)
        #expect(kinds == ["handed_back", "reply", "state"])

        let answered = try h.say("c1", "how long does shipping take", minute: 5)
        #expect(answered.texts == [Fixture.shipping])
        let again = h.send(#"{"type":"handback","id":"h2","conversation":"c1"}"#)
        #expect(again == #"{"code":"not_handed_off","conversation":"c1","in_reply_to":"h2","line":7,"message":"conversation \"c1\" is not with a human agent","type":"error","version":1}"#)
        // The first handback sent again (a bridge retrying): its ack again, marked, with this request's metadata.
        let retried = h.send(#"{"type":"handback","id":"h1","conversation":"c1","metadata":{"retry":1}}"#)
        #expect(retried == #"{"conversation":"c1","duplicate":true,"in_reply_to":"h1","messages":[{"text":"\#(Fixture.handedBack)"}],"metadata":{"retry":1},"request":"handback","state":{"status":"idle"},"type":"ack","version":1}"#)
    }

    @Test func resetAndEndStartANewConversation() throws {
        let h = try Harness()
        let first = try h.say("c1", "i want to return an item", minute: 0)
        #expect(first.texts.first == Fixture.disclosure)
        let reset = h.send(#"{"type":"reset","id":"r1","conversation":"c1","timestamp":"2026-03-02T10:01:00Z"}"#)
        #expect(reset == #"{"conversation":"c1","in_reply_to":"r1","request":"reset","type":"ack","version":1}"#)
        // The form is gone and the bot introduces itself again.
        let afterReset = try h.say("c1", "hi", minute: 2)
        #expect(afterReset.texts == [Fixture.disclosure, Fixture.greeting])
        let open = try h.store.conversation("c1")?.status
        #expect(open == "open")

        let end = h.send(#"{"type":"end","id":7,"conversation":"c1"}"#)
        #expect(end == #"{"conversation":"c1","in_reply_to":7,"request":"end","type":"ack","version":1}"#)
        let ended = try h.store.conversation("c1")?.status
        #expect(ended == "ended")
        let turn = try h.conversations.conversation("c1").turn
        #expect(turn == 0)
        // Ended also for another process on the file.
        let other = try Harness(path: h.path)
        let otherTurn = try other.conversations.conversation("c1").turn
        #expect(otherTurn == 0)
        let afterEnd = try h.say("c1", "hi", minute: 3)
        #expect(afterEnd.texts == [Fixture.disclosure, Fixture.greeting])
        let reopened = try h.store.conversation("c1")?.status
        #expect(reopened == "open")
        // The log keeps everything, in order.
        let kinds = try h.store.events(conversation: "c1").map(\.kind).filter { ["message", "reset", "ended"].contains($0) }
        #expect(kinds == ["message", "reset", "message", "ended", "message"])
    }

    @Test func evictedConversationsAreRebuiltFromTheStore() throws {
        let h = try Harness(cacheCapacity: 2)
        let ids = (1...6).map { "c\($0)" }
        for (index, id) in ids.enumerated() {
            let reply = try h.say(id, "i want to return an item", minute: 0)
            #expect(reply.texts == [Fixture.disclosure, Fixture.returnIntro, Fixture.askOrder], "\(id)")
            #expect(h.conversations.cachedCount <= 2, "after \(index + 1) conversations")
        }
        for (index, id) in ids.enumerated() {
            let reply = try h.say(id, "PB-1000\(index + 1)", minute: 1)
            #expect(reply.texts == [Fixture.askReason], "\(id)")
            #expect(reply.slots == #"{"order_number":"PB-1000\#(index + 1)"}"#)
            #expect(h.conversations.cachedCount <= 2)
        }
        for (index, id) in ids.enumerated().reversed() {
            let reply = try h.say(id, "reason number \(index + 1)", minute: 2)
            #expect(reply.texts == [Fixture.done("PB-1000\(index + 1)")], "\(id)")
            #expect(reply.events == #"[{"form":"return","name":"create_ticket","values":{"order_number":"PB-1000\#(index + 1)","return_reason":"reason number \#(index + 1)"}}]"#)
            #expect(h.conversations.cachedCount <= 2)
        }
        // Every conversation's log rebuilds what memory had.
        for id in ids {
            let rebuilt = try h.conversations.load(id)
            #expect(rebuilt.turn == 3)
            #expect(rebuilt.state == .idle)
        }
    }

    @Test func aConversationRebuiltFromItsLogEqualsTheOneInMemory() throws {
        let h = try Harness()
        _ = try h.say("c1", "hi", minute: 0)
        _ = try h.say("c1", "i want to return an item", minute: 1)
        _ = try h.say("c1", "PB-12345", minute: 2)
        let memory = try h.conversations.conversation("c1")
        let rebuilt = try h.conversations.load("c1")
        #expect(rebuilt == memory)
        #expect(rebuilt.turn == 3)
        // A conversation never seen starts anew.
        let unknown = try h.conversations.load("nobody")
        #expect(unknown == h.loaded.engine.startConversation(id: "nobody"))
    }

    @Test func pingShutdownAndBlankLines() throws {
        let h = try Harness()
        let pong = h.send(#"{"type":"ping","id":"p1"}"#)
        #expect(pong == #"{"bot":"Shopbot","conversations_in_memory":0,"in_reply_to":"p1","intents":5,"languages":["en"],"type":"pong","uptime_seconds":0,"version":1}"#)
        _ = try h.say("c1", "hi")
        let second = h.send(#"{"type":"ping","version":1}"#)
        #expect(second == #"{"bot":"Shopbot","conversations_in_memory":1,"in_reply_to":null,"intents":5,"languages":["en"],"type":"pong","uptime_seconds":0,"version":1}"#)

        // A blank line is not a request: no line for it.
        #expect(h.adapter.handle(.line(bytes: [], number: 4)) == nil)
        #expect(h.adapter.handle(.line(bytes: Array(" \t ".utf8), number: 5)) == nil)

        let shutdown = h.adapter.handle(.line(bytes: Array(#"{"type":"shutdown","id":"s1"}"#.utf8), number: 6))
        #expect(shutdown?.line == #"{"in_reply_to":"s1","request":"shutdown","type":"ack","version":1}"#)
        #expect(shutdown?.stop == true)
        let message = h.adapter.handle(.line(bytes: Array(Harness.message("c1", "bye").utf8), number: 7))
        #expect(message?.stop == false)
    }

    @Test func aSplitterFeedsTheAdapterLineByLine() throws {
        let h = try Harness()
        var splitter = LineSplitter(limit: h.adapter.lineLimit)
        var output: [String] = []
        let input = Array((Harness.message("c1", "hi") + "\r\n\n" + "{\"type\":").utf8)
            + Array(repeating: UInt8(ascii: " "), count: 70_000) + Array("}\n".utf8) + Array(#"{"type":"ping","id":1}"#.utf8)
        for start in stride(from: 0, to: input.count, by: 4096) {
            splitter.feed(Array(input[start..<min(start + 4096, input.count)])) { item in
                if let out = h.adapter.handle(item) { output.append(out.line) }
            }
        }
        if let last = splitter.finish(), let out = h.adapter.handle(last) { output.append(out.line) }
        try #require(output.count == 3)
        let texts = try Reply(output[0]).texts
        #expect(texts == [Fixture.disclosure, Fixture.greeting])
        #expect(output[1] == #"{"code":"line_too_long","in_reply_to":null,"line":3,"message":"the line is 70009 bytes long; the limit is 65536 bytes (--max-line-bytes); it was skipped","type":"error","version":1}"#)
        #expect(output[2].hasPrefix(#"{"bot":"Shopbot","conversations_in_memory":1,"in_reply_to":1,"#))
    }
}
