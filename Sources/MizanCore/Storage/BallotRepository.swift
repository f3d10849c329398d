/// Stored ballots as a voter checks theirs, by receipt code. Ballots are written only through a
/// `BallotBox`.
public protocol BallotRepository {
    /// The cycle of the ballot stored under this receipt code; nil when there is none (a replaced
    /// ballot's code no longer exists).
    func cycle(ofReceipt code: ReceiptCode) throws -> CycleID?

    /// The ballot as the published anonymised set holds it; nil unless its scope has a published
    /// outcome and the ballot marks one of that scope's projects.
    func published(receipt code: ReceiptCode, in cycle: Cycle) throws -> PublishedBallot?
}
