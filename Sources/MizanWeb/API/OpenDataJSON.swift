import MizanCore

/// The open-data records as the JSON objects `openapi.json` describes, field for field.

extension OpenData.Place {
    var json: JSONValue { .object(JSONValue.name(name).merging(["code": .string(code)]) { $1 }) }
}

extension OpenData.CommuneRecord {
    var json: JSONValue {
        .object(JSONValue.name(name).merging([
            "code": .string(code), "kind": .string(kind), "population": .int(population), "households": .optional(households),
            "province": province.json, "region": region.json,
        ]) { $1 })
    }
}

extension OpenData.CycleRecord {
    var json: JSONValue {
        [
            "id": .int(id), "commune": commune.json, "year": .int(year), "title": .string(title), "budget": .money(budget),
            "phase": .string(phase),
            "phases": .array(phases.map { entry -> JSONValue in ["phase": .string(entry.phase), "entered_at": .string(entry.enteredAt)] }),
            "ballot": [
                "kind": .string(ballotKind), "min_choices": .optional(minChoices), "max_choices": .optional(maxChoices),
                "points_total": .optional(pointsTotal), "points_cap": .optional(pointsCap), "rank_depth": .optional(rankDepth),
            ],
            "rule": .string(rule), "tie_break": .string(tieBreak),
        ]
    }
}

extension OpenData.ProjectRecord {
    var json: JSONValue {
        [
            "id": .int(id), "cycle_id": .int(cycleID), "title": .string(title), "description": .string(description),
            "category": .string(category), "district": district.map { JSONValue.object(JSONValue.name($0)) } ?? .null,
            "location": .optional(location), "status": .string(status), "estimated_cost": .money(estimatedCost),
            "official_cost": officialCost.map(JSONValue.money) ?? .null, "official_answer": .optional(officialAnswer),
            "funded": .optional(funded),
        ]
    }
}

extension OpenData.OutcomeScope {
    var json: JSONValue {
        [
            "tally_id": .int(tallyID), "district": district.map { JSONValue.object(JSONValue.name($0)) } ?? .null,
            "rule": .string(rule), "tie_break": .string(tieBreak), "engine_version": .string(engineVersion),
            "pb_sha256": .string(pbSHA256), "budget": .money(budget), "spent": .money(spent), "voters": .int(voters),
            "computed_at": .string(computedAt), "published_at": .string(publishedAt),
            "projects": .array(projects.map(\.json)),
        ]
    }
}

extension OpenData.OutcomeProject {
    var json: JSONValue {
        [
            "project_id": .int(projectID), "title": .string(title), "category": .string(category), "cost": .money(cost),
            "supporters": .int(supporters), "score": .integer(score), "funded": .bool(funded), "round": .optional(round),
            "decision": .string(decision),
        ]
    }
}

extension OpenData.ImplementationUpdateRecord {
    var json: JSONValue {
        [
            "id": .int(id), "project_id": .int(projectID), "project_title": .string(projectTitle), "status": .string(status),
            "progress_percent": .int(progressPercent), "spent": .money(spent), "note": .optional(note),
            "recorded_at": .string(recordedAt), "reached_on": .optional(reachedOn), "link": .optional(link),
        ]
    }
}

extension OpenData.TurnoutRecord {
    /// The share only when it means something: with paper ballots or printed codes beyond the
    /// registry, ballots can exceed it, and then only the counts are given.
    var json: JSONValue {
        let turnout: JSONValue =
            registered > 0 && ballots <= registered
            ? .number((Double(ballots) / Double(registered) * 10_000).rounded() / 10_000) : .null
        return [
            "district": district.map { JSONValue.object(JSONValue.name($0)) } ?? .null, "ballots": .int(ballots),
            "registry_size": .int(registered), "turnout": turnout,
        ]
    }
}
