import Foundation
import ArgumentParser

/// `--timing`: how long each phase took, on standard error so that benchmarks can time the
/// engine apart from reading the file while the output stays clean.
struct TimingOptions: ParsableArguments {
    @Flag(help: "Print how long reading and ranking took, on standard error (for benchmarks).")
    var timing = false

    /// Runs `body` and, with `--timing`, prints `label: N.NNN s`.
    func measure<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        if timing {
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            Terminal.error("\(label): \(String(format: "%.3f", seconds)) s")
        }
        return result
    }
}
