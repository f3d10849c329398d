import Foundation
import MizanCore
import MizanPostgres
import MizanTestSupport
import ServiceLifecycle
import Testing
import PostgresDriver

@Suite("Group commit of ballots")
struct GroupCommitTests {
    @Test func manyConcurrentBallotsAreAllStoredOncePerVoter() async throws {
        let configuration = try await TestPostgres.database()
        let site = Site(configuration: configuration)
        let (cycleID, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        let cycle = try site.transaction { try CycleStore.require(cycleID, on: $0) }
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 4)
        let committer = BallotCommitter(pool: pool, maximumBatch: 64)
        let runner = Task { try await committer.run() }

        let voters = (0..<300).map { index in
            EligibleVoter(key: VoterKey((0..<32).map { UInt8(truncatingIfNeeded: index >> ($0 % 2 == 0 ? 0 : 8)) &+ UInt8($0) }), district: nil)
        }
        let receipts = try await withThrowingTaskGroup(of: BallotReceipt.self) { group in
            for (index, voter) in voters.enumerated() {
                group.addTask {
                    try await committer.submit(PendingBallot(
                        cycle: cycle, voter: voter, channel: .web,
                        choices: [BallotChoice(proposalID: projects[index % 3])], secrets: .forTests))
                }
            }
            return try await group.reduce(into: [BallotReceipt]()) { $0.append($1) }
        }
        #expect(receipts.count == 300)
        #expect(receipts.allSatisfy { !$0.replaced })
        // The same voters again: every ballot replaces the earlier one.
        let again = try await committer.submit(PendingBallot(
            cycle: cycle, voter: voters[7], channel: .web, choices: [BallotChoice(proposalID: projects[2])], secrets: .forTests))
        #expect(again.replaced)
        // A paper vote of a web voter is refused inside the batch without failing the others.
        await #expect(throws: VoteError.alreadyVoted(channel: .web)) {
            try await committer.submit(PendingBallot(
                cycle: cycle, voter: voters[8], channel: .paper, choices: [BallotChoice(proposalID: projects[0])], secrets: .forTests))
        }
        let counts = try site.transaction {
            try $0.query("SELECT (SELECT count(*) FROM ballots), (SELECT count(*) FROM participation), (SELECT count(*) FROM ballot_choices)").single()
        }
        #expect(try counts.decode(Int.self, 0) == 300)
        #expect(try counts.decode(Int.self, 1) == 300)
        #expect(try counts.decode(Int.self, 2) == 300)
        runner.cancel()
        await pool.shutdown()
    }
}
