import MizanCore
import PostgresDriver

/// Proposals: the statements behind submission, the public list and staff review.
public enum ProposalStore {
    static let columns: SQL = """
        SELECT p.id, p.cycle_id, p.title, p.description, p.category, d.name_fr, p.location, p.estimated_cost_centimes,
               p.language, p.status, p.official_cost_centimes, p.official_answer, p.merged_into, p.hidden_reason
        FROM proposals p LEFT JOIN districts d ON d.id = p.district_id
        """

    /// Submits a proposal with its audit entry: `SubmitProposal` in the caller's transaction.
    public static func submit(
        _ proposal: NewProposal, cycleID: Int, trackingTokenHash: [UInt8]?, actor: String, on connection: PostgresConnection
    ) throws -> Proposal {
        try SubmitProposal.perform(
            proposal, cycle: CycleID(cycleID), trackingTokenHash: trackingTokenHash, actor: actor, in: PostgresStores(connection: connection))
    }

    static func insert(
        _ proposal: NewProposal, cycle: Cycle, districtID: Int?, trackingTokenHash: [UInt8]?, on connection: PostgresConnection
    ) throws -> Int {
        let token = trackingTokenHash.map(PostgresBytes.init)
        return try connection.query("""
            INSERT INTO proposals (commune_id, cycle_id, title, description, category, district_id, location,
                                   estimated_cost_centimes, language, tracking_token_hash)
            VALUES (\(cycle.communeID), \(cycle.id), \(proposal.title), \(proposal.description), \(proposal.category), \(districtID),
                    \(proposal.location), \(proposal.estimatedCost.centimes), \(proposal.language), \(token))
            RETURNING id
            """).single().decode(Int.self, 0)
    }

    static func find(trackingTokenHash: [UInt8], on connection: PostgresConnection) throws -> Proposal? {
        try connection.query("\(columns) WHERE p.tracking_token_hash = \(PostgresBytes(trackingTokenHash))").map(decode).first
    }

    /// The public list: never hidden proposals; words are matched in Arabic (without diacritics),
    /// French and English.
    static func search(_ search: ProposalSearch, on connection: PostgresConnection) throws -> [Proposal] {
        var filters: [SQL] = ["p.cycle_id = \(search.cycle.rawValue)", "p.status <> 'hidden'"]
        if let category = search.category { filters.append("p.category = \(category)") }
        if let status = search.status { filters.append("p.status = \(status.rawValue)") }
        let text = search.text
        if !text.isEmpty {
            filters.append("""
                p.search_vector @@ (websearch_to_tsquery('simple', mizan_normalize_arabic(\(text)))
                    || websearch_to_tsquery('arabic', mizan_normalize_arabic(\(text)))
                    || websearch_to_tsquery('french', \(text)) || websearch_to_tsquery('english', \(text)))
                """)
        }
        return try connection.query("""
            \(columns) WHERE \(SQL.joined(filters, separator: " AND ")) ORDER BY p.id LIMIT \(search.limit)
            """).map(decode)
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
    public typealias Decision = ProposalDecision

    /// Reviews a proposal with its audit entry: `ReviewProposal` in the caller's transaction.
    public static func review(_ id: Int, _ decision: Decision, actor: String, on connection: PostgresConnection) throws -> Proposal {
        try ReviewProposal.perform(ProposalID(id), decision, actor: actor, in: PostgresStores(connection: connection))
    }

    /// Records a decision `ReviewProposal` has checked.
    static func apply(_ decision: Decision, to id: Int, on connection: PostgresConnection) throws {
        switch decision {
        case .accept(let cost, let answer):
            try connection.query("""
                UPDATE proposals SET status = 'accepted', official_cost_centimes = \(cost.centimes),
                       official_answer = coalesce(\(answer), official_answer), merged_into = NULL, reviewed_at = now()
                WHERE id = \(id)
                """)
        case .reject(let reason):
            try connection.query("""
                UPDATE proposals SET status = 'rejected', official_answer = \(reason), merged_into = NULL, reviewed_at = now()
                WHERE id = \(id)
                """)
        case .merge(let target):
            try connection.query("""
                UPDATE proposals SET status = 'merged', merged_into = \(target), reviewed_at = now() WHERE id = \(id)
                """)
        case .hide(let reason):
            try connection.query("UPDATE proposals SET status = 'hidden', hidden_reason = \(reason) WHERE id = \(id)")
        case .unhide:
            try connection.query("UPDATE proposals SET status = 'submitted', hidden_reason = NULL WHERE id = \(id) AND status = 'hidden'")
        }
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
