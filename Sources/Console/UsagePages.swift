import Foundation
import Hummingbird
import PluginKit
import Usage
import Vault

/// Usage in the console (SPEC §13): a key's page at `/account/keys/<id>` (its facts, a daily
/// chart of the last 30 days stacked by outcome, the same numbers in a table, its recent client
/// addresses), and an organisation's at `/org/<slug>/usage` (its verifications per day, its most
/// used keys, its stale keys each with **Revoke**). The sparklines of `/account/keys` are drawn
/// with the key list (``accountKeysPage(_:form:outcome:)``).
///
/// A key's page is its user's alone, found as the roll and revoke pages find it (another
/// user's key is 404); the organisation's page is for whoever administers the organisation's keys,
/// with the same refusal as its other admin pages (404).
extension Console {
    /// How many keys the organisation's page lists as most used.
    static var mostUsedKeys: Int { 20 }
    /// Days without a valid use that make an active key stale.
    static var staleDays: Int { 30 }

    func registerUsagePages(on routes: RouteTable<Context>) {
        routes.on("/account/keys/{keyID}", method: .get, .page) { request, context in
            try await signedIn(request, context) { session, _ in
                guard let key = try await ownKey(context, session) else { return notFound(session) }
                return try await keyUsagePage(session, key: key)
            }
        }
        routes.on("/org/{slug}/usage", method: .get, .page) { request, context in
            try await administered(.organisation, request, context) { session, area in
                try await organisationUsagePage(session, area)
            }
        }
    }

    /// The 30 days the usage pages show, by day (UTC): today so far and the 29 before it.
    static func usageDays(now: Date = Date()) -> UsageRange {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let today = seconds - seconds % 86_400
        return UsageRange(since: Date(timeIntervalSince1970: Double(today - 29 * 86_400)), until: now)
    }

    func keyUsagePage(_ session: SignedIn, key: KeyRecord) async throws -> Response {
        let range = Self.usageDays()
        async let series = dependencies.usage.series(key: key.id, range)
        async let addresses = dependencies.usage.addresses(key: key.id)
        var data = frame(session, title: "Key “\(key.name)”")
        var facts = KeyTable.rows([(key, nil)], revokeBase: "/account/keys", rollable: true)[0]
        if let organisation = key.organisationID {
            facts["organisation"] = .text(session.organisations.first { $0.id == organisation }?.name ?? "an organisation you left")
        }
        data["key"] = .fields(facts)
        Self.fillDaily(&data, try await series, range, title: "Uses of “\(key.name)” per day")
        let recent = try await addresses
        data["addresses"] = .list(recent.map { ["ip": .text($0.ip), "lastSeen": .text(KeyTable.minute($0.lastSeen))] as PageFields })
        data["hasAddresses"] = .flag(!recent.isEmpty)
        return pages.render("key-usage", data)
    }

    func organisationUsagePage(_ session: SignedIn, _ area: AdminArea) async throws -> Response {
        let range = Self.usageDays()
        let now = Date()
        async let series = dependencies.usage.series(organisation: area.id, range)
        async let keys = dependencies.usage.keys(organisation: area.id, range)
        async let stale = dependencies.usage.keys(organisation: area.id, range, staleDays: Self.staleDays, now: now)
        var data = frame(session, title: "\(area.name): usage")
        data["orgNav"] = Self.organisationNavigation(area, current: "usage")
        data["staleDays"] = .text(String(Self.staleDays))
        Self.fillDaily(&data, try await series, range, title: "Verifications of \(area.name)'s keys per day")
        let used = try await keys.filter { $0.valid + $0.refused > 0 }.prefix(Self.mostUsedKeys)
        data["mostUsed"] = .list(used.map { summary in
            var row = Self.summaryFields(summary)
            row["valid"] = .text(UsageChart.grouped(summary.valid))
            row["refused"] = .text(UsageChart.grouped(summary.refused))
            return row
        })
        let staleKeys = try await stale
        data["hasMostUsed"] = .flag(!used.isEmpty)
        data["hasStale"] = .flag(!staleKeys.isEmpty)
        data["stale"] = .list(staleKeys.map { summary in
            var row = Self.summaryFields(summary)
            row["revokePath"] = .text("\(area.path)/keys/\(summary.keyID.uuidString.lowercased())/revoke")
            return row
        })
        return pages.render("org-usage", data)
    }

    /// A key of an organisation's lists: its name, member, prefix and last use.
    static func summaryFields(_ summary: KeyUsageSummary) -> PageFields {
        ["name": .text(summary.name), "member": .text(summary.username), "prefix": .text(summary.prefix),
         "lastUsed": .text(summary.lastUsedAt.map(KeyTable.day) ?? "never"), "status": .text(summary.revoked ? "revoked" : "")]
    }

    /// The links between an organisation's admin pages, `current` (`keys`, `requests`, `usage`,
    /// `audit`, `policy` or `webhooks`) marked as the page shown. Every flag is set, so none falls back to
    /// a page value.
    static func organisationNavigation(_ area: AdminArea, current: String) -> PageValue {
        ["path": .text(area.path), "onKeys": .flag(current == "keys"), "onUsage": .flag(current == "usage"), "onAudit": .flag(current == "audit"),
         "onPolicy": .flag(current == "policy"), "onWebhooks": .flag(current == "webhooks"), "onRequests": .flag(current == "requests")]
    }

    /// A daily chart of `series` over `range` and its table (partial `usage-table`): a row per
    /// day with any use (newest first), a column per outcome shown (``UsageChart/shown(_:)``)
    /// and the totals.
    static func fillDaily(_ data: inout PageFields, _ series: UsageSeries, _ range: UsageRange, title: String) {
        let days = range.bucketStarts.map { UsageChart.Day(start: $0, counts: series.counts(at: $0)) }
        let outcomes = UsageChart.shown(series.totals)
        func cells(_ counts: UsageCounts) -> PageValue {
            .list(outcomes.map { UsageChart.grouped(counts[$0]) })
        }
        data["chart"] = .markup(UsageChart.daily(days, title: title))
        data["outcomes"] = .list(outcomes.map(UsageChart.label))
        data["days"] = .list(days.reversed().filter { !$0.counts.isEmpty }.map { day in
            ["date": .text(KeyTable.day(day.start)), "cells": cells(day.counts), "total": .text(UsageChart.grouped(day.counts.total))] as PageFields
        })
        data["totals"] = ["cells": cells(series.totals), "total": .text(UsageChart.grouped(series.totals.total))]
        data["hasDays"] = .flag(!series.totals.isEmpty)
        data["since"] = .text(KeyTable.day(range.since))
    }
}
