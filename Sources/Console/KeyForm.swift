import Foundation
import HTTPTypes
import Policy
import Vault

/// The fields of a "generate key" form, validated (SPEC §10 bad input): each problem is shown
/// next to its field and nothing is issued. The name, expiry and ranges are checked once, by
/// the vault's own check (``KeyTerms``), whose verdict the issuance then takes as it is.
struct KeyForm {
    var name = ""
    var expires = ""
    var organisation = ""
    var member = ""
    /// The allowed addresses as typed: CIDR ranges separated by commas, spaces or lines.
    var allowed = ""
    var capabilities: [String] = ["view"]
    var granted: Capabilities = .view
    /// The optional fine-grained part: permissions per type, resources, metadata, rate limit.
    var fineGrained = FineGrainedForm()
    var problems: [String: String] = [:]
    /// The name, expiry and ranges, checked; `nil` when a problem names one of them.
    var terms: KeyTerms?

    init() {}

    /// Reads the form; `offered` are the capabilities the page lets the user pick (on every
    /// type, or per permission type of `types`), `organisations` the slugs they may choose
    /// from (empty: no choice).
    init(_ form: ConsoleForm, offered: [Capability], types: [String], organisations: [String], now: Date = Date()) {
        name = form["name"]
        expires = form["expires"]
        organisation = form["organisation"]
        member = form["member"]
        allowed = form["allowed_cidrs"]
        capabilities = form.values("capabilities")
        fineGrained = FineGrainedForm(form, types: types, offered: offered)
        var expiresAt: Date?
        if !expires.isEmpty {
            // A key expiring on a day works through that day (UTC).
            expiresAt = Self.day(expires)?.addingTimeInterval(86_400)
            if expiresAt == nil { problems["expires"] = "Give the expiry as a date (YYYY-MM-DD), or leave it empty." }
        }
        let chosen = capabilities.compactMap(Capability.init(rawValue:))
        if chosen.count != capabilities.count || !chosen.allSatisfy(offered.contains) {
            problems["capabilities"] = "Choose only the capabilities listed here."
        } else if chosen.isEmpty, fineGrained.permissions == nil {
            problems["capabilities"] = "Choose at least one capability, or permissions below."
        } else {
            granted = Capabilities(names: chosen.map(\.rawValue)) ?? .view
        }
        var allowedCIDRs: [AddressRange] = []
        switch AddressRange.list(allowed) {
        case .success(let ranges): allowedCIDRs = ranges
        case .failure(let problem): problems["allowed_cidrs"] = Self.sentence(problem.description)
        }
        if !organisation.isEmpty, !organisations.contains(organisation) {
            problems["organisation"] = "Choose one of your organisations."
        }
        do {
            terms = try KeyTerms(name: name, expiresAt: expiresAt, allowedCIDRs: allowedCIDRs, now: now)
        } catch {
            if error.contains(.noName) { problems["name"] = "Give the key a name." }
            if error.contains(.longName) { problems["name"] = "A name has at most 200 characters." }
            if error.contains(.expiry) { problems["expires"] = "The expiry date is in the past." }
            if error.contains(.addresses) { problems["allowed_cidrs"] = Self.sentence(AddressRangeError.tooMany.description) }
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            terms = nil
            problems["name"] = "A name has no control characters."
        }
        problems.merge(fineGrained.problems) { own, _ in own }
    }

    /// What to issue for user `userID`: the checked terms, the capabilities chosen (or the
    /// permissions that replace them) and the rest of the fine-grained part, whose resources are
    /// found through `selections`. Call only once ``terms`` is set.
    func request(
        userID: Int64, terms: KeyTerms, organisationID: Int64? = nil, teamID: Int64? = nil, issuer: Int64,
        ip: String?, selections: (any KeySelectionLookup)?
    ) -> KeyIssueRequest {
        var request = KeyIssueRequest(
            userID: userID, terms: terms, organisationID: organisationID, teamID: teamID,
            capabilities: granted, issuer: .userID(issuer), via: "console", ip: ip)
        fineGrained.apply(to: &request, selections: selections)
        return request
    }

    /// `text` as a sentence: capitalised, with a full stop.
    static func sentence(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    /// A `YYYY-MM-DD` day at 00:00 UTC.
    static func day(_ text: String) -> Date? {
        guard text.utf8.count == 10 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = text.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day), year >= 1970, year <= 9999 else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }
        return date
    }

    /// The form's part of a keys page: the capability boxes `offered` (and per permission type
    /// of `types`), the values typed, the problems, and what the last request came to.
    func fill(_ data: inout PageFields, offered: [Capability], types: [String], outcome: KeysOutcome) {
        data["capabilities"] = .list(offered.map { ["name": .text($0.rawValue), "checked": .flag(capabilities.contains($0.rawValue))] as PageFields })
        data["form"] = ["name": .text(name), "expires": .text(expires), "allowed": .text(allowed)]
        data["fields"] = .fields(problems)
        data["fine"] = .fields(fineGrained.fields(types: types, offered: offered))
        data["newKey"] = PageValue(outcome.newKey)
        if let record = outcome.newKey.flatMap({ _ in outcome.record }) { data["newKeyShape"] = .fields(KeyShape.fields(record)) }
        data["notice"] = PageValue(outcome.notice)
        data["problem"] = PageValue(outcome.problem)
    }
}

/// What a keys page says after a request: the new key (shown this once), a notice or a problem.
struct KeysOutcome {
    var newKey: String?
    /// The new key's record, to show its shape beside it.
    var record: KeyRecord?
    var notice: String?
    var problem: String?
    var status: HTTPResponse.Status = .ok
}
