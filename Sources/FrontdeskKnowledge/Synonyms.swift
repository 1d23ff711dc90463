import FrontdeskCore
import FrontdeskUnderstanding

/// Words customers and help articles use for the same thing ("remove" / "delete", "fb" /
/// "facebook", "crossed out" / "strikethrough"). A word of a message also finds articles that
/// use another word of its group, at a lower weight than the word itself.
///
/// Groups are general customer-service vocabulary (not tied to one company); a phrase of two
/// words ("get rid", "back up") stands for the group's single words.
enum Synonyms {
    /// Stemmed: a word or two-word phrase → the other single words of its groups.
    static func table(for language: LanguageCode, stemmer: Stemmer) -> [String: [String]] {
        let groups: [[String]]
        switch language {
        case .english: groups = english
        case .german: groups = german
        default: return [:]
        }
        var table: [String: [String]] = [:]
        for group in groups {
            let stemmed = group.map { phrase in
                Normalizer.tokens(Normalizer.fold(phrase)).map(stemmer.stem).joined(separator: " ")
            }
            let singles = stemmed.filter { !$0.contains(" ") }
            for key in stemmed {
                let others = singles.filter { $0 != key }
                guard !others.isEmpty else { continue }
                table[key, default: []] += others.filter { !(table[key]?.contains($0) ?? false) }
            }
        }
        return table
    }

    static let english: [[String]] = [
        ["delete", "remove", "erase", "get rid", "deleting", "removal"],
        ["cancel", "terminate"],
        ["download", "save", "store locally", "offline"],
        ["backup", "back up", "export", "archive copy"],
        ["restore", "recover", "undo", "retrieve", "get back"],
        ["strikethrough", "strike through", "cross out", "crossed out", "strikeout"],
        ["account", "acc", "profile"],
        ["password", "pw", "passcode", "passwd"],
        ["email", "e mail", "mail"],
        ["facebook", "fb"],
        ["youtube", "yt"],
        ["github", "git hub"],
        ["picture", "pic", "photo", "image"],
        ["video", "vid", "clip"],
        ["computer", "pc", "laptop", "desktop", "notebook"],
        ["phone", "mobile", "smartphone", "cellphone", "iphone", "android"],
        ["app", "application", "program", "software"],
        ["install", "set up", "setup", "installation"],
        ["sign in", "log in", "login", "signin"],
        ["sign out", "log out", "logout"],
        ["sign up", "register", "signup", "registration"],
        ["message", "contact", "reach", "write"],
        ["invoice", "receipt", "bill"],
        ["refund", "money back", "reimburse"],
        ["subscription", "plan", "membership"],
        ["charge", "payment", "debit"],
        ["price", "cost", "fee"],
        ["error", "problem", "issue", "fault", "bug"],
        ["slow", "sluggish", "lag", "laggy"],
        ["fast", "quick", "speed"],
        ["disable", "turn off", "switch off", "deactivate"],
        ["enable", "turn on", "switch on", "activate"],
        ["change", "modify", "edit"],
        ["find", "search", "look up", "locate"],
        ["hide", "conceal", "private"],
        ["block", "blacklist", "exclude", "ban"],
        ["allow", "whitelist", "permit"],
        ["spreadsheet", "sheet", "table"],
        ["document", "doc", "docs", "file"],
        ["link", "url", "address"],
        ["notification", "alert", "notify"],
        ["tweet", "twitter"],
        ["shortcut", "hotkey", "keyboard"],
        ["copy", "paste", "clipboard"],
        ["format", "formatting", "style"],
        ["old", "previous", "earlier", "former"],
    ]

    static let german: [[String]] = [
        ["löschen", "entfernen", "beseitigen", "loswerden"],
        ["kündigen", "beenden", "stornieren", "abbestellen"],
        ["herunterladen", "downloaden", "download", "speichern"],
        ["sicherung", "backup", "sichern", "exportieren"],
        ["wiederherstellen", "zurückholen", "rückgängig"],
        ["konto", "account", "profil", "benutzerkonto"],
        ["passwort", "kennwort", "pw"],
        ["email", "e mail", "mail"],
        ["computer", "pc", "rechner", "laptop", "notebook"],
        ["handy", "smartphone", "telefon", "mobiltelefon", "iphone", "android"],
        ["app", "anwendung", "programm", "software"],
        ["installieren", "einrichten", "installation", "einrichtung"],
        ["anmelden", "einloggen", "login", "anmeldung"],
        ["abmelden", "ausloggen", "logout"],
        ["rechnung", "beleg", "quittung"],
        ["rückerstattung", "erstattung", "geld zurück", "rückzahlung"],
        ["abo", "abonnement", "tarif", "vertrag"],
        ["abbuchung", "zahlung", "belastung"],
        ["preis", "kosten", "gebühr"],
        ["fehler", "problem", "störung"],
        ["langsam", "träge", "ruckelt"],
        ["deaktivieren", "ausschalten", "abschalten"],
        ["aktivieren", "einschalten", "anschalten"],
        ["ändern", "bearbeiten"],
        ["finden", "suchen"],
        ["sperren", "blockieren", "ausschließen"],
        ["erlauben", "zulassen", "freigeben"],
        ["gerät", "geräte", "device"],
    ]
}
