/// How funded projects progress after publication.
public protocol ImplementationRepository {
    /// The commune of `project` when it is funded in a published outcome; nil otherwise.
    func fundedCommune(of project: ProposalID) throws -> CommuneID?
    /// The projects funded in the cycle's published outcome, in the order they were funded, with their cost.
    func fundedProjects(cycle: CycleID) throws -> [(project: ProposalID, cost: Money)]
    func record(_ update: ImplementationUpdate, project: ProposalID, commune: CommuneID, actor: String) throws
}
