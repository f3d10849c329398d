import Foundation

#if canImport(Glibc)
import Glibc
import PostgresDriver
#endif

/// A helper program (`initdb`, `pg_ctl`, `runuser`, or `mizan` itself in tests) started with
/// `posix_spawn` and awaited with `waitpid`.
///
/// Foundation's `Process` can miss a child's exit on Linux when several are launched from different
/// threads at once, hanging `waitUntilExit`; and a pipe for the output would stay open as long as the
/// daemon `pg_ctl` leaves behind. So output goes to temporary files and we wait for exactly our pid.
public struct ChildProcess: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
        /// Both streams, for messages where the order does not matter.
        public var output: String { standardOutput + standardError }
    }

    public let pid: pid_t
    private let outputPath: String
    private let errorPath: String

    /// Starts `arguments` (a program, found on PATH if not a path, and its arguments) from `directory`.
    /// `environment` replaces the inherited one when given.
    public static func launch(
        _ arguments: [String], environment: [String: String]? = nil, in directory: String = "/tmp"
    ) throws -> ChildProcess {
        let stem = NSTemporaryDirectory() + "mizan-child-\(getpid())-\(UUID().uuidString)"
        let outputPath = stem + ".out"
        let errorPath = stem + ".err"
        let output = open(outputPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        let errors = open(errorPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        defer {
            close(output)
            close(errors)
        }
        guard output >= 0, errors >= 0 else {
            throw ClusterError("cannot create \(stem).*: \(String(cString: strerror(errno)))")
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)

        // glibc's addchdir_np is not visible to Swift; a shell changes folder and then becomes the command.
        let command = ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let environmentStrings = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { environmentStrings?.forEach { free($0) } }

        var pid: pid_t = 0
        let result: Int32
        if let environmentStrings {
            result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environmentStrings)
        } else {
            result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        }
        guard result == 0 else {
            throw ClusterError("cannot run \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, outputPath: outputPath, errorPath: errorPath)
    }

    /// Runs to completion and returns the exit status and output.
    public static func run(
        _ arguments: [String], environment: [String: String]? = nil, in directory: String = "/tmp"
    ) throws -> Result {
        try launch(arguments, environment: environment, in: directory).wait()
    }

    /// Starts a helper that outlives us, its output discarded.
    public static func launchDetached(_ arguments: [String]) throws {
        let child = try launch(arguments)
        unlink(child.outputPath)
        unlink(child.errorPath)
    }

    /// Waits for the exit (blocking this thread) and collects the output.
    public func wait() throws -> Result {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ClusterError("waiting for process \(pid) failed: \(String(cString: strerror(errno)))") }
        }
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(
            status: exitStatus,
            standardOutput: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }

    /// Output written so far (for watching a server start).
    public func outputSoFar() -> String {
        ((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "") + ((try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }

    public func send(signal: Int32) {
        kill(pid, signal)
    }
}
