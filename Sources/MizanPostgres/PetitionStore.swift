import Foundation
import MizanCore
import PostgresDriver

/// Petitions and their signatures: every statement behind `PetitionRepository`. The rules
/// themselves (state path, threshold at filing, one signature per person, signatures only while
/// collecting) are the triggers and keys of migration 0011.
struct PostgresPetitions: PetitionRepository {
    let connection: PostgresConnection

    static let communeColumns: SQL = """
        SELECT c.id, c.code, c.name_fr, c.name_ar, c.population,
               EXISTS (SELECT 1 FROM districts d WHERE d.commune_id = c.id AND d.kind = 'arrondissement') AS has_arrondissements,
               o.minimum_signatures
        FROM communes c LEFT JOIN petition_threshold_overrides o ON o.commune_id = c.id
        """

    static let columns: SQL = """
        SELECT p.id, p.commune_id, c.code AS commune_code, p.kind, p.agent_name, p.association_name, p.association_registration,
               p.association_seat, p.title, p.demands, p.reasons, p.language, p.state, p.threshold, p.signatures_at_filing,
               p.rejection_reasons, p.session_name, p.session_date::text AS session_date, p.answer, p.created_at, p.filed_at,
               p.decided_at, p.scheduled_at, p.answered_at,
               (SELECT count(*) FROM petition_signatures s WHERE s.petition_id = p.id AND s.channel = 'online') AS online,
               (SELECT count(*) FROM petition_signatures s WHERE s.petition_id = p.id AND s.channel = 'paper') AS paper
        FROM petitions p JOIN communes c ON c.id = p.commune_id
        """

    func commune(code: GeoCode) throws -> PetitionCommune? {
        try connection.query("\(Self.communeColumns) WHERE c.code = \(code.value)").map(Self.decodeCommune).first
    }

    func commune(id: Int) throws -> PetitionCommune? {
        try connection.query("\(Self.communeColumns) WHERE c.id = \(id)").map(Self.decodeCommune).first
    }

    func isResident(_ key: VoterKey, bornOn birthDate: String?, commune: Int) throws -> Bool {
        try connection.query("""
            SELECT EXISTS (
                SELECT 1 FROM registry_entries
                WHERE commune_id = \(commune) AND national_id_hmac = \(PostgresBytes(key.bytes))
                  AND (\(birthDate)::date IS NULL OR birth_date = \(birthDate)::date))
            """).single().decode(Bool.self, 0)
    }

    func add(_ draft: NewPetition, commune: Int, agent: VoterKey) throws -> PetitionID {
        let association = draft.association
        return PetitionID(try connection.query("""
            INSERT INTO petitions (commune_id, kind, agent_name, agent_key, association_name, association_registration,
                                   association_seat, title, demands, reasons, language)
            VALUES (\(commune), \(draft.kind.rawValue), \(draft.agentName), \(PostgresBytes(agent.bytes)), \(association?.name),
                    \(association?.registration), \(association?.seat), \(draft.title), \(draft.demands), \(draft.reasons),
                    \(draft.language))
            RETURNING id
            """).single().decode(Int.self, 0))
    }

    func find(_ id: PetitionID) throws -> Petition? {
        try connection.query("\(Self.columns) WHERE p.id = \(id.rawValue)").map(Self.decode).first
    }

    func lock(_ id: PetitionID) throws -> Petition? {
        guard try connection.query("SELECT id FROM petitions WHERE id = \(id.rawValue) FOR UPDATE").first != nil else { return nil }
        return try find(id)
    }

    func list(commune: Int?, limit: Int) throws -> [Petition] {
        try connection.query("""
            \(Self.columns) WHERE (\(commune)::integer IS NULL OR p.commune_id = \(commune)) ORDER BY p.id DESC LIMIT \(limit)
            """).map(Self.decode)
    }

    func page(commune: Int?, after: Int?, limit: Int) throws -> [Petition] {
        try connection.query("""
            \(Self.columns) WHERE (\(commune)::integer IS NULL OR p.commune_id = \(commune)) AND p.id > \(after ?? 0)
            ORDER BY p.id LIMIT \(limit + 1)
            """).map(Self.decode)
    }

    func sign(_ petition: PetitionID, signer: VoterKey, channel: SignatureChannel, enteredBy: String?) throws -> SignatureChannel? {
        // ON CONFLICT waits for a concurrent signature of the same person and then does nothing:
        // the key decides, and the one already there is reported.
        let inserted = try connection.query("""
            INSERT INTO petition_signatures (petition_id, commune_id, signer_key, channel, entered_by)
            SELECT id, commune_id, \(PostgresBytes(signer.bytes)), \(channel.rawValue), \(enteredBy) FROM petitions WHERE id = \(petition.rawValue)
            ON CONFLICT (petition_id, signer_key) DO NOTHING
            RETURNING 1
            """)
        if inserted.first != nil { return nil }
        let existing = try connection.query("""
            SELECT channel FROM petition_signatures WHERE petition_id = \(petition.rawValue) AND signer_key = \(PostgresBytes(signer.bytes))
            """).first
        guard let existing else { throw PetitionError.notFound(petition.rawValue) }
        return SignatureChannel(rawValue: try existing.decode(String.self, 0))
    }

    func file(_ id: PetitionID, threshold: Int) throws {
        try connection.query("UPDATE petitions SET state = 'filed', threshold = \(threshold) WHERE id = \(id.rawValue)")
    }

    func decide(_ id: PetitionID, admissible: Bool, reasons: String?) throws {
        let state = admissible ? "admissible" : "rejected"
        try connection.query("UPDATE petitions SET state = \(state), rejection_reasons = \(reasons) WHERE id = \(id.rawValue)")
    }

    func schedule(_ id: PetitionID, session: String, date: String) throws {
        try connection.query("""
            UPDATE petitions SET state = 'scheduled', session_name = \(session), session_date = \(date)::date WHERE id = \(id.rawValue)
            """)
    }

    func answer(_ id: PetitionID, text: String) throws {
        try connection.query("UPDATE petitions SET state = 'answered', answer = \(text) WHERE id = \(id.rawValue)")
    }

    func setThresholdOverride(commune: Int, minimum: Int, reason: String, actor: String) throws {
        try connection.query("""
            INSERT INTO petition_threshold_overrides (commune_id, minimum_signatures, reason, set_by)
            VALUES (\(commune), \(minimum), \(reason), \(actor))
            ON CONFLICT (commune_id) DO UPDATE
            SET minimum_signatures = EXCLUDED.minimum_signatures, reason = EXCLUDED.reason, set_by = EXCLUDED.set_by, set_at = now()
            """)
    }

    static func decodeCommune(_ row: Row) throws -> PetitionCommune {
        PetitionCommune(
            id: try row.decode(Int.self, 0), code: try row.decode(String.self, 1),
            name: BilingualName(french: try row.decode(String.self, 2), arabic: try row.decode(String.self, 3)),
            population: try row.decode(Int.self, 4), hasArrondissements: try row.decode(Bool.self, 5),
            overrideMinimum: try row.decodeIfPresent(Int.self, 6))
    }

    static func decode(_ row: Row) throws -> Petition {
        let associationName = try row.decodeIfPresent(String.self, "association_name")
        let association = try associationName.map {
            PetitionAssociation(
                name: $0, registration: try row.decode(String.self, "association_registration"),
                seat: try row.decode(String.self, "association_seat"))
        }
        let kind = try row.decode(String.self, "kind")
        let state = try row.decode(String.self, "state")
        return Petition(
            id: try row.decode(Int.self, "id"), communeID: try row.decode(Int.self, "commune_id"),
            communeCode: try row.decode(String.self, "commune_code"), kind: PetitionKind(rawValue: kind) ?? .citizens,
            agentName: try row.decode(String.self, "agent_name"), association: association, title: try row.decode(String.self, "title"),
            demands: try row.decode(String.self, "demands"), reasons: try row.decode(String.self, "reasons"),
            language: try row.decode(String.self, "language"), state: PetitionState(rawValue: state) ?? .collecting,
            threshold: try row.decodeIfPresent(Int.self, "threshold"),
            signaturesAtFiling: try row.decodeIfPresent(Int.self, "signatures_at_filing"),
            rejectionReasons: try row.decodeIfPresent(String.self, "rejection_reasons"),
            sessionName: try row.decodeIfPresent(String.self, "session_name"),
            sessionDate: try row.decodeIfPresent(String.self, "session_date"), answer: try row.decodeIfPresent(String.self, "answer"),
            createdAt: try row.decode(Date.self, "created_at"), filedAt: try row.decodeIfPresent(Date.self, "filed_at"),
            decidedAt: try row.decodeIfPresent(Date.self, "decided_at"), scheduledAt: try row.decodeIfPresent(Date.self, "scheduled_at"),
            answeredAt: try row.decodeIfPresent(Date.self, "answered_at"), online: try row.decode(Int.self, "online"),
            paper: try row.decode(Int.self, "paper"))
    }
}

extension PostgresStores {
    var petitions: any PetitionRepository { PostgresPetitions(connection: connection) }
}
