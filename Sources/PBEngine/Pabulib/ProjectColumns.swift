/// The project columns that have a meaning of their own: `name`, `category` (or `categories`)
/// and `district`. The writer uses the same reading to decide whether a stored column value
/// still says what the `Project` says.
struct ProjectColumns: Equatable {
    var name: String
    var categories: [String]
    var district: String?

    /// pabutools treats a value of `None` (any case) as no value, and a category list as
    /// comma-separated, each entry trimmed.
    init(name: String?, category: String?, district: String?) {
        self.name = name.flatMap(Self.present) ?? ""
        self.categories = category.flatMap(Self.present).map { list in
            list.split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
        } ?? []
        self.district = district.flatMap(Self.present)
    }

    init(_ project: Project) {
        name = project.name
        categories = project.categories
        district = project.district
    }

    private static func present(_ value: String) -> String? {
        value.isEmpty || value.lowercased() == "none" ? nil : value
    }
}

extension Substring {
    /// Without spaces and tabs around it (PBEngine has no Foundation for `trimmingCharacters`).
    func trimmingBlanks() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }), let last = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[first...last])
    }
}
