import OrderCore
import Testing

/// The rule of docs/contract.md §2, "Sources in conflict" (VersionRule), and SOURCE_PRIORITY's parsing.
@Suite struct VersionRuleTests {
    let t1 = "2025-08-08T10:00:00.000Z"
    let t2 = "2025-08-08T11:00:00.000Z"

    @Test func theSameEventAgainIsNotStoredAndIsNoConflict() {
        for stored in [
            VersionRule.Stored(source: "api", updatedAt: t1, sameContent: true),
            VersionRule.Stored(source: "shopify", updatedAt: t1, sameContent: false),
        ] {
            let decision = VersionRule.decide(
                source: "shopify", updatedAt: t1, atSameTime: stored, latest: nil, priority: .standard)
            #expect(!decision.store)
            #expect(decision.conflict == nil)
        }
    }

    @Test func anotherSourceAtTheSameTimeIsSettledByPriority() {
        let stored = VersionRule.Stored(source: "api", updatedAt: t1, sameContent: false)
        let wins = VersionRule.decide(source: "shopify", updatedAt: t1, atSameTime: stored, latest: nil, priority: .standard)
        #expect(wins.store)
        #expect(wins.conflict?.kind == "same_time" && wins.conflict?.winner == "shopify" && wins.conflict?.loser == "api")
        #expect(wins.conflict?.resolution == "priority")
        let loses = VersionRule.decide(
            source: "api", updatedAt: t1, atSameTime: VersionRule.Stored(source: "debezium", updatedAt: t1, sameContent: false),
            latest: nil, priority: .standard)
        #expect(!loses.store)
        #expect(loses.conflict?.winner == "debezium" && loses.conflict?.loser == "api")
        // Two unlisted sources rank alike: the version stored first stands.
        let alike = VersionRule.decide(
            source: "zoho", updatedAt: t1, atSameTime: VersionRule.Stored(source: "erp", updatedAt: t1, sameContent: false),
            latest: nil, priority: .standard)
        #expect(!alike.store)
        #expect(alike.conflict?.resolution == "first_stored" && alike.conflict?.winner == "erp")
    }

    @Test func aLateVersionFromAnotherSourceGoesToHistoryAndIsLogged() {
        let latest = VersionRule.Stored(source: "shopify", updatedAt: t2, sameContent: false)
        let late = VersionRule.decide(source: "api", updatedAt: t1, atSameTime: nil, latest: latest, priority: .standard)
        #expect(late.store)
        #expect(late.conflict?.kind == "late" && late.conflict?.winner == "shopify" && late.conflict?.loser == "api")
        #expect(late.conflict?.resolution == "kept_in_history" && late.conflict?.winnerTime == t2)
        // The same source's older version is its own history, no conflict; a newer one none either.
        let own = VersionRule.decide(source: "shopify", updatedAt: t1, atSameTime: nil, latest: latest, priority: .standard)
        #expect(own.store && own.conflict == nil)
        let newer = VersionRule.decide(
            source: "api", updatedAt: "2025-08-09T00:00:00.000Z", atSameTime: nil, latest: latest, priority: .standard)
        #expect(newer.store && newer.conflict == nil)
        // Equal to the latest: unchanged.
        let same = VersionRule.decide(
            source: "api", updatedAt: t1, atSameTime: nil,
            latest: VersionRule.Stored(source: "shopify", updatedAt: t2, sameContent: true), priority: .standard)
        #expect(!same.store && same.conflict == nil)
    }

    @Test func sourcePriorityParsesAndRanks() throws {
        let priority = try SourcePriority(" woocommerce , api ")
        #expect(priority.sources == ["woocommerce", "api"])
        #expect(priority.rank("woocommerce") == 0 && priority.rank("api") == 1 && priority.rank("shopify") == 2)
        #expect(try SourcePriority.configured([:]) == .standard)
        #expect(try SourcePriority.configured(["SOURCE_PRIORITY": "api"]).sources == ["api"])
        for bad in ["", ",", "api,,shopify", "api,api", "Shopify", "api;drop", String(repeating: "a", count: 65)] {
            #expect(throws: ChangeEventError.self, "\(bad)") { try SourcePriority(bad) }
        }
    }
}
