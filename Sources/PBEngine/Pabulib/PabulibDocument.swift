/// Everything a Pabulib `.pb` file says, in a form the rules can use and the writer can write back.
///
/// The instance and ballots are what the rules need; the other columns (voter age, project
/// category, the city's own vote counts…) are kept as text so an export loses nothing.
public struct PabulibDocument: Sendable {
    /// Projects in file order, ids exactly as written, costs and budget as integers of
    /// `10^-scale` units (`scale` = most decimals written in the budget or any cost), META in
    /// file order.
    public var instance: Instance
    /// `approval` also for `choose-1` files (the META `vote_type` keeps the exact word).
    public var voteType: VoteType
    /// One per voter, in file order. Values: approval 1; cumulative and scoring the points;
    /// ordinal the 0-based position.
    public var ballots: [Ballot]
    public var voterIDs: [String]
    /// VOTES columns other than `voter_id`, `vote` and `points`, in file order.
    public var voterColumns: [String]
    /// Per voter, aligned with `voterColumns`; an empty field is "".
    public var voterValues: [[String]]
    /// PROJECTS columns other than `project_id` and `cost`, in file order.
    public var projectColumns: [String]
    /// Per project, aligned with `projectColumns`.
    public var projectValues: [[String]]

    public init(
        instance: Instance, voteType: VoteType, ballots: [Ballot], voterIDs: [String],
        voterColumns: [String] = [], voterValues: [[String]]? = nil,
        projectColumns: [String] = [], projectValues: [[String]]? = nil
    ) {
        self.instance = instance
        self.voteType = voteType
        self.ballots = ballots
        self.voterIDs = voterIDs
        self.voterColumns = voterColumns
        self.voterValues = voterValues ?? Array(repeating: [], count: ballots.count)
        self.projectColumns = projectColumns
        self.projectValues = projectValues ?? Array(repeating: [], count: instance.projects.count)
    }

    /// The ballots as a profile.
    ///
    /// For ordinal ballots a position is worth `max_length − position` when META declares
    /// `max_length` (the reference scores use it), raised to the longest ballot if a ballot breaks
    /// it so no ranked project is worth 0 or less. Without it each ballot is scored by its own
    /// length − position, as pabutools' Borda satisfaction and the files' own `score` columns do.
    public var profile: Profile {
        guard voteType == .ordinal else { return Profile(voteType: voteType, ballots: ballots) }
        let longest = ballots.lazy.map(\.entries.count).max() ?? 0
        let declared = instance.meta.last { $0.key == "max_length" }.flatMap { Int($0.value) }
        return Profile(voteType: voteType, ballots: ballots, maxLength: declared.map { max($0, longest) })
    }
}
