import ArgumentParser

/// A failure a command reports in one clear line: exit status 1 for a user's mistake (bad option,
/// bad file, forbidden action), 2 when the system failed (database down, disk full).
struct CommandFailure: Error, CustomStringConvertible {
    enum Kind {
        case user, system
    }
    let kind: Kind
    let description: String

    static func user(_ message: String) -> CommandFailure { CommandFailure(kind: .user, description: message) }
    static func system(_ message: String) -> CommandFailure { CommandFailure(kind: .system, description: message) }
}

extension AsyncParsableCommand {
    /// Runs the command body, printing failures as `mizan: message` and exiting 1 or 2.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as CommandFailure {
            Terminal.error("mizan: \(failure.description)")
            throw ExitCode(failure.kind == .user ? 1 : 2)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.error("mizan: \(error)")
            throw ExitCode(2)
        }
    }
}
