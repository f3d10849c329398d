import MizanCore

/// `ParticipationStatistics` as the open-data API serves them. Counts of voters arrive already
/// protected (cells of fewer than ten withheld, one more masked when a single one is); each is
/// written as `{"voters": n, "withheld": null}` or `{"voters": null, "withheld": "fewer_than_10" |
/// "masked"}`, so a client cannot mistake a withheld cell for a number.
extension ParticipationStatistics {
    static func json(_ count: ProtectedCount) -> JSONValue {
        switch count {
        case .exact(let value): ["voters": .int(value), "withheld": .null]
        case .fewerThanThreshold: ["voters": .null, "withheld": "fewer_than_10"]
        case .masked: ["voters": .null, "withheld": "masked"]
        }
    }

    static func json<Key>(_ breakdown: Breakdown<Key>, label: String, _ key: (Key) -> JSONValue) -> JSONValue {
        [
            "cells": .array(breakdown.cells.map { cell in json(cell.count).setting(label, to: key(cell.key)) }),
            "total": json(breakdown.total),
        ]
    }

    static func profile<Value>(_ group: ProfileGroup<Value>, _ name: (Value) -> String) -> JSONValue {
        switch group {
        case .known(let value): .string(name(value))
        case .unknown: "unknown"
        }
    }

    /// Proposal statuses a published cycle may state: the decisions. Submitted (none remain once
    /// voting opened) and hidden proposals are not counted in the open data.
    static let publicStatuses: Set<String> = ["accepted", "rejected", "merged"]

    /// The whole document for `/api/v1/cycles/{id}/statistics`, with the turnout of each published
    /// scope beside it.
    func json(scopes: [JSONValue]) -> JSONValue {
        [
            "cycle_id": .int(cycleID), "scopes": .array(scopes), "voters": Self.json(voters), "registry_size": .int(registered),
            "by_day": .array(byDay.days.map { day in
                ["date": .string(day.date.description), "voters": Self.json(day.voters), "running_total": Self.json(day.runningTotal)]
            }),
            "by_district": Self.json(byDistrict, label: "district") { group in
                guard let id = group.id else { return .null }
                return [
                    "id": .int(id), "name_fr": .optional(group.nameFR), "name_ar": .optional(group.nameAR),
                    "registry_size": .int(group.registered),
                ]
            },
            "by_channel": Self.json(byChannel, label: "channel") { .string($0.channel) },
            "by_sex": bySex.map { Self.json($0, label: "sex") { Self.profile($0) { $0.rawValue } } } ?? .null,
            "by_age_band": byAgeBand.map { Self.json($0, label: "age_band") { Self.profile($0) { $0.rawValue } } } ?? .null,
            "proposals_by_category": .array(proposalsByCategory.map { ["category": .string($0.name), "proposals": .int($0.proposals)] }),
            "proposals_by_status": .array(proposalsByStatus.filter { Self.publicStatuses.contains($0.name) }.map {
                ["status": .string($0.name), "proposals": .int($0.proposals)]
            }),
        ]
    }
}
