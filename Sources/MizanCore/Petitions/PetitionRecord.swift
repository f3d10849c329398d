import Foundation

/// A petition as the public register, the open-data API and the national portal's export show
/// it: its text, state, counts, the council's answer and the clock; never a signer, and never
/// the agent's name (the council has it on the filed petition).
///
/// The total of signatures describes the whole set of signers and is shown exactly (it is what
/// the threshold is about); the split by channel describes smaller groups and follows the
/// small-cell rule (`Breakdown`): a channel with fewer than 10 signatures is withheld, with a
/// partner when subtraction would give it away.
public struct PetitionRecord: Sendable {
    public let petition: Petition
    public let communeName: BilingualName
    /// Signatures needed: the threshold fixed at filing, or while collecting the one that applies now.
    public let needed: Int
    public let byChannel: Breakdown<SignatureChannel>
    public let clockStatus: PetitionClock.Status?
    public let deadline: Date?
    public let late: Bool

    public init(_ petition: Petition, commune: PetitionCommune, now: Date) {
        self.petition = petition
        communeName = commune.name
        needed = petition.threshold ?? PetitionThreshold.minimum(kind: petition.kind, commune: commune)
        byChannel = Breakdown(counting: [(.online, petition.online), (.paper, petition.paper)])
        let clock = petition.clock
        clockStatus = clock?.status(at: now)
        deadline = clock?.deadline
        late = clock?.isLate(at: now) ?? false
    }

    /// The records of `petitions`, each with its commune (read once per commune).
    public static func records(_ petitions: [Petition], in stores: any Stores, now: Date) throws -> [PetitionRecord] {
        var communes: [Int: PetitionCommune] = [:]
        return try petitions.map { petition in
            if communes[petition.communeID] == nil { communes[petition.communeID] = try stores.petitions.commune(id: petition.communeID) }
            guard let commune = communes[petition.communeID] else { throw PetitionError.unknownCommune(petition.communeCode) }
            return PetitionRecord(petition, commune: commune, now: now)
        }
    }

    /// The signatures that count: those at filing once filed (none can be added later anyway).
    public var signatures: Int { petition.signaturesAtFiling ?? petition.signatures }

    /// True once enough have signed for the agent to file it.
    public var thresholdMet: Bool { signatures >= needed }

    /// ISO-8601 in UTC, to the second.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The record in the shape the OpenAPI document describes (`Petition`), fields sorted.
    public var json: JSON {
        let p = petition
        func date(_ value: Date?) -> JSON { value.map { .string(Self.timestamp($0)) } ?? .null }
        func text(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
        func count(_ value: ProtectedCount) -> JSON {
            let withheld: JSON = switch value {
            case .exact: .null
            case .fewerThanThreshold: .string("fewer_than_10")
            case .masked: .string("masked")
            }
            return .object(["count": value.value.map(JSON.int) ?? .null, "withheld": withheld])
        }
        let association: JSON = p.association.map {
            .object(["name": .string($0.name), "registration": .string($0.registration), "seat": .string($0.seat)])
        } ?? .null
        var clock: JSON = .null
        if let deadline {
            var status = "running"
            var daysLeft: JSON = .null
            switch clockStatus {
            case .running(let days)?: daysLeft = .int(days)
            case .answeredInTime?: status = "answered_in_time"
            case .answeredLate?: status = "answered_late"
            case .overdue?: status = "overdue"
            case nil: break
            }
            clock = .object(["deadline": .string(Self.timestamp(deadline)), "status": .string(status), "days_left": daysLeft, "late": .bool(late)])
        }
        return .object([
            "id": .int(p.id),
            "commune": .object(["code": .string(p.communeCode), "name_fr": .string(communeName.french), "name_ar": .string(communeName.arabic)]),
            "kind": .string(p.kind.rawValue),
            "association": association,
            "title": .string(p.title),
            "demands": .string(p.demands),
            "reasons": .string(p.reasons),
            "language": .string(p.language),
            "state": .string(p.state.rawValue),
            "signatures": .object([
                "total": .int(signatures), "needed": .int(needed),
                "online": count(byChannel.cells[0].count), "paper": count(byChannel.cells[1].count),
            ]),
            "rejection_reasons": text(p.rejectionReasons),
            "session": p.sessionName.map { .object(["name": .string($0), "date": text(p.sessionDate)]) } ?? .null,
            "answer": text(p.answer),
            "created_at": date(p.createdAt),
            "filed_at": date(p.filedAt),
            "decided_at": date(p.decidedAt),
            "scheduled_at": date(p.scheduledAt),
            "answered_at": date(p.answeredAt),
            "clock": clock,
        ])
    }
}
