import Synchronization

/// The task's result if it ends within `wait`, else nil; the task goes on either way, for a page
/// that answers "still working" rather than keep its visitor waiting. (A task group would wait for
/// both children: awaiting a task's value does not stop when cancelled.)
func firstResult<Success: Sendable, Failure: Error>(of task: Task<Success, Failure>, within wait: Duration) async -> Result<Success, Failure>? {
    await withCheckedContinuation { (continuation: CheckedContinuation<Result<Success, Failure>?, Never>) in
        let once = Once()
        Task {
            let result = await task.result
            if once.claim() { continuation.resume(returning: result) }
        }
        Task {
            try? await Task.sleep(for: wait)
            if once.claim() { continuation.resume(returning: nil) }
        }
    }
}

/// True for the first caller only: whichever of the result and the timer comes first answers.
private final class Once: Sendable {
    private let done = Mutex(false)

    func claim() -> Bool {
        done.withLock { done in
            defer { done = true }
            return !done
        }
    }
}
