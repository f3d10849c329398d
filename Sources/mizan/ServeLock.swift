import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `mizan serve` per private cluster folder. A second one would serve the same database on
/// another port and depend silently on the first: the two would share the ballot committer's
/// database but not its queue, and whichever stopped first would leave the other on a cluster it
/// no longer controls. The second is refused, naming the first.
///
/// The lock is a `flock` on `serve.lock`, held until the process ends (the kernel releases it even
/// after `kill -9`, so a crashed server never blocks the next start); the file holds the holder's
/// process id for the message.
final class ServeLock {
    private let descriptor: Int32

    init(home: URL) throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let file = home.appendingPathComponent("serve.lock")
        descriptor = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw CommandFailure.system("cannot open \(file.path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOf: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            let who = holder.isEmpty ? "another `mizan serve`" : "another `mizan serve` (process \(holder))"
            throw CommandFailure.user(
                "\(who) already serves the private cluster in \(home.path); stop it first, "
                    + "or give this one its own folder with --home (administration commands may run beside it)")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(descriptor) }
}
