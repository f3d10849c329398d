/// The regional and provincial overviews' lines: numbers only from published tallies, so a cycle
/// that is still running shows its phase and nothing else.
public protocol RegionalOverviewRepository {
    /// Every commune of the area, one line per cycle (newest first) or one line without a cycle,
    /// by commune code.
    func lines(in area: RegionalOverview.Area) throws -> [RegionalOverview.Line]
}
