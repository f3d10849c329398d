import Foundation

/// Keeps computed analyses, and the ones being computed, so a page that takes seconds (or, for the
/// marginal projects of a million ballots, minutes) to compute is computed once: the first visitor
/// starts it, everyone after (including that visitor on reload) gets it from here. Entries are
/// keyed by everything that determines them, including the ballot count, so a stale one is never
/// served.
actor AnalysisCache<Value: Sendable> {
    enum Status: Sendable {
        case ready(Value)
        case computing
        case failed(any Error)
    }

    private var entries: [CycleAnalysis.Request: Task<Value, any Error>] = [:]
    private var order: [CycleAnalysis.Request] = []
    private let capacity: Int

    init(capacity: Int = 16) {
        self.capacity = capacity
    }

    /// The analysis for `request`, waiting at most `wait` for it; starts `compute` when nothing
    /// is known yet. A failed computation is forgotten so the next visit tries again.
    func analysis(
        for request: CycleAnalysis.Request, wait: Duration,
        compute: @escaping @Sendable () async throws -> Value
    ) async -> Status {
        let outcome = await firstResult(of: task(for: request, compute: compute), within: wait)
        switch outcome {
        case .some(.success(let analysis)): return .ready(analysis)
        case .some(.failure(let error)):
            forget(request)
            return .failed(error)
        case .none: return .computing
        }
    }

    /// The value for `request` once it is known, computing it if nobody has yet.
    func value(for request: CycleAnalysis.Request, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        do {
            return try await task(for: request, compute: compute).value
        } catch {
            forget(request)
            throw error
        }
    }

    private func task(for request: CycleAnalysis.Request, compute: @escaping @Sendable () async throws -> Value) -> Task<Value, any Error> {
        if let existing = entries[request] { return existing }
        let task = Task.detached { try await compute() }
        entries[request] = task
        order.append(request)
        if order.count > capacity { entries[order.removeFirst()] = nil }
        return task
    }

    private func forget(_ request: CycleAnalysis.Request) {
        entries[request] = nil
        order.removeAll { $0 == request }
    }
}
