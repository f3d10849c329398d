import Foundation
import PBEngine
import Testing

extension HeavyEngineSuites {
    /// Our winners against those pabutools 1.2.3 computed (exact fractions) on real Pabulib
    /// elections, for every rule key of the reference set. The reference files live in
    /// `../shared/pabulib/golden`; without them these tests are skipped.
    @Suite("Conformance with pabutools on real elections")
    struct GoldenConformanceTests {
        static let instances: [String] = {
            guard let golden = SharedData.golden else { return [] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: golden.path)) ?? []
            return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        }()

        @Test(
            "winners equal pabutools' for every rule", .enabled(if: SharedData.golden != nil, "../shared/pabulib absent: skipped"),
            arguments: instances)
        func winnersMatch(_ name: String) throws {
            let golden = try #require(
                JSONSerialization.jsonObject(with: Data(contentsOf: SharedData.golden!.appendingPathComponent("\(name).json")))
                    as? [String: Any])
            let bytes = try Data(contentsOf: SharedData.pabulib!.appendingPathComponent("\(name).pb"))
            let document = try PabulibReader.read(bytes)
            let rules = try #require(golden["rules"] as? [String: [String: Any]])
            for (key, expected) in rules.sorted(by: { $0.key < $1.key }) {
                guard expected["status"] as? String == "ok", let winners = expected["winners"] as? [String] else { continue }
                let rule = try #require(Rule(key: key), "unknown rule key \(key)")
                let outcome = rule.apply(to: document.instance, profile: document.profile)
                let ours = outcome.selected.map { document.instance.projects[$0].id }
                if case .maxWelfare = rule {
                    // The optimum is not unique: compare the welfare reached, and feasibility.
                    // Costs are scaled to whole units of 10^-scale (Kraków's 1404775.68 has scale 2).
                    var unit = 1
                    if case .maxWelfare(.cost) = rule { for _ in 0..<document.instance.scale { unit *= 10 } }
                    let welfare = try #require(expected["welfare"] as? Int)
                    #expect(outcome.welfare == Int128(welfare * unit), "\(name) \(key): welfare")
                    #expect(outcome.cost <= document.instance.budget, "\(name) \(key): over budget")
                } else {
                    #expect(Set(ours) == Set(winners), "\(name) \(key): ours \(ours.sorted()) vs pabutools \(winners.sorted())")
                }
            }
        }
    }
}
