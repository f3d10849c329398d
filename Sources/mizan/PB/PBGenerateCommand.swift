import ArgumentParser
import Foundation

/// `mizan pb generate`: a synthetic approval election of any size, for benchmarks and for trying
/// the rules on more voters than any real file has.
struct PBGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic approval election as a .pb file.",
        discussion: """
            The same seed always gives the same file. Popularity is skewed as in real elections \
            (a few projects draw most votes), ballots name 1 to 10 projects (short ones are \
            commoner), costs lie between 50,000 and 1,500,000 and the budget is 15-25 % of the total \
            cost. Ballots are written as they are drawn, so a million voters need little memory. \
            Without --out the file goes to standard output.

            Examples:
              mizan pb generate --voters 1000 --projects 20 --out small.pb
              mizan pb generate --voters 1000000 --projects 50 --seed 7 --out big.pb --timing
            """)

    @Option(help: "Number of voters.") var voters: Int
    @Option(help: "Number of projects.") var projects: Int
    @Option(help: "Seed of the random draws.") var seed: UInt64 = 1
    @Option(help: ArgumentHelp("Where to write the file (standard output when absent).", valueName: "file.pb"))
    var out: String?
    @OptionGroup var timing: TimingOptions

    func validate() throws {
        guard voters >= 0 else { throw ValidationError("--voters must be 0 or more") }
        guard projects >= 1 else { throw ValidationError("--projects must be at least 1") }
    }

    func run() async throws {
        try await reportingFailures {
            let election = SyntheticElection(voters: voters, projects: projects, seed: seed)
            try timing.measure("generate") {
                guard let out else {
                    var sink = BufferedFileSink(handle: .standardOutput, name: "standard output")
                    try election.write(to: &sink)
                    try sink.flush()
                    return
                }
                try Self.writeReplacing(out) { sink in try election.write(to: &sink) }
            }
            if let out { Terminal.error("wrote \(out): \(voters) voters, \(projects) projects, budget \(election.budget)") }
        }
    }

    /// Writes beside `path` and renames over it at the end, so an interrupted run never leaves a
    /// truncated file that looks complete.
    static func writeReplacing(_ path: String, _ body: (inout BufferedFileSink) throws -> Void) throws {
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil),
              let handle = FileHandle(forWritingAtPath: partial)
        else {
            throw CommandFailure.user("cannot create \(partial): check that the folder exists and is writable")
        }
        do {
            var sink = BufferedFileSink(handle: handle, name: path)
            try body(&sink)
            try sink.flush()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        guard rename(partial, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: partial)
            throw CommandFailure.system("cannot rename \(partial) to \(path): \(reason)")
        }
    }
}
