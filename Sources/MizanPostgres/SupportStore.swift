import MizanCore
import PostgresDriver

/// The supports phase and the supports: every statement behind `SupportRepository`. The rules
/// (one per person per proposal, the limit per person, the phase) are migration 0011's.
struct PostgresSupports: SupportRepository {
    let connection: PostgresConnection

    func phase(cycle: CycleID) throws -> SupportPhase? {
        try connection.query("SELECT cycle_id, per_person FROM support_phases WHERE cycle_id = \(cycle)").first.map {
            SupportPhase(cycleID: try $0.decode(Int.self, 0), perPerson: try $0.decode(Int.self, 1))
        }
    }

    func setPhase(cycle: CycleID, perPerson: Int, actor: String) throws {
        try connection.query("""
            INSERT INTO support_phases (cycle_id, commune_id, per_person, set_by)
            SELECT id, commune_id, \(perPerson), \(actor) FROM cycles WHERE id = \(cycle)
            ON CONFLICT (cycle_id) DO UPDATE SET per_person = EXCLUDED.per_person, set_by = EXCLUDED.set_by, set_at = now()
            """)
    }

    func supported(by supporter: VoterKey, in cycle: CycleID) throws -> Set<Int> {
        Set(try connection.query("""
            SELECT proposal_id FROM proposal_supports WHERE cycle_id = \(cycle) AND supporter_key = \(PostgresBytes(supporter.bytes))
            """).map { try $0.decode(Int.self, 0) })
    }

    func support(_ proposal: ProposalID, in cycle: CycleID, by supporter: VoterKey) throws -> Bool {
        try connection.query("""
            INSERT INTO proposal_supports (proposal_id, cycle_id, supporter_key)
            VALUES (\(proposal.rawValue), \(cycle), \(PostgresBytes(supporter.bytes)))
            ON CONFLICT (proposal_id, supporter_key) DO NOTHING
            RETURNING 1
            """).first != nil
    }

    func counts(cycle: CycleID) throws -> [SupportCount] {
        try connection.query("""
            SELECT p.id, p.title, count(s.supporter_key)
            FROM proposals p LEFT JOIN proposal_supports s ON s.proposal_id = p.id
            WHERE p.cycle_id = \(cycle) AND p.status IN ('submitted', 'accepted', 'rejected')
            GROUP BY p.id, p.title ORDER BY count(s.supporter_key) DESC, p.id
            """).map {
            SupportCount(proposalID: try $0.decode(Int.self, 0), title: try $0.decode(String.self, 1), supporters: try $0.decode(Int.self, 2))
        }
    }
}

extension PostgresStores {
    var supports: any SupportRepository { PostgresSupports(connection: connection) }
}
