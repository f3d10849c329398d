import Foundation
import MizanPostgres
import MizanTestSupport
import Synchronization
import Testing
import PostgresDriver

@Suite("Connection pool")
struct ConnectionPoolTests {
    @Test func manyMoreTasksThanConnections() async throws {
        // A generous queue timeout: this is about correctness under contention, and other suites
        // may be keeping both cores busy meanwhile.
        try await TestPostgres.withPool(size: 3, queueTimeout: .seconds(120)) { pool in
            let peak = Tally()
            let running = Tally()
            let sums = try await withThrowingTaskGroup(of: Int.self) { group in
                for value in 0..<200 {
                    group.addTask {
                        try await pool.withConnection { connection in
                            let now = running.add(1)
                            peak.raise(to: now)
                            defer { running.add(-1) }
                            return try connection.query("SELECT \(value)::int + 1, pg_sleep(0.002)").single().decode(Int.self, 0)
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(sums.sorted() == Array(1...200))
            #expect(peak.value <= 3, "never more borrowers than connections")
            let statistics = pool.statistics
            #expect(statistics.open <= 3)
            #expect(statistics.waiting == 0)
            let backends = try await pool.query("""
                SELECT count(*) FROM pg_stat_activity WHERE application_name = 'mizan' AND datname = current_database()
                """).single().decode(Int.self, 0)
            #expect(backends <= 3)
        }
    }

    @Test func waitersTimeOutWhenEveryConnectionIsBusy() async throws {
        try await TestPostgres.withPool(size: 1, queueTimeout: .milliseconds(200)) { pool in
            // The only connection is held until the test lets it go, however slowly a loaded
            // machine schedules the waiter's timer: the waiter can only have given up on its own
            // timeout, never because the connection came back.
            let gate = DispatchSemaphore(value: 0)
            let holding = Tally()
            let holder = Task {
                try await pool.withConnection { connection in
                    _ = try connection.query("SELECT 1")
                    holding.add(1)
                    gate.wait()
                }
            }
            while holding.value == 0 { try await Task.sleep(for: .milliseconds(20)) }
            await #expect {
                try await pool.query("SELECT 1")
            } throws: { error in
                (error as? PostgresError)?.kind == .poolTimeout && (error as? PostgresError)?.isUnavailable == true
            }
            gate.signal()
            try await holder.value
            #expect(try await pool.query("SELECT 1").count == 1, "the pool serves again once free")
        }
    }

    @Test func waitersAreServedInArrivalOrder() async throws {
        try await TestPostgres.withPool(size: 1) { pool in
            let order = Tally()
            let (holder, gate) = try await Self.holdOnlyConnection(of: pool)
            var tasks: [Task<Void, any Error>] = []
            for index in 0..<5 {
                tasks.append(Task {
                    try await pool.withConnection { _ in order.record(index) }
                })
                // Each task joins the queue before the next one starts, however slow the machine.
                try await Self.waitUntil { pool.statistics.waiting == index + 1 }
            }
            gate.signal()
            try await holder.value
            for task in tasks { try await task.value }
            #expect(order.recorded == [0, 1, 2, 3, 4])
        }
    }

    @Test func cancelledWaiterLeavesTheQueue() async throws {
        try await TestPostgres.withPool(size: 1) { pool in
            let (holder, gate) = try await Self.holdOnlyConnection(of: pool)
            let waiter = Task { try await pool.query("SELECT 1") }
            try await Self.waitUntil { pool.statistics.waiting == 1 }
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            #expect(pool.statistics.waiting == 0)
            gate.signal()
            try await holder.value
        }
    }

    @Test func cancellingATaskCancelsItsStatement() async throws {
        let configuration = try await TestPostgres.database()
        let pool = ConnectionPool(configuration: configuration, maximumConnections: 1, queueTimeout: .seconds(600))
        let observer = try PostgresConnection.connect(configuration)
        defer { observer.close() }
        func sleepers() throws -> Int {
            try observer.query("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep(600)%'
                """).single().decode(Int.self, 0)
        }
        let slow = Task { try await pool.query("SELECT pg_sleep(600)") }
        try await Self.waitUntil { (try? sleepers()) == 1 }
        slow.cancel()
        await #expect {
            try await slow.value
        } throws: { error in
            (error as? PostgresError)?.sqlState == SQLState.queryCanceled || error is CancellationError
        }
        #expect(try sleepers() == 0, "the statement was cancelled on the server, not left running")
        #expect(try await pool.query("SELECT 42").single().decode(Int.self, 0) == 42, "the connection is reused")
        await pool.shutdown()
    }

    /// Borrows the pool's only connection until the returned gate is signalled.
    static func holdOnlyConnection(of pool: ConnectionPool) async throws -> (Task<Void, any Error>, DispatchSemaphore) {
        let gate = DispatchSemaphore(value: 0)
        let holding = Tally()
        let holder = Task {
            try await pool.withConnection { _ in
                holding.add(1)
                gate.wait()
            }
        }
        try await waitUntil { holding.value == 1 }
        return (holder, gate)
    }

    /// Waits for something another task does, checking often; it fails only if the condition never
    /// comes, so no assertion depends on how fast a loaded machine runs.
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<60_000 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the awaited condition never became true")
    }

    @Test func statementTimeoutIsSet() async throws {
        try await TestPostgres.withPool { pool in
            let timeout = try await pool.query("SHOW statement_timeout").single().decode(String.self, 0)
            #expect(timeout == "30s")
        }
    }

    @Test func shutdownFailsLaterCalls() async throws {
        let pool = ConnectionPool(configuration: try await TestPostgres.database(), maximumConnections: 2)
        #expect(try await pool.query("SELECT 1").count == 1)
        await pool.shutdown()
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            (error as? PostgresError)?.kind == .poolClosed
        }
    }

    @Test func recoversAfterPostgresRestarts() async throws {
        let cluster = try TestPostgres.privateCluster()
        defer { try? cluster.stop() }
        let pool = ConnectionPool(configuration: cluster.configuration(), maximumConnections: 3)
        // Open every connection, and keep queries running while the server goes away.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 { group.addTask { _ = try await pool.query("SELECT pg_sleep(0.05)") } }
            try await group.waitForAll()
        }
        #expect(pool.statistics.idle == 3)
        let inFlight = Task { try? await pool.query("SELECT pg_sleep(2)") }
        try await Task.sleep(for: .milliseconds(200))
        try cluster.stop()
        _ = await inFlight.value
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            (error as? PostgresError)?.isUnavailable == true
        }
        try cluster.start()
        // Every later query succeeds: broken connections were dropped, not handed out again.
        for value in 0..<20 {
            #expect(try await pool.query("SELECT \(value)::int").single().decode(Int.self, 0) == value)
        }
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 0..<30 {
                group.addTask { try await pool.query("SELECT \(value)::int").single().decode(Int.self, 0) }
            }
            return try await group.reduce(0, +)
        }
        #expect(total == (0..<30).reduce(0, +))
        await pool.shutdown()
    }
}

/// Counts and records across tasks.
final class Tally: Sendable {
    private let state = Mutex<(value: Int, recorded: [Int])>((0, []))
    var value: Int { state.withLock { $0.value } }
    var recorded: [Int] { state.withLock { $0.recorded } }
    @discardableResult func add(_ amount: Int) -> Int { state.withLock { $0.value += amount; return $0.value } }
    func raise(to candidate: Int) { state.withLock { $0.value = max($0.value, candidate) } }
    func record(_ item: Int) { state.withLock { $0.recorded.append(item) } }
}
