import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import PostgresDriver
import Testing

/// The supports phase on a real database, as the service's role: one support per person per
/// proposal and the cycle's limit per person, attacked twice over and at once, and supports
/// only while the cycle takes proposals.
@Suite("Supports phase")
struct SupportUseCaseTests {
    static let secrets = try! ServerSecrets(masterKey: Array(repeating: 0x4e, count: 32))
    let residents = PetitionFixtures.residents(12)

    func credential(_ id: String) -> VoterCredential {
        VoterCredential.typed(nationalID: id, birthDate: PetitionFixtures.birthDate, code: "")!
    }

    /// A cycle taking proposals with a supports phase of `perPerson` and three proposals.
    func prepared(_ pool: ConnectionPool, perPerson: Int = 2) async throws -> (PostgresStorage, CycleID, [ProposalID]) {
        let cycle = try await pool.withConnection { connection in
            try connection.transaction { try PetitionFixtures.seedRegistry(residents: residents, secrets: Self.secrets, on: $0) }
        }
        let storage = PostgresStorage(pool: pool)
        _ = try await SetSupportPhase(storage: storage).execute(cycle: cycle, perPerson: perPerson, actor: "admin")
        _ = try await AdvanceCycle(storage: storage).execute(cycle, actor: "admin")
        var proposals: [ProposalID] = []
        for title in ["Trottoirs de la rue 3", "Éclairage du parc", "Aire de jeux"] {
            let proposal = try NewProposal(
                title: title, description: "", category: "roads", district: nil, location: nil, estimatedCost: "100000", language: "fr")
            proposals.append(ProposalID(try await SubmitProposal(storage: storage).execute(proposal, cycle: cycle, trackingTokenHash: nil, actor: "web").id))
        }
        return (storage, cycle, proposals)
    }

    @Test func onePersonSupportsEachProposalOnceAndNoMoreThanTheLimit() async throws {
        try await TestPostgres.withPool { pool in
            let (storage, cycle, proposals) = try await prepared(pool)
            let support = SupportProposals(storage: storage, secrets: Self.secrets)
            #expect(try await support.execute([proposals[0]], cycle: cycle, supporter: credential(residents[1]), client: "198.51.100.8")
                == .supported(new: 1, remaining: 1))
            // Again, with another: the first is not counted twice.
            #expect(try await support.execute([proposals[0], proposals[1]], cycle: cycle, supporter: credential(residents[1]), client: "198.51.100.8")
                == .supported(new: 1, remaining: 0))
            #expect(try await support.execute([proposals[2]], cycle: cycle, supporter: credential(residents[1]), client: "198.51.100.8")
                == .overLimit(remaining: 0))
            #expect(try await support.execute([proposals[2]], cycle: cycle, supporter: credential("ZZ999999"), client: "198.51.100.8") == .notIdentified)
            // Past the use case: the database keeps the key and the limit.
            let key = PostgresBytes(Self.secrets.digest(of: try NationalID(parsing: residents[1])))
            let duplicate = await #expect(throws: PostgresError.self) {
                try await pool.withConnection {
                    try $0.query("INSERT INTO proposal_supports (proposal_id, cycle_id, supporter_key) VALUES (\(proposals[0].rawValue), \(cycle), \(key))")
                }
            }
            #expect(duplicate?.constraint == "proposal_supports_limit" || duplicate?.sqlState == "23505")
            let third = await #expect(throws: PostgresError.self) {
                try await pool.withConnection {
                    try $0.query("INSERT INTO proposal_supports (proposal_id, cycle_id, supporter_key) VALUES (\(proposals[2].rawValue), \(cycle), \(key))")
                }
            }
            #expect(third?.constraint == "proposal_supports_limit")
            let removal = await #expect(throws: PostgresError.self) { try await pool.withConnection { try $0.query("DELETE FROM proposal_supports") } }
            #expect(removal?.sqlState == "42501")
            let counts = try await storage.transaction { try $0.supports.counts(cycle: cycle) }
            #expect(counts.map(\.supporters) == [1, 1, 0])
            #expect(counts.allSatisfy { $0.published == .fewerThanThreshold })
        }
    }

    @Test func concurrentSupportsOfOnePersonStayWithinTheLimit() async throws {
        try await TestPostgres.withPool(size: 8) { pool in
            let (storage, cycle, proposals) = try await prepared(pool, perPerson: 1)
            let support = SupportProposals(storage: storage, secrets: Self.secrets)
            let who = credential(residents[2])
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for attempt in 0..<18 {
                    group.addTask {
                        // Each tries another proposal: only one may pass the limit of 1.
                        let outcome = try? await support.execute([proposals[attempt % 3]], cycle: cycle, supporter: who, client: "192.0.2.\(attempt)")
                        if case .supported(let new, _)? = outcome { return new == 1 }
                        return false
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let stored = try await pool.withConnection { try $0.query("SELECT count(*) FROM proposal_supports").single().decode(Int.self, 0) }
            #expect(stored == 1)
        }
    }

    @Test func supportsCloseWithTheProposalsPhase() async throws {
        try await TestPostgres.withPool { pool in
            let (storage, cycle, proposals) = try await prepared(pool)
            _ = try await AdvanceCycle(storage: storage).execute(cycle, actor: "admin")
            await #expect(throws: SupportError.closed(cycle: cycle.rawValue, phase: .review)) {
                _ = try await SupportProposals(storage: storage, secrets: Self.secrets).execute(
                    [proposals[0]], cycle: cycle, supporter: credential(residents[3]), client: "198.51.100.9")
            }
            await #expect(throws: SupportError.closed(cycle: cycle.rawValue, phase: .review)) {
                _ = try await SetSupportPhase(storage: storage).execute(cycle: cycle, perPerson: 5, actor: "admin")
            }
            let key = PostgresBytes(Self.secrets.digest(of: try NationalID(parsing: residents[3])))
            let late = await #expect(throws: PostgresError.self) {
                try await pool.withConnection {
                    try $0.query("INSERT INTO proposal_supports (proposal_id, cycle_id, supporter_key) VALUES (\(proposals[0].rawValue), \(cycle), \(key))")
                }
            }
            #expect(late?.constraint == "proposal_supports_phase")
            let actions = try await storage.transaction { try $0.audit.entries(limit: nil) }.map(\.action)
            #expect(actions.filter { $0.hasPrefix("supports.") } == ["supports.phase"])
        }
    }
}
