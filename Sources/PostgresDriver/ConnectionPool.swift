import DequeModule
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A fixed-size pool of libpq connections.
///
/// libpq calls block, so each borrower's work runs on the pool's own `NIOThreadPool`, one thread per
/// connection: the event loops and Swift's cooperative threads never wait on the database. When every
/// connection is busy, callers queue in arrival order for at most `queueTimeout`; a cancelled task
/// leaves the queue at once, and a running statement of a cancelled task is cancelled on the server.
/// A connection that broke (server restarted, network lost) is closed instead of being handed out
/// again and its slot reopened on demand, so the pool heals by itself.
public final class ConnectionPool: Service, Sendable {
    public let configuration: PostgresConfiguration
    public let maximumConnections: Int
    public let queueTimeout: Duration
    private let threadPool: NIOThreadPool
    private let state: Mutex<State>
    private let logger: Logger
    private let metrics: PoolMetrics

    /// Twice the number of cores: enough to overlap network waits, few enough to keep tail latency low
    /// when the web server and PostgreSQL share the same cores.
    public static var defaultSize: Int { 2 * ProcessInfo.processInfo.activeProcessorCount }

    public init(
        configuration: PostgresConfiguration, maximumConnections: Int = ConnectionPool.defaultSize,
        queueTimeout: Duration = .seconds(5), logger: Logger = Logger(label: "mizan.postgres"),
        metrics: PoolMetrics = .none
    ) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.queueTimeout = queueTimeout
        self.logger = logger
        self.metrics = metrics
        threadPool = NIOThreadPool(numberOfThreads: maximumConnections)
        threadPool.start()
        state = Mutex(State())
    }

    /// Counters for tests, health pages and benchmarks.
    public struct Statistics: Sendable, Equatable {
        /// Connections open or being opened.
        public var open: Int
        public var idle: Int
        public var waiting: Int
    }

    public var statistics: Statistics {
        state.withLock { Statistics(open: $0.open, idle: $0.idle.count, waiting: $0.waiters.count) }
    }

    // MARK: Borrowing

    /// Runs `body` with a connection of its own, on a pool thread.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let lease = try await acquire()
        let holder = Holder()
        do {
            let value = try await withTaskCancellationHandler {
                try await threadPool.runIfActive { [configuration] in
                    let connection: PostgresConnection
                    if case .connection(let existing) = lease, existing.isReusable {
                        connection = existing
                    } else {
                        if case .connection(let broken) = lease { broken.close() }
                        connection = try PostgresConnection.connect(configuration)
                    }
                    // A task cancelled before its statement started does not start it.
                    guard holder.set(connection) else { throw CancellationError() }
                    defer {
                        if connection.isInTransaction { _ = try? connection.execute(script: "ROLLBACK") }
                        holder.reusable = connection.isReusable
                    }
                    return try body(connection)
                }
            } onCancel: {
                holder.cancel()
            }
            release(lease: lease, holder: holder)
            return value
        } catch {
            release(lease: lease, holder: holder)
            throw error
        }
    }

    /// Runs `body` inside one transaction: committed if it returns, rolled back if it throws. One use
    /// case, one transaction, so nothing half-written is ever committed.
    public func withTransaction<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in try connection.transaction(body) }
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ sql: SQL) async throws -> QueryResult {
        try await withConnection { try $0.query(sql) }
    }

    // MARK: Shutdown

    /// Closes idle connections, fails queued callers and stops the threads. Connections in use are
    /// closed when their borrowers finish.
    public func shutdown() async {
        let (idle, waiters) = state.withLock { state -> ([PostgresConnection], Deque<Waiter>) in
            state.closed = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.timeoutTask?.cancel()
            waiter.continuation.resume(throwing: PostgresError(.poolClosed, "the database pool is shut down"))
        }
        _ = try? await threadPool.runIfActive { idle.forEach { $0.close() } }
        try? await threadPool.shutdownGracefully()
    }

    /// As a service, the pool lives until graceful shutdown and then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    // MARK: Internals

    /// What a borrower gets: an idle connection, or the right to open one in a free slot.
    enum Lease: Sendable {
        case connection(PostgresConnection)
        case openSlot
    }

    struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<Lease, any Error>
        var timeoutTask: Task<Void, Never>?
    }

    struct State {
        var idle: [PostgresConnection] = []
        var waiters: Deque<Waiter> = []
        /// Slots in use: connections open (idle or borrowed) or being opened.
        var open = 0
        var closed = false
        var nextWaiterID = 0
    }

    /// The connection the borrower ended up using, shared with the cancellation handler.
    final class Holder: Sendable {
        private struct Slot {
            var connection: PostgresConnection?
            var reusable = false
            var cancelled = false
        }
        private let storage = Mutex(Slot())

        var connection: PostgresConnection? { storage.withLock { $0.connection } }

        /// Records the connection; false if the task was cancelled already.
        func set(_ connection: PostgresConnection) -> Bool {
            storage.withLock { slot in
                slot.connection = connection
                return !slot.cancelled
            }
        }

        var reusable: Bool {
            get { storage.withLock { $0.reusable } }
            set { storage.withLock { $0.reusable = newValue } }
        }

        /// Marks the borrower cancelled and cancels its statement if one is running.
        func cancel() {
            let connection = storage.withLock { slot in
                slot.cancelled = true
                return slot.connection
            }
            connection?.cancelRunningStatement()
        }
    }

    private enum Decision {
        case lease(Lease)
        case wait
        case closed
    }

    private func immediateLease(_ state: inout State) -> Decision {
        if state.closed { return .closed }
        if let connection = state.idle.popLast() { return .lease(.connection(connection)) }
        if state.open < maximumConnections {
            state.open += 1
            return .lease(.openSlot)
        }
        return .wait
    }

    private func acquire() async throws -> Lease {
        try Task.checkCancellation()
        switch state.withLock({ immediateLease(&$0) }) {
        case .lease(let lease): return lease
        case .closed: throw PostgresError(.poolClosed, "the database pool is shut down")
        case .wait:
            metrics.waits.increment()
            let started = ContinuousClock.now
            defer { metrics.waitTime.recordElapsed(since: started) }
            return try await waitInQueue()
        }
    }

    private func waitInQueue() async throws -> Lease {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let decision = state.withLock { state -> Decision? in
                    // Something may have been released since we first looked.
                    let now = immediateLease(&state)
                    guard case .wait = now else { return now }
                    if Task.isCancelled { return nil }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .wait
                }
                switch decision {
                case .lease(let lease): continuation.resume(returning: lease)
                case .closed: continuation.resume(throwing: PostgresError(.poolClosed, "the database pool is shut down"))
                case nil: continuation.resume(throwing: CancellationError())
                case .wait:
                    let timeout = queueTimeout
                    let task = Task { [weak self] in
                        try? await Task.sleep(for: timeout)
                        guard !Task.isCancelled else { return }
                        self?.metrics.timeouts.increment()
                        self?.removeWaiter(
                            id,
                            failing: PostgresError(
                                .poolTimeout,
                                "no database connection became free within \(timeout) (all \(self?.maximumConnections ?? 0) busy)"))
                    }
                    let stillWaiting = state.withLock { state -> Bool in
                        guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return false }
                        state.waiters[index].timeoutTask = task
                        return true
                    }
                    if !stillWaiting { task.cancel() }
                }
            }
        } onCancel: {
            removeWaiter(id, failing: CancellationError())
        }
    }

    private func removeWaiter(_ id: Int, failing error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        guard let waiter else { return }
        waiter.timeoutTask?.cancel()
        waiter.continuation.resume(throwing: error)
    }

    /// Returns the slot: a healthy connection goes to the first waiter or back to the idle list; a
    /// broken one is closed and its slot given to the first waiter to reopen, or freed.
    private func release(lease: Lease, holder: Holder) {
        var keep: PostgresConnection?
        var discard: PostgresConnection?
        if let used = holder.connection {
            if holder.reusable { keep = used } else { discard = used }
        } else if case .connection(let untouched) = lease {
            // The work never ran (cancelled before a thread picked it up): the connection is as it was.
            keep = untouched
        }
        let (waiter, handOver): (Waiter?, Lease?) = state.withLock { state in
            if state.closed {
                if let kept = keep { discard = kept; keep = nil }
                state.open -= 1
                return (nil, nil)
            }
            if let waiter = state.waiters.popFirst() {
                return (waiter, keep.map { .connection($0) } ?? .openSlot)
            }
            if let keep { state.idle.append(keep) } else { state.open -= 1 }
            return (nil, nil)
        }
        if let discard {
            logger.debug("closing a database connection that can no longer be used")
            discard.close()
        }
        if let waiter, let handOver {
            waiter.timeoutTask?.cancel()
            waiter.continuation.resume(returning: handOver)
        }
    }
}
