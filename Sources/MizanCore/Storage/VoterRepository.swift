/// Who may vote in a cycle and who already has: the registry, the printed codes, participation,
/// and the record of identification attempts that keeps guessing slow.
///
/// Keys are digests (`ServerSecrets.digest`); no ID number or code ever reaches storage.
public protocol VoterRepository {
    /// The registry entry with this national ID digest and, when given, this birth date
    /// (`YYYY-MM-DD`); nil when the cycle's registry has none.
    func registered(_ nationalID: VoterKey, bornOn birthDate: String?, in cycle: CycleID) throws -> EligibleVoter?

    /// The printed code with this digest; nil when the cycle issued none.
    func codeHolder(_ code: VoterKey, in cycle: CycleID) throws -> EligibleVoter?

    /// The channel of this voter's vote in the cycle; nil before they vote.
    func channelVoted(by voter: VoterKey, in cycle: CycleID) throws -> VoteChannel?

    /// How many identification attempts were recorded under `subject` in the last `seconds`.
    func attempts(by subject: IdentificationAttempt, inLast seconds: Int) throws -> Int

    /// Records one attempt under `subject`, timed by the database so every web node counts alike.
    func recordAttempt(by subject: IdentificationAttempt) throws
}

/// What identification attempts are counted against: where they come from, and which registry
/// entry or code they try.
public enum IdentificationAttempt: Hashable, Sendable {
    /// A client address.
    case client(String)
    /// A registry entry or printed code, by its digest.
    case entry(VoterKey)
}
