import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import Testing

/// The cycle, district, proposal, registry and implementation use cases on a real database: what
/// each records, what it refuses, and that each writes its own audit entry.
@Suite("Cycle and proposal use cases")
struct ProposalUseCaseTests {
    static let secrets = try! ServerSecrets(masterKey: Array(repeating: 0x5c, count: 32))
    static let berkane = try! GeoCode(parsing: "02.113.01.09")

    func newCycle(title: String = "Budget participatif 2026") throws -> NewCycle {
        try NewCycle(
            communeCode: Self.berkane, year: 2026, title: title, budget: .dirhams(1_000_000),
            ballot: .approval(minimum: 1, maximum: 2), rule: .greedy, tieBreak: .lexicographic)
    }

    func proposal(_ title: String, district: String? = nil) throws -> NewProposal {
        try NewProposal(
            title: title, description: "", category: "roads", district: district, location: nil, estimatedCost: "100000", language: "fr")
    }

    @Test func aCycleMovesForwardOnlyWhenNothingStandsInTheWay() async throws {
        try await TestPostgres.withPool { pool in
            let storage = PostgresStorage(pool: pool)
            let cycle = try await CreateCycle(storage: storage).execute(try newCycle(), actor: "test")
            #expect(cycle.phase == .draft)
            await #expect(throws: CycleError.duplicate("Budget participatif 2026")) {
                _ = try await CreateCycle(storage: storage).execute(try newCycle(), actor: "test")
            }
            let id = CycleID(cycle.id)
            let advance = AdvanceCycle(storage: storage)
            #expect(try await advance.execute(id, actor: "test").phase == .proposals)
            await #expect(throws: CycleError.cannotAdvance(from: .proposals, reasons: ["no proposal has been submitted"])) {
                _ = try await advance.execute(id, actor: "test")
            }
            let first = try await SubmitProposal(storage: storage).execute(try proposal("Trottoirs"), cycle: id, trackingTokenHash: nil, actor: "test")
            let second = try await SubmitProposal(storage: storage).execute(try proposal("Éclairage"), cycle: id, trackingTokenHash: nil, actor: "test")
            #expect(try await advance.execute(id, actor: "test").phase == .review)
            let shown = try await ShowCycle(storage: storage).execute(id)
            #expect(shown.obstacles.map(\.description) == [
                "no project is accepted: accept at least one with `mizan proposal accept`",
                "2 proposal(s) still await review (accept, reject, merge or hide them)",
                "ballots need at least 1 approvals but only 0 project(s) are accepted",
                "nobody can vote: import a registry (`mizan registry import`) or issue codes (`mizan codes issue`)",
            ])
            let review = ReviewProposal(storage: storage)
            let accepted = try await review.execute(ProposalID(first.id), .accept(cost: .dirhams(90_000), answer: "Faisable"), actor: "test")
            #expect(accepted.status == .accepted && accepted.officialCost == .dirhams(90_000))
            let merged = try await review.execute(ProposalID(second.id), .merge(into: ProposalID(first.id)), actor: "test")
            #expect(merged.status == .merged && merged.mergedInto == first.id)
            let issued = try await IssueVotingCodes(storage: storage).execute(cycle: id, count: 3, secrets: Self.secrets, actor: "test")
            #expect(Set(issued.codes).count == 3)
            #expect(try await advance.execute(id, actor: "test").phase == .voting)

            let actions = try await storage.transaction { try $0.audit.entries(limit: nil) }.map(\.action)
            #expect(actions == [
                "cycle.create", "cycle.advance", "proposal.submit", "proposal.submit", "cycle.advance", "proposal.accept",
                "proposal.merge", "codes.issue", "cycle.advance",
            ])
        }
    }

    @Test func reviewRefusesWhatItMayNotDo() async throws {
        try await TestPostgres.withPool { pool in
            let storage = PostgresStorage(pool: pool)
            let id = CycleID(try await CreateCycle(storage: storage).execute(try newCycle(), actor: "test").id)
            _ = try await AdvanceCycle(storage: storage).execute(id, actor: "test")
            let submitted = try await SubmitProposal(storage: storage).execute(
                try proposal("Jardin"), cycle: id, trackingTokenHash: RandomToken.digest("secret-token"), actor: "test")
            let review = ReviewProposal(storage: storage)
            await #expect(throws: ProposalError.notAllowed("proposals are reviewed in the review phase (cycle \(id) is in proposals)")) {
                _ = try await review.execute(ProposalID(submitted.id), .reject(reason: "Non"), actor: "test")
            }
            await #expect(throws: ProposalError.invalid(["reason": "is required: hiding is never silent"])) {
                _ = try await review.execute(ProposalID(submitted.id), .hide(reason: ""), actor: "test")
            }
            await #expect(throws: ProposalError.unknownDistrict("Nowhere")) {
                _ = try await SubmitProposal(storage: storage).execute(
                    try proposal("Banc", district: "Nowhere"), cycle: id, trackingTokenHash: nil, actor: "test")
            }
            let tracked = try await storage.transaction { try $0.proposals.find(trackingTokenHash: RandomToken.digest("secret-token")) }
            #expect(tracked?.id == submitted.id)
            let hidden = try await review.execute(ProposalID(submitted.id), .hide(reason: "Propos injurieux"), actor: "test")
            #expect(hidden.status == .hidden && hidden.hiddenReason == "Propos injurieux")
            let listed = try await storage.transaction { try $0.proposals.search(ProposalSearch(cycle: id, category: nil, status: nil, text: "")) }
            #expect(listed.isEmpty)
        }
    }

    @Test func districtsAreAddedToACommuneAndNamedInProposals() async throws {
        try await TestPostgres.withPool { pool in
            let storage = PostgresStorage(pool: pool)
            let district = try await AddDistrict(storage: storage).execute(
                try NewDistrict(communeCode: Self.berkane, french: " Hay Al Massira ", arabic: "حي المسيرة", population: 1200), actor: "test")
            #expect(district.kind == .quarter && district.name.french == "Hay Al Massira")
            #expect(try await ListDistricts(storage: storage).execute(communeCode: Self.berkane).map(\.id) == [district.id])
            await #expect(throws: GeographyError.notFound("01.001.01.1")) {
                _ = try await ListDistricts(storage: storage).execute(communeCode: GeoCode(parsing: "01.001.01.1"))
            }
            #expect(throws: DistrictError.invalid("--population cannot be negative")) {
                _ = try NewDistrict(communeCode: Self.berkane, french: "A", arabic: "ب", population: -1)
            }
            let id = CycleID(try await CreateCycle(storage: storage).execute(try newCycle(), actor: "test").id)
            _ = try await AdvanceCycle(storage: storage).execute(id, actor: "test")
            let stored = try await SubmitProposal(storage: storage).execute(
                try proposal("Éclairage", district: "حي المسيرة"), cycle: id, trackingTokenHash: nil, actor: "test")
            #expect(stored.districtName == "Hay Al Massira")
        }
    }

    @Test func aRegistryImportIsAllOrNothingUnlessBadLinesAreSkipped() async throws {
        try await TestPostgres.withPool { pool in
            let storage = PostgresStorage(pool: pool)
            let id = CycleID(try await CreateCycle(storage: storage).execute(try newCycle(), actor: "test").id)
            let lines = ["AB123456,1990-01-02,", "CD654321,1985-05-06,Nowhere"]
            func request(skipping: Bool) -> ImportRegistry.Request {
                ImportRegistry.Request(cycle: id, secrets: Self.secrets, skipInvalid: skipping, source: "voters.csv", actor: "test") { accept in
                    var reader = try RegistryFileReader(header: Array("national_id,birth_date,district".utf8), currentYear: 2026)
                    for (offset, line) in lines.enumerated() {
                        if case .success(let record) = reader.read(Array(line.utf8)[...], line: offset + 2) { try accept(record) }
                    }
                    return []
                }
            }
            await #expect(throws: RegistryRejected.self) { _ = try await ImportRegistry(storage: storage).execute(request(skipping: false)) }
            #expect(try await storage.transaction { try $0.registry.eligibleCount(id) } == 0)
            let report = try await ImportRegistry(storage: storage).execute(request(skipping: true))
            #expect(report.inserted == 1 && report.updated == 0 && report.rejected.map(\.line) == [3])
            let again = try await ImportRegistry(storage: storage).execute(request(skipping: true))
            #expect(again.inserted == 0 && again.updated == 1)
            #expect(try await storage.transaction { try $0.registry.eligibleCount(id) } == 1)
        }
    }

    @Test func implementationIsRecordedOnlyForFundedProjects() async throws {
        try await TestPostgres.withPool { pool in
            let storage = PostgresStorage(pool: pool)
            let update = try ImplementationUpdate(parsingStatus: "in_progress", progress: 40, spent: "50000", note: "Travaux lancés")
            await #expect(throws: ImplementationError.notFunded(ProposalID(999))) {
                try await RecordImplementationUpdate(storage: storage).execute(update, project: ProposalID(999), actor: "test")
            }
            #expect(throws: ImplementationError.invalid("--progress must be between 0 and 100")) {
                _ = try ImplementationUpdate(parsingStatus: "planned", progress: 101, spent: "0", note: nil)
            }
            #expect(throws: ImplementationError.invalid("--status must be one of planned, tendering, in_progress, completed, stalled, cancelled")) {
                _ = try ImplementationUpdate(parsingStatus: "done", progress: 100, spent: "0", note: nil)
            }
        }
    }
}
