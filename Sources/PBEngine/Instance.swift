/// A project on the ballot. Costs are integers in the instance's unit (see `Instance.scale`).
public struct Project: Hashable, Sendable {
    public let id: String
    public let cost: Int
    public let name: String
    public let categories: [String]
    public let district: String?

    public init(id: String, cost: Int, name: String = "", categories: [String] = [], district: String? = nil) {
        self.id = id
        self.cost = cost
        self.name = name
        self.categories = categories
        self.district = district
    }
}

/// What is being decided: the projects and the budget.
///
/// Money is an integer count of `10^-scale` units of the currency, so decimal budgets such as
/// `1404775.68` are exact (scale 2). Project ids are kept exactly as written.
public struct Instance: Sendable {
    public var projects: [Project]
    public var budget: Int
    public var scale: Int
    /// The file's META section, in order.
    public var meta: [(key: String, value: String)]

    public init(projects: [Project], budget: Int, scale: Int = 0, meta: [(key: String, value: String)] = []) {
        self.projects = projects
        self.budget = budget
        self.scale = scale
        self.meta = meta
    }

    public func metaValue(_ key: String) -> String? { meta.first { $0.key == key }?.value }

    /// An amount in the currency's own units, e.g. `1404775.68`.
    public func format(_ amount: Int) -> String {
        guard scale > 0 else { return String(amount) }
        var power = 1
        for _ in 0..<scale { power *= 10 }
        let whole = amount / power, fraction = abs(amount % power)
        var digits = String(fraction)
        while digits.count < scale { digits = "0" + digits }
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits.isEmpty ? String(whole) : "\(whole).\(digits)"
    }
}

/// Project ids compared the way pabutools compares them: by Unicode code points (so "10" < "9").
func idPrecedes(_ a: String, _ b: String) -> Bool {
    a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
}
