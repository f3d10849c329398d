/// Who may vote in a cycle: the imported registry and the hashes of printed codes.
public protocol RegistryRepository {
    /// Loads the records `feed` pushes into the cycle's registry, merging with what is there (a
    /// re-import updates voters instead of duplicating them). Records naming a district the commune
    /// does not have become problems too; when there are problems and `skipInvalid` is false,
    /// throws `RegistryRejected` and loads nothing. National ID numbers are hashed with `secrets`
    /// before they leave this process.
    func importRecords(
        into cycle: Cycle, secrets: ServerSecrets, skipInvalid: Bool,
        feed: (_ accept: (RegistryRecord) throws -> Void) throws -> [LineProblem]
    ) throws -> RegistryImportReport
    /// Stores the hashes of `codes`; the codes themselves are never stored.
    func storeCodes(_ codes: [VotingCode], for cycle: Cycle, secrets: ServerSecrets) throws
    /// Registry entries plus issued codes: how many could vote.
    func eligibleCount(_ cycle: CycleID) throws -> Int
}
