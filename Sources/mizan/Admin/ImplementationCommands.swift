import ArgumentParser
import MizanCore

struct ImplementationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "implementation", abstract: "Progress of funded projects.", subcommands: [Update.self])

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the status, progress and spending of a funded project.",
            discussion: "Example:\n  mizan implementation update --project 7 --status in_progress --progress 40 --spent 50000 --note \"Travaux lancés\"")
        @Option(help: "Project (proposal) number.") var project: Int
        @Option(help: "planned, tendering, in_progress, completed, stalled or cancelled.") var status: String
        @Option(help: "Percent done, 0 to 100.") var progress: Int
        @Option(help: "Money spent so far, in dirhams.") var spent: String
        @Option(help: "A dated note for the public: the milestone reached.") var note: String?
        @Option(help: "A photo or document about it: an https:// address, linked from the results page's timeline.") var link: String?
        @Option(help: "The day the milestone was reached, YYYY-MM-DD, when it is not today.") var date: String?
        @OptionGroup var options: AdminOptions

        func run() async throws {
            try await reportingFailures {
                let update: ImplementationUpdate
                do { update = try ImplementationUpdate(parsingStatus: status, progress: progress, spent: spent, note: note, link: link, reachedOn: date) } catch {
                    throw CommandFailure.user("\(error)")
                }
                do {
                    try await options.withStorage {
                        try await RecordImplementationUpdate(storage: $0).execute(update, project: ProposalID(project), actor: options.actorName)
                    }
                } catch let error as ImplementationError {
                    throw CommandFailure.user(error.description)
                }
                Terminal.line("recorded: project \(project) \(update.status.rawValue), \(update.progress) %, \(update.spent) spent")
            }
        }
    }
}
