import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import PostgresDriver
import Testing

/// Petitions on a real database, as the service's role: the one-signature rule attacked from
/// every side (twice online, online then paper, twice on paper, many at once), the threshold at
/// its boundary, the state path refused out of order by the use cases and by the database itself,
/// and each step's audit entry.
@Suite("Petition use cases")
struct PetitionUseCaseTests {
    static let secrets = try! ServerSecrets(masterKey: Array(repeating: 0x3d, count: 32))
    let residents = PetitionFixtures.residents(12)

    func credential(_ id: String, born: String = PetitionFixtures.birthDate) -> VoterCredential {
        VoterCredential.typed(nationalID: id, birthDate: born, code: "")!
    }

    /// A database with a Berkane registry and one draft; returns the draft's id.
    func prepared(_ pool: ConnectionPool, kind: String = "citizens") async throws -> (PostgresStorage, PetitionID) {
        try await pool.withConnection { connection in
            try connection.transaction { try PetitionFixtures.seedRegistry(residents: residents, secrets: Self.secrets, on: $0) }
        }
        let storage = PostgresStorage(pool: pool)
        let outcome = try await FilePetitionDraft(storage: storage, secrets: Self.secrets).execute(
            try PetitionFixtures.draft(kind: kind), commune: PetitionFixtures.berkane, agent: credential(residents[0]),
            client: "198.51.100.1", actor: "web")
        guard case .drafted(let petition) = outcome else { throw PetitionError.notFound(0) }
        #expect(petition.state == .collecting && petition.signatures == 0)
        return (storage, PetitionID(petition.id))
    }

    func sheet(_ lines: [String]) throws -> PetitionSignatureSheet {
        try PetitionSignatureSheet(parsing: (["national_id,birth_date"] + lines).joined(separator: "\n"))
    }

    @Test func onePersonSignsOnceWhateverTheChannel() async throws {
        try await TestPostgres.withPool { pool in
            let (storage, id) = try await prepared(pool)
            let sign = SignPetition(storage: storage, secrets: Self.secrets)
            #expect(try await sign.execute(id, signer: credential(residents[1]), client: "198.51.100.2") == .signed)
            // The same person again, from another device: refused, and told why.
            #expect(try await sign.execute(id, signer: credential(residents[1]), client: "203.0.113.9") == .alreadySigned(.online))
            // Someone the registry does not know, or with the wrong birth date.
            #expect(try await sign.execute(id, signer: credential("ZZ999999"), client: "198.51.100.2") == .notIdentified)
            #expect(try await sign.execute(id, signer: credential(residents[2], born: "1991-01-01"), client: "198.51.100.2") == .notIdentified)
            // A bare ID number is not enough on the web.
            #expect(try await sign.execute(id, signer: .nationalID(try NationalID(parsing: residents[2])), client: "198.51.100.2") == .notIdentified)

            // Paper: the online signer's line is refused with that reason, a repeated line too.
            let report = try await EnterPaperSignatures(storage: storage, secrets: Self.secrets).execute(
                id, sheet: try sheet(["\(residents[1]),", "\(residents[3]),1990-01-01", "\(residents[3]),", "XY123456,", "\(residents[4]),1980-02-02"]),
                source: "sheet-1", actor: "clerk")
            #expect(report.recorded == 1)
            #expect(report.refused == [
                .init(line: 2, reason: .signedOnline), .init(line: 4, reason: .signedOnPaper), .init(line: 5, reason: .notInRegistry),
                .init(line: 6, reason: .notInRegistry),
            ])
            // And a paper signer cannot sign online afterwards.
            #expect(try await sign.execute(id, signer: credential(residents[3]), client: "198.51.100.2") == .alreadySigned(.paper))
            let petition = try #require(try await storage.transaction { try $0.petitions.find(id) })
            #expect(petition.online == 1 && petition.paper == 1)

            // The database itself refuses a second row for a signer, whatever the code.
            let key = PostgresBytes(Self.secrets.digest(of: try NationalID(parsing: residents[1])))
            await #expect(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try connection.query("""
                        INSERT INTO petition_signatures (petition_id, commune_id, signer_key, channel, entered_by)
                        SELECT id, commune_id, \(key), 'paper', 'intruder' FROM petitions WHERE id = \(id.rawValue)
                        """)
                }
            }
            // The service may not remove or change a signature (no privilege), nor can anyone (trigger).
            let removal = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("DELETE FROM petition_signatures") }
            }
            #expect(removal?.sqlState == "42501")
            let audit = try await storage.transaction { try $0.audit.entries(limit: nil) }.map(\.action)
            #expect(audit.filter { $0.hasPrefix("petition.") } == ["petition.draft", "petition.paper"])
            #expect(!audit.contains { $0.contains("sign") }, "no timed entry per signer")
        }
    }

    @Test func concurrentSignaturesOfOnePersonCountOnce() async throws {
        try await TestPostgres.withPool(size: 8) { pool in
            let (storage, id) = try await prepared(pool)
            let sign = SignPetition(storage: storage, secrets: Self.secrets)
            let who = credential(residents[5])
            let outcomes = try await withThrowingTaskGroup(of: SignPetition.Outcome.self) { group in
                for attempt in 0..<24 {
                    group.addTask { try await sign.execute(id, signer: who, client: "192.0.2.\(attempt)") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .signed }.count == 1)
            #expect(outcomes.filter { $0 == .alreadySigned(.online) }.count == 23)
            let stored = try await pool.withConnection { try $0.query("SELECT count(*) FROM petition_signatures").single().decode(Int.self, 0) }
            #expect(stored == 1)
        }
    }

    @Test func filingNeedsTheThresholdExactly() async throws {
        try await TestPostgres.withPool { pool in
            let (storage, id) = try await prepared(pool)
            let file = FilePetitionWithCouncil(storage: storage)
            // Berkane has over 35,000 inhabitants and no arrondissements: 200 by the table.
            await #expect(throws: PetitionError.belowThreshold(signatures: 0, threshold: 200)) { _ = try await file.execute(id, actor: "staff") }
            let commune = try await SetPetitionThreshold(storage: storage).execute(
                commune: PetitionFixtures.berkane, minimum: 3, reason: "Test d'un seuil communal", actor: "admin")
            #expect(commune.overrideMinimum == 3)
            let sign = SignPetition(storage: storage, secrets: Self.secrets)
            for resident in residents[1...2] { #expect(try await sign.execute(id, signer: credential(resident), client: "198.51.100.7") == .signed) }
            await #expect(throws: PetitionError.belowThreshold(signatures: 2, threshold: 3)) { _ = try await file.execute(id, actor: "staff") }
            // Bypassing the use case: the database counts too.
            let direct = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("UPDATE petitions SET state = 'filed', threshold = 3 WHERE id = \(id.rawValue)") }
            }
            #expect(direct?.constraint == "petitions_threshold")
            #expect(try await sign.execute(id, signer: credential(residents[3]), client: "198.51.100.7") == .signed)
            let filed = try await file.execute(id, actor: "staff")
            #expect(filed.state == .filed && filed.threshold == 3 && filed.signaturesAtFiling == 3 && filed.filedAt != nil)
            // Collecting is over, on every channel.
            await #expect(throws: PetitionError.wrongState(petition: id.rawValue, state: .filed, wanted: .collecting)) {
                _ = try await sign.execute(id, signer: credential(residents[4]), client: "198.51.100.7")
            }
            await #expect(throws: PetitionError.wrongState(petition: id.rawValue, state: .filed, wanted: .collecting)) {
                _ = try await EnterPaperSignatures(storage: storage, secrets: Self.secrets).execute(
                    id, sheet: try sheet(["\(residents[4]),"]), source: "late", actor: "clerk")
            }
            let late = await #expect(throws: PostgresError.self) {
                let key = PostgresBytes(Self.secrets.digest(of: try NationalID(parsing: residents[4])))
                try await pool.withConnection { connection in
                    try connection.query("""
                        INSERT INTO petition_signatures (petition_id, commune_id, signer_key, channel)
                        SELECT id, commune_id, \(key), 'online' FROM petitions WHERE id = \(id.rawValue)
                        """)
                }
            }
            #expect(late?.constraint == "petition_signatures_collecting")
        }
    }

    @Test func theLegalTableFollowsEachCommune() async throws {
        try await TestPostgres.withPool { pool in
            let storage = PostgresStorage(pool: pool)
            func minimum(_ code: String, _ kind: PetitionKind = .citizens) async throws -> Int {
                let commune = try #require(try await storage.transaction { try $0.petitions.commune(code: try GeoCode(parsing: code)) })
                return PetitionThreshold.minimum(kind: kind, commune: commune)
            }
            let small = try await minimum("01.051.01.05")
            let large = try await minimum("02.113.01.09")
            let arrondissements = try await minimum("01.511.01.0")
            let association = try await minimum("01.511.01.0", .association)
            #expect(small == 100, "Imzouren: 34,848 inhabitants")
            #expect(large == 200, "Berkane: 99,069 inhabitants")
            #expect(arrondissements == 400, "Tanger has arrondissements")
            #expect(association == 0)
        }
    }

    @Test func stepsOutOfOrderAreRefused() async throws {
        try await TestPostgres.withPool { pool in
            let (storage, id) = try await prepared(pool, kind: "association")
            let decide = DecideAdmissibility(storage: storage)
            let schedule = SchedulePetition(storage: storage)
            let answer = AnswerPetition(storage: storage)
            await #expect(throws: PetitionError.wrongState(petition: id.rawValue, state: .collecting, wanted: .admissible)) {
                _ = try await decide.execute(id, .admissible, actor: "bureau")
            }
            await #expect(throws: PetitionError.wrongState(petition: id.rawValue, state: .collecting, wanted: .answered)) {
                _ = try await answer.execute(id, answer: "Oui", actor: "council")
            }
            // Straight to answered in SQL: the trigger refuses.
            let jump = await #expect(throws: PostgresError.self) {
                try await pool.withConnection {
                    try $0.query("UPDATE petitions SET state = 'answered', answer = 'x', answered_at = now() WHERE id = \(id.rawValue)")
                }
            }
            #expect(jump?.constraint == "petitions_state_path")
            // The text signers signed cannot change.
            let rewrite = await #expect(throws: PostgresError.self) {
                try await pool.withConnection { try $0.query("UPDATE petitions SET demands = 'Autre chose entièrement' WHERE id = \(id.rawValue)") }
            }
            #expect(rewrite?.constraint == "petitions_text_frozen")
            // An association's petition needs no signatures by the table.
            _ = try await FilePetitionWithCouncil(storage: storage).execute(id, actor: "staff")
            await #expect(throws: PetitionError.invalid(["reasons": "is required (at most 5000 characters)"])) {
                _ = try await decide.execute(id, .rejected(reasons: "  "), actor: "bureau")
            }
            let rejected = try await decide.execute(id, .rejected(reasons: "Hors des compétences de la commune"), actor: "bureau")
            #expect(rejected.state == .rejected && rejected.rejectionReasons == "Hors des compétences de la commune")
            await #expect(throws: PetitionError.wrongState(petition: id.rawValue, state: .rejected, wanted: .scheduled)) {
                _ = try await schedule.execute(id, session: "Session de février", date: "2027-02-02", actor: "council")
            }
            await #expect(throws: PetitionError.wrongState(petition: id.rawValue, state: .rejected, wanted: .admissible)) {
                _ = try await decide.execute(id, .admissible, actor: "bureau")
            }
            let removal = await #expect(throws: PostgresError.self) { try await pool.withConnection { try $0.query("DELETE FROM petitions") } }
            #expect(removal?.sqlState == "42501")
            let actions = try await storage.transaction { try $0.audit.entries(limit: nil) }.map(\.action).filter { $0.hasPrefix("petition.") }
            #expect(actions == ["petition.draft", "petition.file", "petition.reject"])
        }
    }

    @Test func anAdmissiblePetitionIsScheduledAndAnswered() async throws {
        try await TestPostgres.withPool { pool in
            let (storage, id) = try await prepared(pool, kind: "association")
            _ = try await FilePetitionWithCouncil(storage: storage).execute(id, actor: "staff")
            _ = try await DecideAdmissibility(storage: storage).execute(id, .admissible, actor: "bureau")
            await #expect(throws: PetitionError.invalid(["date": "is not a date (YYYY-MM-DD or DD/MM/YYYY)"])) {
                _ = try await SchedulePetition(storage: storage).execute(id, session: "Session de février", date: "février", actor: "council")
            }
            let scheduled = try await SchedulePetition(storage: storage).execute(id, session: "Session de février", date: "02/02/2027", actor: "council")
            #expect(scheduled.sessionDate == "2027-02-02")
            let answered = try await AnswerPetition(storage: storage).execute(id, answer: "Les travaux sont inscrits au budget 2027.", actor: "council")
            #expect(answered.state == .answered && answered.answeredAt != nil)
            let clock = try #require(answered.clock)
            #expect(clock.status(at: Date()) == .answeredInTime)
            let record = PetitionRecord(answered, commune: try #require(try await storage.transaction { try $0.petitions.commune(id: answered.communeID) }), now: Date())
            #expect(!record.late)
            #expect(!record.json.text.contains("Fatima"), "the agent's name is not published")
        }
    }

    @Test func theAgentMustBeInTheRegistry() async throws {
        try await TestPostgres.withPool { pool in
            try await pool.withConnection { connection in
                try connection.transaction { try PetitionFixtures.seedRegistry(residents: residents, secrets: Self.secrets, on: $0) }
            }
            let storage = PostgresStorage(pool: pool)
            let draft = FilePetitionDraft(storage: storage, secrets: Self.secrets)
            let outcome = try await draft.execute(
                try PetitionFixtures.draft(), commune: PetitionFixtures.berkane, agent: credential("QQ1234"), client: "198.51.100.3", actor: "web")
            #expect(outcome == .agentNotIdentified)
            // In another commune's registry they are nobody.
            let elsewhere = try await draft.execute(
                try PetitionFixtures.draft(), commune: try GeoCode(parsing: "01.051.01.05"), agent: credential(residents[0]),
                client: "198.51.100.3", actor: "web")
            #expect(elsewhere == .agentNotIdentified)
            let count = try await pool.withConnection { try $0.query("SELECT count(*) FROM petitions").single().decode(Int.self, 0) }
            #expect(count == 0)
        }
    }
}
