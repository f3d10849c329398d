/// Stored ballots: found by receipt code as a voter checks theirs, and mixed when voting closes.
/// Ballots are cast only through a `BallotBox`.
public protocol BallotRepository {
    /// The cycle of the ballot stored under this receipt code, mixed or still sealed (found by the
    /// code's `tag`); nil when there is none (a replaced ballot's code no longer exists).
    func cycle(ofReceipt code: ReceiptCode, tag: [UInt8]) throws -> CycleID?

    /// The ballot as the published anonymised set holds it; nil unless its scope has a published
    /// outcome and the ballot marks one of that scope's projects.
    func published(receipt code: ReceiptCode, in cycle: Cycle) throws -> PublishedBallot?

    /// Hands every sealed ballot of the cycle to `body`, a few thousand at a time (so a cycle of a
    /// million ballots is never held twice in memory), in no meaningful order.
    func forEachSealed(in cycle: CycleID, _ body: ([UInt8]) throws -> Void) throws

    /// Writes opened ballots into the ballots table in exactly the given order (the caller's
    /// shuffle), under random ids, and deletes the cycle's sealed ballots.
    func replaceSealed(of cycle: CycleID, commune: CommuneID, with ballots: [OpenedBallot]) throws
}
