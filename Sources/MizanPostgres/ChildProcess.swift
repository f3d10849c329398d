import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs helper programs (`initdb`, `pg_ctl`, `runuser`…) with `posix_spawn` and `waitpid`.
///
/// Foundation's `Process` can miss a child's exit on Linux when several are launched from different
/// threads at once, hanging `waitUntilExit`; and a pipe for the output would stay open as long as the
/// daemon `pg_ctl` leaves behind. So output goes to a temporary file and we wait for exactly our pid.
public enum ChildProcess {
    public struct Result {
        public var status: Int32
        public var output: String
    }

    /// Runs `arguments` (a path and its arguments) from `directory`, waiting for it to finish.
    public static func run(_ arguments: [String], in directory: String = "/tmp") throws -> Result {
        let outputPath = NSTemporaryDirectory() + "mizan-child-\(getpid())-\(UUID().uuidString).log"
        let descriptor = open(outputPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ClusterError("cannot create \(outputPath): \(String(cString: strerror(errno)))") }
        defer {
            close(descriptor)
            unlink(outputPath)
        }
        let pid = try spawn(arguments, in: directory, output: descriptor)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ClusterError("waiting for \(arguments[0]) failed: \(String(cString: strerror(errno)))") }
        }
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, output: output)
    }

    /// Starts `arguments` without waiting (for a detached helper), output discarded.
    public static func launchDetached(_ arguments: [String]) throws {
        let null = open("/dev/null", O_WRONLY | O_CLOEXEC)
        defer { close(null) }
        _ = try spawn(arguments, in: "/tmp", output: null)
    }

    private static func spawn(_ arguments: [String], in directory: String, output: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        // glibc's addchdir_np is not visible to Swift; a shell changes folder and then becomes the command.
        let command = ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory] + arguments
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        guard result == 0 else {
            throw ClusterError("cannot run \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }
}
