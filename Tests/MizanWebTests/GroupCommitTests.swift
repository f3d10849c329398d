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
        func ballot(_ voter: EligibleVoter, _ project: Int, channel: VoteChannel = .web, token: SubmissionToken = .random(), proof: ReceiptCode? = nil) -> PendingBallot {
            PendingBallot(
                cycle: cycle, voter: voter, channel: channel, choices: [BallotChoice(proposalID: project)], submission: token,
                replacing: proof, projectCount: projects.count, secrets: .forTests)
        }

        let voters = (0..<300).map { index in
            EligibleVoter(key: VoterKey((0..<32).map { UInt8(truncatingIfNeeded: index >> ($0 % 2 == 0 ? 0 : 8)) &+ UInt8($0) }), district: nil)
        }
        let receipts = try await withThrowingTaskGroup(of: (Int, BallotReceipt).self) { group in
            for (index, voter) in voters.enumerated() {
                group.addTask { (index, try await committer.submit(ballot(voter, projects[index % 3]))) }
            }
            return try await group.reduce(into: [Int: BallotReceipt]()) { $0[$1.0] = $1.1 }
        }
        #expect(receipts.count == 300)
        #expect(Set(receipts.values.map(\.code)).count == 300)
        #expect(receipts.values.allSatisfy { !$0.replaced })

        // A second ballot of the same voter replaces the first only with the first one's receipt:
        // not without one, not with another voter's.
        await #expect(throws: VoteError.needsReceipt) { try await committer.submit(ballot(voters[9], projects[2])) }
        await #expect(throws: VoteError.needsReceipt) {
            try await committer.submit(ballot(voters[9], projects[2], proof: receipts[10]!.code))
        }
        let token = SubmissionToken.random()
        let replacing = receipts[9]!.code
        let replaced = try await committer.submit(ballot(voters[9], projects[2], token: token, proof: replacing))
        #expect(replaced.replaced)
        // The same submission sent again (a retry, or the group commit's retry after a failed
        // batch) gets the same receipt and is not a replacement of itself.
        let retried = try await committer.submit(ballot(voters[9], projects[2], token: token, proof: replacing))
        #expect(retried == BallotReceipt(code: replaced.code, replaced: false))
        let alone = try await DirectBallotBox(pool: pool).submit(ballot(voters[9], projects[2], token: token, proof: replacing))
        #expect(alone.code == replaced.code && !alone.replaced)
        // The same token cannot serve another voter.
        await #expect(throws: VoteError.staleForm) { try await committer.submit(ballot(voters[10], projects[2], token: token)) }
        // A paper vote of a web voter is refused inside the batch without failing the others.
        await #expect(throws: VoteError.alreadyVoted(channel: .web)) {
            try await committer.submit(ballot(voters[8], projects[0], channel: .paper))
        }

        // While voting is open nothing is in the ballots table; closing voting mixes them in.
        var counts = try site.transaction {
            try $0.query("SELECT (SELECT count(*) FROM ballots), (SELECT count(*) FROM participation), (SELECT count(*) FROM sealed_ballots)").single()
        }
        #expect(try counts.decode(Int.self, 0) == 0)
        #expect(try counts.decode(Int.self, 1) == 300)
        #expect(try counts.decode(Int.self, 2) == 300)
        _ = try site.transaction { try CycleStore.advance(cycleID, actor: "test", secrets: .forTests, on: $0) }
        counts = try site.transaction {
            try $0.query("SELECT (SELECT count(*) FROM ballots), (SELECT count(*) FROM ballot_choices), (SELECT count(*) FROM sealed_ballots)").single()
        }
        #expect(try counts.decode(Int.self, 0) == 300)
        #expect(try counts.decode(Int.self, 1) == 300)
        #expect(try counts.decode(Int.self, 2) == 0)
        let stored = try site.transaction { connection in
            try connection.query("""
                SELECT c.proposal_id FROM ballots b JOIN ballot_choices c ON c.ballot_id = b.id WHERE b.receipt_code = \(replaced.code.value)
                """).map { try $0.decode(Int.self, 0) }
        }
        #expect(stored == [projects[2]], "the replacing ballot is the one counted")
        let gone = try site.transaction { try $0.query("SELECT count(*) FROM ballots WHERE receipt_code = \(replacing.value)").single().decode(Int.self, 0) }
        #expect(gone == 0, "the replaced ballot is not counted")
        runner.cancel()
        await pool.shutdown()
    }
}

@Suite("Ballots across a database restart")
struct BallotRestartTests {
    /// Voters keep sending the same submission until they get an answer, while PostgreSQL stops
    /// and starts again under them. Whatever happened to each attempt (refused while the server
    /// was down, or committed with the answer lost), every voter ends with the receipt their
    /// submission gives, no one is told their ballot replaced another, and each voter has exactly
    /// one ballot. Nothing here depends on when the restart falls.
    @Test func everyVoterGetsTheirOwnReceiptOnceWhateverTheRestart() async throws {
        let cluster = try TestPostgres.privateCluster()
        defer { try? cluster.stop() }
        let configuration = cluster.configuration()
        let setup = try PostgresConnection.connect(configuration)
        try Migrator(migrations: Migration.load(from: TestPostgres.migrationsDirectory)).migrate(on: setup)
        setup.close()
        let site = Site(configuration: configuration)
        let (cycleID, projects, _) = try site.cycleInVoting(ballot: .approval(minimum: 1, maximum: 2))
        let cycle = try site.transaction { try CycleStore.require(cycleID, on: $0) }
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 4)
        let committer = BallotCommitter(pool: pool, maximumBatch: 16)
        let runner = Task { try await committer.run() }

        let voters = 60
        let tokens = (0..<voters).map { _ in SubmissionToken.random() }
        @Sendable func ballot(_ index: Int) -> PendingBallot {
            let voter = EligibleVoter(key: VoterKey((0..<32).map { UInt8(truncatingIfNeeded: index &* 31 &+ $0) }), district: nil)
            return PendingBallot(
                cycle: cycle, voter: voter, channel: .web, choices: [BallotChoice(proposalID: projects[index % 3])],
                submission: tokens[index], projectCount: projects.count, secrets: .forTests)
        }
        /// Sends the voter's one submission until the database answers.
        @Sendable func persist(_ index: Int) async throws -> (Int, BallotReceipt) {
            while true {
                do {
                    return (index, try await committer.submit(ballot(index)))
                } catch let error as VoteError {
                    throw error
                } catch {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
        }
        func expected(_ index: Int) -> BallotReceipt {
            BallotReceipt(code: ServerSecrets.forTests.receipt(for: tokens[index], in: CycleID(cycleID)), replaced: false)
        }

        // The first half votes while the server is up.
        for index in 0..<(voters / 2) {
            #expect(try await committer.submit(ballot(index)) == expected(index))
        }
        // The server stops. The second half votes, and the first half sends the same forms again
        // (as after an answer lost on the way back); all keep trying while it starts again.
        try cluster.stop()
        let answers = try await withThrowingTaskGroup(of: (Int, BallotReceipt).self) { group in
            for index in 0..<voters { group.addTask { try await persist(index) } }
            _ = try cluster.start()
            return try await group.reduce(into: [(Int, BallotReceipt)]()) { $0.append($1) }
        }
        #expect(answers.count == voters)
        for (index, receipt) in answers {
            #expect(receipt == expected(index), "voter \(index)")
        }
        let counts = try site.transaction {
            try $0.query("SELECT (SELECT count(*) FROM participation), (SELECT count(*) FROM sealed_ballots)").single()
        }
        #expect(try counts.decode(Int.self, 0) == voters)
        #expect(try counts.decode(Int.self, 1) == voters)
        runner.cancel()
        await pool.shutdown()
    }
}
