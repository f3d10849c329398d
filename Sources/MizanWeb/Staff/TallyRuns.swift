import Foundation
import MizanCore
import Synchronization

/// Tallies started from the staff cycle page, run off the request: a large cycle takes longer
/// than a browser or a reverse proxy waits for an answer. The page answers as soon as the tally is
/// done or after `wait`, whichever comes first, and until it is done shows that it is running and
/// how many ballots it has read; a second tally of the same cycle is refused meanwhile.
///
/// What is known here is this process's: a tally whose server stops is rolled back with its
/// transaction (nothing half-stored) and can simply be started again.
actor TallyRuns {
    enum State: Sendable {
        case running(since: Date, by: String, read: Int)
        case finished(at: Date)
        case failed(TallyError?)
    }

    private var states: [CycleID: State] = [:]

    /// How long a request waits for the tally before it answers "running".
    let wait: Duration

    init(wait: Duration = .seconds(20)) {
        self.wait = wait
    }

    func state(of cycle: CycleID) -> State? { states[cycle] }

    /// Starts the tally unless one of this cycle is running; returns its state once it ends or
    /// `wait` has passed, or nil when one was already running.
    func start(_ cycle: CycleID, by member: String, storage: any Storage) async -> State? {
        if case .running = states[cycle] { return nil }
        states[cycle] = .running(since: Date(), by: member, read: 0)
        // Counts are reported per scope (the whole commune, or each district), each as far as it got.
        let reads = Mutex<[String: Int]>([:])
        let task = Task.detached { [self] in
            let tally = TallyCycle(storage: storage) { progress in
                if case .ballotsRead(let scope, let count) = progress {
                    let total = reads.withLock { $0[scope.label] = count; return $0.values.reduce(0, +) }
                    Task { await self.read(total, cycle: cycle) }
                }
            }
            let ended: State
            do {
                _ = try await tally.execute(.init(cycle: cycle, mode: .store, actor: member))
                ended = .finished(at: Date())
            } catch {
                ended = .failed(error as? TallyError)
            }
            await self.end(cycle, ended)
        }
        _ = await firstResult(of: task, within: wait)
        return states[cycle]
    }

    private func read(_ count: Int, cycle: CycleID) {
        if case .running(let since, let by, let read) = states[cycle], count > read { states[cycle] = .running(since: since, by: by, read: count) }
    }

    private func end(_ cycle: CycleID, _ state: State) {
        states[cycle] = state
    }
}
