import MizanCore

/// The form that creates a cycle or corrects its settings before voting opens: one field per
/// option of `mizan cycle create`, named as the command names it, grouped as a commune thinks of
/// them (the edition, its dates, the ballot, the count, the thresholds). After a refusal it comes
/// back with everything as typed and the field at fault marked.
struct CycleSettingsPage: PageModel {
    let template = "staff_cycle_settings"
    let heading: String
    let intro: String
    let staffHomeHref: String
    /// The staff page of the cycle being corrected; none when creating one.
    let staffCycleHref: [String]
    let notice: [String]
    let errorSummary: [String]
    /// Absent once voting has opened: the settings are then only shown on the cycle page.
    let mayEdit: Bool
    let action: String
    let csrf: String
    let submit: String
    let groups: [Group]

    struct Group {
        let legend: String
        let fields: [Field]
    }

    struct Field {
        let name: String
        let id: String
        let label: String
        let hint: [String]
        let value: String
        let error: [String]
        let isText: Bool
        let isDate: Bool
        let isSelect: Bool
        let isCheckbox: Bool
        let checked: Bool
        let numeric: Bool
        let options: [Option]
        let invalid: Bool
        /// The hint's and the error's ids, when there are any (a list of at most one).
        let describedBy: [String]
    }

    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    /// What a field is and which choices it offers.
    private enum Kind {
        case text, number, date, checkbox
        case select([String])
    }

    /// The form's groups and their fields, by the names `mizan cycle create` gives its options.
    /// `commune` is asked only when creating a cycle: a cycle never changes commune.
    private static let layout: [(group: String, fields: [(name: String, kind: Kind)])] = [
        ("edition", [("commune", .text), ("year", .number), ("title", .text), ("budget", .text)]),
        ("dates", [("proposals-open", .date), ("proposals-close", .date), ("voting-open", .date), ("voting-close", .date)]),
        ("ballot", [
            ("ballot", .select(["approval", "knapsack", "points", "ranked"])), ("min", .number), ("max", .number),
            ("points", .number), ("points-cap", .number), ("rank-depth", .number),
        ]),
        ("count", [
            ("rule", .select(WinnerRule.allCases.map(\.rawValue))), ("tie", .select(TieBreak.allCases.map(\.rawValue))),
            ("completion", .select(["", "none", "utilitarian", "add1", "add1e", "add1u", "add1eu"])), ("integral", .checkbox),
            ("increment", .number), ("comparison", .select(["", "none", "satisfaction", "exclusionRatio"])), ("tie-criteria", .text),
        ]),
        ("thresholds", [
            ("min-votes", .number), ("min-share", .text), ("share-of", .select(["all", "district"])), ("cost-divisor", .number),
            ("fund-next-at", .text),
        ]),
    ]

    /// Every field the form has: a refusal names one of them.
    static let fieldNames = Set(layout.flatMap { $0.fields.map(\.name) })

    /// The form's values by field name, as `CycleSettingsFields` names them on the command line.
    static func values(_ fields: CycleSettingsFields, commune: String) -> [String: String] {
        [
            "commune": commune, "year": fields.year, "title": fields.title ?? "", "budget": fields.budget, "ballot": fields.ballot,
            "min": fields.minimum ?? "", "max": fields.maximum ?? "", "points": fields.points ?? "", "points-cap": fields.pointsCap ?? "",
            "rank-depth": fields.rankDepth ?? "", "rule": fields.rule, "tie": fields.tieBreak ?? "",
            "completion": fields.equalShares.completion ?? "", "integral": fields.equalShares.integral ? "yes" : "",
            "increment": fields.equalShares.increment ?? "", "comparison": fields.equalShares.comparison ?? "",
            "tie-criteria": fields.equalShares.ties ?? "", "min-votes": fields.thresholds.minimumVotes ?? "",
            "min-share": fields.thresholds.minimumShare ?? "", "share-of": fields.thresholds.shareOf ?? "",
            "cost-divisor": fields.thresholds.costDivisor ?? "", "fund-next-at": fields.thresholds.fundNextAt ?? "",
            "proposals-open": fields.proposalsOpen ?? "", "proposals-close": fields.proposalsClose ?? "",
            "voting-open": fields.votingOpen ?? "", "voting-close": fields.votingClose ?? "",
        ]
    }

    /// The fields as a posted form holds them (every one a string; an unticked box is absent).
    static func fields(_ form: FormFields) -> CycleSettingsFields {
        CycleSettingsFields(
            year: form["year"] ?? "", title: form["title"], budget: form["budget"] ?? "", ballot: form["ballot"] ?? "",
            minimum: form["min"], maximum: form["max"], points: form["points"], pointsCap: form["points-cap"],
            rankDepth: form["rank-depth"], rule: form["rule"] ?? "", tieBreak: form["tie"],
            equalShares: EqualSharesFields(
                completion: form["completion"], integral: form["integral"] == "yes", increment: form["increment"],
                comparison: form["comparison"], ties: form["tie-criteria"]),
            thresholds: ThresholdFields(
                minimumVotes: form["min-votes"], minimumShare: form["min-share"], shareOf: form["share-of"],
                costDivisor: form["cost-divisor"], fundNextAt: form["fund-next-at"]),
            proposalsOpen: form["proposals-open"], proposalsClose: form["proposals-close"], votingOpen: form["voting-open"],
            votingClose: form["voting-close"])
    }

    /// The longest text each field takes (`maxlength`), which also bounds the body.
    static let maxLength = 200

    /// - Parameters:
    ///   - cycle: the cycle being corrected; nil when creating one.
    ///   - failure: the field at fault and the catalog key of what to say about it.
    init(
        cycle: Cycle?, values: [String: String], failure: (field: String, key: String)?, notice: String?, csrf: String,
        catalogs: Catalogs, language: Language
    ) {
        func text(_ key: String, _ values: [String: String] = [:]) -> String { catalogs.text(key, language, values) }
        heading = cycle.map { text("settings_heading_edit", ["title": $0.title]) } ?? text("settings_heading_new")
        intro = text(cycle == nil ? "settings_intro_new" : "settings_intro_edit")
        staffHomeHref = StaffController.homeHref(language)
        staffCycleHref = cycle.map { [SiteURL.staffCycle(CycleID($0.id)).href(language)] } ?? []
        self.notice = notice.map { [$0] } ?? []
        mayEdit = cycle.map { $0.phase < .voting } ?? true
        action = cycle.map { SiteURL.staffCycleSettings(CycleID($0.id)).href(language) } ?? SiteURL.staffCycleNew.href(language)
        self.csrf = csrf
        submit = text(cycle == nil ? "settings_submit_new" : "settings_submit_edit")
        errorSummary = failure.map { [text("settings_error_summary", ["field": text("settings_field_\($0.field)")])] } ?? []

        let hinted: Set<String> = [
            "commune", "budget", "min", "max", "points", "points-cap", "rank-depth", "completion", "integral", "increment",
            "comparison", "tie-criteria", "min-votes", "min-share", "share-of", "cost-divisor", "fund-next-at", "proposals-open",
        ]
        groups = Self.layout.map { group, fields in
            Group(legend: text("settings_group_\(group)"), fields: fields.filter { cycle == nil || $0.name != "commune" }.map { name, kind in
                let value = values[name] ?? ""
                let error = failure?.field == name ? [text(failure!.key)] : []
                let hint = hinted.contains(name) ? [text("settings_hint_\(name)")] : []
                var options: [Option] = []
                if case .select(let choices) = kind {
                    options = choices.map { Option(value: $0, label: text("settings_option_\(name)_\($0.isEmpty ? "default" : $0)"), selected: $0 == value) }
                }
                let id = "setting-\(name)"
                let described = (hint.isEmpty ? [] : ["\(id)-hint"]) + (error.isEmpty ? [] : ["\(id)-error"])
                var isText = false, isDate = false, isSelect = false, isCheckbox = false, numeric = false
                switch kind {
                case .text: isText = true
                case .number: (isText, numeric) = (true, true)
                case .date: isDate = true
                case .checkbox: isCheckbox = true
                case .select: isSelect = true
                }
                return Field(
                    name: name, id: id, label: text("settings_field_\(name)"), hint: hint, value: value, error: error, isText: isText,
                    isDate: isDate, isSelect: isSelect, isCheckbox: isCheckbox, checked: value == "yes", numeric: numeric, options: options,
                    invalid: !error.isEmpty, describedBy: described.isEmpty ? [] : [described.joined(separator: " ")])
            })
        }
    }

    func title(_ catalogs: Catalogs, _ language: Language) -> String { heading }
}
