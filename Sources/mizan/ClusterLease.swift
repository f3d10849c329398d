import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Shares one private cluster between the `mizan` processes that use its folder at the same time
/// (`mizan serve` and the administration commands run beside it), so that none stops the cluster
/// under another.
///
/// Every process holds a shared `flock` on `cluster.lock` while it uses the cluster. The cluster is
/// stopped by the last one to leave, whichever started it: on leaving, a process that can take the
/// lock exclusively is alone and stops the cluster if a Mizan process started it (`cluster.started`
/// says so; a cluster someone started by hand with `pg_ctl` is left running). Starting and creating
/// happen under `cluster.start.lock`, so two first runs never both run `initdb`. The kernel drops a
/// process's locks when it dies, so a crashed command never keeps the cluster from stopping.
final class ClusterLease {
    private let home: URL
    private var usage: Int32

    var startedMarker: URL { home.appendingPathComponent("cluster.started") }

    /// Waits until no process is stopping the cluster, then holds the folder shared. `prepare` runs
    /// alone among starters (create and start the cluster); it returns whether it started it.
    init(home: URL, prepare: () throws -> Bool) throws {
        self.home = home
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let starting = try Self.lock(home.appendingPathComponent("cluster.start.lock"), LOCK_EX)
        defer { close(starting) }
        usage = try Self.lock(home.appendingPathComponent("cluster.lock"), LOCK_SH)
        do {
            if try prepare() {
                _ = FileManager.default.createFile(atPath: startedMarker.path, contents: Data("\(getpid())\n".utf8))
            }
        } catch {
            close(usage)
            usage = -1
            throw error
        }
    }

    /// Leaves the folder. Returns true when this process was the last user of a cluster a Mizan
    /// process started, after calling `stop` (still holding the lock, so nobody starts meanwhile).
    @discardableResult
    func release(stop: () throws -> Void) rethrows -> Bool {
        guard usage >= 0 else { return false }
        defer {
            close(usage)
            usage = -1
        }
        guard flock(usage, LOCK_EX | LOCK_NB) == 0 else { return false }
        guard FileManager.default.fileExists(atPath: startedMarker.path) else { return false }
        try stop()
        try? FileManager.default.removeItem(at: startedMarker)
        return true
    }

    deinit {
        if usage >= 0 { close(usage) }
    }

    private static func lock(_ file: URL, _ operation: Int32) throws -> Int32 {
        let descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure.system("cannot open \(file.path): \(String(cString: strerror(errno)))")
        }
        while flock(descriptor, operation) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw CommandFailure.system("cannot lock \(file.path): \(reason)")
            }
        }
        return descriptor
    }
}
