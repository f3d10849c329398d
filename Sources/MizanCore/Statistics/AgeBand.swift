/// Age groups for turnout statistics, by age reached in the cycle's year (the registry holds a
/// birth year, not always a birthday).
///
/// The youngest group is "up to 24" rather than "18–24" so that anyone a commune registers younger
/// (some budgets let 16-year-olds vote) is counted without adding a row that is nearly always empty
/// and withheld.
public enum AgeBand: String, CaseIterable, Sendable, Hashable, Encodable {
    case upTo24 = "0-24"
    case from25To34 = "25-34"
    case from35To44 = "35-44"
    case from45To59 = "45-59"
    case from60 = "60+"

    public init(age: Int) {
        switch age {
        case ..<25: self = .upTo24
        case 25..<35: self = .from25To34
        case 35..<45: self = .from35To44
        case 45..<60: self = .from45To59
        default: self = .from60
        }
    }

    public init(birthYear: Int, cycleYear: Int) {
        self.init(age: cycleYear - birthYear)
    }
}

/// A voter's group in a breakdown whose attribute only the registry knows (sex, age band):
/// voters with a printed code, or registered without it, are "unknown".
public enum ProfileGroup<Value: Hashable & Sendable>: Hashable, Sendable {
    case known(Value)
    case unknown
}

extension ProfileGroup: Encodable where Value: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .known(let value): try container.encode(value)
        case .unknown: try container.encode("unknown")
        }
    }
}

/// Sex as the registry records it.
public enum Sex: String, CaseIterable, Sendable, Hashable, Encodable {
    case female = "F"
    case male = "M"
}
