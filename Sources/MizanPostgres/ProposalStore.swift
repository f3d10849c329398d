import MizanCore
import PostgresDriver

/// Proposals: submission and staff review, each with its audit entry.
public enum ProposalStore {
    static let columns: SQL = """
        SELECT p.id, p.cycle_id, p.title, p.description, p.category, d.name_fr, p.location, p.estimated_cost_centimes,
               p.language, p.status, p.official_cost_centimes, p.official_answer, p.merged_into, p.hidden_reason
        FROM proposals p LEFT JOIN districts d ON d.id = p.district_id
        """

    /// Stores a proposal; returns it with its private tracking token's hash already stored.
    public static func submit(
        _ proposal: NewProposal, cycleID: Int, trackingTokenHash: [UInt8]?, actor: String, on connection: PostgresConnection
    ) throws -> Proposal {
        let cycle = try CycleStore.require(cycleID, on: connection)
        guard cycle.phase == .proposals else {
            throw ProposalError.notAllowed("proposals can only be submitted in the proposals phase (cycle \(cycleID) is in \(cycle.phase.rawValue))")
        }
        var districtID: Int?
        if let name = proposal.district {
            districtID = try connection.query("""
                SELECT id FROM districts WHERE commune_id = \(cycle.communeID) AND (name_fr = \(name) OR name_ar = \(name) OR id::text = \(name))
                """).first?.decode(Int.self, 0)
            if districtID == nil { throw ProposalError.unknownDistrict(name) }
        }
        let token = trackingTokenHash.map(PostgresBytes.init)
        let id = try connection.query("""
            INSERT INTO proposals (commune_id, cycle_id, title, description, category, district_id, location,
                                   estimated_cost_centimes, language, tracking_token_hash)
            VALUES (\(cycle.communeID), \(cycleID), \(proposal.title), \(proposal.description), \(proposal.category), \(districtID),
                    \(proposal.location), \(proposal.estimatedCost.centimes), \(proposal.language), \(token))
            RETURNING id
            """).single().decode(Int.self, 0)
        try AuditLogStore.append(
            actor: actor, action: "proposal.submit", object: "proposal:\(id)", details: "cycle=\(cycleID) title=\(proposal.title)",
            on: connection)
        return try require(id, on: connection)
    }

    public static func find(_ id: Int, on connection: PostgresConnection) throws -> Proposal? {
        try connection.query("\(columns) WHERE p.id = \(id)").map(decode).first
    }

    public static func require(_ id: Int, on connection: PostgresConnection) throws -> Proposal {
        guard let proposal = try find(id, on: connection) else { throw ProposalError.notFound(id) }
        return proposal
    }

    public static func list(cycleID: Int, status: ProposalStatus?, on connection: PostgresConnection) throws -> [Proposal] {
        _ = try CycleStore.require(cycleID, on: connection)
        let filter: SQL = status.map { "AND p.status = \($0.rawValue)" } ?? ""
        return try connection.query("\(columns) WHERE p.cycle_id = \(cycleID) \(filter) ORDER BY p.id").map(decode)
    }

    /// The decisions staff take in review.
    public enum Decision: Sendable {
        case accept(cost: Money, answer: String?)
        case reject(reason: String)
        case merge(into: Int)
        case hide(reason: String)
    }

    public static func review(_ id: Int, _ decision: Decision, actor: String, on connection: PostgresConnection) throws -> Proposal {
        let proposal = try require(id, on: connection)
        let cycle = try CycleStore.require(proposal.cycleID, on: connection)
        if case .hide = decision {
            guard cycle.phase == .proposals || cycle.phase == .review else {
                throw ProposalError.notAllowed("proposals can only be hidden before voting opens (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
            }
        } else if cycle.phase != .review {
            throw ProposalError.notAllowed("proposals are reviewed in the review phase (cycle \(cycle.id) is in \(cycle.phase.rawValue))")
        }
        let details: String
        switch decision {
        case .accept(let cost, let answer):
            guard cost.centimes > 0 else { throw ProposalError.invalid(["cost": "must be more than zero"]) }
            try connection.query("""
                UPDATE proposals SET status = 'accepted', official_cost_centimes = \(cost.centimes),
                       official_answer = coalesce(\(answer), official_answer), merged_into = NULL, reviewed_at = now()
                WHERE id = \(id)
                """)
            details = "cost=\(cost.centimes)"
        case .reject(let reason):
            guard !reason.isEmpty else { throw ProposalError.invalid(["reason": "is required: it is shown to the public"]) }
            try connection.query("""
                UPDATE proposals SET status = 'rejected', official_answer = \(reason), merged_into = NULL, reviewed_at = now()
                WHERE id = \(id)
                """)
            details = "reason=\(reason)"
        case .merge(let target):
            let into = try require(target, on: connection)
            guard into.id != id, into.cycleID == proposal.cycleID else {
                throw ProposalError.notAllowed("a proposal can only be merged into another proposal of the same cycle")
            }
            guard into.status == .submitted || into.status == .accepted else {
                throw ProposalError.notAllowed("proposal \(target) is \(into.status.rawValue); merge into a submitted or accepted one")
            }
            try connection.query("""
                UPDATE proposals SET status = 'merged', merged_into = \(target), reviewed_at = now() WHERE id = \(id)
                """)
            details = "into=\(target)"
        case .hide(let reason):
            guard !reason.isEmpty else { throw ProposalError.invalid(["reason": "is required: hiding is never silent"]) }
            try connection.query("UPDATE proposals SET status = 'hidden', hidden_reason = \(reason) WHERE id = \(id)")
            details = "reason=\(reason)"
        }
        let action = switch decision {
        case .accept: "proposal.accept"
        case .reject: "proposal.reject"
        case .merge: "proposal.merge"
        case .hide: "proposal.hide"
        }
        try AuditLogStore.append(actor: actor, action: action, object: "proposal:\(id)", details: details, on: connection)
        return try require(id, on: connection)
    }

    static func decode(_ row: Row) throws -> Proposal {
        Proposal(
            id: try row.decode(Int.self, 0), cycleID: try row.decode(Int.self, 1), title: try row.decode(String.self, 2),
            description: try row.decode(String.self, 3), category: try row.decode(String.self, 4),
            districtName: try row.decodeIfPresent(String.self, 5), location: try row.decodeIfPresent(String.self, 6),
            estimatedCost: Money(centimes: try row.decode(Int64.self, 7)), language: try row.decode(String.self, 8),
            status: ProposalStatus(rawValue: try row.decode(String.self, 9)) ?? .submitted,
            officialCost: try row.decodeIfPresent(Int64.self, 10).map { Money(centimes: $0) },
            officialAnswer: try row.decodeIfPresent(String.self, 11), mergedInto: try row.decodeIfPresent(Int.self, 12),
            hiddenReason: try row.decodeIfPresent(String.self, 13))
    }
}
