import ArgumentParser
import MizanCore
import PBEngine

/// `mizan pb rank FILE --rule KEY`: one rule on one file, as a table or as the JSON that external
/// conformance checks read.
struct PBRankCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Rank the projects of a .pb file with one rule.",
        discussion: """
            Rules: greedy (= greedy_cost), mes (equal shares with cost utilities, add-one \
            completion, then greedy = mes_cost_add1_util), phragmen, optimal (= maxwelfare_cost), \
            every pabutools key: \(Rule.keys.filter { !$0.hasPrefix("equalshares/") }.joined(separator: ", ")); \
            equalshares.net's own procedure, as cities run it: equalshares/COMPLETION (none, \
            utilitarian, add1, add1e, add1u, add1eu; e stops at the first exhaustive outcome, u adds \
            the utilitarian completion) with options ?integral&increment=N&comparison=satisfaction|\
            exclusionRatio&tie=maxVotes,minCost,maxCost; and meta: the rule the file's META names \
            (greedy, greedy-no-skip, greedy-threshold with min_project_score_threshold, \
            equalshares/add1, equalshares/add1-comparison), to reproduce a city's published result.

            Ties go by default to the smallest project id compared as text (pabutools' default); \
            --tie equalshares uses equalshares.net's order (lower cost, then more votes, then the \
            file's order).

            --json prints one object: selected (funded project ids in the order they were funded), \
            cost and budget (in the file's currency, exact), left, exhaustive, voters, rounds, rule, \
            tie_breaking, welfare (optimal rules), budget_per_voter (equal shares) and projects. \
            On any failure nothing is printed on standard output. --explain prints its sentences \
            after the table, or on standard error with --json, so the output stays one object.

            Examples:
              mizan pb rank Poland_Krakow_2023_Czyzyny.pb --rule mes
              mizan pb rank Poland_Krakow_2023_Czyzyny.pb --rule mes_cost --json
              mizan pb rank Poland_Krakow_2023_Czyzyny.pb --rule mes_cost --explain BO.D14.4/23
              mizan pb rank Poland_Wieliczka_2023_Green_Budget.pb --rule meta --json
              mizan pb rank Poland_Wieliczka_2023_Green_Budget.pb --rule 'equalshares/add1u?integral&comparison=satisfaction'
            """)

    @Argument(help: ArgumentHelp("The Pabulib file.", valueName: "file.pb")) var file: String
    @Option(help: ArgumentHelp("The rule: greedy, mes, phragmen, optimal, a pabutools key, equalshares/…, or meta (the file's own).", valueName: "key"))
    var rule: String
    @Option(name: .customLong("tie"), help: "How ties are broken.") var tie: TieChoice = .lexicographic
    @Option(help: "Equal shares only: what happens to the budget the method leaves (none, add1, add1-greedy).")
    var completion: CompletionChoice?
    @Option(help: ArgumentHelp("Explain why this project was or was not funded.", valueName: "project-id"))
    var explain: String?
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @OptionGroup var timing: TimingOptions

    func run() async throws {
        try await reportingFailures {
            let named = rule == "meta" ? nil : try RuleSelection.rule(key: rule, completion: completion)
            let election = try timing.measure("read") { try PabulibFile.load(file) }
            var eligibility = Eligibility.none
            let chosen: Rule
            if let named {
                chosen = named
            } else {
                if completion != nil { throw CommandFailure.user("--completion does not apply to --rule meta: the file's META names the rule") }
                let meta: MetaRule
                do { meta = try MetaRule(instance: election.instance, voteType: election.voteType) } catch {
                    throw CommandFailure.user("\(file): \(error)")
                }
                chosen = meta.rule
                eligibility = meta.eligibility
            }
            if let refusal = RuleSelection.refusal(of: chosen, for: election) { throw CommandFailure.user(refusal) }
            let explained = try explain.map { id in
                guard let index = election.instance.projects.firstIndex(where: { $0.id == id }) else {
                    throw CommandFailure.user("\(file) has no project \(id)")
                }
                return index
            }
            let tieBreaking = tie.tieBreaking(for: election.instance)
            let outcome = timing.measure("rank") {
                chosen.apply(to: election.instance, profile: election.profile, tieBreaking: tieBreaking, eligibility: eligibility)
            }
            let summary = OutcomeSummary(outcome, instance: election.instance, supporters: election.supporterCounts())
            if json {
                Terminal.line(Self.json(summary, file: election).text)
            } else {
                Self.printTable(summary, file: election)
            }
            if let explained {
                if !json { Terminal.line("") }
                // With --json, standard output holds only the object.
                let account = OutcomeAccount(
                    outcome: outcome, instance: election.instance, profile: election.profile, tieBreaking: tieBreaking, thresholds: eligibility)
                for line in summary.explanation(of: explained, account: account) { json ? Terminal.error(line) : Terminal.line(line) }
            }
        }
    }

    static func printTable(_ summary: OutcomeSummary, file: PabulibFile) {
        let instance = summary.instance
        let rows = instance.projects.indices.map { index -> [String] in
            let project = instance.projects[index]
            let round = summary.fundedRound[index]
            return [
                project.id, Self.shortened(project.name), instance.format(project.cost), String(summary.supporters[index]),
                round == nil ? "no" : "yes", round.map(String.init) ?? "-",
            ]
        }
        Terminal.line("\(file.path): \(summary.outcome.rule.key), ties \(summary.outcome.tieBreaking.name), \(file.profile.voterCount) voters (\(file.voteTypeWord))")
        Terminal.line(Table.render(
            header: ["project", "name", "cost", "supporters", "funded", "round"],
            rightAligned: [2, 3, 5], rows: rows))
        let currency = instance.currencySuffix
        Terminal.line("")
        Terminal.line("budget  \(instance.format(instance.budget))\(currency)")
        Terminal.line("used    \(instance.format(summary.outcome.cost))\(currency) (\(summary.outcome.selected.count) project(s))")
        Terminal.line("left    \(instance.format(summary.left))\(currency)\(summary.exhaustive ? "" : " — another project would still fit")")
        if let welfare = summary.outcome.welfare { Terminal.line("welfare \(welfare)") }
        if let perVoter = summary.budgetPerVoter {
            Terminal.line("budget per voter ≈ \(String(format: "%.2f", perVoter.approximation))\(currency)")
        }
    }

    /// Project names can run to a paragraph; the table keeps the start, the JSON all of it.
    static func shortened(_ name: String, to limit: Int = 40) -> String {
        name.count <= limit ? name : String(name.prefix(limit - 1)) + "…"
    }

    static func json(_ summary: OutcomeSummary, file: PabulibFile) -> JSON {
        let instance = summary.instance
        var fields: [(String, JSON)] = [
            ("file", .string(file.path)),
            ("rule", .string(summary.outcome.rule.key)),
            ("tie_breaking", .string(summary.outcome.tieBreaking.name)),
            ("selected", .array(summary.selectedIDs.map { .string($0) })),
            ("cost", .number(literal: instance.format(summary.outcome.cost))),
            ("budget", .number(literal: instance.format(instance.budget))),
            ("left", .number(literal: instance.format(summary.left))),
            ("exhaustive", .bool(summary.exhaustive)),
            ("voters", .int(file.profile.voterCount)),
            ("vote_type", .string(file.voteTypeWord)),
            ("rounds", .int(summary.rounds)),
        ]
        if let welfare = summary.outcome.welfare { fields.append(("welfare", .number(literal: String(welfare)))) }
        if let perVoter = summary.budgetPerVoter {
            fields.append(("budget_per_voter", .number(literal: String(format: "%.6f", perVoter.approximation))))
            fields.append(("budget_per_voter_exact", .string(perVoter.description)))
        }
        fields.append(("projects", .array(instance.projects.indices.map { index in
            let project = instance.projects[index]
            return .object([
                ("id", .string(project.id)), ("name", .string(project.name)), ("cost", .number(literal: instance.format(project.cost))),
                ("supporters", .int(summary.supporters[index])), ("funded", .bool(summary.fundedRound[index] != nil)),
                ("round", summary.fundedRound[index].map { .int($0) } ?? .null),
            ])
        })))
        return .object(fields)
    }
}
