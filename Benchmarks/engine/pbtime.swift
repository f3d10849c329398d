import Foundation
import PBEngine

// Usage: pbtime FILE [RULE] — RULE a rule key or `meta` (the rule the file's META names); reads FILE with PabulibReader (1 MiB chunks, as `mizan pb rank`
// does), ranks it with RULE (default mes), prints timings on stderr and the outcome as JSON.
let args = CommandLine.arguments
let path = args[1]
let ruleKey = args.count > 2 ? args[2] : "mes"
let clock = ContinuousClock()
let t0 = clock.now
let handle = FileHandle(forReadingAtPath: path)!
var reader = PabulibReader()
while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
    try chunk.withUnsafeBytes { try reader.consume($0) }
}
let document = try reader.finish()
let instance = document.instance, profile = document.profile
let t1 = clock.now
// `meta`: the rule the file's META names, as `mizan pb rank --rule meta` runs it.
let meta = ruleKey == "meta" ? try MetaRule(document) : nil
let rule = meta?.rule ?? Rule(key: ruleKey)!
let outcome = meta?.apply(to: document) ?? rule.apply(to: instance, profile: profile, tieBreaking: .lexicographic, eligibility: .none)
let t2 = clock.now
func seconds(_ d: Duration) -> String { String(format: "%.3f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) }
FileHandle.standardError.write("read \(seconds(t1 - t0)) s, rank \(seconds(t2 - t1)) s, groups \(profile.groups.count)\n".data(using: .utf8)!)
let ids = outcome.selected.map { "\"\(instance.projects[$0].id)\"" }.joined(separator: ",")
print("{\"rule\":\"\(rule.key)\",\"selected\":[\(ids)],\"cost\":\(outcome.cost),\"budget\":\(instance.budget),\"budget_per_voter\":\"\(outcome.budgetPerVoter?.description ?? "")\",\"rounds\":\(outcome.trace.map(\.round).max() ?? 0)}")
