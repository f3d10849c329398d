import Foundation
import MizanCore
import Testing

@Suite("Ballot validation")
struct BallotValidatorTests {
    let projects: [Int: Money] = [1: .dirhams(100_000), 2: .dirhams(250_000), 3: .dirhams(700_000)]

    func validator(_ rules: BallotRules) -> BallotValidator {
        BallotValidator(rules: rules, projects: projects, budget: .dirhams(800_000))
    }

    @Test func approvalCountsChoices() throws {
        let approval = validator(.approval(minimum: 1, maximum: 2))
        #expect(try approval.validate([BallotChoice(proposalID: 1), BallotChoice(proposalID: 2)]).count == 2)
        #expect(throws: BallotError.tooMany(maximum: 2, chosen: 3)) {
            try approval.validate([1, 2, 3].map { BallotChoice(proposalID: $0) })
        }
        #expect(throws: BallotError.tooFew(minimum: 1, chosen: 0)) { try approval.validate([]) }
        #expect(throws: BallotError.unknownProject(9)) { try approval.validate([BallotChoice(proposalID: 9)]) }
        #expect(throws: BallotError.duplicateProject(1)) { try approval.validate([BallotChoice(proposalID: 1), BallotChoice(proposalID: 1)]) }
    }

    @Test func knapsackStaysWithinTheBudget() throws {
        let knapsack = validator(.knapsack)
        #expect(try knapsack.validate([BallotChoice(proposalID: 1), BallotChoice(proposalID: 3)]).count == 2)
        #expect(throws: BallotError.overBudget(total: .dirhams(950_000), budget: .dirhams(800_000))) {
            try knapsack.validate([BallotChoice(proposalID: 2), BallotChoice(proposalID: 3)])
        }
    }

    @Test func pointsRespectTotalAndCap() throws {
        let points = validator(.points(total: 10, cap: 6))
        #expect(try points.validate([BallotChoice(proposalID: 1, weight: 4), BallotChoice(proposalID: 2, weight: 6)]).count == 2)
        #expect(throws: BallotError.tooManyPoints(total: 11, allowed: 10)) {
            try points.validate([BallotChoice(proposalID: 1, weight: 5), BallotChoice(proposalID: 2, weight: 6)])
        }
        #expect(throws: BallotError.overCap(proposalID: 1, points: 7, cap: 6)) { try points.validate([BallotChoice(proposalID: 1, weight: 7)]) }
        #expect(throws: BallotError.badWeight(proposalID: 1)) { try points.validate([BallotChoice(proposalID: 1, weight: 0)]) }
    }

    @Test func rankingsHaveNoGaps() throws {
        let ranked = validator(.ranked(depth: 2))
        #expect(try ranked.validate([BallotChoice(proposalID: 3, weight: 1), BallotChoice(proposalID: 1, weight: 2)]).count == 2)
        #expect(throws: BallotError.badRanking) {
            try ranked.validate([BallotChoice(proposalID: 3, weight: 1), BallotChoice(proposalID: 1, weight: 3)])
        }
        #expect(throws: BallotError.tooMany(maximum: 2, chosen: 3)) {
            try ranked.validate([1, 2, 3].map { BallotChoice(proposalID: $0, weight: $0) })
        }
    }

    @Test func credentialsAndCodes() throws {
        #expect(try NationalID(parsing: " ab 123456 ").value == "AB123456")
        #expect(throws: RegistryFieldError.self) { try NationalID(parsing: "123456") }
        #expect(throws: RegistryFieldError.self) { try NationalID(parsing: "ABC1") }
        let code = VotingCode.random()
        #expect(try VotingCode(parsing: code.printed.lowercased()) == code)
        if case .code = try VoterCredential(parsing: code.printed) {} else { Issue.record("a printed code is read as a code") }
        if case .nationalID = try VoterCredential(parsing: "F345678") {} else { Issue.record("an ID is read as an ID") }
        let receipt = ReceiptCode.random()
        #expect(receipt.value.count == 19)
        #expect(try ReceiptCode(parsing: receipt.value.replacingOccurrences(of: "-", with: "")) == receipt)
    }
}

@Suite("Casting a ballot")
struct CastBallotTests {
    let secrets = try! ServerSecrets(masterKey: Array(repeating: 0x5a, count: 32))
    let voter = EligibleVoter(key: VoterKey(Array(repeating: 7, count: 32)), district: DistrictID(3))

    func cycle(_ phase: Phase, _ rules: BallotRules = .approval(minimum: 1, maximum: 2)) -> Cycle {
        Cycle(
            id: 12, communeID: 40, communeCode: "02.113.01.09", communeName: BilingualName(french: "Berkane", arabic: "بركان"),
            year: 2026, title: "Budget participatif 2026", budget: .dirhams(800_000), phase: phase, ballot: rules, rule: .greedy,
            tieBreak: .lexicographic)
    }

    func validator(_ cycle: Cycle) -> BallotValidator {
        BallotValidator(rules: cycle.ballot, projects: [1: .dirhams(100_000), 2: .dirhams(250_000), 3: .dirhams(700_000)], budget: cycle.budget)
    }

    @Test func sealsAValidBallotSoOnlyTheSecretOpensIt() throws {
        let voting = cycle(.voting)
        let token = SubmissionToken.random()
        let ballot = try CastBallot.seal(
            [BallotChoice(proposalID: 2, weight: 5), BallotChoice(proposalID: 1)], by: voter, channel: .paper, cycle: voting,
            validator: validator(voting), submission: token, secrets: secrets)
        #expect(ballot.cycle == CycleID(12))
        #expect(ballot.commune == CommuneID(40))
        #expect(ballot.voter == voter.key)
        #expect(ballot.district == DistrictID(3))
        #expect(ballot.channel == .paper)
        #expect(ballot.receipt == secrets.receipt(for: token, in: CycleID(12)), "the receipt follows from the submission")
        #expect(ballot.choices == [BallotChoice(proposalID: 2), BallotChoice(proposalID: 1)], "an approval mark weighs 1 whatever was sent")
        #expect(ballot.receiptTag == secrets.tag(of: ballot.receipt))
        #expect(ballot.proofTag == nil)

        let opened = try secrets.open(ballot.sealed, cycle: CycleID(12))
        #expect(opened == OpenedBallot(receipt: ballot.receipt, channel: .paper, district: DistrictID(3), choices: ballot.choices))
        // Another secret, another cycle, or one flipped bit: it does not open.
        let other = try ServerSecrets(masterKey: Array(repeating: 0x5b, count: 32))
        #expect(throws: SealBroken.self) { try other.open(ballot.sealed, cycle: CycleID(12)) }
        #expect(throws: SealBroken.self) { try secrets.open(ballot.sealed, cycle: CycleID(13)) }
        var flipped = ballot.sealed
        flipped[20] ^= 1
        #expect(throws: SealBroken.self) { try secrets.open(flipped, cycle: CycleID(12)) }
        // Nothing readable: neither the receipt nor a project number appears in the sealed bytes.
        let text = String(decoding: ballot.sealed, as: UTF8.self)
        #expect(!text.contains(ballot.receipt.value))
    }

    @Test func everySealedBallotOfACycleHasTheSameLength() throws {
        let voting = cycle(.voting, .approval(minimum: 1, maximum: 3))
        let lengths = try [[1], [1, 2], [1, 2, 3], [3]].map { projects in
            try CastBallot.seal(
                projects.map { BallotChoice(proposalID: $0) }, by: voter, channel: .web, cycle: voting, validator: validator(voting),
                submission: .random(), secrets: secrets
            ).sealed.count
        }
        #expect(Set(lengths).count == 1, "the length of a sealed ballot says nothing of how many projects it marks")
    }

    @Test func theSameSubmissionGivesTheSameReceiptAndTags() throws {
        let token = SubmissionToken.random()
        #expect(secrets.receipt(for: token, in: CycleID(1)) == secrets.receipt(for: token, in: CycleID(1)))
        #expect(secrets.receipt(for: token, in: CycleID(1)) != secrets.receipt(for: .random(), in: CycleID(1)))
        #expect(secrets.tag(of: token, in: CycleID(1)) != secrets.tag(of: token, in: CycleID(2)))
        #expect(SubmissionToken.derived(from: "paper:1:AB1,2") == SubmissionToken.derived(from: "paper:1:AB1,2"))
        #expect(try SubmissionToken(parsing: token.value) == token)
        for bad in ["", "short", String(repeating: "A", count: 23), "!!!!!!!!!!!!!!!!!!!!!!"] {
            #expect(throws: VoteError.staleForm) { try SubmissionToken(parsing: bad) }
        }
    }

    @Test(arguments: Phase.allCases.filter { $0 != .voting })
    func refusesOutsideVoting(_ phase: Phase) {
        let closed = cycle(phase)
        #expect(throws: VoteError.notInVoting(phase)) {
            try CastBallot.seal(
                [BallotChoice(proposalID: 1)], by: voter, channel: .web, cycle: closed, validator: validator(closed), submission: .random(),
                secrets: secrets)
        }
    }

    @Test func refusesWhatTheRulesForbid() {
        let voting = cycle(.voting, .points(total: 10, cap: 6))
        #expect(throws: VoteError.invalid(.overCap(proposalID: 1, points: 7, cap: 6))) {
            try CastBallot.seal(
                [BallotChoice(proposalID: 1, weight: 7)], by: voter, channel: .web, cycle: voting, validator: validator(voting),
                submission: .random(), secrets: secrets)
        }
        #expect(throws: VoteError.invalid(.unknownProject(9))) {
            try CastBallot.seal(
                [BallotChoice(proposalID: 9, weight: 1)], by: voter, channel: .web, cycle: voting, validator: validator(voting),
                submission: .random(), secrets: secrets)
        }
    }

    @Test func typedDetailsBecomeACredential() throws {
        let code = VotingCode.random()
        #expect(VoterCredential.typed(nationalID: "AB123456", birthDate: "1990-05-12", code: " \(code.printed.lowercased()) ") == .code(code))
        #expect(VoterCredential.typed(nationalID: "ab 123456", birthDate: "12/05/1990", code: "")
            == .registryDetails(try NationalID(parsing: "AB123456"), birthDate: "1990-05-12"))
        #expect(VoterCredential.typed(nationalID: "AB123456", birthDate: "", code: "") == nil)
        #expect(VoterCredential.typed(nationalID: "123", birthDate: "1990-05-12", code: "") == nil)
        #expect(VoterCredential.typed(nationalID: "AB123456", birthDate: "1990-05-12", code: "K7MQ") == nil, "a code given must be a code")
    }

    @Test func publishedLinesAreTheCanonicalFilesLines() throws {
        let receipt = try ReceiptCode(parsing: "ABCD-EFGH-JKLM-NPQR")
        let marks = [PublishedBallot.Mark(project: 3, title: "", weight: 4, funded: true), PublishedBallot.Mark(project: 7, title: "", weight: 6, funded: false)]
        let approval = PublishedBallot(number: 42, file: "ballots.pb", sha256: "", receipt: receipt, channel: .web, rules: .knapsack, marks: marks)
        #expect(approval.votesLine == "42;3,7;ABCD-EFGH-JKLM-NPQR;web")
        let points = PublishedBallot(
            number: 5, file: "ballots.pb", sha256: "", receipt: receipt, channel: .paper, rules: .points(total: 10, cap: nil), marks: marks)
        #expect(points.votesLine == "5;3,7;4,6;ABCD-EFGH-JKLM-NPQR;paper")
    }
}

@Suite("Registry file")
struct RegistryFileTests {
    @Test func readsLinesAndNamesEveryProblem() throws {
        var reader = try RegistryFileReader(header: Array("CIN;Date_Naissance;Quartier;Sexe".utf8), currentYear: 2026)
        guard case .success(let record) = reader.read(Array("ab123456;12/07/1985;Centre;femme".utf8)[...], line: 2) else {
            Issue.record("a good line is accepted")
            return
        }
        #expect(record.nationalID.value == "AB123456")
        #expect(record.birthDate == "1985-07-12")
        #expect(record.district == "Centre")
        #expect(record.sex == "F")
        #expect(record.birthYear == 1985)
        guard case .failure(let problems) = reader.read(Array("CD1;1985-02-29;;X".utf8)[...], line: 3) else {
            Issue.record("a bad line is refused")
            return
        }
        #expect(Set(problems.problems.map(\.field)) == ["birth_date", "sex"])
        guard case .failure(let duplicate) = reader.read(Array("AB123456;1985-07-12;;".utf8)[...], line: 4) else {
            Issue.record("a duplicate is refused")
            return
        }
        #expect(duplicate.problems.map(\.reason) == ["duplicates line 2"])
    }

    @Test func headerNeedsIDAndBirthDate() {
        #expect(throws: LineProblem.self) { try RegistryFileReader(header: Array("name,district".utf8), currentYear: 2026) }
    }

    @Test(arguments: [("2000-02-29", true), ("1900-02-29", false), ("2024-13-01", false), ("31/04/1990", false), ("30/04/1990", true), ("1990/04/30", false)])
    func datesFollowTheCalendar(_ text: String, _ valid: Bool) {
        #expect((RegistryFileReader.parseDate(text) != nil) == valid)
    }
}

@Suite("Audit chain")
struct AuditChainTests {
    func chain(_ count: Int) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditEntry.genesisHash
        for index in 0..<count {
            let hash = AuditEntry.hash(previousHash: previous, atMicroseconds: Int64(index), actor: "a", action: "x", object: "o", details: "\(index)")
            entries.append(AuditEntry(id: Int64(index + 1), atMicroseconds: Int64(index), actor: "a", action: "x", object: "o", details: "\(index)", previousHash: previous, hash: hash))
            previous = hash
        }
        return entries
    }

    @Test func anIntactChainVerifies() {
        let entries = chain(5)
        #expect(AuditVerification.verify(entries) == .intact(entries: 5, head: entries[4].hash))
    }

    @Test func namesTheFirstBadEntry() {
        var entries = chain(5)
        let changed = entries[2]
        entries[2] = AuditEntry(id: changed.id, atMicroseconds: changed.atMicroseconds, actor: "mallory", action: changed.action, object: changed.object, details: changed.details, previousHash: changed.previousHash, hash: changed.hash)
        guard case .broken(let id, _) = AuditVerification.verify(entries) else { Issue.record("tampering is detected"); return }
        #expect(id == 3)
        var deleted = chain(5)
        deleted.remove(at: 1)
        guard case .broken(let next, _) = AuditVerification.verify(deleted) else { Issue.record("deletion is detected"); return }
        #expect(next == 3)
    }

    @Test func fieldBoundariesCannotBeShifted() {
        let one = AuditEntry.hash(previousHash: AuditEntry.genesisHash, atMicroseconds: 1, actor: "ab", action: "c", object: "", details: "")
        let two = AuditEntry.hash(previousHash: AuditEntry.genesisHash, atMicroseconds: 1, actor: "a", action: "bc", object: "", details: "")
        #expect(one != two)
    }
}
