import Foundation
import MizanCore
import PostgresDriver

/// The registry, the printed codes, participation and the identification attempts, for the web's
/// eligibility check and a clerk's paper ballots alike: every eligibility query is here.
struct PostgresVoters: VoterRepository {
    let connection: PostgresConnection

    func registered(_ nationalID: VoterKey, bornOn birthDate: String?, in cycle: CycleID) throws -> EligibleVoter? {
        try connection.query("""
            SELECT district_id FROM registry_entries
            WHERE cycle_id = \(cycle) AND national_id_hmac = \(PostgresBytes(nationalID.bytes))
              AND (\(birthDate)::date IS NULL OR birth_date = \(birthDate)::date)
            """).first.map { EligibleVoter(key: nationalID, district: try $0.decodeIfPresent(DistrictID.self, 0)) }
    }

    func codeHolder(_ code: VoterKey, in cycle: CycleID) throws -> EligibleVoter? {
        try connection.query("""
            SELECT district_id FROM voting_codes WHERE cycle_id = \(cycle) AND code_hash = \(PostgresBytes(code.bytes))
            """).first.map { EligibleVoter(key: code, district: try $0.decodeIfPresent(DistrictID.self, 0), holdsCode: true) }
    }

    func channelVoted(by voter: VoterKey, in cycle: CycleID) throws -> VoteChannel? {
        try connection.query("""
            SELECT channel FROM participation WHERE cycle_id = \(cycle) AND voter_key = \(PostgresBytes(voter.bytes))
            """).first.flatMap { VoteChannel(rawValue: try $0.decode(String.self, 0)) }
    }

    func attempts(by subject: IdentificationAttempt, inLast seconds: Int) throws -> Int {
        try connection.query("""
            SELECT count(*) FROM eligibility_attempts
            WHERE key = \(Self.key(subject)) AND attempted_at > now() - make_interval(secs => \(seconds))
            """).single().decode(Int.self, 0)
    }

    func recordAttempt(by subject: IdentificationAttempt) throws {
        try connection.query("INSERT INTO eligibility_attempts (key) VALUES (\(Self.key(subject)))")
    }

    /// How `eligibility_attempts.key` names a subject.
    static func key(_ subject: IdentificationAttempt) -> String {
        switch subject {
        case .client(let address): "client:\(address)"
        case .entry(let key): "entry:\(Data(key.bytes).base64URLEncoded)"
        }
    }
}

extension PostgresStores {
    var voters: any VoterRepository { PostgresVoters(connection: connection) }
    var ballots: any BallotRepository { PostgresBallots(connection: connection) }
}
