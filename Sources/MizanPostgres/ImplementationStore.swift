import MizanCore
import PostgresDriver

/// Implementation updates of funded projects.
enum ImplementationStore {
    static func fundedCommune(of project: Int, on connection: PostgresConnection) throws -> Int? {
        try connection.query("""
            SELECT p.commune_id FROM proposals p
            WHERE p.id = \(project) AND EXISTS (
                SELECT 1 FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
                WHERE tp.proposal_id = p.id AND tp.funded AND t.published_at IS NOT NULL)
            """).first?.decode(Int.self, 0)
    }

    static func fundedProjects(cycleID: Int, on connection: PostgresConnection) throws -> [(project: ProposalID, cost: Money)] {
        try connection.query("""
            SELECT tp.proposal_id, tp.cost_centimes
            FROM tally_projects tp JOIN tallies t ON t.id = tp.tally_id
            WHERE t.cycle_id = \(cycleID) AND t.published_at IS NOT NULL AND tp.funded
            ORDER BY tp.round
            """).map { (ProposalID(try $0.decode(Int.self, 0)), Money(centimes: try $0.decode(Int64.self, 1))) }
    }

    static func record(_ update: ImplementationUpdate, project: Int, communeID: Int, actor: String, on connection: PostgresConnection) throws {
        try connection.query("""
            INSERT INTO implementation_updates (commune_id, proposal_id, status, progress_percent, spent_centimes, note, link, reached_on,
                                                recorded_by)
            VALUES (\(communeID), \(project), \(update.status.rawValue), \(update.progress), \(update.spent.centimes), \(update.note),
                    \(update.link), \(update.reachedOn?.description)::date, \(actor))
            """)
    }
}
