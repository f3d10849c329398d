import Foundation
import NIOPosix

/// Runs engine work on a thread of its own rather than on Swift's cooperative pool, whose few
/// threads (one per core) also serve every request: a long analysis must not stall the site.
/// One thread, so two analyses queue instead of taking both cores.
final class AnalysisWorker: Sendable {
    static let shared = AnalysisWorker()

    private let threads: NIOThreadPool

    init() {
        threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
    }

    func run<T: Sendable>(_ work: @Sendable @escaping () throws -> T) async throws -> T {
        try await threads.runIfActive(work)
    }
}
