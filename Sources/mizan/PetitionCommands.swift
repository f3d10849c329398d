import ArgumentParser
import Foundation
import MizanCore

/// Staff's side of petitions to the council: paper signature sheets, filing, the council's
/// decisions, the register and its export for the national portal.
struct PetitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "petition", abstract: "Petitions to the commune council (organic law 113-14, arts. 121-125).",
        discussion: """
            A petition is drafted by its agent (on the site, or here with `draft`), signed by residents \
            online or on paper (`paper`), filed with the council's president once it has enough \
            signatures (`file`), found admissible or rejected with reasons (`decide`), scheduled for a \
            session (`schedule`) and answered (`answer`). Each step is one audit-log entry.
            """,
        subcommands: [List.self, Show.self, Draft.self, Paper.self, File.self, Decide.self, Schedule.self, Answer.self, Threshold.self, Export.self])

    /// Runs a step and turns what it refuses into a user error naming why.
    static func step<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PetitionError {
            throw CommandFailure.user(error.description)
        } catch let error as GeographyError {
            throw CommandFailure.user(error.description)
        }
    }

    static func commune(_ text: String) throws -> GeoCode {
        do { return try GeoCode(parsing: text) } catch { throw CommandFailure.user("--commune: \(error)") }
    }

    static func describe(_ petition: Petition) -> String {
        var lines = [
            "petition #\(petition.id) (commune \(petition.communeCode)): \(petition.title)",
            "  kind        \(petition.kind.rawValue)" + (petition.association.map { " — \($0.name), \($0.registration), \($0.seat)" } ?? ""),
            "  agent       \(petition.agentName)",
            "  state       \(petition.state.rawValue)",
            "  signatures  \(petition.signatures) (online \(petition.online), paper \(petition.paper))",
        ]
        if let threshold = petition.threshold { lines.append("  threshold   \(threshold)") }
        if let clock = petition.clock {
            lines.append("  deadline    \(PetitionRecord.timestamp(clock.deadline))\(clock.isLate(at: Date()) ? "  LATE" : "")")
        }
        if let reasons = petition.rejectionReasons { lines.append("  rejected    \(reasons)") }
        if let session = petition.sessionName { lines.append("  session     \(session), \(petition.sessionDate ?? "")") }
        if let answer = petition.answer { lines.append("  answer      \(answer)") }
        lines.append("\nDemands:\n\(petition.demands)\n\nReasons:\n\(petition.reasons)")
        return lines.joined(separator: "\n")
    }

    /// The register of one commune (or all) as a table or as the JSON the API serves.
    static func printRegister(commune: String?, options: AdminOptions, json: Bool) async throws {
        let code = try commune.map(PetitionCommand.commune)
        let records = try await PetitionCommand.step {
            try await options.withStorage { storage in
                try await storage.transaction { stores -> [PetitionRecord] in
                    var communeID: Int?
                    if let code {
                        guard let found = try stores.petitions.commune(code: code) else { throw PetitionError.unknownCommune(code.value) }
                        communeID = found.id
                    }
                    return try PetitionRecord.records(stores.petitions.list(commune: communeID, limit: 10_000), in: stores, now: Date())
                }
            }
        }
        if json {
            Terminal.line(JSON.array(records.map(\.json)).text)
            return
        }
        Terminal.line(Table.render(
            header: ["id", "commune", "state", "signatures", "needed", "deadline", "late", "title"],
            rows: records.map { record in
                let p = record.petition
                return ["\(p.id)", p.communeCode, p.state.rawValue, "\(record.signatures)", "\(record.needed)",
                    record.deadline.map(PetitionRecord.timestamp) ?? "", record.late ? "LATE" : "", p.title]
            }))
        Terminal.line("\(records.count) petition(s)")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List petitions with their state, signatures and clock.",
            discussion: "Example:\n  mizan petition list --commune 02.113.01.09")
        @Option(help: "Only this commune (HCP code).") var commune: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures { try await PetitionCommand.printRegister(commune: commune, options: options, json: options.json) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one petition.", discussion: "Example:\n  mizan petition show 3")
        @Argument(help: "Petition number.") var id: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let petition = try await PetitionCommand.step {
                    try await options.withStorage { storage in
                        try await storage.transaction { stores in
                            guard let petition = try stores.petitions.find(PetitionID(id)) else { throw PetitionError.notFound(id) }
                            return petition
                        }
                    }
                }
                Terminal.line(PetitionCommand.describe(petition))
            }
        }
    }

    struct Draft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter a petition's draft handed in at the commune by its agent.",
            discussion: """
                The agent's national ID number (seen on the card) must be in the commune's registry; only its \
                digest is kept.

                Example:
                  mizan petition draft --commune 02.113.01.09 --agent-name "Fatima Zahra" --agent-id AB123456 \\
                    --title "Éclairage de la rue 12" --demands "…" --reasons "…"
                """)
        @Option(help: "Commune (HCP code).") var commune: String
        @Option(help: "citizens or association.") var kind = "citizens"
        @Option(help: "The agent's name.") var agentName: String
        @Option(help: "The agent's national ID number.") var agentId: String
        @Option(help: "The association's name (association petitions).") var associationName: String?
        @Option(help: "The association's registration (récépissé) number.") var associationRegistration: String?
        @Option(help: "The association's seat.") var associationSeat: String?
        @Option(help: "Title (5 to 200 characters).") var title: String
        @Option(help: "What the petition asks for.") var demands: String
        @Option(help: "Why.") var reasons: String
        @Option(help: "Language of the text: ar, fr, en or zgh.") var language = "fr"
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let code = try PetitionCommand.commune(commune)
                let agent: NationalID
                do { agent = try NationalID(parsing: agentId) } catch { throw CommandFailure.user("--agent-id: \((error as? RegistryFieldError)?.reason ?? "\(error)")") }
                let draft: NewPetition
                do {
                    draft = try NewPetition(
                        kind: kind, agentName: agentName, associationName: associationName, associationRegistration: associationRegistration,
                        associationSeat: associationSeat, title: title, demands: demands, reasons: reasons, language: language)
                } catch {
                    throw CommandFailure.user("\(error)")
                }
                let secrets = try SecretsLoader.load(options)
                let outcome = try await PetitionCommand.step {
                    try await options.withStorage {
                        try await FilePetitionDraft(storage: $0, secrets: secrets).execute(
                            draft, commune: code, agent: .nationalID(agent), client: nil, actor: options.actorName)
                    }
                }
                guard case .drafted(let petition) = outcome else {
                    throw CommandFailure.user("--agent-id: the agent is not in the registry of commune \(code.value)")
                }
                Terminal.line("petition #\(petition.id) drafted; it collects signatures")
            }
        }
    }

    struct Paper: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enter a paper signature sheet (CSV) for a petition collecting signatures.",
            discussion: """
                The file has a header naming national_id (or cin) and, optionally, birth_date (or \
                date_naissance), comma or semicolon separated. A line that cannot be read is reported \
                with its line and field, and nothing is entered. Each signer must be in the commune's \
                registry and must not have signed already, online or on paper: such lines are refused \
                with their reason and the others entered. Exit status 1 when any line was refused.

                Example:
                  mizan petition paper 3 feuille-1.csv
                """)
        @Argument(help: "Petition number.") var id: Int
        @Argument(help: "The CSV file of the sheet.") var file: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let text: String
                do {
                    let data = try Data(contentsOf: URL(fileURLWithPath: file))
                    guard let decoded = String(data: data, encoding: .utf8) else { throw CommandFailure.user("\(file): not UTF-8 text") }
                    text = decoded
                } catch let failure as CommandFailure {
                    throw failure
                } catch {
                    throw CommandFailure.user("cannot read \(file): \(error.localizedDescription)")
                }
                let sheet: PetitionSignatureSheet
                do {
                    sheet = try PetitionSignatureSheet(parsing: text)
                } catch {
                    let problems = (error as? LineProblems)?.problems ?? []
                    for problem in problems { Terminal.error("\(file): \(problem)") }
                    throw CommandFailure.user("\(file): \(problems.count) line(s) cannot be read; nothing was entered")
                }
                let secrets = try SecretsLoader.load(options)
                let report = try await PetitionCommand.step {
                    try await options.withStorage {
                        try await EnterPaperSignatures(storage: $0, secrets: secrets).execute(
                            PetitionID(id), sheet: sheet, source: URL(fileURLWithPath: file).lastPathComponent, actor: options.actorName)
                    }
                }
                for refusal in report.refused { Terminal.error("\(file): line \(refusal.line) refused: \(refusal.reason)") }
                Terminal.line("\(report.recorded) paper signature(s) entered, \(report.refused.count) refused")
                if !report.refused.isEmpty { throw ExitCode(1) }
            }
        }
    }

    struct File: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that the agent filed the petition with the council's president.",
            discussion: "Refused below the threshold; closes signatures and starts the three-month clock.\n\nExample:\n  mizan petition file 3")
        @Argument(help: "Petition number.") var id: Int
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let petition = try await PetitionCommand.step {
                    try await options.withStorage { try await FilePetitionWithCouncil(storage: $0).execute(PetitionID(id), actor: options.actorName) }
                }
                let deadline = petition.clock.map { PetitionRecord.timestamp($0.deadline) } ?? ""
                Terminal.line("petition #\(petition.id) filed with \(petition.signatures) signature(s); the council answers by \(deadline)")
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the bureau's decision on a filed petition: admissible, or rejected with reasons.",
            discussion: """
                Examples:
                  mizan petition decide 3 --admissible
                  mizan petition decide 3 --reject "Hors des compétences de la commune (art. 77)"
                """)
        @Argument(help: "Petition number.") var id: Int
        @Flag(help: "The petition is admissible.") var admissible = false
        @Option(help: "Reject it, with these reasons (given to the agent and published).") var reject: String?
        @OptionGroup var options: AdminOptions

        func validate() throws {
            guard admissible != (reject != nil) else { throw ValidationError("give either --admissible or --reject \"reasons\"") }
        }

        func run() async throws {
            try await reportingFailures {
                let decision: DecideAdmissibility.Decision = reject.map { .rejected(reasons: $0) } ?? .admissible
                let petition = try await PetitionCommand.step {
                    try await options.withStorage { try await DecideAdmissibility(storage: $0).execute(PetitionID(id), decision, actor: options.actorName) }
                }
                Terminal.line("petition #\(petition.id) is now \(petition.state.rawValue)")
            }
        }
    }

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put an admissible petition on a council session's agenda.",
            discussion: "Example:\n  mizan petition schedule 3 --session \"Session ordinaire de février\" --date 2027-02-02")
        @Argument(help: "Petition number.") var id: Int
        @Option(help: "The session's name.") var session: String
        @Option(help: "The session's date (YYYY-MM-DD or DD/MM/YYYY).") var date: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let petition = try await PetitionCommand.step {
                    try await options.withStorage {
                        try await SchedulePetition(storage: $0).execute(PetitionID(id), session: session, date: date, actor: options.actorName)
                    }
                }
                Terminal.line("petition #\(petition.id) is scheduled for \(petition.sessionName ?? "") on \(petition.sessionDate ?? "")")
            }
        }
    }

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the council's answer to a scheduled petition.",
            discussion: "Example:\n  mizan petition answer 3 --text \"Les travaux sont inscrits au budget 2027.\"")
        @Argument(help: "Petition number.") var id: Int
        @Option(help: "The council's answer, as published.") var text: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let petition = try await PetitionCommand.step {
                    try await options.withStorage { try await AnswerPetition(storage: $0).execute(PetitionID(id), answer: text, actor: options.actorName) }
                }
                let late = petition.clock?.isLate(at: Date()) == true
                Terminal.line("petition #\(petition.id) answered" + (late ? " (late: after the three months)" : ""))
            }
        }
    }

    struct Threshold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a commune's own minimum of signatures for citizens' petitions.",
            discussion: """
                Replaces the legal table (100 below 35,000 inhabitants, 200 above, 400 with \
                arrondissements) for petitions filed from now on; the reason goes into the audit log.

                Example:
                  mizan petition threshold --commune 02.113.01.09 --minimum 150 --reason "Lecture du texte publié au B.O."
                """)
        @Option(help: "Commune (HCP code).") var commune: String
        @Option(help: "Minimum of signatures.") var minimum: Int
        @Option(help: "Why.") var reason: String
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let code = try PetitionCommand.commune(commune)
                let updated = try await PetitionCommand.step {
                    try await options.withStorage {
                        try await SetPetitionThreshold(storage: $0).execute(commune: code, minimum: minimum, reason: reason, actor: options.actorName)
                    }
                }
                Terminal.line("commune \(updated.code): citizens' petitions now need \(updated.overrideMinimum ?? minimum) signature(s)")
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the public register as JSON, for the national portal (eparticipation.ma).",
            discussion: """
                The same records as /api/v1/petitions: state, counts (never a signer), the council's \
                answer and the clock.

                Example:
                  mizan petition export --commune 02.113.01.09 > petitions.json
                """)
        @Option(help: "Only this commune (HCP code).") var commune: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures { try await PetitionCommand.printRegister(commune: commune, options: options, json: true) }
        }
    }
}
