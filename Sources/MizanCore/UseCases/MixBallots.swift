/// Closing the ballot box: every sealed ballot of the cycle is opened and written into the ballots
/// table in a random order, in the transaction that moves the cycle out of voting (`AdvanceCycle`).
///
/// Until then, what each voter chose is stored only sealed beside their participation row; after
/// it, the ballots table holds every ballot of the cycle, all written by one transaction, in an
/// order drawn from the system's secure random generator, under random ids: neither the rows'
/// transaction ids, nor their physical order, nor their ids say which voter cast which ballot. The
/// database refuses to close voting while a sealed ballot remains, or when ballots and voters do
/// not match one for one.
public enum MixBallots {
    /// Mixes the cycle's sealed ballots; returns how many. Throws `CycleError.cannotAdvance` when
    /// there are sealed ballots and no server secret to open them, `SealBroken` when one does not
    /// open with this secret.
    public static func perform(_ cycle: Cycle, in stores: any Stores, secrets: ServerSecrets?) throws -> Int {
        let id = CycleID(cycle.id)
        var opened: [OpenedBallot] = []
        try stores.ballots.forEachSealed(in: id) { sealed in
            guard let secrets else {
                throw CycleError.cannotAdvance(from: cycle.phase, reasons: ["sealed ballots can only be opened with the server secret"])
            }
            opened.append(try secrets.open(sealed, cycle: id))
        }
        guard !opened.isEmpty else { return 0 }
        var generator = SystemRandomNumberGenerator()
        opened.shuffle(using: &generator)
        try stores.ballots.replaceSealed(of: id, commune: CommuneID(cycle.communeID), with: opened)
        return opened.count
    }
}
