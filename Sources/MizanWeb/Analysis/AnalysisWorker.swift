import Foundation
import NIOPosix

/// Runs engine work on a thread of its own rather than on Swift's cooperative pool, whose few
/// threads (one per core) also serve every request: a long analysis must not stall the site.
/// One thread each, so analyses queue instead of taking every core; the marginal search has its
/// own so that its minutes on a large cycle never hold up the rest of the page.
final class AnalysisWorker: Sendable {
    static let shared = AnalysisWorker()
    static let marginal = AnalysisWorker()

    private let threads: NIOThreadPool

    init() {
        threads = NIOThreadPool(numberOfThreads: 1)
        threads.start()
    }

    func run<T: Sendable>(_ work: @Sendable @escaping () throws -> T) async throws -> T {
        try await threads.runIfActive(work)
    }
}
