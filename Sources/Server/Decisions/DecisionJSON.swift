import Foundation
import JSON
import PluginKit
import Policy
import Vault

/// `POST /v1/keys/verify`: `{"valid","code","key","user","organisation","meta"}` (SPEC §6, §15).
/// The key, user and organisation are shown whenever the key exists, so a service can tell whose
/// key was revoked or expired; `null` for MALFORMED and NOT_FOUND. `meta` is what the issuer
/// attached, as given (also in `key`), `null` when nothing was.
struct KeyVerificationJSON: JSONWritable {
    var verification: KeyVerification
    /// Where the key stands against its rate limit (its own or the authenticated rate), when the
    /// key exists and throttling is on: `ratelimit` (SPEC §15).
    var rateLimit: RateLimiter.Outcome?

    init(_ verification: KeyVerification, rateLimit: RateLimiter.Outcome? = nil) {
        self.verification = verification
        self.rateLimit = rateLimit
    }

    func write(to json: inout JSONWriter) {
        let found = verification.found
        json.object { json in
            json.field("valid", verification.isValid)
            json.field("code", verification.status.rawValue)
            json.key("key")
            json.object(found?.key) { json, key in
                json.field("id", key.id.uuidString.lowercased())
                json.field("name", key.name)
                json.field("prefix", key.prefix)
                json.field("capabilities", key.effectiveCapabilities.names)
                json.field("expires_at", key.expiresAt)
                key.writePermissionFields(to: &json)
                json.key("meta")
                json.raw(key.meta?.json ?? "null")
            }
            json.key("user")
            json.object(found?.owner) { json, owner in
                json.field("id", owner.id)
                json.field("username", owner.username)
                json.field("tier", owner.tier.rawValue)
            }
            json.key("organisation")
            json.object(found?.organisation) { json, organisation in
                json.field("id", organisation.id)
                json.field("slug", organisation.slug)
                json.field("name", organisation.name)
            }
            json.key("meta")
            json.raw(found?.key.meta?.json ?? "null")
            json.key("ratelimit")
            json.object(rateLimit) { json, outcome in
                json.field("limit", outcome.limit)
                json.field("remaining", outcome.unconsumed)
                json.field("reset", outcome.resetSeconds)
            }
        }
    }
}

/// One AuthZEN decision: `{"decision": bool, "context": {"code", "reasons"}}`.
struct EvaluationJSON: JSONWritable {
    var decision: Decision

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("decision", decision.isAllowed)
            json.key("context")
            json.object { json in
                json.field("code", decision.code.rawValue)
                json.field("reasons", decision.reasons)
                if decision.code == .invalidRequest {
                    json.key("error")
                    json.object { json in
                        json.field("status", 400)
                        json.field("message", decision.reasons.last ?? "")
                    }
                }
            }
        }
    }
}

/// A batch: `{"evaluations": [EvaluationJSON…]}`, in request order.
///
/// A batch repeats a few distinct decisions many times, so each decision without extra reasons
/// is encoded once and copied (up to 16 distinct ones, told apart by outcome, code and the
/// address of their static summary).
struct EvaluationsJSON: JSONWritable {
    var decisions: [Decision]

    func write(to json: inout JSONWriter) {
        var known: [(summary: UnsafeRawPointer, isAllowed: Bool, code: DecisionCode)] = []
        var texts: [String] = []
        json.object { json in
            json.key("evaluations")
            json.array { json in
                // Indexing in place: copying each decision out would cost more than writing it.
                decisions.withUnsafeBufferPointer { decisions in
                    for index in decisions.indices {
                        guard decisions[index].details.isEmpty, decisions[index].summary.hasPointerRepresentation else {
                            EvaluationJSON(decision: decisions[index]).write(to: &json)
                            continue
                        }
                        let summary = UnsafeRawPointer(decisions[index].summary.utf8Start)
                        let isAllowed = decisions[index].isAllowed
                        if let seen = known.firstIndex(where: { $0.summary == summary && $0.isAllowed == isAllowed && $0.code == decisions[index].code }) {
                            json.raw(texts[seen])
                            continue
                        }
                        let text = EvaluationJSON(decision: decisions[index]).jsonText
                        if known.count < 16 {
                            known.append((summary, isAllowed, decisions[index].code))
                            texts.append(text)
                        }
                        json.raw(text)
                    }
                }
            }
        }
    }
}

/// `GET /.well-known/authzen-configuration` (AuthZEN 1.0 metadata), and its per-tenant form
/// `…/<org slug>`, whose decision point is `<base>/<slug>` (AuthZEN §11.1: the well-known path
/// carries the PDP identifier's path) and whose endpoints are the same.
struct ConfigurationJSON: JSONWritable {
    var base: String
    var tenant: String? = nil

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("policy_decision_point", tenant.map { base + "/" + $0 } ?? base)
            json.field("access_evaluation_endpoint", base + "/access/v1/evaluation")
            json.field("access_evaluations_endpoint", base + "/access/v1/evaluations")
            json.field("search_subject_endpoint", base + "/access/v1/search/subject")
            json.field("search_resource_endpoint", base + "/access/v1/search/resource")
            json.field("search_action_endpoint", base + "/access/v1/search/action")
        }
    }
}

/// A search's answer (AuthZEN 1.0 §8): `{"results": […], "page": {"next_token", "count"}}`,
/// `next_token` being `""` on the last page.
struct SearchJSON: JSONWritable {
    /// A subject or resource `{"type", "id"}`, or an action `{"name"}`.
    enum Result: JSONWritable {
        case entity(type: String, id: String)
        case action(String)

        func write(to json: inout JSONWriter) {
            json.object { json in
                switch self {
                case .entity(let type, let id):
                    json.field("type", type)
                    json.field("id", id)
                case .action(let name):
                    json.field("name", name)
                }
            }
        }
    }

    var results: [Result]
    var nextToken: String

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("results", results)
            json.key("page")
            json.object { json in
                json.field("next_token", nextToken)
                json.field("count", results.count)
            }
        }
    }
}
