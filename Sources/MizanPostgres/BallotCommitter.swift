import DequeModule
import Logging
import MizanCore
import ServiceLifecycle
import Synchronization
import PostgresDriver

/// Group commit for ballots: web requests hand their validated ballot over and wait; a few workers
/// take whatever has queued up, send it as one pipelined transaction (one round trip, one disk
/// flush) and only then answer each request. A vote acknowledged is a vote on disk, and under load
/// hundreds of ballots share each flush.
///
/// If a batch fails as a whole (the database restarted, voting closed meanwhile), each of its
/// ballots is sent again alone (`DirectBallotBox`) so that every voter gets their own answer. A
/// batch can fail after its COMMIT reached the server (the connection broke before the answer
/// came back): `cast_ballot` recognises each ballot's submission token, so a ballot already stored
/// is answered as stored with its receipt, not stored twice nor reported as replacing itself.
public final class BallotCommitter: BallotBox, Service {
    let pool: ConnectionPool
    let maximumBatch: Int
    let workers: Int
    private let state = Mutex(State())
    private let logger: Logger
    private let metrics: BallotMetrics

    struct Waiting {
        let ballot: PendingBallot
        let continuation: CheckedContinuation<BallotReceipt, any Error>
    }

    struct State {
        var queue: Deque<Waiting> = []
        var idleWorkers: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    public init(
        pool: ConnectionPool, maximumBatch: Int = 256, workers: Int = 2, logger: Logger = Logger(label: "mizan.ballots"),
        metrics: BallotMetrics = .none
    ) {
        self.pool = pool
        self.maximumBatch = maximumBatch
        self.workers = workers
        self.logger = logger
        self.metrics = metrics
    }

    /// Queues a ballot and returns once it is committed (or refused).
    public func submit(_ ballot: PendingBallot) async throws -> BallotReceipt {
        try await withCheckedThrowingContinuation { continuation in
            let (accepted, worker) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard !state.stopped else { return (false, nil) }
                state.queue.append(Waiting(ballot: ballot, continuation: continuation))
                return (true, state.idleWorkers.popLast())
            }
            if !accepted {
                continuation.resume(throwing: PostgresError(.poolClosed, "the server is shutting down"))
            }
            worker?.resume()
        }
    }

    /// Runs the workers until graceful shutdown; what is queued then is still written.
    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask { await self.work() }
            }
            try? await gracefulShutdown()
            let idle = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.stopped = true
                defer { state.idleWorkers = [] }
                return state.idleWorkers
            }
            idle.forEach { $0.resume() }
        }
    }

    private func work() async {
        while true {
            let (batch, stopped) = state.withLock { state -> ([Waiting], Bool) in
                let count = min(maximumBatch, state.queue.count)
                let batch = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return (batch, state.stopped)
            }
            if !batch.isEmpty {
                await commit(batch)
            } else if stopped {
                return
            } else {
                await park()
            }
        }
    }

    /// Sleeps until a ballot is queued or shutdown begins.
    private func park() async {
        await withCheckedContinuation { (parked: CheckedContinuation<Void, Never>) in
            let wakeNow = state.withLock { state -> Bool in
                if !state.queue.isEmpty || state.stopped { return true }
                state.idleWorkers.append(parked)
                return false
            }
            if wakeNow { parked.resume() }
        }
    }

    private func commit(_ batch: [Waiting]) async {
        let statements = batch.map { BallotStore.castStatement($0.ballot) }
        metrics.batchSize.record(batch.count)
        let started = ContinuousClock.now
        do {
            let outcomes = try await pool.withConnection { connection in
                try connection.pipeline(["BEGIN"] + statements + ["COMMIT"])
            }
            guard case .success = outcomes.last, outcomes.count == statements.count + 2 else {
                throw PostgresError(.query, "the batch did not commit")
            }
            metrics.commitTime.recordElapsed(since: started)
            for (waiting, outcome) in zip(batch, outcomes.dropFirst()) {
                switch outcome {
                case .success(let result):
                    let receipt = Result {
                        try BallotStore.receipt(for: waiting.ballot, fromResult: result.single().decode(String.self, 0))
                    }
                    count(receipt)
                    waiting.continuation.resume(with: receipt)
                case .failure(let error):
                    count(.failure(error))
                    waiting.continuation.resume(throwing: error)
                case .skipped: waiting.continuation.resume(throwing: PostgresError(.query, "the batch did not commit"))
                }
            }
        } catch {
            if batch.count > 1 { logger.info("a batch of \(batch.count) ballots failed (\(error)); writing them one by one") }
            metrics.batchesRetried.increment()
            let alone = DirectBallotBox(pool: pool)
            for waiting in batch {
                let receipt: Result<BallotReceipt, any Error>
                do {
                    receipt = .success(try await alone.submit(waiting.ballot))
                } catch {
                    receipt = .failure(error)
                }
                count(receipt)
                waiting.continuation.resume(with: receipt)
            }
        }
    }

    /// A receipt is a ballot stored; a refusal from the database (voted already, voting closed) is
    /// counted apart from failures to reach it.
    private func count(_ receipt: Result<BallotReceipt, any Error>) {
        switch receipt {
        case .success: metrics.committed.increment()
        case .failure(is VoteError): metrics.refused.increment()
        case .failure(let error as PostgresError) where error.sqlState != nil: metrics.refused.increment()
        case .failure: break
        }
    }
}
