import MizanCore
import MizanPostgres
import PostgresDriver

struct EligibilityPage: PageModel {
    let template = "eligibility"
    let cycleID: Int
    let cycleTitle: String
    let open: Bool
    let csrf: String
    let failure: String?

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("eligibility_heading", language)) — \(cycleTitle)" }
}

struct BallotPage: PageModel {
    let template = "ballot"
    let cycleID: Int
    let cycleTitle: String
    let rules: String
    let csrf: String
    let error: String?
    let alreadyVoted: Bool
    let checkboxes: Bool
    let weightLabel: String
    let projects: [Project]

    struct Project {
        let id: Int
        let title: String
        let cost: String
        let category: String
        let checked: Bool
        let weight: String
    }

    init(
        cycle: Cycle, projects: [Proposal], chosen: [Int: Int], alreadyVoted: Bool, error: String?, csrf: String,
        catalogs: Catalogs, language: Language
    ) {
        cycleID = cycle.id
        cycleTitle = cycle.title
        rules = CyclePage.ballotRule(cycle, catalogs, language)
        self.csrf = csrf
        self.error = error
        self.alreadyVoted = alreadyVoted
        switch cycle.ballot {
        case .approval, .knapsack:
            checkboxes = true
            weightLabel = ""
        case .points:
            checkboxes = false
            weightLabel = catalogs.text("points_label", language)
        case .ranked:
            checkboxes = false
            weightLabel = catalogs.text("rank_label", language)
        }
        self.projects = projects.map { proposal in
            Project(
                id: proposal.id, title: proposal.title,
                cost: catalogs.money(proposal.officialCost ?? proposal.estimatedCost, language),
                category: categoryName(proposal.category, catalogs, language),
                checked: chosen[proposal.id] != nil, weight: chosen[proposal.id].map(String.init) ?? "")
        }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { "\(catalogs.text("ballot_heading", language)) — \(cycleTitle)" }
}

struct ReceiptPage: PageModel {
    let template = "receipt"
    let code: String
    let found: Bool
    let isNew: Bool
    let published: Bool
    let cycleID: Int?
    /// After publication: where the ballot stands in the published anonymised set (none or one;
    /// a list, since the templates look into lists).
    let publishedBallot: [PublishedBallotView]

    func title(_ catalogs: Catalogs, _ language: Language) -> String { catalogs.text(isNew ? "receipt_heading" : "check_heading", language) }
}

/// A ballot as the published anonymised set holds it: its number in the scope's canonical `.pb`
/// file (ballots ordered by receipt code and numbered from 1), the file's published SHA-256, its
/// VOTES line, and its marks on the scope's accepted projects, in the file's order.
struct PublishedBallot {
    struct Mark {
        let project: Int
        let title: String
        let weight: Int
        let funded: Bool
    }

    let number: Int
    let file: String
    let sha256: String
    let channel: String
    let ballot: BallotRules
    let marks: [Mark]

    /// The VOTES line, byte for byte as `CanonicalBallots` writes it.
    var line: String {
        let ids = marks.map { String($0.project) }.joined(separator: ",")
        let points = if case .points = ballot { ";" + marks.map { String($0.weight) }.joined(separator: ",") } else { "" }
        return "\(number);\(ids)\(points);\(receipt);\(channel)"
    }

    let receipt: String

    /// Nil unless the ballot's scope has a published outcome and the ballot marks one of its projects.
    static func load(ballotID: Int64, cycle: Cycle, on connection: PostgresConnection) throws -> PublishedBallot? {
        guard let ballot = try connection.query("""
            SELECT b.receipt_code, b.channel, t.id, t.district_id, t.pb_sha256
            FROM ballots b JOIN tallies t ON t.cycle_id = b.cycle_id AND t.published_at IS NOT NULL
                                         AND (t.district_id IS NULL OR t.district_id = b.district_id)
            WHERE b.id = \(ballotID)
            """).first else { return nil }
        let receipt = try ballot.decode(String.self, 0)
        let tallyID = try ballot.decode(Int.self, 2)
        let district = try ballot.decodeIfPresent(Int.self, 3)
        let ranked = if case .ranked = cycle.ballot { true } else { false }
        let marks = try connection.query("""
            SELECT c.proposal_id, p.title, c.weight, coalesce(tp.funded, false)
            FROM ballot_choices c JOIN proposals p ON p.id = c.proposal_id
            LEFT JOIN tally_projects tp ON tp.tally_id = \(tallyID) AND tp.proposal_id = c.proposal_id
            WHERE c.ballot_id = \(ballotID) AND p.status = 'accepted' AND (\(district)::int IS NULL OR p.district_id = \(district)::int)
            ORDER BY CASE WHEN \(ranked) THEN c.weight ELSE 0 END, c.proposal_id
            """).map {
                Mark(project: try $0.decode(Int.self, 0), title: try $0.decode(String.self, 1), weight: try $0.decode(Int.self, 2),
                     funded: try $0.decode(Bool.self, 3))
            }
        guard !marks.isEmpty else { return nil }
        // Its number: how many ballots of the scope that mark one of its projects come before it.
        let number = try connection.query("""
            SELECT count(*) FROM ballots b
            WHERE b.cycle_id = \(cycle.id) AND (\(district)::int IS NULL OR b.district_id = \(district)::int)
              AND b.receipt_code <= \(receipt)
              AND EXISTS (SELECT 1 FROM ballot_choices c JOIN proposals p ON p.id = c.proposal_id
                          WHERE c.ballot_id = b.id AND p.status = 'accepted' AND (\(district)::int IS NULL OR p.district_id = \(district)::int))
            """).single().decode(Int.self, 0)
        return PublishedBallot(
            number: number, file: district.map { "ballots-district-\($0).pb" } ?? "ballots.pb",
            sha256: try ballot.decode(String.self, 4), channel: try ballot.decode(String.self, 1), ballot: cycle.ballot, marks: marks,
            receipt: receipt)
    }
}

/// What the receipt page shows of a published ballot.
struct PublishedBallotView {
    let intro: String
    let file: String
    let sha256: String
    let line: String
    let choices: [Choice]
    let resultsLink: String

    struct Choice {
        let project: String
        let title: String
        let mark: String?
        let outcome: String
        let funded: Bool
    }

    init(_ ballot: PublishedBallot, cycleID: Int, catalogs: Catalogs, language: Language) {
        intro = catalogs.text("check_published_number", language, ["number": catalogs.number(ballot.number), "file": ballot.file])
        file = ballot.file
        sha256 = ballot.sha256
        line = ballot.line
        choices = ballot.marks.map { mark in
            let text: String? = switch ballot.ballot {
            case .points: catalogs.text("check_points", language, ["points": catalogs.number(mark.weight)])
            case .ranked: catalogs.text("check_rank", language, ["rank": catalogs.number(mark.weight)])
            case .approval, .knapsack: nil
            }
            return Choice(
                project: catalogs.text("check_project_number", language, ["number": String(mark.project)]), title: mark.title, mark: text,
                outcome: catalogs.text(mark.funded ? "results_funded_yes" : "results_funded_no", language), funded: mark.funded)
        }
        resultsLink = "/\(language.rawValue)/cycles/\(cycleID)/results"
    }
}
